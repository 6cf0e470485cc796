internal import COpenBLAS

/// Convolutions on NHWC activations that `PointwiseGEMM` does not take (the planner sends it every
/// ungrouped layer whose output channels are a multiple of 8): 1×1 by sgemm over row blocks, k×k and
/// grouped by im2col per image + sgemm, depthwise by a dedicated SIMD kernel; bias and activation fused.
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
            pointwise(layer, rows: g.batch * pixels, inChannels: g.inChannels, weights: weights, bias: bias,
                      input: input, output: output, threads: threads)
            return
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

    /// A 1×1 convolution as row blocks, each worker thread running a single-threaded sgemm on its
    /// block and then bias and activation while the block is still in cache. One big multi-threaded
    /// sgemm followed by a separate epilogue pass spent a tenth of the time zeroing the output
    /// (`beta = 0`) and more in OpenBLAS's threads yielding to ours; seeding the block with the bias
    /// and using `beta = 1` removes the zeroing pass.
    static func pointwise(_ layer: ConvLayer, rows: Int, inChannels ic: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let oc = layer.outChannels
        // About 256 KB of output per block: big enough that packing the weights is a few percent of
        // the multiply-adds, small enough to stay in L2 for the epilogue.
        let block = max(16, min(rows, 65_536 / max(1, oc)))
        let blocks = (rows + block - 1) / block
        let input = SendableConstPointer(input), output = SendablePointer(output)
        let weights = SendableConstPointer(weights), bias = SendableConstPointer(bias)
        let activation = layer.activation
        // With one thread the caller already runs sgemm single-threaded; image-parallel lanes call this
        // concurrently, and a save-and-restore of OpenBLAS's global thread count would race between them.
        let previous = threads > 1 ? openblas_get_num_threads() : 1
        if threads > 1 { openblas_set_num_threads(1) }
        defer { if threads > 1 { openblas_set_num_threads(previous) } }
        Parallel.forEach(blocks, threads: threads) { range in
            for index in range {
                let first = index * block
                let count = min(block, rows - first)
                let target = output.pointer + first * oc
                for row in 0..<count { (target + row * oc).update(from: bias.pointer, count: oc) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(oc), Int32(ic),
                            1, input.pointer + first * ic, Int32(ic), weights.pointer, Int32(ic), 1, target, Int32(oc))
                Epilogue.apply(target, rows: count, channels: oc, scale: nil, shift: nil, activation: activation, threads: 1)
            }
        }
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
                                let source = image.pointer + (iy * g.width + ix) * g.inChannels + channelOffset
                                if channels == 3 {
                                    // The RGB stem: three floats, not a memmove call per tap.
                                    row[0] = source[0]; row[1] = source[1]; row[2] = source[2]
                                } else {
                                    row.update(from: source, count: channels)
                                }
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
