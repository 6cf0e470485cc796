/// How predictions over the 1000 ImageNet classes become a class decision (see OBJECTNET.md).
public enum ScoringProtocol: String, Sendable, Codable, CaseIterable {
    /// Top-5 over all 1000 ImageNet ids, each mapped to its catalog class; unmapped ids are wrong and
    /// every image counts, including classes with no ImageNet counterpart (the challenge templates).
    case allClasses = "all-classes"
    /// Scores restricted to the ImageNet ids mapped to a class, a class taking the best of its ids;
    /// only images of classes that have ImageNet ids count (imagenet-testbed).
    case overlap

    /// A short human description for reports.
    public var summary: String {
        switch self {
        case .allClasses: return "top-k over all 1000 ImageNet classes, mapped to catalog classes (unmapped = wrong); every image counts"
        case .overlap: return "scores restricted to the ImageNet classes mapped to a catalog class (a class takes its best ImageNet score); only images of those classes count"
        }
    }
}

/// What the labels of a dataset are.
public enum LabelSpace: String, Sendable, Codable, CaseIterable {
    /// Catalog (ObjectNet) class names.
    case objectnet
    /// ImageNet WordNet ids such as n01440764.
    case imagenet
}
