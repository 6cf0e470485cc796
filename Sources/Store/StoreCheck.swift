public import Foundation
public import Logging
public import PostgresNIO

/// `vantage store check`: photo rows whose blob is missing (must be none) and blobs no row names.
public struct StoreCheck: Sendable {
    /// What a check found.
    public struct Report: Sendable, Codable, Equatable {
        /// Blob keys named by rows but absent on disk.
        public var rowsWithoutBlobs: [String]
        /// Blob keys on disk that no row names.
        public var orphanBlobs: [String]
        /// Orphans removed (with repair, past the grace period).
        public var removedOrphans: Int
        /// Crashed-write temporaries removed (with repair).
        public var removedTemporaries: Int
    }

    private let repository: PostgresUploadRepository
    private let blobs: BlobStore

    /// Creates a check over a database and a blob store.
    public init(client: PostgresClient, blobs: BlobStore, logger: Logger) {
        self.repository = PostgresUploadRepository(client: client, logger: logger)
        self.blobs = blobs
    }

    /// Compares rows and files; with `repair`, removes orphans older than `grace` seconds (younger
    /// ones may belong to an upload whose row is about to commit), each under its blob lock.
    public func run(repair: Bool, grace: TimeInterval = 3600, now: Date = Date()) async throws -> Report {
        // Files first: a row committed after this listing names a blob written before it.
        let onDisk = try blobs.allKeys()
        let referenced = try await repository.referencedBlobKeys()
        let diskKeys = Set(onDisk.map(\.key))
        let missing = referenced.subtracting(diskKeys).sorted()
        let orphans = onDisk.filter { !referenced.contains($0.key) }
        var removed = 0, temporaries = 0
        if repair {
            let blobs = self.blobs
            for orphan in orphans where now.timeIntervalSince(orphan.modified) > grace {
                // An upload may have just re-used this blob: the removal checks again under the
                // blob's lock, which every upload naming it holds until its row commits.
                if try await repository.removeUnreferencedBlob(key: orphan.key, remove: { try blobs.remove(key: orphan.key) }) {
                    removed += 1
                }
            }
            temporaries = blobs.sweepTemporaries(olderThan: grace, now: now)
        }
        return Report(
            rowsWithoutBlobs: missing, orphanBlobs: orphans.map(\.key).sorted(),
            removedOrphans: removed, removedTemporaries: temporaries)
    }
}
