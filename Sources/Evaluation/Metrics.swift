/// Scores stored predictions against labels under either protocol, overall and per group.
public struct Metrics: Sendable {
    /// Classes and the ImageNet map.
    public var catalog: LabelCatalog
    /// What the labels are.
    public var labelSpace: LabelSpace

    /// Metrics over `catalog` for labels in `labelSpace`.
    public init(catalog: LabelCatalog, labelSpace: LabelSpace) {
        self.catalog = catalog
        self.labelSpace = labelSpace
    }

    /// The class an image is scored against in the class (ObjectNet) space.
    public func targetClass(_ image: ScoredImage) -> Int? {
        if labelSpace == .imagenet, let index = image.imagenetIndex { return catalog.classOfImageNet[index] }
        return image.classID
    }

    /// What the per-class breakdown and the drop's "classes both have" group by: the ImageNet label
    /// in ImageNet space, the catalog class otherwise.
    public func classKey(_ image: ScoredImage) -> Int? {
        labelSpace == .imagenet ? image.imagenetIndex : image.classID
    }

    /// One image's outcome. All-classes: every image counts, a hit is an ImageNet id equal to the label
    /// (ImageNet space) or mapping to the label's class. Overlap: only images whose class has ImageNet ids
    /// count, and the restricted top-k's classes are compared. A missing prediction counts, as wrong.
    public func outcome(_ image: ScoredImage, _ prediction: TopPredictions?, protocol scoring: ScoringProtocol) -> Outcome {
        switch scoring {
        case .allClasses:
            guard let prediction else { return Outcome(eligible: true, top1: false, top5: false, missing: true) }
            let hits: [Bool]
            if labelSpace == .imagenet {
                hits = prediction.imagenet.prefix(5).map { $0 == image.imagenetIndex }
            } else {
                let target = image.classID
                hits = prediction.imagenet.prefix(5).map { target != nil && catalog.classOfImageNet[$0] == target }
            }
            return Outcome(eligible: true, top1: hits.first ?? false, top5: hits.contains(true), missing: false)
        case .overlap:
            guard let target = targetClass(image), catalog.overlaps(classID: target) else {
                return Outcome(eligible: false, top1: false, top5: false, missing: prediction == nil)
            }
            guard let prediction else { return Outcome(eligible: true, top1: false, top5: false, missing: true) }
            let hits = prediction.overlap.prefix(5).map { catalog.classOfImageNet[$0] == target }
            return Outcome(eligible: true, top1: hits.first ?? false, top5: hits.contains(true), missing: false)
        }
    }

    /// Accuracy over `images` (those of other splits are the caller's to filter).
    public func accuracy(_ images: [ScoredImage], predictions: [Int: TopPredictions], protocol scoring: ScoringProtocol,
                         where include: (ScoredImage) -> Bool = { _ in true }) -> Accuracy {
        var result = Accuracy()
        for image in images where include(image) {
            let outcome = outcome(image, predictions[image.imageID], protocol: scoring)
            if outcome.eligible { result.add(outcome) }
        }
        return result
    }

    /// Accuracy per group key (images whose key is nil are left out).
    public func breakdown(_ images: [ScoredImage], predictions: [Int: TopPredictions], protocol scoring: ScoringProtocol,
                          by key: (ScoredImage) -> Int?) -> [Int: Accuracy] {
        var groups: [Int: Accuracy] = [:]
        for image in images {
            guard let group = key(image) else { continue }
            let outcome = outcome(image, predictions[image.imageID], protocol: scoring)
            if outcome.eligible { groups[group, default: Accuracy()].add(outcome) }
        }
        return groups
    }

    /// Control minus curated on the class keys both splits have (with eligible images under the protocol).
    public func drop(_ images: [ScoredImage], predictions: [Int: TopPredictions], protocol scoring: ScoringProtocol) -> Drop? {
        let curatedClasses = Set(images.filter { $0.split == .curated && outcome($0, nil, protocol: scoring).eligible }.compactMap(classKey))
        let controlClasses = Set(images.filter { $0.split == .control && outcome($0, nil, protocol: scoring).eligible }.compactMap(classKey))
        let common = curatedClasses.intersection(controlClasses)
        guard !common.isEmpty else { return nil }
        let inCommon = { (image: ScoredImage) in self.classKey(image).map(common.contains) ?? false }
        let curated = accuracy(images, predictions: predictions, protocol: scoring) { $0.split == .curated && inCommon($0) }
        let control = accuracy(images, predictions: predictions, protocol: scoring) { $0.split == .control && inCommon($0) }
        return Drop(commonClasses: common.count, curated: curated, control: control)
    }
}

/// Control accuracy minus curated accuracy on the classes both splits have.
public struct Drop: Sendable, Equatable, Codable {
    /// How many classes both splits have.
    public var commonClasses: Int
    /// Curated accuracy on those classes.
    public var curated: Accuracy
    /// Control accuracy on those classes.
    public var control: Accuracy

    /// Creates a drop from the two accuracies.
    public init(commonClasses: Int, curated: Accuracy, control: Accuracy) {
        self.commonClasses = commonClasses
        self.curated = curated
        self.control = control
    }

    /// Control top-1 − curated top-1.
    public var top1: Double? { zip(control.top1, curated.top1).map { $0 - $1 } }
    /// Control top-5 − curated top-5.
    public var top5: Double? { zip(control.top5, curated.top5).map { $0 - $1 } }
    /// Newcombe 95% interval of the top-1 drop.
    public var top1Interval: ClosedRange<Double>? {
        WilsonInterval.difference(successes1: control.top1Correct, trials1: control.n, successes2: curated.top1Correct, trials2: curated.n)
    }

    enum CodingKeys: String, CodingKey {
        case curated, control
        case commonClasses = "common_classes"
        case top1 = "drop_top1"
        case top5 = "drop_top5"
        case top1Interval = "drop_top1_ci95"
    }

    /// Encodes the accuracies and the derived drop.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commonClasses, forKey: .commonClasses)
        try container.encode(curated, forKey: .curated)
        try container.encode(control, forKey: .control)
        try container.encode(top1, forKey: .top1)
        try container.encode(top5, forKey: .top5)
        try container.encode(top1Interval.map { [$0.lowerBound, $0.upperBound] }, forKey: .top1Interval)
    }

    /// Decodes the accuracies.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        commonClasses = try container.decode(Int.self, forKey: .commonClasses)
        curated = try container.decode(Accuracy.self, forKey: .curated)
        control = try container.decode(Accuracy.self, forKey: .control)
    }
}

private func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}
