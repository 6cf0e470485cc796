/// Input and output sizes of a 2-D window operation (convolution or pooling) in NHWC.
struct SpatialGeometry: Sendable {
    var batch: Int
    var height: Int
    var width: Int
    var inChannels: Int
    var outHeight: Int
    var outWidth: Int
    var outChannels: Int
    var kernel: (h: Int, w: Int)
    var strides: (h: Int, w: Int)
    var dilations: (h: Int, w: Int)
    var padTop: Int
    var padLeft: Int
    /// Pads actually used at the far edges, for average pooling's divisor.
    var padBottom: Int
    var padRight: Int

    /// Resolves output size and padding the way ONNX defines auto_pad, pads and ceil_mode.
    init(batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: (h: Int, w: Int),
         strides: (h: Int, w: Int), dilations: (h: Int, w: Int), pads: (top: Int, left: Int, bottom: Int, right: Int),
         autoPad: String, ceilMode: Bool, label: String) throws {
        self.batch = batch
        self.height = height
        self.width = width
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        func axis(_ size: Int, _ k: Int, _ s: Int, _ d: Int, _ begin: Int, _ end: Int) -> (out: Int, begin: Int, end: Int) {
            let extent = (k - 1) * d + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                let out = (size + s - 1) / s
                let total = max(0, (out - 1) * s + extent - size)
                let small = total / 2
                return autoPad == "SAME_UPPER" ? (out, small, total - small) : (out, total - small, small)
            case "VALID":
                return ((size - extent) / s + 1, 0, 0)
            default:
                let span = size + begin + end - extent
                var out = (ceilMode ? (span + s - 1) / s : span / s) + 1
                // ONNX/PyTorch ceil_mode: the last window must start inside the input or left padding.
                if ceilMode && (out - 1) * s >= size + begin { out -= 1 }
                return (out, begin, end)
            }
        }
        let y = axis(height, kernel.h, strides.h, dilations.h, pads.top, pads.bottom)
        let x = axis(width, kernel.w, strides.w, dilations.w, pads.left, pads.right)
        guard y.out >= 1, x.out >= 1, height + y.begin + y.end >= (kernel.h - 1) * dilations.h + 1 || ceilMode,
              width + x.begin + x.end >= (kernel.w - 1) * dilations.w + 1 || ceilMode else {
            throw InferenceError(.shapeMismatch, "The \(label) gets a \(height)×\(width) input, smaller than its \(kernel.h)×\(kernel.w) window.")
        }
        outHeight = y.out
        outWidth = x.out
        padTop = y.begin
        padLeft = x.begin
        padBottom = y.end
        padRight = x.end
    }
}
