import Foundation

/// The top-5 of one image for one model, in both protocols' label spaces, as stored per image × model.
public struct TopPredictions: Sendable, Equatable, Codable {
    /// Best-first ImageNet indices over all 1000 classes.
    public var imagenet: [Int]
    /// Their softmax probabilities (over all 1000 logits).
    public var scores: [Float]
    /// Best-first overlap classes, each given by the ImageNet index that scored best for it.
    public var overlap: [Int]
    /// Their probabilities: the class's best ImageNet probability.
    public var overlapScores: [Float]

    /// Creates predictions from stored values.
    public init(imagenet: [Int], scores: [Float], overlap: [Int], overlapScores: [Float]) {
        self.imagenet = imagenet
        self.scores = scores
        self.overlap = overlap
        self.overlapScores = overlapScores
    }

    /// Top-`count` of `logits` in both spaces. Ties go to the lower ImageNet index, so results never
    /// depend on sort stability; a class takes the maximum of its ImageNet probabilities (equivalently
    /// of its logits, softmax being monotonic), represented by the lowest index reaching it.
    public init(logits: [Float], catalog: LabelCatalog, count: Int = 5) {
        let maximum = logits.max() ?? 0
        var probabilities = logits.map { Foundation.exp($0 - maximum) }
        let total = probabilities.reduce(0, +)
        if total > 0 { for i in probabilities.indices { probabilities[i] /= total } }
        let all = Self.top(count: count, candidates: probabilities.indices.map { ($0, probabilities[$0]) })
        imagenet = all.map(\.0)
        scores = all.map(\.1)
        var best: [Int: (Int, Float)] = [:]
        for index in catalog.overlapIndices where index < probabilities.count {
            guard let classID = catalog.classOfImageNet[index] else { continue }
            let p = probabilities[index]
            if let current = best[classID], current.1 >= p { continue }
            best[classID] = (index, p)
        }
        let ranked = Self.top(count: count, candidates: Array(best.values))
        overlap = ranked.map(\.0)
        overlapScores = ranked.map(\.1)
    }

    /// The `count` best (index, score) pairs: higher score first, then lower index.
    static func top(count: Int, candidates: [(Int, Float)]) -> [(Int, Float)] {
        var kept: [(Int, Float)] = []
        kept.reserveCapacity(count + 1)
        for candidate in candidates {
            if kept.count == count, let last = kept.last, !Self.precedes(candidate, last) { continue }
            var position = kept.count
            while position > 0 && Self.precedes(candidate, kept[position - 1]) { position -= 1 }
            kept.insert(candidate, at: position)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }

    private static func precedes(_ a: (Int, Float), _ b: (Int, Float)) -> Bool {
        a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
    }
}
