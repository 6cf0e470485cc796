import Foundation
public import Logging
public import PostgresNIO

/// Reads the curated set for an export in one statement (so one snapshot), ordered by photo id.
public struct ExportQuery: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Creates a query on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Accepted photos and flagged photos a reviewer approved, of the selected classes.
    public func curatedPhotos(_ selection: ExportSelection) async throws -> [ExportPhoto] {
        let overlapOnly = selection == .overlap
        let rows = try await client.query(
            """
            SELECT p.id, p.public_id, encode(p.blob_sha256, 'hex'), c.name, c.folder, c.objectnet_id,
                   t.rotation_id::int4, v.name, r.name, w.anonymous_id, p.captured_at
            FROM photos p
            JOIN classes c ON c.id = p.class_id
            JOIN tasks t ON t.id = p.task_id
            JOIN viewpoints v ON v.id = t.viewpoint_id
            JOIN rooms r ON r.id = t.room_id
            JOIN workers w ON w.id = p.worker_id
            WHERE (p.verdict = 'accepted' OR (p.verdict = 'flagged' AND p.review_status = 'approved'))
              AND p.blob_sha256 IS NOT NULL
              AND (NOT \(overlapOnly) OR EXISTS (SELECT 1 FROM class_imagenet ci WHERE ci.class_id = c.id))
            ORDER BY p.id
            """, logger: logger)
        var result: [ExportPhoto] = []
        for try await row in rows.decode((Int64, UUID, String, String, String?, Int32?, Int32, String, String, String, Date?).self) {
            result.append(ExportPhoto(
                id: row.0, publicID: row.1, blobKey: row.2, className: row.3, folder: row.4, objectnetID: row.5.map(Int.init),
                rotationID: Int(row.6), viewpoint: row.7, room: row.8, anonymousWorkerID: row.9, capturedAt: row.10))
        }
        return result
    }
}
