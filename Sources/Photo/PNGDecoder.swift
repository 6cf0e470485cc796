import CZlib

/// Reads PNG files (untrusted input) into 8-bit RGB: gray, RGB, palette, gray+alpha and RGBA at bit
/// depth 8, 16-bit samples (high byte kept), and 1/2/4-bit gray and palette (PIL writes small palettes
/// at 4 bits); alpha is dropped, as PIL's `convert("RGB")` in the reference pipeline does.
/// Interlaced (Adam7) files are refused.
/// Every length is checked against the bytes left before slicing, every CRC is verified, and the
/// declared size is bounded before anything is allocated.
public enum PNGDecoder {
    /// Largest width × height decoded unless the caller says otherwise.
    public static let defaultMaxPixels = 50_000_000
    /// Largest side `PixelImage` holds.
    static let maximumSide = 1 << 16

    /// Whether `bytes` start with the PNG signature (content, not file name, decides).
    public static func looksLikePNG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && Array(bytes[0..<8]) == PNGEncoder.signature
    }

    /// Decodes `bytes` into a 3-channel image, refusing more than `maxPixels` pixels before allocating.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaxPixels) throws -> PixelImage {
        guard looksLikePNG(bytes) else {
            throw PhotoError(.corrupt, "The file is not a PNG (it does not start with the PNG signature).")
        }
        var offset = 8
        var header: Header?
        var palette: [UInt8]?
        var inflater: Inflater?
        var idatState = 0 // 0 before IDAT, 1 inside the IDAT run, 2 after it
        var sawEnd = false
        while !sawEnd {
            let remaining = bytes.count - offset
            guard remaining >= 12 else {
                throw PhotoError(.corrupt, "The PNG is truncated (it ends before its IEND chunk).")
            }
            let length = Int(readUInt32(bytes, at: offset))
            let typeStart = offset + 4, dataStart = offset + 8
            guard length <= Int(Int32.max), length <= remaining - 12 else {
                throw PhotoError(.corrupt, "A PNG chunk declares \(length) bytes but only \(remaining - 12) remain: the file is truncated or damaged.")
            }
            let typeBytes = Array(bytes[typeStart..<dataStart])
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw PhotoError(.corrupt, "The PNG has a chunk whose type is not four letters.")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = bytes[dataStart..<(dataStart + length)]
            let storedCRC = readUInt32(bytes, at: dataStart + length)
            guard PNGEncoder.crc(type: typeBytes, data: data) == storedCRC else {
                throw PhotoError(.corrupt, "The PNG chunk \(type) fails its CRC check: the file is damaged.")
            }
            offset = dataStart + length + 4

            if header == nil && type != "IHDR" {
                throw PhotoError(.corrupt, "The PNG does not start with an IHDR chunk.")
            }
            if idatState == 1 && type != "IDAT" { idatState = 2 }
            switch type {
            case "IHDR":
                guard header == nil else { throw PhotoError(.corrupt, "The PNG has more than one IHDR chunk.") }
                let parsed = try Header(data, maxPixels: maxPixels)
                header = parsed
            case "PLTE":
                guard idatState == 0, palette == nil else {
                    throw PhotoError(.corrupt, "The PNG's PLTE chunk is repeated or comes after the image data.")
                }
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw PhotoError(.corrupt, "The PNG's PLTE chunk is \(length) bytes, not 1 to 256 RGB entries.")
                }
                palette = Array(data)
            case "IDAT":
                guard idatState != 2 else {
                    throw PhotoError(.corrupt, "The PNG's IDAT chunks are not consecutive.")
                }
                guard let header else { break }
                if header.colorType == 3 && palette == nil {
                    throw PhotoError(.corrupt, "The palette PNG has no PLTE chunk before its image data.")
                }
                if inflater == nil { inflater = try Inflater(outputCount: header.rawCount) }
                idatState = 1
                try inflater?.feed(data)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first letter clear means critical: a reader must not skip it.
                if typeBytes[0] & 0x20 == 0 {
                    throw PhotoError(.corrupt, "The PNG has a critical chunk \(type) this reader does not know.")
                }
            }
        }
        guard let header, let inflater else {
            throw PhotoError(.corrupt, "The PNG has no image data (no IDAT chunk).")
        }
        var raw = try inflater.finish()
        return try header.pixels(fromFiltered: &raw, palette: palette)
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// The IHDR fields, validated.
    struct Header {
        let width: Int
        let height: Int
        let colorType: UInt8
        /// Samples per pixel in the file (1 gray or palette index, 2 gray+alpha, 3 RGB, 4 RGBA).
        let samples: Int
        /// Bytes per sample: 1 or 2.
        let sampleBytes: Int
        /// Bits per sample: 1, 2, 4, 8 or 16.
        let depth: Int

        /// The filters' byte distance to the previous pixel (1 when pixels are smaller than a byte).
        var bytesPerPixel: Int { max(1, samples * depth / 8) }
        var rowBytes: Int { (width * samples * depth + 7) / 8 }
        /// Filtered data: one filter byte and one row per line.
        var rawCount: Int { (rowBytes + 1) * height }

        init(_ data: ArraySlice<UInt8>, maxPixels: Int) throws {
            guard data.count == 13 else { throw PhotoError(.corrupt, "The PNG's IHDR chunk is \(data.count) bytes, not 13.") }
            let fields = Array(data)
            let width = Int(PNGDecoder.readUInt32(fields, at: 0)), height = Int(PNGDecoder.readUInt32(fields, at: 4))
            let depth = fields[8], colorType = fields[9]
            guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
                throw PhotoError(.corrupt, "The PNG declares a \(width)×\(height) image, which is not a valid size.")
            }
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= maxPixels, width <= PNGDecoder.maximumSide, height <= PNGDecoder.maximumSide else {
                throw PhotoError(.tooLarge, "The PNG declares \(width)×\(height) pixels, more than the \(maxPixels) (and 65536 per side) this reader accepts.")
            }
            guard fields[10] == 0, fields[11] == 0 else {
                throw PhotoError(.corrupt, "The PNG declares an unknown compression or filter method.")
            }
            switch fields[12] {
            case 0: break
            case 1: throw PhotoError(.invalidArgument, "Interlaced (Adam7) PNGs are not supported; save the image without interlacing.")
            default: throw PhotoError(.corrupt, "The PNG declares an unknown interlace method \(fields[12]).")
            }
            let samples: Int
            switch colorType {
            case 0: samples = 1
            case 2: samples = 3
            case 3: samples = 1
            case 4: samples = 2
            case 6: samples = 4
            default: throw PhotoError(.corrupt, "The PNG declares an unknown colour type \(colorType).")
            }
            let allowed: [UInt8] = switch colorType {
            case 0: [1, 2, 4, 8, 16]
            case 3: [1, 2, 4, 8]
            default: [8, 16]
            }
            guard allowed.contains(depth) else {
                throw PhotoError(.corrupt, "The PNG declares bit depth \(depth), which colour type \(colorType) does not allow.")
            }
            self.width = width
            self.height = height
            self.colorType = colorType
            self.samples = samples
            self.sampleBytes = depth == 16 ? 2 : 1
            self.depth = Int(depth)
        }

        /// Reverses the per-row filters in place, then converts to RGB.
        func pixels(fromFiltered raw: inout [UInt8], palette: [UInt8]?) throws -> PixelImage {
            let bpp = bytesPerPixel, rowBytes = rowBytes, stride = rowBytes + 1
            try raw.withUnsafeMutableBufferPointer { buffer in
                for y in 0..<height {
                    let base = y * stride
                    let filter = buffer[base]
                    let row = base + 1, above = row - stride
                    switch filter {
                    case 0: break
                    case 1:
                        if rowBytes > bpp {
                            for i in bpp..<rowBytes { buffer[row + i] &+= buffer[row + i - bpp] }
                        }
                    case 2:
                        if y > 0 { for i in 0..<rowBytes { buffer[row + i] &+= buffer[above + i] } }
                    case 3:
                        for i in 0..<rowBytes {
                            let a = i >= bpp ? Int(buffer[row + i - bpp]) : 0
                            let b = y > 0 ? Int(buffer[above + i]) : 0
                            buffer[row + i] &+= UInt8((a + b) >> 1)
                        }
                    case 4:
                        for i in 0..<rowBytes {
                            let a = i >= bpp ? Int(buffer[row + i - bpp]) : 0
                            let b = y > 0 ? Int(buffer[above + i]) : 0
                            let c = i >= bpp && y > 0 ? Int(buffer[above + i - bpp]) : 0
                            buffer[row + i] &+= UInt8(PNGEncoder.paeth(a, b, c))
                        }
                    default:
                        throw PhotoError(.corrupt, "Row \(y) of the PNG uses unknown filter type \(filter).")
                    }
                }
            }
            var out = [UInt8](repeating: 0, count: width * height * 3)
            let paletteEntries = (palette?.count ?? 0) / 3
            var badIndex = false
            raw.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { target in
                    let step = sampleBytes // the high byte of a 16-bit sample comes first
                    let small = depth < 8, mask = (1 << depth) - 1
                    for y in 0..<height {
                        let row = y * stride + 1
                        for x in 0..<width {
                            let t = (y * width + x) * 3
                            // Sub-byte samples are packed from the most significant bit; unpack to an 8-bit value.
                            let bit = x * depth
                            let packed = small ? (Int(source[row + bit / 8]) >> (8 - depth - bit % 8)) & mask : 0
                            let p = small ? row : row + x * bpp
                            switch colorType {
                            case 0, 4:
                                let g = small ? UInt8(packed * 255 / mask) : source[p]
                                target[t] = g; target[t + 1] = g; target[t + 2] = g
                            case 3:
                                let index = small ? packed : Int(source[p])
                                if index < paletteEntries, let palette {
                                    target[t] = palette[index * 3]
                                    target[t + 1] = palette[index * 3 + 1]
                                    target[t + 2] = palette[index * 3 + 2]
                                } else {
                                    badIndex = true
                                }
                            default: // 2 and 6: RGB first, alpha (if any) ignored
                                target[t] = source[p]
                                target[t + 1] = source[p + step]
                                target[t + 2] = source[p + 2 * step]
                            }
                        }
                    }
                }
            }
            if badIndex {
                throw PhotoError(.corrupt, "The PNG uses a palette index beyond its \(paletteEntries)-entry PLTE chunk.")
            }
            return try PixelImage(width: width, height: height, channels: 3, pixels: out)
        }
    }
}

