public import Foundation

/// A `DuplicateIndex` in memory, banded exactly like the photos table, for tests and the CLI.
public actor InMemoryDuplicateIndex: DuplicateIndex {
    private var bySHA256: [[UInt8]: UUID] = [:]
    private var hashes: [UUID: UInt64] = [:]
    private var bands: [[UInt16: Set<UUID>]] = Array(repeating: [:], count: 4)

    /// An empty index.
    public init() {}

    /// Records a stored photo.
    public func add(photoID: UUID, sha256: [UInt8], perceptualHash: UInt64?) {
        bySHA256[sha256] = photoID
        guard let perceptualHash else { return }
        hashes[photoID] = perceptualHash
        for (band, key) in PerceptualHash.bands(perceptualHash).enumerated() {
            bands[band][key, default: []].insert(photoID)
        }
    }

    /// The stored photo with exactly these SHA-256 bytes, if any.
    public func photo(withSHA256 digest: [UInt8]) -> DuplicateMatch? {
        bySHA256[digest].map { DuplicateMatch(photoID: $0, distance: 0) }
    }

    /// Probes 17 keys per band, then checks the full distance of each candidate.
    public func photos(nearPerceptualHash hash: UInt64, maxDistance: Int) -> [DuplicateMatch] {
        var candidates = Set<UUID>()
        for (band, keys) in PerceptualHash.bandProbes(hash).enumerated() {
            for key in keys { candidates.formUnion(bands[band][key] ?? []) }
        }
        return candidates.compactMap { id in
            guard let stored = hashes[id] else { return nil }
            let distance = PerceptualHash.distance(stored, hash)
            return distance <= maxDistance ? DuplicateMatch(photoID: id, distance: distance) : nil
        }.sorted { ($0.distance, $0.photoID.uuidString) < ($1.distance, $1.photoID.uuidString) }
    }
}
