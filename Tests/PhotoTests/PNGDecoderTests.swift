import CZlib
import Photo
import Testing
import VantageTestSupport

@Suite("PNG decoder")
struct PNGDecoderTests {
    @Test func roundTripsRGBAndGrayFromTheEncoderAtSeveralSizesAndLevels() throws {
        var noise = Noise(seed: 11)
        for (width, height) in [(1, 1), (2, 3), (17, 5), (97, 61), (320, 200)] {
            let rgb = width >= 5 && height >= 5
                ? PhotoFixtures.scene(width: width, height: height, seed: UInt64(width))
                : try PixelImage(width: width, height: height, channels: 3, pixels: (0..<(width * height * 3)).map { _ in noise.next() })
            let gray = try PixelImage(width: width, height: height, channels: 1, pixels: rgb.luma())
            for level in [0, 1, 6, 9] {
                let decoded = try PNGDecoder.decode(try PNGEncoder.encode(rgb, level: level))
                #expect(decoded == rgb, "RGB \(width)×\(height) level \(level)")
                let decodedGray = try PNGDecoder.decode(try PNGEncoder.encode(gray, level: level))
                #expect(decodedGray.channels == 3 && decodedGray.pixels == gray.pixels.flatMap { [$0, $0, $0] },
                        "gray \(width)×\(height) level \(level)")
            }
        }
    }

    @Test func readsDataSplitOverManyIDATChunks() throws {
        var noise = Noise(seed: 5)
        let random = try PixelImage(width: 700, height: 600, channels: 3, pixels: (0..<(700 * 600 * 3)).map { _ in noise.next() })
        #expect(try PNGDecoder.decode(try PNGEncoder.encode(random, level: 0)) == random)
    }

    @Test func readsPaletteFilesBuiltByHand() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]
        let width = 6, height = 5
        let indices = (0..<(width * height)).map { UInt8(($0 * 7 + $0 / width) % 4) }
        let png = HandPNG.file(width: width, height: height, colorType: 3, bpp: 1, samples: indices,
                               before: [HandPNG.chunk("PLTE", palette), HandPNG.chunk("tEXt", Array("Comment\0hand".utf8))])
        let image = try PNGDecoder.decode(png)
        #expect(image.width == width && image.height == height && image.channels == 3)
        #expect(image.pixels == indices.flatMap { Array(palette[(Int($0) * 3)..<(Int($0) * 3 + 3)]) })

        let outOfRange = HandPNG.file(width: 2, height: 1, colorType: 3, bpp: 1, samples: [0, 4], before: [HandPNG.chunk("PLTE", palette)])
        #expect(try failure(outOfRange).message.contains("palette index"))
        let noPalette = HandPNG.file(width: 2, height: 1, colorType: 3, bpp: 1, samples: [0, 1])
        #expect(try failure(noPalette).message.contains("PLTE"))
    }

    @Test func dropsAlphaAndUnfiltersEveryFilterType() throws {
        // Each row uses filter y % 5, so None, Sub, Up, Average and Paeth all run with 4 bytes per pixel.
        var noise = Noise(seed: 7)
        let width = 9, height = 10
        let rgba = (0..<(width * height * 4)).map { _ in noise.next() }
        let image = try PNGDecoder.decode(HandPNG.file(width: width, height: height, colorType: 6, bpp: 4, samples: rgba))
        #expect(image.pixels == stride(from: 0, to: rgba.count, by: 4).flatMap { Array(rgba[$0..<($0 + 3)]) })

        let grayAlpha = (0..<(width * height * 2)).map { _ in noise.next() }
        let gray = try PNGDecoder.decode(HandPNG.file(width: width, height: height, colorType: 4, bpp: 2, samples: grayAlpha))
        #expect(gray.pixels == stride(from: 0, to: grayAlpha.count, by: 2).flatMap { [grayAlpha[$0], grayAlpha[$0], grayAlpha[$0]] })
    }

    @Test func unpacksOneTwoAndFourBitGrayAndPalettes() throws {
        // 4-bit palette, 5 pixels per row (the last byte half used), as PIL writes palettes of ≤ 16 colours.
        let palette: [UInt8] = (0..<16).flatMap { (entry: Int) -> [UInt8] in [UInt8(entry * 16), UInt8(255 - entry * 16), UInt8(entry)] }
        let width = 5, height = 4
        let indices = (0..<(width * height)).map { ($0 * 5 + $0 / width) % 16 }
        var packed: [UInt8] = []
        for y in 0..<height {
            for pair in stride(from: 0, to: width, by: 2) {
                let low = pair + 1 < width ? indices[y * width + pair + 1] : 0
                packed.append(UInt8(indices[y * width + pair] << 4 | low))
            }
        }
        let png = HandPNG.file(width: width, height: height, colorType: 3, depth: 4, bpp: 1, samples: packed,
                               before: [HandPNG.chunk("PLTE", palette)], packedRowBytes: 3)
        #expect(try PNGDecoder.decode(png).pixels == indices.flatMap { Array(palette[($0 * 3)..<($0 * 3 + 3)]) })

        // 1-bit gray: 0b1010_0110 0b1xxx_xxxx is a 9-pixel row; 2-bit gray 0b00_01_10_11 is 0, 85, 170, 255.
        let bits = HandPNG.file(width: 9, height: 1, colorType: 0, depth: 1, bpp: 1, samples: [0b1010_0110, 0b1000_0000], packedRowBytes: 2)
        #expect(try PNGDecoder.decode(bits).pixels == [255, 0, 255, 0, 0, 255, 255, 0, 255].flatMap { [$0, $0, $0] })
        let twoBit = HandPNG.file(width: 4, height: 1, colorType: 0, depth: 2, bpp: 1, samples: [0b00_01_10_11], packedRowBytes: 1)
        #expect(try PNGDecoder.decode(twoBit).pixels == [0, 85, 170, 255].flatMap { [$0, $0, $0] })
    }

    @Test func keepsTheHighByteOfSixteenBitSamples() throws {
        var noise = Noise(seed: 8)
        let width = 5, height = 6
        let samples = (0..<(width * height * 6)).map { _ in noise.next() }
        let image = try PNGDecoder.decode(HandPNG.file(width: width, height: height, colorType: 2, depth: 16, bpp: 6, samples: samples))
        #expect(image.pixels == stride(from: 0, to: samples.count, by: 2).map { samples[$0] })
    }

    @Test func refusesDamagedFilesWithOneSentence() throws {
        let valid = try PNGEncoder.encode(PhotoFixtures.scene(width: 40, height: 30, seed: 2))
        #expect(try failure(Array("GIF89a not a png".utf8)).message.contains("signature"))
        for cut in [8, 12, 20, 33, 40, valid.count / 2, valid.count - 12, valid.count - 1] {
            #expect(throws: PhotoError.self, "cut at \(cut)") { try PNGDecoder.decode(Array(valid[0..<cut])) }
        }
        var badCRC = valid
        badCRC[29] ^= 0x01 // first byte of IHDR's CRC
        #expect(try failure(badCRC).message.contains("CRC"))
        var badPixel = valid
        badPixel[45] ^= 0x40 // inside IDAT: caught by the CRC before zlib sees it
        #expect(try failure(badPixel).message.contains("CRC"))
        var longLength = valid
        longLength[33 + 2] = 0x7F // IDAT declares far more bytes than remain
        #expect(try failure(longLength).message.contains("remain"))
        let shortHeader = PNGEncoder.signature + HandPNG.chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0]) + HandPNG.chunk("IEND", [])
        #expect(try failure(shortHeader).message.contains("not 13"))
        let zero = HandPNG.file(width: 0, height: 1, colorType: 2, bpp: 3, samples: [])
        #expect(try failure(zero).code == .corrupt)
        let badDepth = HandPNG.file(width: 1, height: 1, colorType: 2, depth: 4, bpp: 3, samples: [1, 2, 3])
        #expect(try failure(badDepth).message.contains("does not allow"))
        let unknownCritical = PNGEncoder.signature + HandPNG.chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
            + HandPNG.chunk("ABCD", [1]) + HandPNG.chunk("IEND", [])
        #expect(try failure(unknownCritical).message.contains("critical"))
        let noData = PNGEncoder.signature + HandPNG.chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]) + HandPNG.chunk("IEND", [])
        #expect(try failure(noData).message.contains("no IDAT"))
    }

    @Test func refusesOversizedDimensionsBeforeAllocating() throws {
        // 100000 × 100000 RGB would need 30 GB: refused from the header alone.
        let huge = HandPNG.file(width: 100_000, height: 100_000, colorType: 2, bpp: 3, samples: [])
        #expect(try failure(huge).code == .tooLarge)
        let wide = HandPNG.file(width: 70_000, height: 1, colorType: 0, bpp: 1, samples: [])
        #expect(try failure(wide).code == .tooLarge)
        let image = try PNGEncoder.encode(PhotoFixtures.scene(width: 40, height: 30))
        #expect(throws: PhotoError(.tooLarge, "The PNG declares 40×30 pixels, more than the 1000 (and 65536 per side) this reader accepts.")) {
            try PNGDecoder.decode(image, maxPixels: 1000)
        }
        #expect(try PNGDecoder.decode(image, maxPixels: 1200).width == 40)
    }

    @Test func refusesInterlacedFilesAndWrongDataLengths() throws {
        let interlaced = HandPNG.file(width: 4, height: 4, colorType: 2, interlace: 1, bpp: 3, samples: [UInt8](repeating: 9, count: 48))
        let error = try failure(interlaced)
        #expect(error.code == .invalidArgument && error.message.contains("Interlaced"))

        let samples = [UInt8](repeating: 50, count: 4 * 3 * 3)
        let short = HandPNG.file(width: 4, height: 3, colorType: 2, bpp: 3, samples: samples, rawAdjust: -1)
        #expect(try failure(short).message.contains("ends early"))
        let long = HandPNG.file(width: 4, height: 3, colorType: 2, bpp: 3, samples: samples, rawAdjust: 13)
        #expect(try failure(long).message.contains("longer"))
        let longByOne = HandPNG.file(width: 4, height: 3, colorType: 2, bpp: 3, samples: samples, rawAdjust: 1)
        #expect(try failure(longByOne).message.contains("longer"))
        // The same stream split over IDAT chunks of 1 byte each still decodes.
        let split = HandPNG.file(width: 4, height: 3, colorType: 2, bpp: 3, samples: samples, idatSize: 1)
        #expect(try PNGDecoder.decode(split).pixels == samples)
        let badFilter = HandPNG.file(width: 4, height: 3, colorType: 2, bpp: 3, samples: samples, filterOverride: 5)
        #expect(try failure(badFilter).message.contains("unknown filter type 5"))
    }

    @Test func survivesFiveHundredRandomMutations() throws {
        let valid = try PNGEncoder.encode(PhotoFixtures.scene(width: 48, height: 32, seed: 3), level: 6)
        var noise = Noise(seed: 99)
        var decoded = 0, refused = 0
        for round in 0..<500 {
            var bytes = valid
            let edits = 1 + Int(noise.next() % 4)
            for _ in 0..<edits {
                let position = Int(noise.next16()) % bytes.count
                switch noise.next() % 4 {
                case 0: bytes[position] = noise.next()
                case 1: bytes[position] ^= 1 << (noise.next() % 8)
                case 2: bytes.removeSubrange(position...)
                default: bytes.insert(noise.next(), at: position)
                }
                if bytes.count < 9 { bytes = valid }
            }
            // Half the time fix the CRCs so the mutation reaches the header checks, zlib and the unfilter.
            if round % 2 == 0 { HandPNG.fixCRCs(&bytes) }
            do {
                _ = try PNGDecoder.decode(bytes)
                decoded += 1
            } catch is PhotoError {
                refused += 1
            }
        }
        #expect(decoded + refused == 500)
        #expect(refused > 0)
    }

    private func failure(_ bytes: [UInt8]) throws -> PhotoError {
        try #require(throws: PhotoError.self) { try PNGDecoder.decode(bytes) }
    }
}

