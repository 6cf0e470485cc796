import Photo
import Testing
import VantageTestSupport

@Suite struct JPEGSegmentsTests {
    @Test func wholeWalkFindsEveryPartAndTheTrailer() throws {
        let phone = try PhotoFixtures.phoneLike(PhotoFixtures.scene(width: 64, height: 48, seed: 1), orientation: .up)
        let segments = try JPEGSegments(parsing: phone.bytes, through: .whole)
        let end = try #require(segments.endOfImage)
        #expect(!segments.isTruncated)
        #expect(phone.bytes[end...].starts(with: [0, 0, 0, 0x18] + Array("ftyp".utf8)), "the trailer starts after EOI")
        let markers = segments.segments.map(\.marker)
        #expect(markers.filter { $0 == 0xE1 }.count == 2 && markers.contains(0xED) && markers.contains(0xFE))
        #expect(segments.parts.contains { if case .entropyCoded = $0 { true } else { false } })
        // The header walk stops at the scan and sees the same headers.
        let header = try JPEGSegments(parsing: phone.bytes, through: .firstScan)
        #expect(header.segments.map(\.marker) == markers.prefix(header.segments.count).map { $0 })
        #expect(header.endOfImage == nil)
    }

    @Test func entropyDataEndsAtTheFirstRealMarker() {
        // Stuffed FF 00, a restart marker and fill bytes stay inside; FF D9 ends the data.
        let data: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56, 0xFF, 0xFF, 0xD9]
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02] + data
        let segments = try? JPEGSegments(parsing: bytes, through: .whole)
        #expect(segments?.parts.last == .standalone(marker: 0xD9, range: 13..<16))
        #expect(segments?.parts.contains(.entropyCoded(6..<13)) == true)
    }

    @Test func truncatedScanIsMarkedAndBrokenLayoutsThrow() throws {
        let jpeg = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 64, height: 48, seed: 2))
        let cut = Array(jpeg.prefix(jpeg.count - 40))
        let segments = try JPEGSegments(parsing: cut, through: .whole)
        #expect(segments.isTruncated && segments.endOfImage == nil)
        let sanitized = try JPEGSanitizer.sanitized(cut, segments: segments, exif: nil)
        #expect(Array(sanitized.suffix(2)) == [0xFF, 0xD9])
        #expect(try JPEGCodec.decode(sanitized).warning != nil, "still decodes as damaged, as the upload did")

        // Past the first scan, a broken layout (here a segment claiming 64 KB) ends the walk as truncation does.
        let broken = Array(jpeg.dropLast(2)) + [0xFF, 0xE5, 0xFF, 0xF0, 0x01]
        let walked = try JPEGSegments(parsing: broken, through: .whole)
        #expect(walked.isTruncated)
        let whole = try JPEGSanitizer.sanitized(jpeg, segments: try JPEGSegments(parsing: jpeg, through: .whole), exif: nil)
        #expect(try JPEGSanitizer.sanitized(broken, segments: walked, exif: nil) == whole, "the image itself is kept whole")

        #expect(throws: PhotoError.self) { try JPEGSegments(parsing: [0x00, 0x01, 0x02, 0x03], through: .whole) }
        #expect(throws: PhotoError.self) { try JPEGSegments(parsing: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0], through: .whole) }
        #expect(throws: PhotoError.self) { try JPEGSegments(parsing: [0xFF, 0xD8, 0xFF, 0xD9], through: .whole) }
        #expect(throws: PhotoError.self) { try JPEGSegments(parsing: [0xFF, 0xD8, 0x12, 0x34], through: .firstScan) }
    }
}
