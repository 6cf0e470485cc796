public import Foundation

/// A stored photo that an upload duplicates.
public struct DuplicateMatch: Sendable, Equatable {
    /// The stored photo's public id.
    public var photoID: UUID
    /// Hamming distance between perceptual hashes (0 for exact matches).
    public var distance: Int

    /// Creates a match.
    public init(photoID: UUID, distance: Int) {
        self.photoID = photoID
        self.distance = distance
    }
}

/// Looks up stored photos by content. Implementations must find every hash within `maxDistance`:
/// with four 16-bit bands and distance ≤ 5, probe each band with `PerceptualHash.bandProbes`
/// (the band and its 16 one-bit neighbours), then check the full 64-bit distance.
public protocol DuplicateIndex: Sendable {
    /// The stored photo with exactly these SHA-256 bytes, if any.
    func photo(withSHA256 digest: [UInt8]) async throws -> DuplicateMatch?
    /// Stored photos whose perceptual hash is within `maxDistance` bits of `hash`.
    func photos(nearPerceptualHash hash: UInt64, maxDistance: Int) async throws -> [DuplicateMatch]
}
