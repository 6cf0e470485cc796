/// Depthwise convolution on NHWC: every output pixel accumulates k×k taps of contiguous channel
/// vectors, so the channel dimension is the SIMD dimension and bias plus activation are applied in registers.
enum Depthwise {
    static func run(_ layer: ConvLayer, _ g: SpatialGeometry, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        switch layer.activation {
        case .none: run(g, weights, bias, input, output, threads, IdentityActivation())
        case .relu: run(g, weights, bias, input, output, threads, ReluActivation())
        case .clip(let low, let high): run(g, weights, bias, input, output, threads, ClipActivation(low: low, high: high))
        case .sigmoid: run(g, weights, bias, input, output, threads, SigmoidActivation())
        }
    }

    private static func run<A: ActivationKernel>(_ g: SpatialGeometry, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                                                 _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                                                 _ threads: Int, _ act: A) {
        let weights = SendableConstPointer(weights)
        let bias = SendableConstPointer(bias)
        let input = SendableConstPointer(input)
        let output = SendablePointer(output)
        let channels = g.inChannels
        // Output columns whose every horizontal tap is inside the row.
        let interior = interiorColumns(g)
        Parallel.forEach(g.batch * g.outHeight, threads: threads) { rows in
            for rowIndex in rows {
                let n = rowIndex / g.outHeight
                let oy = rowIndex % g.outHeight
                let iy0 = oy * g.strides.h - g.padTop
                let kyStart = iy0 >= 0 ? 0 : (-iy0 + g.dilations.h - 1) / g.dilations.h
                let kyEnd = min(g.kernel.h, (g.height - iy0 + g.dilations.h - 1) / g.dilations.h)
                let image = input.pointer + n * g.height * g.width * channels
                let row = output.pointer + rowIndex * g.outWidth * channels
                let kys = kyStart..<max(kyStart, kyEnd)
                // Border pixels (and rows too narrow for a block) take the per-pixel path with clipped taps;
                // the interior runs in blocks of four, the last block overlapping the previous one (those
                // pixels are computed twice, identically).
                let blocked = interior.count >= 4 && channels % 8 == 0 ? interior : interior.lowerBound..<interior.lowerBound
                for ox in 0..<blocked.lowerBound {
                    pixel(g, image: image, row: row, ox: ox, iy0: iy0, ky: kys, weights: weights.pointer, bias: bias.pointer, act)
                }
                var ox = blocked.lowerBound
                while ox < blocked.upperBound {
                    let start = min(ox, blocked.upperBound - 4)
                    blocked4(g, image: image, row: row, ox: start, iy0: iy0, ky: kys, weights: weights.pointer, bias: bias.pointer, act)
                    ox = start + 4
                }
                for ox in blocked.upperBound..<g.outWidth {
                    pixel(g, image: image, row: row, ox: ox, iy0: iy0, ky: kys, weights: weights.pointer, bias: bias.pointer, act)
                }
            }
        }
    }

    /// Output columns `ox` whose taps `ix0 + kx * dilation` all fall inside the input row.
    static func interiorColumns(_ g: SpatialGeometry) -> Range<Int> {
        let first = (g.padLeft + g.strides.w - 1) / g.strides.w
        let span = (g.kernel.w - 1) * g.dilations.w
        // ox * stride - padLeft + span <= width - 1
        let limit = g.width - 1 - span + g.padLeft
        let last = limit < 0 ? -1 : limit / g.strides.w
        let end = min(g.outWidth, last + 1)
        return first < end ? first..<end : 0..<0
    }

