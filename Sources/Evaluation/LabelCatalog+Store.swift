import Foundation
public import Store

extension LabelCatalog {
    /// The catalog as the database holds it; fails with a sentence saying how to import one when empty.
    public static func load(catalog: any CatalogRepository, evaluations: any EvaluationRepository) async throws -> LabelCatalog {
        let entries = try await catalog.entries()
        let imagenet = try await evaluations.imagenetClasses()
        guard !entries.isEmpty, imagenet.count == 1000 else {
            throw EvaluationError(.notFound, "The class catalog is not imported: run `vantage catalog import objectnet` first.")
        }
        return LabelCatalog(
            classes: entries.map {
                ClassInfo(id: $0.id, name: $0.catalogClass.name, objectnetID: $0.catalogClass.objectnetID,
                          imagenetIndices: $0.catalogClass.imagenetIndices)
            },
            imagenet: imagenet)
    }

    /// SHA-256 of the class names, ObjectNet ids and ImageNet maps: what the stored scores depend on.
    var fingerprint: String {
        var text = ""
        for info in classes.values.sorted(by: { $0.name < $1.name }) {
            text += "\(info.name)\t\(info.objectnetID.map(String.init) ?? "-")\t\(info.imagenetIndices.sorted().map(String.init).joined(separator: ";"))\n"
        }
        return BlobStore.key(for: Data(text.utf8))
    }
}