/// One zlib inflate stream at a fixed address (zlib keeps a pointer back to it) writing into a buffer
/// of exactly the filtered-data size, so a stream that is longer or shorter is caught, never grown into.
private final class Inflater {
    let raw: UnsafeMutablePointer<z_stream>
    var output: [UInt8]
    var ended = false

    init(outputCount: Int) throws {
        output = [UInt8](repeating: 0, count: outputCount)
        raw = .allocate(capacity: 1)
        raw.initialize(to: z_stream())
        guard vantage_inflate_init(raw) == Z_OK else {
            raw.deinitialize(count: 1)
            raw.deallocate()
            throw PhotoError(.resources, "zlib could not start an inflate stream.")
        }
    }

    deinit {
        inflateEnd(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Inflates one IDAT chunk's bytes; compressed bytes after the end of the stream are ignored, as libpng does.
    func feed(_ data: ArraySlice<UInt8>) throws {
        guard !ended, !data.isEmpty else { return }
        let produced = Int(raw.pointee.total_out)
        let status: Int32 = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                raw.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                raw.pointee.avail_in = uInt(input.count)
                raw.pointee.next_out = out.baseAddress.map { $0 + produced }
                raw.pointee.avail_out = uInt(out.count - produced)
                let status = inflate(raw, Z_NO_FLUSH)
                raw.pointee.next_in = nil
                raw.pointee.next_out = nil
                return status
            }
        }
        switch status {
        case Z_STREAM_END:
            ended = true
        case Z_OK:
            break
        case Z_BUF_ERROR:
            // No progress possible: the output is full and the stream wants to write more.
            throw longer()
        case Z_MEM_ERROR:
            throw PhotoError(.resources, "zlib ran out of memory inflating the PNG.")
        default:
            throw PhotoError(.corrupt, "The PNG's compressed image data is damaged (zlib status \(status)).")
        }
        if !ended && raw.pointee.avail_out == 0 && raw.pointee.avail_in > 0 { throw longer() }
    }

    /// The filtered data, once the stream has ended having filled the buffer exactly.
    func finish() throws -> [UInt8] {
        let produced = Int(raw.pointee.total_out)
        guard produced == output.count else {
            throw PhotoError(.corrupt, "The PNG's image data ends early: \(produced) of \(output.count) bytes.")
        }
        guard ended else { throw longer() }
        return output
    }

    private func longer() -> PhotoError {
        PhotoError(.corrupt, "The PNG's image data is longer than its header's \(output.count) bytes.")
    }
}
