/// Walker/Vose alias table: draws index i with probability weight[i] / sum in O(1).
struct AliasTable: Sendable {
    private var probability: [Double]
    private var alias: [Int]

    /// Weights must be finite, non-negative, with a positive sum.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        precondition(n > 0 && total > 0 && total.isFinite)
        var scaled = weights.map { $0 * Double(n) / total }
        probability = Array(repeating: 1, count: n)
        alias = Array(0..<n)
        var small: [Int] = [], large: [Int] = []
        for (i, p) in scaled.enumerated() { if p < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = scaled[s]
            alias[s] = l
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // Leftovers are 1 up to rounding.
        for i in small + large { probability[i] = 1 }
    }

    func draw(using generator: inout SeededGenerator) -> Int {
        let column = generator.index(below: probability.count)
        return generator.unit() < probability[column] ? column : alias[column]
    }
}
