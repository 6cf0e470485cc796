/// One of the 1000 ImageNet-1k classes, in torchvision index order.
public struct ImageNetClass: Sendable, Hashable, Codable {
    /// Index 0...999 (torchvision order).
    public var index: Int
    /// WordNet id ("n01440764").
    public var wnid: String
    /// The human name ("tench, Tinca tinca").
    public var name: String

    /// Creates an ImageNet class.
    public init(index: Int, wnid: String, name: String) {
        self.index = index
        self.wnid = wnid
        self.name = name
    }
}