    /// Four horizontally adjacent output pixels whose horizontal taps are all inside the row: each weight
    /// vector is loaded once for the four, and the products are fused multiply-adds.
    @inline(__always)
    private static func blocked4<A: ActivationKernel>(
        _ g: SpatialGeometry, image: UnsafePointer<Float>, row: UnsafeMutablePointer<Float>, ox: Int, iy0: Int, ky kys: Range<Int>,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, _ act: A
    ) {
        let channels = g.inChannels
        let step = g.strides.w &* channels
        let tapStep = g.dilations.w &* channels
        let kw = g.kernel.w
        let ix0 = ox &* g.strides.w &- g.padLeft
        let out = row + (ox &* channels)
        var c = 0
        while c &+ 16 <= channels {
            let b = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD16<Float>.self)
            var a0 = b, a1 = b, a2 = b, a3 = b
            for ky in kys {
                var x = image + (((iy0 &+ ky &* g.dilations.h) &* g.width &+ ix0) &* channels &+ c)
                var w = weights + (ky &* kw &* channels &+ c)
                for _ in 0..<kw {
                    let wv = UnsafeRawPointer(w).loadUnaligned(as: SIMD16<Float>.self)
                    let x0 = UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self)
                    let x1 = UnsafeRawPointer(x + step).loadUnaligned(as: SIMD16<Float>.self)
                    let x2 = UnsafeRawPointer(x + 2 &* step).loadUnaligned(as: SIMD16<Float>.self)
                    let x3 = UnsafeRawPointer(x + 3 &* step).loadUnaligned(as: SIMD16<Float>.self)
                    a0 = a0.addingProduct(x0, wv)
                    a1 = a1.addingProduct(x1, wv)
                    a2 = a2.addingProduct(x2, wv)
                    a3 = a3.addingProduct(x3, wv)
                    x += tapStep
                    w += channels
                }
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: SIMD16(lowHalf: act(a0.lowHalf), highHalf: act(a0.highHalf)), as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + (channels &+ c)).storeBytes(of: SIMD16(lowHalf: act(a1.lowHalf), highHalf: act(a1.highHalf)), as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + (2 &* channels &+ c)).storeBytes(of: SIMD16(lowHalf: act(a2.lowHalf), highHalf: act(a2.highHalf)), as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + (3 &* channels &+ c)).storeBytes(of: SIMD16(lowHalf: act(a3.lowHalf), highHalf: act(a3.highHalf)), as: SIMD16<Float>.self)
            c &+= 16
        }
        while c &+ 8 <= channels {
            let b = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD8<Float>.self)
            var a0 = b, a1 = b, a2 = b, a3 = b
            for ky in kys {
                var x = image + (((iy0 &+ ky &* g.dilations.h) &* g.width &+ ix0) &* channels &+ c)
                var w = weights + (ky &* kw &* channels &+ c)
                for _ in 0..<kw {
                    let wv = UnsafeRawPointer(w).loadUnaligned(as: SIMD8<Float>.self)
                    let x0 = UnsafeRawPointer(x).loadUnaligned(as: SIMD8<Float>.self)
                    let x1 = UnsafeRawPointer(x + step).loadUnaligned(as: SIMD8<Float>.self)
                    let x2 = UnsafeRawPointer(x + 2 &* step).loadUnaligned(as: SIMD8<Float>.self)
                    let x3 = UnsafeRawPointer(x + 3 &* step).loadUnaligned(as: SIMD8<Float>.self)
                    a0 = a0.addingProduct(x0, wv)
                    a1 = a1.addingProduct(x1, wv)
                    a2 = a2.addingProduct(x2, wv)
                    a3 = a3.addingProduct(x3, wv)
                    x += tapStep
                    w += channels
                }
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: act(a0), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + channels + c).storeBytes(of: act(a1), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + 2 &* channels + c).storeBytes(of: act(a2), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + 3 &* channels + c).storeBytes(of: act(a3), as: SIMD8<Float>.self)
            c &+= 8
        }
    }

    @inline(__always)
    private static func store<A: ActivationKernel>(_ act: A, _ value: SIMD16<Float>, _ target: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(target).storeBytes(of: SIMD16(lowHalf: act(value.lowHalf), highHalf: act(value.highHalf)), as: SIMD16<Float>.self)
    }

    /// One output pixel, taps clipped to the image (the borders, and channel counts not a multiple of 8).
    @inline(__always)
    private static func pixel<A: ActivationKernel>(_ g: SpatialGeometry, image: UnsafePointer<Float>, row: UnsafeMutablePointer<Float>,
                                                   ox: Int, iy0: Int, ky kys: Range<Int>, weights: UnsafePointer<Float>,
                                                   bias: UnsafePointer<Float>, _ act: A) {
        let channels = g.inChannels
        let ix0 = ox * g.strides.w - g.padLeft
        let kxStart = ix0 >= 0 ? 0 : (-ix0 + g.dilations.w - 1) / g.dilations.w
        let kxEnd = max(kxStart, min(g.kernel.w, (g.width - ix0 + g.dilations.w - 1) / g.dilations.w))
        let out = row + ox * channels
        var c = 0
        // Four independent accumulators per step, so the multiply-adds overlap instead of each waiting
        // for the previous one (border pixels of small maps, e.g. 5×5 on 7×7, are over half the row).
        while c + 64 <= channels {
            var a0 = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD16<Float>.self)
            var a1 = UnsafeRawPointer(bias + c + 16).loadUnaligned(as: SIMD16<Float>.self)
            var a2 = UnsafeRawPointer(bias + c + 32).loadUnaligned(as: SIMD16<Float>.self)
            var a3 = UnsafeRawPointer(bias + c + 48).loadUnaligned(as: SIMD16<Float>.self)
            for ky in kys {
                let inRow = image + ((iy0 + ky * g.dilations.h) * g.width + ix0) * channels + c
                let wRow = weights + ky * g.kernel.w * channels + c
                for kx in kxStart..<kxEnd {
                    let x = inRow + kx * g.dilations.w * channels
                    let w = wRow + kx * channels
                    a0 = a0.addingProduct(UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self),
                                          UnsafeRawPointer(w).loadUnaligned(as: SIMD16<Float>.self))
                    a1 = a1.addingProduct(UnsafeRawPointer(x + 16).loadUnaligned(as: SIMD16<Float>.self),
                                          UnsafeRawPointer(w + 16).loadUnaligned(as: SIMD16<Float>.self))
                    a2 = a2.addingProduct(UnsafeRawPointer(x + 32).loadUnaligned(as: SIMD16<Float>.self),
                                          UnsafeRawPointer(w + 32).loadUnaligned(as: SIMD16<Float>.self))
                    a3 = a3.addingProduct(UnsafeRawPointer(x + 48).loadUnaligned(as: SIMD16<Float>.self),
                                          UnsafeRawPointer(w + 48).loadUnaligned(as: SIMD16<Float>.self))
                }
            }
            store(act, a0, out + c)
            store(act, a1, out + c + 16)
            store(act, a2, out + c + 32)
            store(act, a3, out + c + 48)
            c += 64
        }
        while c + 16 <= channels {
            var acc = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD16<Float>.self)
            for ky in kys {
                let inRow = image + ((iy0 + ky * g.dilations.h) * g.width + ix0) * channels + c
                let wRow = weights + ky * g.kernel.w * channels + c
                for kx in kxStart..<kxEnd {
                    let x = UnsafeRawPointer(inRow + kx * g.dilations.w * channels).loadUnaligned(as: SIMD16<Float>.self)
                    acc = acc.addingProduct(x, UnsafeRawPointer(wRow + kx * channels).loadUnaligned(as: SIMD16<Float>.self))
                }
            }
            store(act, acc, out + c)
            c += 16
        }
        while c + 8 <= channels {
            var acc = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD8<Float>.self)
            for ky in kys {
                let inRow = image + ((iy0 + ky * g.dilations.h) * g.width + ix0) * channels + c
                let wRow = weights + ky * g.kernel.w * channels + c
                for kx in kxStart..<kxEnd {
                    acc = acc.addingProduct(UnsafeRawPointer(inRow + kx * g.dilations.w * channels).loadUnaligned(as: SIMD8<Float>.self),
                                            UnsafeRawPointer(wRow + kx * channels).loadUnaligned(as: SIMD8<Float>.self))
                }
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: act(acc), as: SIMD8<Float>.self)
            c += 8
        }
        while c < channels {
            var acc = bias[c]
            for ky in kys {
                for kx in kxStart..<kxEnd {
                    acc = acc.addingProduct(image[((iy0 + ky * g.dilations.h) * g.width + ix0 + kx * g.dilations.w) * channels + c],
                                            weights[(ky * g.kernel.w + kx) * channels + c])
                }
            }
            out[c] = act(acc)
            c += 1
        }
    }
}

