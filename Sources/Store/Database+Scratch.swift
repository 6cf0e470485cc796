public import Logging
import PostgresNIO

extension Database {
    /// Drops (closing its sessions) and creates the database `name` on the server behind `url`,
    /// returning a URL for it. For throwaway databases such as the demo's; `name` must be a plain
    /// lower-case identifier and differ from `url`'s own database.
    public static func recreateScratchDatabase(named name: String, on url: DatabaseURL, logger: Logger) async throws -> DatabaseURL {
        guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil, name != url.database else {
            throw StoreError(.invalidInput, "The scratch database name \(name) must be a lower-case identifier other than \(url.database).")
        }
        try await withClient(url: url, logger: logger) { client in
            do {
                // Identifiers cannot be bound; the name was checked against a strict pattern above.
                _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: logger)
                _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            } catch {
                throw StoreError(.databaseUnreachable, "Cannot recreate the database \(name) at \(url.endpointDescription): \(PostgresErrorText.describe(error)).")
            }
        }
        var scratch = url
        scratch.database = name
        return scratch
    }
}
