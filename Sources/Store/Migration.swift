public import Foundation
import Crypto

/// One numbered SQL file from `Migrations/`: `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number in the file name.
    public var version: Int
    /// The words after the number.
    public var name: String
    /// The file's text.
    public var sql: String
    /// Hex SHA-256 of the file's bytes.
    public var checksum: String

    /// Creates a migration from its parts; the checksum is computed from `sql`.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The file name it came from.
    public var fileName: String { String(format: "%04d_%@.sql", version, name) }

    /// Loads every `NNNN_name.sql` in a folder, ordered by number; refuses gaps in form or duplicate numbers.
    public static func load(from folder: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw StoreError(.migrationsMissing, "Cannot read the migrations folder \(folder.path).")
        }
        var migrations: [Migration] = []
        for file in names where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                  let version = Int(stem[..<underscore]), version > 0,
                  stem.distance(from: stem.startIndex, to: underscore) == 4
            else {
                throw StoreError(.migrationFailed, "Migration file \(file) is not named NNNN_name.sql.")
            }
            let url = folder.appendingPathComponent(file)
            guard let sql = try? String(contentsOf: url, encoding: .utf8) else {
                throw StoreError(.migrationFailed, "Migration file \(file) cannot be read as UTF-8.")
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw StoreError(.migrationFailed, "Migrations \(a.fileName) and \(b.fileName) share the number \(a.version).")
        }
        return migrations
    }
}