/// Builds PNG files chunk by chunk with zlib, filtering row y with filter y % 5.
enum HandPNG {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var crc = crc32(0, nil, 0)
        (typeBytes + data).withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress, UInt32($0.count)) }
        return be(UInt32(data.count)) + typeBytes + data + be(UInt32(truncatingIfNeeded: crc))
    }

    static func be(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func zlib(_ raw: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(raw.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { target in
            raw.withUnsafeBufferPointer { source in compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), 6) }
        }
        precondition(status == Z_OK)
        return Array(out[0..<Int(length)])
    }

    /// `samples` are the unfiltered bytes (bpp bytes per pixel); `rawAdjust` drops or adds filtered bytes.
    static func file(width: Int, height: Int, colorType: UInt8, depth: UInt8 = 8, interlace: UInt8 = 0, bpp: Int,
                     samples: [UInt8], before: [[UInt8]] = [], rawAdjust: Int = 0, idatSize: Int = 1 << 20,
                     filterOverride: UInt8? = nil, packedRowBytes: Int? = nil) -> [UInt8] {
        let header = be(UInt32(width)) + be(UInt32(height)) + [depth, colorType, 0, 0, interlace]
        var out = PNGEncoder.signature + chunk("IHDR", header)
        for extra in before { out += extra }
        let rowBytes = packedRowBytes ?? width * bpp
        var raw: [UInt8] = []
        if rowBytes > 0 && samples.count == rowBytes * height {
            for y in 0..<height {
                let filter = y % 5
                raw.append(filterOverride ?? UInt8(filter))
                for i in 0..<rowBytes {
                    let x = Int(samples[y * rowBytes + i])
                    let a = i >= bpp ? Int(samples[y * rowBytes + i - bpp]) : 0
                    let b = y > 0 ? Int(samples[(y - 1) * rowBytes + i]) : 0
                    let c = i >= bpp && y > 0 ? Int(samples[(y - 1) * rowBytes + i - bpp]) : 0
                    let predicted = [0, a, b, (a + b) / 2, paeth(a, b, c)][filter]
                    raw.append(UInt8(truncatingIfNeeded: x - predicted))
                }
            }
        }
        if rawAdjust < 0 { raw.removeLast(-rawAdjust) } else { raw += [UInt8](repeating: 0, count: rawAdjust) }
        let compressed = zlib(raw)
        var start = 0
        repeat {
            let end = min(compressed.count, start + idatSize)
            out += chunk("IDAT", Array(compressed[start..<end]))
            start = end
        } while start < compressed.count
        return out + chunk("IEND", [])
    }

    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Recomputes the CRC of every chunk whose length still fits, after a mutation.
    static func fixCRCs(_ bytes: inout [UInt8]) {
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length <= bytes.count - offset - 12 else { return }
            var crc = crc32(0, nil, 0)
            bytes.withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress! + offset + 4, UInt32(length + 4)) }
            let value = be(UInt32(truncatingIfNeeded: crc))
            for k in 0..<4 { bytes[offset + 8 + length + k] = value[k] }
            offset += 12 + length
        }
    }
}

/// A small deterministic generator (PCG-style LCG) so failures reproduce.
struct Noise {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt8 { UInt8(truncatingIfNeeded: advance() >> 33) }
    mutating func next16() -> UInt16 { UInt16(truncatingIfNeeded: advance() >> 33) }
    private mutating func advance() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}
