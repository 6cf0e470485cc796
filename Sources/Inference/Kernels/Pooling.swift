/// Max and average pooling on NHWC, vectorised over channels like the depthwise kernel.
enum Pooling {
    static func run(_ layer: PoolLayer, _ g: SpatialGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let input = SendableConstPointer(input)
        let output = SendablePointer(output)
        let channels = g.inChannels
        Parallel.forEach(g.batch * g.outHeight, threads: threads) { rows in
            for rowIndex in rows {
                let n = rowIndex / g.outHeight
                let oy = rowIndex % g.outHeight
                let y0 = oy * g.strides.h - g.padTop
                let image = input.pointer + n * g.height * g.width * channels
                for ox in 0..<g.outWidth {
                    let x0 = ox * g.strides.w - g.padLeft
                    let yStart = max(0, y0), yEnd = min(g.height, y0 + g.kernel.h)
                    let xStart = max(0, x0), xEnd = min(g.width, x0 + g.kernel.w)
                    let out = output.pointer + (rowIndex * g.outWidth + ox) * channels
                    let count: Int
                    if layer.countIncludePad {
                        // The window clipped to the padded extent (not beyond it, as in ceil mode's extra window).
                        count = (min(y0 + g.kernel.h, g.height + g.padBottom) - y0) * (min(x0 + g.kernel.w, g.width + g.padRight) - x0)
                    } else {
                        count = max(0, yEnd - yStart) * max(0, xEnd - xStart)
                    }
                    var c = 0
                    while c < channels {
                        let width = min(8, channels - c)
                        var acc = SIMD8<Float>(repeating: layer.isMax ? -.infinity : 0)
                        for y in yStart..<max(yStart, yEnd) {
                            for x in xStart..<max(xStart, xEnd) {
                                let p = image + (y * g.width + x) * channels + c
                                var v = SIMD8<Float>(repeating: 0)
                                if width == 8 {
                                    v = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
                                } else {
                                    for i in 0..<width { v[i] = p[i] }
                                }
                                acc = layer.isMax ? pointwiseMax(acc, v) : acc + v
                            }
                        }
                        if !layer.isMax { acc /= SIMD8(repeating: Float(max(1, count))) }
                        for i in 0..<width { out[c + i] = acc[i] }
                        c += 8
                    }
                }
            }
        }
    }

    /// Mean over each image's pixels: [N, H*W, C] → [N, C].
    static func globalAverage(_ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, pixels: Int, channels: Int) {
        let scale = 1 / Float(pixels)
        for n in 0..<batch {
            let out = output + n * channels
            out.update(repeating: 0, count: channels)
            let image = input + n * pixels * channels
            for p in 0..<pixels {
                let row = image + p * channels
                for c in 0..<channels { out[c] += row[c] }
            }
            for c in 0..<channels { out[c] *= scale }
        }
    }
}
