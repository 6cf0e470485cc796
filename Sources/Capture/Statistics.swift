#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tests of balance and independence the task design is held to.
public enum Statistics {
    /// Pearson's chi-square goodness of fit of `observed` counts against equal expected counts.
    /// Returns the statistic, its degrees of freedom and the p-value.
    public static func chiSquareUniform(_ observed: [Int]) -> (statistic: Double, degreesOfFreedom: Int, pValue: Double) {
        let total = Double(observed.reduce(0, +))
        let k = observed.count
        guard k > 1, total > 0 else { return (0, max(0, k - 1), 1) }
        let expected = total / Double(k)
        let statistic = observed.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        return (statistic, k - 1, chiSquarePValue(statistic, degreesOfFreedom: k - 1))
    }

    /// P(X ≥ statistic) for a chi-square variable with the given degrees of freedom.
    public static func chiSquarePValue(_ statistic: Double, degreesOfFreedom: Int) -> Double {
        guard statistic > 0, degreesOfFreedom > 0 else { return 1 }
        return upperIncompleteGamma(Double(degreesOfFreedom) / 2, statistic / 2)
    }

    /// Bias-corrected Cramér's V (Bergsma 2013) of a contingency table (rows × columns of counts).
    /// The plain V is biased upward by about sqrt(1/n) per cell, which on a 313-class table at
    /// n = 100,000 alone exceeds 0.05; the corrected V is near 0 for independent variables.
    public static func cramersV(_ table: [[Int]]) -> Double {
        let rowTotals = table.map { Double($0.reduce(0, +)) }
        let columnCount = table.map(\.count).max() ?? 0
        var columnTotals = [Double](repeating: 0, count: columnCount)
        for row in table { for (j, value) in row.enumerated() { columnTotals[j] += Double(value) } }
        let n = rowTotals.reduce(0, +)
        let usedRows = rowTotals.filter { $0 > 0 }.count
        let usedColumns = columnTotals.filter { $0 > 0 }.count
        guard n > 1, usedRows > 1, usedColumns > 1 else { return 0 }
        var chi2 = 0.0
        for (i, row) in table.enumerated() where rowTotals[i] > 0 {
            for j in 0..<columnCount where columnTotals[j] > 0 {
                let expected = rowTotals[i] * columnTotals[j] / n
                let observed = j < row.count ? Double(row[j]) : 0
                chi2 += (observed - expected) * (observed - expected) / expected
            }
        }
        let r = Double(usedRows), k = Double(usedColumns)
        let phi2 = max(0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
        let rCorrected = r - (r - 1) * (r - 1) / (n - 1)
        let kCorrected = k - (k - 1) * (k - 1) / (n - 1)
        let denominator = min(rCorrected - 1, kCorrected - 1)
        guard denominator > 0 else { return 0 }
        return (phi2 / denominator).squareRoot()
    }

    /// Q(a, x), the regularised upper incomplete gamma function (series below a + 1, continued fraction above).
    static func upperIncompleteGamma(_ a: Double, _ x: Double) -> Double {
        let logPrefix = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = 1 / a, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        // Lentz's continued fraction.
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(logPrefix) * h)
    }
}
