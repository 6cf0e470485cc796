internal import COpenBLAS

/// Convolutions on NHWC activations: 1×1 as one sgemm over the whole batch, k×k and grouped by
/// im2col per image + sgemm, depthwise by a dedicated SIMD kernel; bias and activation fused.
enum Convolution {
    /// Scratch floats the im2col path needs for one image.
    static func scratchCount(_ layer: ConvLayer, _ g: SpatialGeometry) -> Int {
        if layer.isDepthwise || isPointwise(layer, g) { return 0 }
        return g.outHeight * g.outWidth * layer.kernel.h * layer.kernel.w * (layer.inChannels / layer.groups)
    }

    static func isPointwise(_ layer: ConvLayer, _ g: SpatialGeometry) -> Bool {
        layer.kernel == (1, 1) && layer.strides == (1, 1) && layer.groups == 1 && g.padTop == 0 && g.padLeft == 0
            && g.outHeight == g.height && g.outWidth == g.width
    }

    static func run(_ layer: ConvLayer, _ g: SpatialGeometry, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, threads: Int) {
        if layer.isDepthwise {
            Depthwise.run(layer, g, weights: weights, bias: bias, input: input, output: output, threads: threads)
            return
        }
        let oc = layer.outChannels
        let pixels = g.outHeight * g.outWidth
        if isPointwise(layer, g) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(g.batch * pixels), Int32(oc), Int32(g.inChannels),
                        1, input, Int32(g.inChannels), weights, Int32(g.inChannels), 0, output, Int32(oc))
        } else {
            let groups = layer.groups
            let cig = layer.inChannels / groups
            let cog = oc / groups
            let depth = layer.kernel.h * layer.kernel.w * cig
            for n in 0..<g.batch {
                for group in 0..<groups {
                    im2col(g, image: input + n * g.height * g.width * g.inChannels, channelOffset: group * cig, channels: cig,
                           into: scratch, threads: threads)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(pixels), Int32(cog), Int32(depth),
                                1, scratch, Int32(depth), weights + group * cog * depth, Int32(depth), 0,
                                output + n * pixels * oc + group * cog, Int32(oc))
                }
            }
        }
        Epilogue.apply(output, rows: g.batch * pixels, channels: oc, scale: nil, shift: bias, activation: layer.activation, threads: threads)
    }

    /// Rows are output pixels, columns (ky, kx, channel): each tap is one contiguous channel copy.
    static func im2col(_ g: SpatialGeometry, image: UnsafePointer<Float>, channelOffset: Int, channels: Int,
                       into scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let (kh, kw) = g.kernel
        let depth = kh * kw * channels
        let image = SendableConstPointer(image)
        let scratch = SendablePointer(scratch)
        Parallel.forEach(g.outHeight, threads: threads, minimumPerThread: 4) { rows in
            for oy in rows {
                for ox in 0..<g.outWidth {
                    var row = scratch.pointer + (oy * g.outWidth + ox) * depth
                    for ky in 0..<kh {
                        let iy = oy * g.strides.h - g.padTop + ky * g.dilations.h
                        for kx in 0..<kw {
                            let ix = ox * g.strides.w - g.padLeft + kx * g.dilations.w
                            if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                                row.update(from: image.pointer + (iy * g.width + ix) * g.inChannels + channelOffset, count: channels)
                            } else {
                                row.update(repeating: 0, count: channels)
                            }
                            row += channels
                        }
                    }
                }
            }
        }
    }
}
