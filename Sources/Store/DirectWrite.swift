import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes a new file with `O_DIRECT`: the bytes go from an aligned, reused buffer straight to the
/// device, without the kernel copying them into page-cache pages first. The file is written in
/// whole 4 KiB blocks, truncated to its length and fsynced. Returns false (having removed any
/// partial file) wherever direct I/O is unavailable, e.g. on tmpfs, so the caller writes buffered.
enum DirectWrite {
    #if os(Linux) && arch(x86_64)
    private static let flag: Int32 = 0o40000
    #elseif os(Linux) && arch(arm64)
    private static let flag: Int32 = 0o200000
    #else
    private static let flag: Int32 = 0
    #endif

    /// Alignment of the buffer, the file offset and the length for direct I/O on common devices.
    static let blockSize = 4096

    /// Writes `bytes` to a new file at `path` (which must not exist) and fsyncs it.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) -> Bool {
        guard flag != 0, bytes.count > 0 else { return false }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | flag, 0o640)
        guard fd >= 0 else { return false }
        let padded = (bytes.count + blockSize - 1) / blockSize * blockSize
        let buffer = BufferPool.shared.take(capacity: padded)
        defer { BufferPool.shared.give(buffer) }
        buffer.pointer.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        (buffer.pointer + bytes.count).initializeMemory(as: UInt8.self, repeating: 0, count: padded - bytes.count)
        var written = 0
        var ok = true
        while written < padded {
            let n = Glibc.write(fd, buffer.pointer + written, padded - written)
            if n < 0 && errno == EINTR { continue }
            // A short direct write would leave the next offset unaligned: give up and write buffered.
            guard n > 0, n % blockSize == 0 else { ok = false; break }
            written += n
        }
        ok = ok && ftruncate(fd, off_t(bytes.count)) == 0 && fsync(fd) == 0
        close(fd)
        if !ok { unlink(path) }
        return ok
    }

    /// A page-aligned buffer owned by one writer at a time (taken from and given back to the pool).
    final class Buffer: @unchecked Sendable {
        // @unchecked: the pool hands a buffer to one caller at a time; nobody else holds it meanwhile.
        let pointer: UnsafeMutableRawPointer
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(byteCount: capacity, alignment: DirectWrite.blockSize)
        }

        deinit { pointer.deallocate() }
    }

    /// Keeps a few buffers alive between writes, so their pages stay mapped instead of being
    /// faulted in (and zeroed) for every blob.
    final class BufferPool: Sendable {
        static let shared = BufferPool()
        /// Buffers kept at most, and the largest kept (bigger ones are freed after use).
        private let maxKept = 4, maxKeptBytes = 32 << 20
        private let free = Mutex<[Buffer]>([])

        func take(capacity: Int) -> Buffer {
            let reused = free.withLock { buffers -> Buffer? in
                guard let index = buffers.firstIndex(where: { $0.capacity >= capacity }) else { return nil }
                return buffers.remove(at: index)
            }
            // Grow in 1 MiB steps so one buffer serves photos of similar size.
            return reused ?? Buffer(capacity: ((capacity + (1 << 20) - 1) >> 20) << 20)
        }

        func give(_ buffer: Buffer) {
            guard buffer.capacity <= maxKeptBytes else { return }
            free.withLock { buffers in
                if buffers.count >= maxKept, let smallest = buffers.indices.min(by: { buffers[$0].capacity < buffers[$1].capacity }) {
                    if buffers[smallest].capacity < buffer.capacity { buffers[smallest] = buffer }
                } else {
                    buffers.append(buffer)
                }
            }
        }
    }
}
