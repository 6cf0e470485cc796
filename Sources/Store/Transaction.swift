import Logging
import PostgresNIO

/// Runs `body` in a transaction and rethrows the body's own error rather than the driver's wrapper,
/// so callers see our one sentence (StoreError, CatalogError) instead of a transaction report.
func inTransaction<T: Sendable>(
    _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
) async throws -> T {
    do {
        return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
    } catch let error as PostgresTransactionError {
        if let inner = error.closureError, !(inner is PSQLError) { throw inner }
        throw error
    }
}
