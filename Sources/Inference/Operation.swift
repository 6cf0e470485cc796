/// An activation applied element-wise, fused into the producing kernel where possible.
enum Activation: Sendable, Equatable {
    case none
    case relu
    case clip(Float, Float)
    case sigmoid
}

/// A convolution with weights rearranged for NHWC kernels and BatchNormalization already folded in.
struct ConvLayer: Sendable {
    var inChannels: Int
    var outChannels: Int
    var groups: Int
    var kernel: (h: Int, w: Int)
    var strides: (h: Int, w: Int)
    var dilations: (h: Int, w: Int)
    /// Explicit pads (top, left, bottom, right); ignored when `autoPad` computes them.
    var pads: (top: Int, left: Int, bottom: Int, right: Int)
    var autoPad: String
    /// ONNX layout [Cout][Cin/groups][kh][kw] until `rearrangeWeights()`, then the kernel's layout.
    var weights: [Float]
    var bias: [Float]
    var activation: Activation = .none
    /// Whether `weights` already holds the kernel's layout.
    private(set) var weightsRearranged = false
    /// Weights packed for `PointwiseGEMM`, made with the rearrangement.
    private(set) var packedPointwise: [Float]?

    /// One filter per channel: runs on the vectorised depthwise kernel rather than sgemm.
    var isDepthwise: Bool { groups == inChannels && outChannels == inChannels && groups > 1 }

    /// Scales each output channel's filter and bias (BatchNormalization folding).
    mutating func fold(scale: [Float], shift: [Float]) {
        assert(!weightsRearranged, "BatchNormalization is folded before the weights are rearranged")
        let perChannel = weights.count / outChannels
        weights.withUnsafeMutableBufferPointer { w in
            for o in 0..<outChannels {
                let factor = scale[o]
                for i in o * perChannel..<(o + 1) * perChannel { w[i] *= factor }
                bias[o] = bias[o] * factor + shift[o]
            }
        }
    }

    /// The weights in the kernel's layout, shared by every plan of the network.
    var kernelWeights: [Float] { weightsRearranged ? weights : rearranged() }

    /// The weights in `PointwiseGEMM`'s panels, or nil when the layer does not suit them. A 1×1
    /// layer multiplies its input rows directly; a k×k layer (one group) multiplies its im2col rows,
    /// whose length is kh × kw × Cin, the inner dimension of `[Cout][kh][kw][Cin]`.
    var pointwisePanels: [Float]? {
        if let packedPointwise { return packedPointwise }
        guard groups == 1, !isDepthwise, PointwiseGEMM.supports(outChannels: outChannels) else { return nil }
        return PointwiseGEMM.pack(kernelWeights, outChannels: outChannels, inChannels: kernel.h * kernel.w * inChannels)
    }

    /// Puts the weights in the kernel's layout once, when the graph is compiled, so that each session
    /// (and each planning pass) shares one array instead of building its own copy.
    mutating func rearrangeWeights() {
        guard !weightsRearranged else { return }
        weights = rearranged()
        weightsRearranged = true
        packedPointwise = pointwisePanels
    }

    /// Reorders weights once: depthwise [kh][kw][C]; otherwise [Cout][kh][kw][Cin/groups], which
    /// matches the NHWC im2col row order so sgemm consumes them directly.
    func rearranged() -> [Float] {
        let (kh, kw) = kernel
        let cig = inChannels / groups
        // 1×1 (not depthwise): [Cout][Cin/groups][1][1] already is [Cout][1][1][Cin/groups].
        if kh == 1 && kw == 1 && !isDepthwise { return weights }
        var out = [Float](repeating: 0, count: weights.count)
        if isDepthwise {
            for c in 0..<outChannels {
                for y in 0..<kh { for x in 0..<kw { out[(y * kw + x) * outChannels + c] = weights[(c * kh + y) * kw + x] } }
            }
        } else {
            for o in 0..<outChannels {
                for i in 0..<cig {
                    for y in 0..<kh {
                        for x in 0..<kw {
                            out[((o * kh + y) * kw + x) * cig + i] = weights[((o * cig + i) * kh + y) * kw + x]
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Pooling geometry shared by MaxPool and AveragePool.
struct PoolLayer: Sendable {
    var isMax: Bool
    var kernel: (h: Int, w: Int)
    var strides: (h: Int, w: Int)
    var pads: (top: Int, left: Int, bottom: Int, right: Int)
    var autoPad: String
    var ceilMode: Bool
    var countIncludePad: Bool
}

/// One executable operation of the compiled graph, independent of the batch size.
enum Operation: Sendable {
    case conv(ConvLayer)
    case affine(scale: [Float], shift: [Float], activation: Activation)
    case activation(Activation)
    case binary(BinaryKind)
    case pool(PoolLayer)
    case globalAveragePool
    case gemm(transA: Bool, transB: Bool, alpha: Float, beta: Float, activation: Activation)
    case matMul
    case flatten(axis: Int)
    case reshape(shape: [Int], allowZero: Bool)
    case concat(axis: Int)
    case softmax(axis: Int, legacy: Bool)
    case identity
    case pad(pads: [Int], value: Float)
    case reduceMean(axes: [Int]?, keepDims: Bool)
}

/// Element-wise binary operators with NumPy broadcasting.
enum BinaryKind: Sendable {
    case add, sub, mul, div
}

/// An operation with its input and output value names.
struct Step: Sendable {
    var operation: Operation
    var inputs: [String]
    var outputs: [String]
    var label: String
}
