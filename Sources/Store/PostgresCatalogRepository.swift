import Capture
public import Foundation
public import Logging
public import PostgresNIO

/// The catalog in PostgreSQL (`imagenet_classes`, `classes`, `class_imagenet`).
public struct PostgresCatalogRepository: CatalogRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Reads and checks the files first (nothing is written when one is malformed), then upserts
    /// everything in one transaction; optional control overrides apply in the same transaction.
    public func importCatalog(
        _ source: CatalogSource, fixtures: URL, rooms: [String]? = nil,
        viewpoints: [(name: String, pitchDegrees: Double)]? = nil
    ) async throws -> CatalogImportResult {
        let catalogFolder = fixtures.appendingPathComponent("catalog")
        let imagenet = try CatalogCSV.imageNetClasses(try Self.read(catalogFolder.appendingPathComponent("imagenet-1k.csv")))
        let classes: [CatalogClass]
        let sourceName: String
        switch source {
        case .objectNet:
            classes = try CatalogCSV.objectNetClasses(try Self.read(catalogFolder.appendingPathComponent("objectnet-classes.csv")))
            sourceName = "objectnet"
        case .file(let url):
            classes = try CatalogCSV.customClasses(try Self.read(url), file: url.lastPathComponent)
            sourceName = url.lastPathComponent
        }
        return try await inTransaction(client, logger: logger) { connection in
            try await PostgresControlRepository.ensureDefaults(on: connection, logger: logger)
            if let rooms { try await PostgresControlRepository.setRooms(rooms, on: connection, logger: logger) }
            if let viewpoints { try await PostgresControlRepository.setViewpoints(viewpoints, on: connection, logger: logger) }
            let indices = imagenet.map(\.index), wnids = imagenet.map(\.wnid), names = imagenet.map(\.name)
            try await connection.query(
                """
                INSERT INTO imagenet_classes (idx, wnid, name)
                SELECT * FROM unnest(\(indices)::integer[], \(wnids)::text[], \(names)::text[])
                ON CONFLICT (idx) DO UPDATE SET wnid = EXCLUDED.wnid, name = EXCLUDED.name
                """, logger: logger)
            var inserted = 0, links = 0
            for entry in classes {
                let rows = try await connection.query(
                    """
                    INSERT INTO classes (name, folder, objectnet_id, symmetry, source)
                    VALUES (\(entry.name), \(entry.folder), \(entry.objectnetID.map(Int32.init)), \(entry.symmetry.rawValue), \(sourceName))
                    ON CONFLICT (name) DO UPDATE SET
                        folder = COALESCE(EXCLUDED.folder, classes.folder),
                        objectnet_id = COALESCE(EXCLUDED.objectnet_id, classes.objectnet_id),
                        symmetry = EXCLUDED.symmetry, active = true
                    RETURNING id, (xmax = 0)
                    """, logger: logger)
                var classID: Int32 = 0
                for try await (id, isNew) in rows.decode((Int32, Bool).self) {
                    classID = id
                    if isNew { inserted += 1 }
                }
                try await connection.query("DELETE FROM class_imagenet WHERE class_id = \(classID)", logger: logger)
                if !entry.imagenetIndices.isEmpty {
                    let mapped = entry.imagenetIndices.map(Int32.init)
                    try await connection.query(
                        "INSERT INTO class_imagenet (class_id, imagenet_idx) SELECT \(classID), unnest(\(mapped)::integer[])", logger: logger)
                    links += mapped.count
                }
            }
            return CatalogImportResult(classes: classes.count, inserted: inserted, imagenetClasses: imagenet.count, imagenetLinks: links)
        }
    }

    /// Protocol form without control overrides.
    public func importCatalog(_ source: CatalogSource, fixtures: URL) async throws -> CatalogImportResult {
        try await importCatalog(source, fixtures: fixtures, rooms: nil, viewpoints: nil)
    }

    /// Every class with its ImageNet links.
    public func entries() async throws -> [CatalogEntry] {
        var result: [CatalogEntry] = []
        let rows = try await client.query(
            """
            SELECT c.id, c.name, c.folder, c.objectnet_id, c.symmetry, c.source, c.active,
                   COALESCE(array_agg(ci.imagenet_idx ORDER BY ci.imagenet_idx) FILTER (WHERE ci.imagenet_idx IS NOT NULL), '{}')
            FROM classes c LEFT JOIN class_imagenet ci ON ci.class_id = c.id
            GROUP BY c.id ORDER BY c.id
            """, logger: logger)
        for try await (id, name, folder, objectnetID, symmetry, source, active, indices) in rows.decode(
            (Int32, String, String?, Int32?, String, String, Bool, [Int32]).self)
        {
            result.append(CatalogEntry(
                id: Int(id),
                catalogClass: CatalogClass(
                    name: name, folder: folder, objectnetID: objectnetID.map(Int.init),
                    symmetry: Symmetry(rawValue: symmetry) ?? .none, imagenetIndices: indices.map(Int.init)),
                source: source, active: active))
        }
        return result
    }

    static func read(_ url: URL) throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let size = attributes?[.size] as? Int else {
            throw StoreError(.notFound, "Cannot read \(url.path): no such file.")
        }
        guard size <= CSVReaderLimit.bytes else {
            throw StoreError(.invalidInput, "\(url.lastPathComponent) is larger than 16 MB, too large for a catalog.")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw StoreError(.invalidInput, "\(url.lastPathComponent) is not readable UTF-8 text.")
        }
    }
}

/// The size bound for catalog files, checked before reading them.
enum CSVReaderLimit {
    static let bytes = 16 * 1024 * 1024
}
