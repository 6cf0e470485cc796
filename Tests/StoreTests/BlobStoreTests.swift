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
