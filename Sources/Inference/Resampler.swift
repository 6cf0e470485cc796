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
        var middle = [UInt8](repeating: 0, count: max(0, lastRow - firstRow) * cols * 3)
        for y in firstRow..<lastRow {
            for (j, x) in columns.enumerated() {
                let start = horizontal.start[x]
                var r: Float = 0, g: Float = 0, b: Float = 0
                for (k, weight) in horizontal.weights[x].enumerated() {
                    let p = (y * width + start + k) * 3
                    r += weight * Float(pixels[p]); g += weight * Float(pixels[p + 1]); b += weight * Float(pixels[p + 2])
                }
                let q = ((y - firstRow) * cols + j) * 3
                middle[q] = clip8(r); middle[q + 1] = clip8(g); middle[q + 2] = clip8(b)
            }
        }
        var out = [UInt8](repeating: 0, count: rows.count * cols * 3)
        for (i, y) in rows.enumerated() {
            let start = vertical.start[y]
            for j in 0..<cols {
                var r: Float = 0, g: Float = 0, b: Float = 0
                for (k, weight) in vertical.weights[y].enumerated() {
                    let p = ((start + k - firstRow) * cols + j) * 3
                    r += weight * Float(middle[p]); g += weight * Float(middle[p + 1]); b += weight * Float(middle[p + 2])
                }
                let q = (i * cols + j) * 3
                out[q] = clip8(r); out[q + 1] = clip8(g); out[q + 2] = clip8(b)
            }
        }
        return out
    }
}
