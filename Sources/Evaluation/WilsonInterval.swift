import Foundation

/// 95% score intervals: Wilson for a proportion, Newcombe's hybrid score interval for a difference of two
/// independent proportions (the drop). Chosen over the bootstrap because they are exact functions of the
/// counts, so a report is reproducible to the digit and cheap at any size.
public enum WilsonInterval {
    /// The normal quantile for 95%.
    public static let z = 1.959963984540054

    /// Wilson 95% interval of `successes` out of `trials`; nil when there are no trials.
    public static func interval(successes: Int, trials: Int) -> ClosedRange<Double>? {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }

    /// Newcombe (1998, method 10) 95% interval of p1 − p2 from each proportion's Wilson interval.
    public static func difference(successes1: Int, trials1: Int, successes2: Int, trials2: Int) -> ClosedRange<Double>? {
        guard let a = interval(successes: successes1, trials: trials1),
              let b = interval(successes: successes2, trials: trials2) else { return nil }
        let p1 = Double(successes1) / Double(trials1), p2 = Double(successes2) / Double(trials2)
        let d = p1 - p2
        let lower = d - ((p1 - a.lowerBound) * (p1 - a.lowerBound) + (b.upperBound - p2) * (b.upperBound - p2)).squareRoot()
        let upper = d + ((a.upperBound - p1) * (a.upperBound - p1) + (p2 - b.lowerBound) * (p2 - b.lowerBound)).squareRoot()
        return max(-1, lower)...min(1, upper)
    }
}
