/// One class of the catalog: what a worker photographs.
public struct CatalogClass: Sendable, Hashable, Codable {
    /// The human label, unique in the catalog ("Alarm clock").
    public var name: String
    /// ObjectNet's folder name ("alarm_clock"), for the ObjectNet catalog only.
    public var folder: String?
    /// ObjectNet's id (index in the sorted labels), for the ObjectNet catalog only.
    public var objectnetID: Int?
    /// Which poses the class needs.
    public var symmetry: Symmetry
    /// ImageNet-1k indices (torchvision order) that stand for this class; empty when it does not overlap.
    public var imagenetIndices: [Int]

    /// Creates a class.
    public init(name: String, folder: String? = nil, objectnetID: Int? = nil, symmetry: Symmetry = .none, imagenetIndices: [Int] = []) {
        self.name = name
        self.folder = folder
        self.objectnetID = objectnetID
        self.symmetry = symmetry
        self.imagenetIndices = imagenetIndices
    }
}
