/// Top-1 and top-5 over a set of images, with Wilson 95% intervals.
public struct Accuracy: Sendable, Equatable, Codable {
    /// Images scored (missing predictions included, as wrong).
    public var n: Int
    /// Images whose top-1 is right.
    public var top1Correct: Int
    /// Images whose top-5 contains the right class.
    public var top5Correct: Int
    /// Images without a stored prediction (unreadable or not yet evaluated); counted wrong.
    public var missing: Int

    /// Creates an accuracy from counts.
    public init(n: Int = 0, top1Correct: Int = 0, top5Correct: Int = 0, missing: Int = 0) {
        self.n = n
        self.top1Correct = top1Correct
        self.top5Correct = top5Correct
        self.missing = missing
    }

    /// Top-1 as a fraction; nil with no images.
    public var top1: Double? { n > 0 ? Double(top1Correct) / Double(n) : nil }
    /// Top-5 as a fraction; nil with no images.
    public var top5: Double? { n > 0 ? Double(top5Correct) / Double(n) : nil }
    /// Wilson 95% interval of top-1.
    public var top1Interval: ClosedRange<Double>? { WilsonInterval.interval(successes: top1Correct, trials: n) }
    /// Wilson 95% interval of top-5.
    public var top5Interval: ClosedRange<Double>? { WilsonInterval.interval(successes: top5Correct, trials: n) }

    /// Adds one image's outcome.
    mutating func add(_ outcome: Outcome) {
        n += 1
        if outcome.top1 { top1Correct += 1 }
        if outcome.top5 { top5Correct += 1 }
        if outcome.missing { missing += 1 }
    }

    /// Adds another group's counts.
    mutating func merge(_ other: Accuracy?) {
        guard let other else { return }
        n += other.n
        top1Correct += other.top1Correct
        top5Correct += other.top5Correct
        missing += other.missing
    }

    enum CodingKeys: String, CodingKey {
        case n, top1, top5, missing
        case top1Correct = "top1_correct"
        case top5Correct = "top5_correct"
        case top1Interval = "top1_ci95"
        case top5Interval = "top5_ci95"
    }

    /// Encodes the counts and the derived fractions and intervals.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n, forKey: .n)
        try container.encode(top1Correct, forKey: .top1Correct)
        try container.encode(top5Correct, forKey: .top5Correct)
        try container.encode(missing, forKey: .missing)
        try container.encode(top1, forKey: .top1)
        try container.encode(top5, forKey: .top5)
        try container.encode(top1Interval.map { [$0.lowerBound, $0.upperBound] }, forKey: .top1Interval)
        try container.encode(top5Interval.map { [$0.lowerBound, $0.upperBound] }, forKey: .top5Interval)
    }

    /// Decodes the counts; the fractions are derived again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        n = try container.decode(Int.self, forKey: .n)
        top1Correct = try container.decode(Int.self, forKey: .top1Correct)
        top5Correct = try container.decode(Int.self, forKey: .top5Correct)
        missing = try container.decode(Int.self, forKey: .missing)
    }
}

/// What one image scored under one protocol.
public struct Outcome: Sendable, Equatable {
    /// Whether the image counts under the protocol.
    public var eligible: Bool
    /// Top-1 right.
    public var top1: Bool
    /// Right class within the top-5.
    public var top5: Bool
    /// No prediction was stored.
    public var missing: Bool
}
