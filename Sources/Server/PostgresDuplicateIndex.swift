import Foundation
import Store
import Validation

/// The validator's duplicate lookup, answered by the photos table (SHA-256 and banded perceptual hash).
struct PostgresDuplicateIndex: DuplicateIndex {
    let repository: PostgresUploadRepository
    let deadline: DatabaseDeadline
    /// Retakes for the same task are not duplicates of each other.
    let excludingTask: Int64

    func photo(withSHA256 digest: [UInt8]) async throws -> DuplicateMatch? {
        let (repository, task) = (self.repository, excludingTask)
        return try await deadline.run { try await repository.exactDuplicate(sha256: Data(digest), excludingTask: task) }
            .map { DuplicateMatch(photoID: $0, distance: 0) }
    }

    func photos(nearPerceptualHash hash: UInt64, maxDistance: Int) async throws -> [DuplicateMatch] {
        let (repository, task) = (self.repository, excludingTask)
        return try await deadline.run {
            try await repository.nearDuplicates(phash: Int64(bitPattern: hash), maxDistance: maxDistance, excludingTask: task)
        }.map { DuplicateMatch(photoID: $0.id, distance: $0.distance) }
    }
}
