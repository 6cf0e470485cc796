import Foundation
import Photo
import Testing
import Validation
import VantageTestSupport

/// What storage keeps of a photo: the camera's pixels and orientation, capture facts, the ICC
/// profile, and nothing private.
@Suite struct PreparedPhotoTests {
    @Test(arguments: ExifOrientation.allCases)
    func phonePhotoKeepsPixelsAndOrientationAndDropsPrivateBytes(orientation: ExifOrientation) throws {
        let upright = PhotoFixtures.scene(width: 200, height: 136, seed: 21)
        let phone = try PhotoFixtures.phoneLike(upright, orientation: orientation)
        let prepared = try PreparedPhoto(jpeg: phone.bytes)

        for needle in phone.privateStrings {
            #expect(prepared.bytes.firstRange(of: Array(needle.utf8)) == nil, "\(needle) survived (orientation \(orientation))")
        }
        #expect(prepared.bytes.firstRange(of: Array(phone.iccMarker.utf8)) != nil, "the ICC profile is kept")
        #expect(Array(prepared.bytes.suffix(2)) == [0xFF, 0xD9], "nothing after EOI")

        let exif = try #require(try ExifMetadata(jpeg: prepared.bytes))
        #expect(exif.orientationValue == orientation.rawValue)
        #expect(exif.make == "Google" && exif.model == "Pixel 8" && exif.dateTimeOriginal != nil && exif.offsetTimeOriginal == "+00:00")
        #expect(!exif.hasGPS && exif.serialNumbers.isEmpty && exif.software == nil)

        #expect(prepared.orientation == orientation)
        #expect(prepared.width == 200 && prepared.height == 136, "recorded as displayed")
        // The entropy-coded data is the camera's own: the same pixels, bit for bit, once upright.
        let original = try JPEGCodec.decode(phone.bytes).image.applying(orientation)
        let stored = try JPEGCodec.decode(prepared.bytes).image.applying(orientation)
        #expect(stored == original)
        #expect(stored.width == 200 && stored.height == 136)
        #expect(try JPEGSanitizer.exportable(prepared.bytes).firstRange(of: Array("Google".utf8)) == nil)
    }

    @Test func storedBytesValidateLikeTheUpload() throws {
        let phone = try PhotoFixtures.phoneLike(PhotoFixtures.scene(width: 800, height: 600, seed: 4), orientation: .right)
        let validator = PhotoValidator()
        let first = validator.validate(phone.bytes, context: ValidationContext())
        let again = validator.validate(try PreparedPhoto(jpeg: phone.bytes).bytes, context: ValidationContext())
        #expect(first.reasons.map(\.code) == [.gpsPresent])
        #expect(again.reasons.isEmpty, "\(again.reasons)")
        #expect(again.perceptualHash == first.perceptualHash && again.width == first.width && again.height == first.height)
    }

    @Test func exportKeepsOnlyTheOrientation() throws {
        let phone = try PhotoFixtures.phoneLike(PhotoFixtures.scene(width: 64, height: 48, seed: 2), orientation: .left)
        let exported = try JPEGSanitizer.exportable(try PreparedPhoto(jpeg: phone.bytes).bytes)
        let exif = try #require(try ExifMetadata(jpeg: exported))
        #expect(exif.orientation == .left && exif.make == nil && exif.dateTimeOriginal == nil && exif.entryCount == 1)
        #expect(exported.firstRange(of: Array(phone.iccMarker.utf8)) != nil)
        let upright = try JPEGSanitizer.exportable(try PreparedPhoto(jpeg: try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 64, height: 48))).bytes)
        #expect(try ExifMetadata(jpeg: upright) == nil, "Orientation 1 needs no EXIF at all")
    }

    /// Real cameras' files: maker notes, thumbnails, odd layouts. Whatever is stored decodes to the
    /// same pixels and carries no maker note, thumbnail or GPS.
    @Test(.enabled(if: ExifCorpus.folder != nil)) func cameraCorpusKeepsPixels() throws {
        let root = try #require(ExifCorpus.folder)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "jpg" }.sorted { $0.path < $1.path }
        var compared = 0
        for url in files {
            let bytes = [UInt8](try Data(contentsOf: url))
            guard let original = try? JPEGCodec.decode(bytes, maxPixels: 30_000_000), original.warning == nil,
                  let prepared = try? PreparedPhoto(jpeg: bytes) else { continue }
            let stored = try JPEGCodec.decode(prepared.bytes, maxPixels: 30_000_000)
            #expect(stored.image == original.image, "\(url.lastPathComponent)")
            #expect(stored.warning == nil, "\(url.lastPathComponent)")
            if let exif = try ExifMetadata(jpeg: prepared.bytes) {
                #expect(!exif.hasGPS && exif.serialNumbers.isEmpty && exif.software == nil, "\(url.lastPathComponent)")
                let original = try ExifMetadata(jpeg: bytes)
                #expect(exif.orientation == original?.orientation, "\(url.lastPathComponent)")
            }
            #expect(prepared.bytes.count < bytes.count || bytes.count < 70_000, "\(url.lastPathComponent) grew")
            compared += 1
        }
        #expect(compared > 40)
    }
}
