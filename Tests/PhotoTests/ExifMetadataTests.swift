import Photo
import Testing
import VantageTestSupport

@Suite struct ExifMetadataTests {
    @Test func writtenValuesReadBack() throws {
        let values = ExifMetadata(orientationValue: 6, make: "Apple", model: "iPhone 15", software: "17.1",
                                  dateTimeOriginal: "2026:11:30 12:34:56", offsetTimeOriginal: "+01:00",
                                  serialNumbers: ["BODY123", "LENS456"])
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 64, height: 48), exif: values,
                                           gps: ExifWriter.Position(latitude: 42.36, longitude: -71.09))
        let read = try #require(try ExifMetadata(jpeg: bytes))
        #expect(read.orientationValue == 6 && read.orientation == .right)
        #expect(read.make == "Apple" && read.model == "iPhone 15" && read.software == "17.1")
        #expect(read.dateTimeOriginal == "2026:11:30 12:34:56" && read.offsetTimeOriginal == "+01:00")
        #expect(read.hasGPS)
        #expect(Set(read.serialNumbers) == ["BODY123", "LENS456"])
    }

    @Test func jpegWithoutExifReadsAsNil() throws {
        let bytes = try JPEGCodec.encode(PhotoFixtures.scene(width: 64, height: 48))
        #expect(try ExifMetadata(jpeg: bytes) == nil)
    }

    @Test func captureFactsKeepTheWhitelistOnly() throws {
        let values = PhotoFixtures.phoneExif(orientation: 8, serialNumbers: ["SN1"])
        let payload = try ExifWriter.payload(values, gps: ExifWriter.Position(latitude: 1, longitude: 2), identifying: [.artist: "Jane"])
        let clean = try ExifMetadata(payload: try #require(try ExifWriter.captureFacts(of: payload[...]))[...])
        #expect(clean.orientationValue == 8)
        #expect(!clean.hasGPS)
        #expect(clean.serialNumbers.isEmpty && clean.software == nil)
        #expect(clean.make == "Google" && clean.dateTimeOriginal == values.dateTimeOriginal && clean.offsetTimeOriginal == "+00:00")
        #expect(clean.entryCount == 5, "make, model, orientation, capture time and its offset")
        // Nothing to keep: no block at all.
        #expect(try ExifWriter.captureFacts(of: try ExifWriter.payload(ExifMetadata(software: "x"))[...]) == nil)
    }

    @Test func garbagePayloadReadsAsEmpty() throws {
        var payload: [UInt8] = Array("Exif".utf8) + [0, 0, 0x49, 0x49, 0x2A, 0, 8, 0, 0, 0]
        // IFD0 claiming 65535 entries, then nothing: libexif must stop at the data's end.
        payload += [0xFF, 0xFF] + [UInt8](repeating: 0xAB, count: 200)
        let read = try ExifMetadata(payload: payload[...])
        #expect(read.make == nil)
    }

    @Test func ifdLoopIsBounded() throws {
        // IFD0 at offset 8 with one entry (ExifIfdPointer) pointing back at IFD0, and next-IFD = 8.
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0]
        tiff += [1, 0]
        tiff += [0x69, 0x87, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0]
        tiff += [8, 0, 0, 0]
        let read = try ExifMetadata(payload: (Array("Exif".utf8) + [0, 0] + tiff)[...])
        #expect(read.orientationValue == nil)
    }
}
