public import Capture

/// The label spaces of one evaluation: catalog classes, the 1000 ImageNet classes and the
/// many-to-one map between them ("Alarm clock" ← analog clock, digital clock).
public struct LabelCatalog: Sendable, Equatable {
    /// One catalog class as the metrics need it.
    public struct ClassInfo: Sendable, Equatable, Codable {
        /// Database id (`classes.id`).
        public var id: Int
        /// Human label.
        public var name: String
        /// ObjectNet id, when the catalog is ObjectNet's.
        public var objectnetID: Int?
        /// ImageNet indices standing for this class; empty when it does not overlap ImageNet.
        public var imagenetIndices: [Int]

        /// Creates a class.
        public init(id: Int, name: String, objectnetID: Int?, imagenetIndices: [Int]) {
            self.id = id
            self.name = name
            self.objectnetID = objectnetID
            self.imagenetIndices = imagenetIndices
        }

        enum CodingKeys: String, CodingKey {
            case id, name
            case objectnetID = "objectnet_id"
            case imagenetIndices = "imagenet_indices"
        }
    }

    /// Catalog classes, by id.
    public let classes: [Int: ClassInfo]
    /// ImageNet classes by index (0...999).
    public let imagenet: [ImageNetClass]
    /// ImageNet index → catalog class id; when a custom catalog maps one index to two classes the
    /// lower class id wins, so the map is a function.
    public let classOfImageNet: [Int: Int]
    /// The ImageNet indices that map to some class, ascending (the overlap protocol's label space).
    public let overlapIndices: [Int]

    /// Builds the catalog and its many-to-one map.
    public init(classes: [ClassInfo], imagenet: [ImageNetClass]) {
        var byID: [Int: ClassInfo] = [:]
        var map: [Int: Int] = [:]
        for info in classes.sorted(by: { $0.id < $1.id }) {
            byID[info.id] = info
            for index in info.imagenetIndices where map[index] == nil { map[index] = info.id }
        }
        self.classes = byID
        self.imagenet = imagenet.sorted { $0.index < $1.index }
        self.classOfImageNet = map
        self.overlapIndices = map.keys.sorted()
        self.idByName = Dictionary(classes.map { ($0.name, $0.id) }, uniquingKeysWith: min)
        self.indexByWnid = Dictionary(imagenet.map { ($0.wnid, $0.index) }, uniquingKeysWith: min)
    }

    /// The class named `name` (exact, case-sensitive as ObjectNet's labels are).
    public func classID(named name: String) -> Int? { idByName[name] }

    /// The ImageNet index of a WordNet id.
    public func imagenetIndex(wnid: String) -> Int? { indexByWnid[wnid] }

    /// Whether a class has at least one ImageNet counterpart.
    public func overlaps(classID: Int) -> Bool { !(classes[classID]?.imagenetIndices.isEmpty ?? true) }

    /// ObjectNet id for an ImageNet index under the all-classes map; −1 when unmapped (the scorer's "no prediction").
    public func objectnetID(imagenetIndex: Int) -> Int {
        classOfImageNet[imagenetIndex].flatMap { classes[$0]?.objectnetID } ?? -1
    }

    private let idByName: [String: Int]
    private let indexByWnid: [String: Int]
}
