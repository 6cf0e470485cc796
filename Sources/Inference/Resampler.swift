#if canImport(Glibc)
import Glibc
#endif

/// PIL's bilinear resampling (antialiased: the filter widens with the scale when shrinking),
/// separable, horizontal pass first, each pass rounded to 8 bits as PIL does for RGB images.
enum Resampler {
    struct Taps {
        var start: [Int]
        var weights: [[Float]]
    }

    /// Filter taps for `outSize` outputs covering `inSize` inputs starting at `offset`.
    static func taps(inSize: Int, outSize: Int, offset: Int) -> Taps {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filterScale
        var start: [Int] = [], weights: [[Float]] = []
        for i in 0..<outSize {
            let center = (Double(i) + 0.5) * scale
            let low = max(0, Int(center - support + 0.5))
            let high = min(inSize, Int(center + support + 0.5))
            var row: [Double] = []
            for x in low..<max(low, high) {
                let t = abs((Double(x) - center + 0.5) / filterScale)
                row.append(t < 1 ? 1 - t : 0)
            }
            let total = row.reduce(0, +)
            start.append(low + offset)
            weights.append(row.map { Float(total > 0 ? $0 / total : 0) })
        }
        return Taps(start: start, weights: weights)
    }

    @inline(__always) static func clip8(_ value: Float) -> UInt8 {
        // floor(v + 0.5) clamped to 0...255 is a whole number below 2^23, so adding 2^23 leaves it in
        // the low mantissa bits: the byte without a checked float-to-integer conversion.
        UInt8(truncatingIfNeeded: (max(0, min(255, (value + 0.5).rounded(.down))) + 8_388_608).bitPattern)
    }

    /// `clip8` on eight lanes.
    @inline(__always) static func clip8(_ value: SIMD8<Float>) -> SIMD8<UInt8> {
        var v = (value + 0.5).rounded(.down)
        v = v.replacing(with: 0, where: v .< 0).replacing(with: 255, where: v .> 255)
        v += SIMD8<Float>(repeating: 8_388_608)
        return SIMD8<UInt8>(truncatingIfNeeded: unsafeBitCast(v, to: SIMD8<UInt32>.self))
    }

    /// Eight bytes as floats.
    @inline(__always) static func floats(_ p: UnsafePointer<UInt8>) -> SIMD8<Float> {
        let bytes = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt8>.self)
        // 2^23 + b has b in its low mantissa bits; subtracting 2^23 is exact.
        let magic = SIMD8<UInt32>(repeating: 0x4B00_0000) | SIMD8<UInt32>(truncatingIfNeeded: bytes)
        return unsafeBitCast(magic, to: SIMD8<Float>.self) - SIMD8<Float>(repeating: 8_388_608)
    }

    /// Resizes the `box` (x, y, w, h) of an RGB image to toWidth × toHeight, returning only `rows` × `columns`.
    static func resize(_ pixels: [UInt8], width: Int, height: Int, box: (x: Int, y: Int, w: Int, h: Int),
                       toWidth: Int, toHeight: Int, rows: Range<Int>, columns: Range<Int>) -> [UInt8] {
        let horizontal = taps(inSize: box.w, outSize: toWidth, offset: box.x)
        let vertical = taps(inSize: box.h, outSize: toHeight, offset: box.y)
        // Only the source rows the kept output rows touch need the horizontal pass.
        let firstRow = rows.map { vertical.start[$0] }.min() ?? 0
        let lastRow = rows.map { vertical.start[$0] + vertical.weights[$0].count }.max() ?? 0
        let cols = columns.count
        // Flat tap tables for the kept columns: the sums below add the same products in the same order
        // as PIL, but without nested arrays and bounds checks in the innermost loops.
        var hStart: [Int] = [], hOffset: [Int] = [0], hWeights: [Float] = []
        for x in columns {
            hStart.append(horizontal.start[x])
            hWeights += horizontal.weights[x]
            hOffset.append(hWeights.count)
        }
        var middle = [UInt8](repeating: 0, count: max(0, lastRow - firstRow) * cols * 3)
        pixels.withUnsafeBufferPointer { source in
            middle.withUnsafeMutableBufferPointer { target in
                hWeights.withUnsafeBufferPointer { weights in
                    let base = source.baseAddress!, out = target.baseAddress!
                    for y in firstRow..<max(firstRow, lastRow) {
                        let line = (y - firstRow) * cols * 3
                        for j in 0..<cols {
                            var p = (y * width + hStart[j]) * 3
                            let taps = hOffset[j]..<hOffset[j + 1]
                            let q = line + j * 3
                            if p + 3 * taps.count + 1 <= source.count {
                                // R, G, B and one byte of the next pixel as four lanes (the fourth is ignored).
                                var sum = SIMD4<Float>()
                                for k in taps {
                                    let bytes = UnsafeRawPointer(base + p).loadUnaligned(as: SIMD4<UInt8>.self)
                                    let magic = SIMD4<UInt32>(repeating: 0x4B00_0000) | SIMD4<UInt32>(truncatingIfNeeded: bytes)
                                    sum += weights[k] * (unsafeBitCast(magic, to: SIMD4<Float>.self) - SIMD4<Float>(repeating: 8_388_608))
                                    p += 3
                                }
                                out[q] = clip8(sum[0]); out[q + 1] = clip8(sum[1]); out[q + 2] = clip8(sum[2])
                            } else {
                                var r: Float = 0, g: Float = 0, b: Float = 0
                                for k in taps {
                                    let weight = weights[k]
                                    r += weight * Float(base[p]); g += weight * Float(base[p + 1]); b += weight * Float(base[p + 2])
                                    p += 3
                                }
                                out[q] = clip8(r); out[q + 1] = clip8(g); out[q + 2] = clip8(b)
                            }
                        }
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: rows.count * cols * 3)
        middle.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for (i, y) in rows.enumerated() {
                    let weights = vertical.weights[y]
                    let base = (vertical.start[y] - firstRow) * cols * 3
                    let line = i * cols * 3
                    weights.withUnsafeBufferPointer { weights in
                        // Along the row the bytes are independent: eight at a time, same sums in the same order.
                        let width3 = cols * 3
                        let from = source.baseAddress!, to = target.baseAddress!
                        var x = 0
                        while x + 8 <= width3 {
                            var sum = SIMD8<Float>()
                            var p = base + x
                            for weight in weights {
                                sum += weight * floats(from + p)
                                p += width3
                            }
                            UnsafeMutableRawPointer(to + line + x).storeBytes(of: clip8(sum), as: SIMD8<UInt8>.self)
                            x += 8
                        }
                        while x < width3 {
                            var sum: Float = 0
                            var p = base + x
                            for weight in weights {
                                sum += weight * Float(from[p])
                                p += width3
                            }
                            to[line + x] = clip8(sum)
                            x += 1
                        }
                    }
                }
            }
        }
        return out
    }
}
