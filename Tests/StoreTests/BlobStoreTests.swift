import Crypto
import Foundation
import Testing
import VantageTestSupport
@testable import Store

@Suite("Blob store")
struct BlobStoreTests {
    @Test func storesByContentAndIsIdempotent() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BlobStore(root: folder)
        let bytes = Data("hello, blob".utf8)
        let key = try store.put(bytes)
        #expect(key == BlobStore.key(for: bytes))
        #expect(key.count == 64)
        #expect(try store.get(key: key) == bytes)
        #expect(try store.put(bytes) == key)
        #expect(try store.allKeys().map(\.key) == [key])
        #expect(store.url(forKey: key).path.hasSuffix("/\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key).jpg"))
        try store.remove(key: key)
        #expect(!store.contains(key: key))
        #expect(throws: StoreError.self) { try store.get(key: key) }
    }

    /// Direct I/O writes whole 4 KiB blocks and truncates: every size around a block edge must
    /// read back exactly, under its digest, with no temporary left behind.
    @Test(arguments: [1, 4095, 4096, 4097, 12_289, 3_000_001])
    func storesEverySizeExactly(size: Int) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BlobStore(root: folder)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let digest = Array(SHA256.hash(data: bytes))
        let key = try store.put(bytes, sha256: digest)
        #expect(key == BlobStore.key(for: bytes))
        #expect(try store.get(key: key) == Data(bytes))
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") })
    }

    /// On a disk file system the direct path is taken (and not silently the buffered fallback);
    /// where direct I/O is refused (tmpfs), the fallback answer is false and nothing is left.
    @Test func directWriteIsUsedWhereTheFileSystemAllowsIt() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("direct.bin").path
        let bytes = [UInt8](repeating: 7, count: 10_000)
        let written = bytes.withUnsafeBytes { DirectWrite.write($0, to: path) }
        let onTmpfs = Self.fileSystemType(of: folder.path) == "tmpfs"
        if written {
            #expect(FileManager.default.contents(atPath: path) == Data(bytes))
        } else {
            #expect(onTmpfs, "direct I/O was refused on a file system that is not tmpfs")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// The type of the file system holding `path`: the longest mount point that contains it.
    static func fileSystemType(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            let point = fields[1]
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count > (best?.point.count ?? -1) { best = (point, fields[2]) }
        }
        return best?.type
    }

    @Test func sweepsOnlyOldTemporaries() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BlobStore(root: folder)
        try store.put(Data("x".utf8))
        let temporary = folder.appendingPathComponent(".dead.tmp")
        try Data("partial".utf8).write(to: temporary)
        #expect(store.sweepTemporaries(olderThan: 3600) == 0)
        #expect(store.sweepTemporaries(olderThan: 3600, now: Date().addingTimeInterval(7200)) == 1)
        #expect(try store.allKeys().count == 1)
    }
}
