/// A luma plane used for quality measures and hashing; all arithmetic bounds-checked by construction.
struct GrayPlane: Sendable {
    let width: Int
    let height: Int
    let values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && values.count == width * height)
        self.width = width
        self.height = height
        self.values = values
    }

    init(luma: [UInt8], width: Int, height: Int) {
        self.init(width: width, height: height, values: luma.map(Float.init))
    }

    /// Area-average resampling to `targetWidth` × `targetHeight` (only ever shrinks meaningfully).
    func resized(width targetWidth: Int, height targetHeight: Int) -> GrayPlane {
        let tw = max(1, targetWidth), th = max(1, targetHeight)
        if tw == width && th == height { return self }
        var out = [Float](repeating: 0, count: tw * th)
        values.withUnsafeBufferPointer { source in
            for ty in 0..<th {
                let y0 = ty * height / th, y1 = max(y0 + 1, (ty + 1) * height / th)
                for tx in 0..<tw {
                    let x0 = tx * width / tw, x1 = max(x0 + 1, (tx + 1) * width / tw)
                    var sum: Float = 0
                    for y in y0..<min(y1, height) {
                        let row = y * width
                        for x in x0..<min(x1, width) { sum += source[row + x] }
                    }
                    out[ty * tw + tx] = sum / Float((min(y1, height) - y0) * (min(x1, width) - x0))
                }
            }
        }
        return GrayPlane(width: tw, height: th, values: out)
    }

    /// Resized so the short side is at most `shortSide`, keeping the aspect ratio.
    func normalized(shortSide: Int) -> GrayPlane {
        let short = min(width, height)
        guard short > shortSide else { return self }
        let scale = Double(shortSide) / Double(short)
        return resized(width: max(1, Int((Double(width) * scale).rounded())),
                       height: max(1, Int((Double(height) * scale).rounded())))
    }

    /// Mean and standard deviation.
    func meanAndStandardDeviation() -> (mean: Double, standardDeviation: Double) {
        var sum = 0.0, squares = 0.0
        for value in values {
            sum += Double(value)
            squares += Double(value) * Double(value)
        }
        let count = Double(values.count)
        let mean = sum / count
        return (mean, (max(0, squares / count - mean * mean)).squareRoot())
    }

    /// Variance of the 4-neighbour Laplacian over interior pixels (0 for planes under 3×3).
    func laplacianVariance() -> Double {
        guard width >= 3, height >= 3 else { return 0 }
        var sum = 0.0, squares = 0.0
        values.withUnsafeBufferPointer { v in
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    let i = y * width + x
                    let laplacian = Double(v[i - 1] + v[i + 1] + v[i - width] + v[i + width] - 4 * v[i])
                    sum += laplacian
                    squares += laplacian * laplacian
                }
            }
        }
        let count = Double((width - 2) * (height - 2))
        let mean = sum / count
        return max(0, squares / count - mean * mean)
    }
}
