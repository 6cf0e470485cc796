/// Marginal counts per control and the pairwise association between controls and the first offered class.
public struct TaskStatistics: Sendable, Codable, Equatable {
    /// One value of one variable and how many tasks have it.
    public struct Count: Sendable, Codable, Equatable {
        /// The value's name.
        public var value: String
        /// Tasks with that value.
        public var count: Int
    }

    /// Counts of one variable and the chi-square test of their uniformity.
    public struct Marginal: Sendable, Codable, Equatable {
        /// Variable name ("room").
        public var variable: String
        /// Counts per value, in id order.
        public var counts: [Count]
        /// P-value of the chi-square test against equal counts (rooms differ per worker, so read with care).
        public var uniformPValue: Double
    }

    /// Bias-corrected Cramér's V between two variables.
    public struct Association: Sendable, Codable, Equatable {
        /// First variable.
        public var first: String
        /// Second variable.
        public var second: String
        /// Cramér's V (bias-corrected), 0 = independent, 1 = one determines the other.
        public var cramersV: Double
    }

    /// Tasks counted.
    public var total: Int
    /// One per variable.
    public var marginals: [Marginal]
    /// One per pair of variables.
    public var associations: [Association]

    /// Computes the statistics from grouped counts: each row holds one id per variable and a task count.
    /// `labels[v][id]` names the values of variable `v` (ids without a label print as numbers).
    public init(variables: [String], rows: [(ids: [Int], count: Int)], labels: [[Int: String]]) {
        precondition(labels.count == variables.count)
        let valueIDs: [[Int]] = variables.indices.map { v in Array(Set(rows.map { $0.ids[v] })).sorted() }
        let positions: [[Int: Int]] = valueIDs.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        total = rows.reduce(0) { $0 + $1.count }
        marginals = variables.indices.map { v in
            var counts = [Int](repeating: 0, count: valueIDs[v].count)
            for row in rows { counts[positions[v][row.ids[v]]!] += row.count }
            return Marginal(
                variable: variables[v],
                counts: zip(valueIDs[v], counts).map { Count(value: labels[v][$0] ?? String($0), count: $1) },
                uniformPValue: Statistics.chiSquareUniform(counts).pValue)
        }
        var associations: [Association] = []
        for a in variables.indices {
            for b in variables.indices where b > a {
                var table = [[Int]](repeating: [Int](repeating: 0, count: valueIDs[b].count), count: valueIDs[a].count)
                for row in rows { table[positions[a][row.ids[a]]!][positions[b][row.ids[b]]!] += row.count }
                associations.append(Association(first: variables[a], second: variables[b], cramersV: Statistics.cramersV(table)))
            }
        }
        self.associations = associations
    }

    /// A plain-text report.
    public var text: String {
        var lines = ["tasks: \(total)"]
        for marginal in marginals {
            let shown = marginal.counts.count > 12
                ? "\(marginal.counts.count) values, min \(marginal.counts.map(\.count).min() ?? 0), max \(marginal.counts.map(\.count).max() ?? 0)"
                : marginal.counts.map { "\($0.value)=\($0.count)" }.joined(separator: " ")
            lines.append("\(marginal.variable): \(shown) (uniform p=\(format(marginal.uniformPValue)))")
        }
        lines.append("Cramér's V (bias-corrected):")
        for association in associations {
            lines.append("  \(association.first) × \(association.second): \(format(association.cramersV))")
        }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded() / 10_000
        return String(scaled)
    }
}
