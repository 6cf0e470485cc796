public import Capture
public import Foundation

/// Where a catalog comes from.
public enum CatalogSource: Sendable, Equatable {
    /// The 313 ObjectNet classes from `Fixtures/catalog/`.
    case objectNet
    /// A custom `name,imagenet_ids,symmetry` CSV file.
    case file(URL)
}

/// What an import did.
public struct CatalogImportResult: Sendable, Equatable, Codable {
    /// Classes in the imported file.
    public var classes: Int
    /// Of those, new to the database.
    public var inserted: Int
    /// ImageNet-1k classes stored.
    public var imagenetClasses: Int
    /// Class → ImageNet links of the imported classes.
    public var imagenetLinks: Int
}

/// A stored catalog class.
public struct CatalogEntry: Sendable, Equatable, Codable {
    /// Database id.
    public var id: Int
    /// The class.
    public var catalogClass: CatalogClass
    /// Where it came from ("objectnet" or a file name).
    public var source: String
    /// Whether tasks may offer it.
    public var active: Bool
}

/// The class catalog and the ImageNet-1k label space.
public protocol CatalogRepository: Sendable {
    /// Imports a catalog (and the ImageNet-1k list, and the default controls); idempotent.
    func importCatalog(_ source: CatalogSource, fixtures: URL) async throws -> CatalogImportResult
    /// Every class, by id.
    func entries() async throws -> [CatalogEntry]
}
