public import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed files under a root folder: `ab/cd/abcdef….jpg`, named by their SHA-256.
///
/// A blob is written to a temporary file, fsynced, renamed into place and its folder fsynced, so
/// once `put` returns the bytes survive a crash; only then may a database row point at it.
/// A crash before the row commits leaves an orphan blob, which is harmless and swept by `sweep`.
public struct BlobStore: Sendable {
    /// The folder holding the blobs.
    public let root: URL

    /// Creates a store rooted at `root` (created on first write).
    public init(root: URL) {
        self.root = root
    }

    /// Hex SHA-256 of `bytes`, the key a blob is stored under.
    public static func key(for bytes: some DataProtocol) -> String {
        hex(Array(SHA256.hash(data: bytes)))
    }

    /// Where the blob with `key` lives.
    public func url(forKey key: String) -> URL {
        let name = key.lowercased()
        return root
            .appendingPathComponent(String(name.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(name.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(name + ".jpg")
    }

    /// True when the blob is on disk.
    public func contains(key: String) -> Bool {
        FileManager.default.fileExists(atPath: url(forKey: key).path)
    }

    /// Durably stores `bytes`; returns their key. Idempotent: existing content is not rewritten.
    @discardableResult
    public func put(_ bytes: Data) throws -> String {
        let key = Self.key(for: bytes)
        try bytes.withUnsafeBytes { try store($0, key: key) }
        return key
    }

    /// Durably stores `bytes` whose SHA-256 the caller has already computed (`sha256`, 32 bytes),
    /// saving a second pass over them; returns the key.
    @discardableResult
    public func put(_ bytes: [UInt8], sha256: [UInt8]) throws -> String {
        precondition(sha256.count == 32, "a SHA-256 digest is 32 bytes")
        let key = Self.hex(sha256)
        try bytes.withUnsafeBytes { try store($0, key: key) }
        return key
    }

    private func store(_ bytes: UnsafeRawBufferPointer, key: String) throws {
        let destination = url(forKey: key)
        if FileManager.default.fileExists(atPath: destination.path) { return }
        let folder = destination.deletingLastPathComponent()
        try createFolders(upTo: folder)
        let temporary = folder.appendingPathComponent(".\(key).\(UUID().uuidString).tmp")
        // Direct I/O first: a buffered write copies every byte into fresh page-cache pages, which
        // cost a fifth of the server's CPU per upload here; the blob is not read back soon anyway.
        if !DirectWrite.write(bytes, to: temporary.path) {
            try writeBuffered(bytes, to: temporary)
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let error = failure("rename", destination)
            unlink(temporary.path)
            throw error
        }
        try syncFolder(folder)
    }

    /// The portable path: write, fsync, close.
    private func writeBuffered(_ bytes: UnsafeRawBufferPointer, to temporary: URL) throws {
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure("open", temporary) }
        var written = 0
        var ok = true
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            written += n
        }
        guard ok, fsync(fd) == 0 else {
            let error = failure("write", temporary)
            close(fd)
            unlink(temporary.path)
            throw error
        }
        close(fd)
    }

    /// Lower-case hex of a digest: the key of the blob it names.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Reads a blob's bytes.
    public func get(key: String) throws -> Data {
        do {
            return try Data(contentsOf: url(forKey: key))
        } catch {
            throw StoreError(.notFound, "Blob \(key) is missing from \(root.path).")
        }
    }

    /// Every key on disk, with the file's modification time (for the grace period of sweeps).
    public func allKeys() throws -> [(key: String, modified: Date)] {
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.contentModificationDateKey], options: [.skipsHiddenFiles])
        else { return [] }
        var keys: [(String, Date)] = []
        for case let url as URL in enumerator where url.pathExtension == "jpg" {
            let name = url.deletingPathExtension().lastPathComponent
            guard name.count == 64, name.allSatisfy(\.isHexDigit) else { continue }
            let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
            keys.append((name, modified))
        }
        return keys
    }

    /// Removes a blob (used by repair of orphans).
    public func remove(key: String) throws {
        let path = url(forKey: key).path
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove", url(forKey: key)) }
    }

    /// Removes temporary files older than `grace` left by writes that crashed midway.
    public func sweepTemporaries(olderThan grace: TimeInterval, now: Date = Date()) -> Int {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey])
        else { return 0 }
        var removed = 0
        for case let url as URL in enumerator where url.lastPathComponent.hasPrefix(".") && url.pathExtension == "tmp" {
            let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? now
            if now.timeIntervalSince(modified) > grace, unlink(url.path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Creates `folder` and its missing parents up from the root, fsyncing the parent of each one it
    /// creates: a new folder's name is only durable once its parent is synced.
    private func createFolders(upTo folder: URL) throws {
        var missing: [URL] = []
        var cursor = folder
        while !FileManager.default.fileExists(atPath: cursor.path) {
            missing.append(cursor)
            let parent = cursor.deletingLastPathComponent()
            guard parent.path != cursor.path else { break }
            cursor = parent
        }
        for created in missing.reversed() {
            if mkdir(created.path, 0o750) != 0 && errno != EEXIST {
                throw StoreError(.blobStore, "Cannot create the blob folder \(created.path): \(String(cString: strerror(errno))).")
            }
            try syncFolder(created.deletingLastPathComponent())
        }
    }

    /// The PostgreSQL advisory-lock key of a blob (its digest's first 8 bytes): uploads that name
    /// the blob hold it shared, `store check --repair` exclusively while it removes the blob.
    public static func lockKey(forDigest digest: Data) -> Int64 {
        digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// The 32-byte digest a 64-digit hex key names, nil for anything else.
    public static func digest(hex key: String) -> Data? {
        let digits = Array(key.utf8)
        guard digits.count == 64 else { return nil }
        var digest = Data(capacity: 32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            digest.append(byte)
        }
        return digest
    }

    private func syncFolder(_ folder: URL) throws {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open folder", folder) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync folder", folder) }
    }

    private func failure(_ operation: String, _ url: URL) -> StoreError {
        StoreError(.blobStore, "Cannot \(operation) \(url.path): \(String(cString: strerror(errno))).")
    }
}
