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
        Parallel.forEach(g.batch * g.outHeight, threads: threads) { rows in
            for rowIndex in rows {
                let n = rowIndex / g.outHeight
                let oy = rowIndex % g.outHeight
                let iy0 = oy * g.strides.h - g.padTop
                let kyStart = iy0 >= 0 ? 0 : (-iy0 + g.dilations.h - 1) / g.dilations.h
                let kyEnd = min(g.kernel.h, (g.height - iy0 + g.dilations.h - 1) / g.dilations.h)
                let image = input.pointer + n * g.height * g.width * channels
                for ox in 0..<g.outWidth {
                    let ix0 = ox * g.strides.w - g.padLeft
                    let kxStart = ix0 >= 0 ? 0 : (-ix0 + g.dilations.w - 1) / g.dilations.w
                    let kxEnd = min(g.kernel.w, (g.width - ix0 + g.dilations.w - 1) / g.dilations.w)
                    let out = output.pointer + (rowIndex * g.outWidth + ox) * channels
                    var c = 0
                    while c + 16 <= channels {
                        var acc = UnsafeRawPointer(bias.pointer + c).loadUnaligned(as: SIMD16<Float>.self)
                        var ky = kyStart
                        while ky < kyEnd {
                            let inRow = image + ((iy0 + ky * g.dilations.h) * g.width + ix0) * channels + c
                            let wRow = weights.pointer + ky * g.kernel.w * channels + c
                            var kx = kxStart
                            while kx < kxEnd {
                                let x = UnsafeRawPointer(inRow + kx * g.dilations.w * channels).loadUnaligned(as: SIMD16<Float>.self)
                                let w = UnsafeRawPointer(wRow + kx * channels).loadUnaligned(as: SIMD16<Float>.self)
                                acc += x * w
                                kx += 1
                            }
                            ky += 1
                        }
                        let low = act(acc.lowHalf)
                        let high = act(acc.highHalf)
                        UnsafeMutableRawPointer(out + c).storeBytes(of: SIMD16(lowHalf: low, highHalf: high), as: SIMD16<Float>.self)
                        c += 16
                    }
                    while c + 8 <= channels {
                        var acc = UnsafeRawPointer(bias.pointer + c).loadUnaligned(as: SIMD8<Float>.self)
                        for ky in kyStart..<max(kyStart, kyEnd) {
                            let inRow = image + ((iy0 + ky * g.dilations.h) * g.width + ix0) * channels + c
                            let wRow = weights.pointer + ky * g.kernel.w * channels + c
                            for kx in kxStart..<max(kxStart, kxEnd) {
                                acc += UnsafeRawPointer(inRow + kx * g.dilations.w * channels).loadUnaligned(as: SIMD8<Float>.self)
                                    * UnsafeRawPointer(wRow + kx * channels).loadUnaligned(as: SIMD8<Float>.self)
                            }
                        }
                        UnsafeMutableRawPointer(out + c).storeBytes(of: act(acc), as: SIMD8<Float>.self)
                        c += 8
                    }
                    while c < channels {
                        var acc = bias.pointer[c]
                        for ky in kyStart..<max(kyStart, kyEnd) {
                            for kx in kxStart..<max(kxStart, kxEnd) {
                                acc += image[((iy0 + ky * g.dilations.h) * g.width + ix0 + kx * g.dilations.w) * channels + c]
                                    * weights.pointer[(ky * g.kernel.w + kx) * channels + c]
                            }
                        }
                        out[c] = act(acc)
                        c += 1
                    }
                }
            }
        }
    }
}
