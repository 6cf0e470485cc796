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
        UInt8(max(0, min(255, (value + 0.5).rounded(.down))))
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
                    for y in firstRow..<max(firstRow, lastRow) {
                        let line = (y - firstRow) * cols * 3
                        for j in 0..<cols {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            var p = (y * width + hStart[j]) * 3
                            for k in hOffset[j]..<hOffset[j + 1] {
                                let weight = weights[k]
                                r += weight * Float(source[p]); g += weight * Float(source[p + 1]); b += weight * Float(source[p + 2])
                                p += 3
                            }
                            let q = line + j * 3
                            target[q] = clip8(r); target[q + 1] = clip8(g); target[q + 2] = clip8(b)
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
                        for j in 0..<cols {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            var p = base + j * 3
                            for weight in weights {
                                r += weight * Float(source[p]); g += weight * Float(source[p + 1]); b += weight * Float(source[p + 2])
                                p += cols * 3
                            }
                            let q = line + j * 3
                            target[q] = clip8(r); target[q + 1] = clip8(g); target[q + 2] = clip8(b)
                        }
                    }
                }
            }
        }
        return out
    }
}
