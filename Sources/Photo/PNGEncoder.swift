import CZlib

/// Writes 8-bit RGB or gray images as PNG with exactly three chunk types: IHDR, IDAT, IEND.
/// No text, time, gamma or colour-profile chunk is ever written, so nothing but pixels leaves.
/// Output depends only on the pixels and the level (and zlib's version): the same image gives
/// the same bytes, which byte-identical exports rely on.
public enum PNGEncoder {
    /// The eight bytes every PNG starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Largest IDAT payload written in one chunk (the format allows 2³¹−1; smaller keeps readers' buffers modest).
    static let idatChunkSize = 1 << 20
    /// Largest filtered scanline data accepted (zlib's input counter is 32-bit).
    static let maximumRawBytes = Int(UInt32.max)

    /// Encodes `image`; `level` is zlib's 0 (store) to 9 (smallest).
    public static func encode(_ image: PixelImage, level: Int = 6) throws -> [UInt8] {
        guard (0...9).contains(level) else {
            throw PhotoError(.invalidArgument, "The PNG compression level must be between 0 and 9.")
        }
        let rowBytes = image.width * image.channels
        let (rawCount, overflow) = (rowBytes + 1).multipliedReportingOverflow(by: image.height)
        guard !overflow, rawCount <= maximumRawBytes else {
            throw PhotoError(.tooLarge, "The image is too large to encode as one PNG.")
        }
        let filtered = filterRows(image)
        let compressed = try deflate(filtered, level: level)

        var out = signature
        out.reserveCapacity(signature.count + compressed.count + 64 + 12 * (compressed.count / idatChunkSize + 1))
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        // Bit depth 8; colour type 2 (RGB) or 0 (gray); deflate; adaptive filtering; no interlace.
        header.append(contentsOf: [8, image.channels == 3 ? 2 : 0, 0, 0, 0])
        appendChunk("IHDR", header[...], to: &out)
        var start = 0
        repeat {
            let end = min(compressed.count, start + idatChunkSize)
            appendChunk("IDAT", compressed[start..<end], to: &out)
            start = end
        } while start < compressed.count
        appendChunk("IEND", [][...], to: &out)
        return out
    }

    /// Filters each row with the PNG filter (None, Sub, Up, Average, Paeth) whose output has the
    /// smallest sum of absolute values, the heuristic the PNG specification recommends.
    static func filterRows(_ image: PixelImage) -> [UInt8] {
        let bpp = image.channels, rowBytes = image.width * image.channels
        var out = [UInt8](repeating: 0, count: (rowBytes + 1) * image.height)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: rowBytes), count: 5)
        let zeroRow = [UInt8](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<image.height {
                let row = UnsafeBufferPointer(rebasing: pixels[(y * rowBytes)..<((y + 1) * rowBytes)])
                zeroRow.withUnsafeBufferPointer { zero in
                    let above = y == 0 ? zero : UnsafeBufferPointer(rebasing: pixels[((y - 1) * rowBytes)..<(y * rowBytes)])
                    var bestFilter = 0, bestCost = Int.max
                    for filter in 0..<5 {
                        var cost = 0
                        candidates[filter].withUnsafeMutableBufferPointer { target in
                            for i in 0..<rowBytes {
                                let a = i >= bpp ? Int(row[i - bpp]) : 0
                                let b = Int(above[i])
                                let c = i >= bpp ? Int(above[i - bpp]) : 0
                                let predicted: Int
                                switch filter {
                                case 0: predicted = 0
                                case 1: predicted = a
                                case 2: predicted = b
                                case 3: predicted = (a + b) >> 1
                                default: predicted = paeth(a, b, c)
                                }
                                let value = UInt8(truncatingIfNeeded: Int(row[i]) - predicted)
                                target[i] = value
                                cost += value < 128 ? Int(value) : 256 - Int(value)
                            }
                        }
                        if cost < bestCost { bestCost = cost; bestFilter = filter }
                    }
                    let base = y * (rowBytes + 1)
                    out[base] = UInt8(bestFilter)
                    out.replaceSubrange((base + 1)..<(base + 1 + rowBytes), with: candidates[bestFilter])
                }
            }
        }
        return out
    }

    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// One zlib stream (header, deflate data, Adler-32) of `bytes`.
    static func deflate(_ bytes: [UInt8], level: Int) throws -> [UInt8] {
        let stream = try DeflateStream(level: level)
        return try stream.compress(bytes)
    }

    /// CRC-32 (as PNG defines it, zlib's) over `type` and `data`.
    static func crc(type: [UInt8], data: ArraySlice<UInt8>) -> UInt32 {
        var value = crc32(0, nil, 0)
        type.withUnsafeBufferPointer { value = crc32(value, $0.baseAddress, UInt32($0.count)) }
        data.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { value = crc32(value, base, UInt32(buffer.count)) }
        }
        return UInt32(truncatingIfNeeded: value)
    }

    static func appendChunk(_ type: String, _ data: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out.appendBigEndian(UInt32(data.count))
        out.append(contentsOf: typeBytes)
        out.append(contentsOf: data)
        out.appendBigEndian(crc(type: typeBytes, data: data))
    }
}

/// Owns one zlib deflate stream at a fixed address (zlib keeps a pointer back to it), ended in `deinit`.
private final class DeflateStream {
    let raw: UnsafeMutablePointer<z_stream>

    init(level: Int) throws {
        raw = .allocate(capacity: 1)
        raw.initialize(to: z_stream())
        guard vantage_deflate_init(raw, Int32(level)) == Z_OK else {
            raw.deinitialize(count: 1)
            raw.deallocate()
            throw PhotoError(.resources, "zlib could not start a deflate stream.")
        }
    }

    deinit {
        deflateEnd(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Compresses all of `input`, starting from zlib's worst-case size and growing the buffer when
    /// zlib still asks for room (its bound undercounts stored blocks of tiny inputs: a 1×1 image at
    /// level 0 did not fit).
    func compress(_ input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(deflateBound(raw, uLong(input.count))) + 64)
        var source = input
        var status: Int32 = Z_OK
        source.withUnsafeMutableBufferPointer { inBuffer in
            raw.pointee.next_in = inBuffer.baseAddress
            raw.pointee.avail_in = uInt(inBuffer.count)
            while status == Z_OK {
                let written = Int(raw.pointee.total_out)
                if written == output.count { output.append(contentsOf: [UInt8](repeating: 0, count: max(1024, output.count / 2))) }
                status = output.withUnsafeMutableBufferPointer { outBuffer in
                    raw.pointee.next_out = outBuffer.baseAddress! + written
                    raw.pointee.avail_out = uInt(outBuffer.count - written)
                    let status = CZlib.deflate(raw, Z_FINISH)
                    raw.pointee.next_out = nil
                    return status
                }
            }
            raw.pointee.next_in = nil
        }
        guard status == Z_STREAM_END else {
            throw PhotoError(.resources, "zlib could not compress the image (status \(status)).")
        }
        output.removeSubrange(Int(raw.pointee.total_out)...)
        return output
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
