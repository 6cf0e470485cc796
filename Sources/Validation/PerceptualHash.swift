import Foundation

/// 64-bit DCT perceptual hash (pHash) and the band keys used to look it up by Hamming distance.
public enum PerceptualHash {
    /// Bits that differ between two hashes.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    /// The four 16-bit bands, most significant first (matching `photos.phash_b0`…`phash_b3`).
    public static func bands(_ hash: UInt64) -> [UInt16] {
        [UInt16(truncatingIfNeeded: hash >> 48), UInt16(truncatingIfNeeded: hash >> 32),
         UInt16(truncatingIfNeeded: hash >> 16), UInt16(truncatingIfNeeded: hash)]
    }

    /// For each band, the band value and its 16 one-bit neighbours (17 keys). Any stored hash within
    /// distance 5 has, by pigeonhole over 4 bands, at least one band within distance 1 of the query's,
    /// so probing these 68 keys finds every candidate; candidates are then checked by full distance.
    public static func bandProbes(_ hash: UInt64) -> [[UInt16]] {
        bands(hash).map { band in [band] + (0..<16).map { band ^ (1 << $0) } }
    }

    /// The hash of a luma plane: 32×32 area resample, 2-D DCT-II, the 8×8 lowest frequencies
    /// compared against their median (DC excluded from the median).
    static func hash(_ plane: GrayPlane) -> UInt64 {
        let small = plane.resized(width: 32, height: 32)
        let n = 32
        var cosines = [Float](repeating: 0, count: 8 * n)
        for u in 0..<8 {
            for x in 0..<n {
                cosines[u * n + x] = Float(cos(Double((2 * x + 1) * u) * Double.pi / Double(2 * n)))
            }
        }
        // Rows first: 32 rows × 8 frequencies, then columns: 8 × 8.
        var rows = [Float](repeating: 0, count: n * 8)
        for y in 0..<n {
            for u in 0..<8 {
                var sum: Float = 0
                for x in 0..<n { sum += small.values[y * n + x] * cosines[u * n + x] }
                rows[y * 8 + u] = sum
            }
        }
        var coefficients = [Float](repeating: 0, count: 64)
        for v in 0..<8 {
            for u in 0..<8 {
                var sum: Float = 0
                for y in 0..<n { sum += rows[y * 8 + u] * cosines[v * n + y] }
                coefficients[v * 8 + u] = sum
            }
        }
        let median = coefficients.dropFirst().sorted()[31]
        var hash: UInt64 = 0
        for (index, value) in coefficients.enumerated() where value > median {
            hash |= 1 << UInt64(63 - index)
        }
        return hash
    }
}
