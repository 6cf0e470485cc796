import Foundation
import Photo
import Testing
import Validation
import VantageTestSupport

@Suite struct PhotoValidatorTests {
    let validator = PhotoValidator()
    let now = Date()

    func codes(_ report: ValidationReport) -> Set<Reason.Code> { Set(report.reasons.map(\.code)) }

    func context(issued: Date? = nil) -> ValidationContext {
        ValidationContext(issuedAt: issued ?? now.addingTimeInterval(-600), receivedAt: now)
    }

    @Test func phonePhotoIsAccepted() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(capturedAt: now.addingTimeInterval(-60)))
        let report = validator.validate(bytes, context: context())
        #expect(report.reasons.isEmpty, "\(report.reasons)")
        #expect(report.verdict == .accepted)
        #expect(report.width == 800 && report.height == 600)
        #expect(report.sha256?.count == 32 && report.perceptualHash != nil)
        #expect(report.exif?.make == "Google" && report.exif?.orientation == 1)
    }

    @Test func callerDigestIsUsedAndMalformedOnesIgnored() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(capturedAt: now.addingTimeInterval(-60)))
        let computed = try #require(validator.validate(bytes, context: context()).sha256)
        var given = context()
        given.sha256 = computed
        #expect(validator.validate(bytes, context: given).sha256 == computed)
        // A digest of the wrong length is ignored by the initializer, so the validator hashes itself.
        let short = ValidationContext(receivedAt: now, sha256: [1, 2, 3])
        #expect(short.sha256 == nil)
        #expect(validator.validate(bytes, context: short).sha256 == computed)
    }

    @Test func formatIsJudgedByContent() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 40)
        let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 0, count: 40)
        let text = Array("hello, this is not an image".utf8)
        #expect(codes(validator.validate(png, context: context())) == [.pngNotAccepted])
        #expect(codes(validator.validate(heic, context: context())) == [.heicNotAccepted])
        #expect(codes(validator.validate(text, context: context())) == [.notJPEG])
        #expect(codes(validator.validate([], context: context())) == [.emptyFile])
        #expect(codes(validator.validate([0xFF], context: context())) == [.notJPEG])
        #expect(validator.validate([0xFF], context: context()).verdict == .rejected)
    }

    @Test func sizeLimitBothSides() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene())
        var limits = ValidationThresholds()
        limits.maxBytes = bytes.count
        #expect(!codes(PhotoValidator(thresholds: limits).validate(bytes, context: context())).contains(.fileTooLarge))
        limits.maxBytes = bytes.count - 1
        #expect(codes(PhotoValidator(thresholds: limits).validate(bytes, context: context())) == [.fileTooLarge])
    }

    @Test func pixelLimitIsCheckedFromTheHeaderBeforeDecoding() throws {
        // 65535 × 65535 declared (4.3 GP, ~12 GB of RGB) in a file of a few hundred bytes.
        let huge = try PhotoFixtures.declaredSizeJPEG(width: 65535, height: 65535)
        let report = validator.validate(huge, context: context())
        #expect(codes(report) == [.tooManyPixels])
        #expect(report.perceptualHash == nil)
        // Exactly at the limit passes this check (and then fails to decode the fake scan).
        var limits = ValidationThresholds()
        limits.maxPixels = 1000 * 1000
        let atLimit = try PhotoFixtures.declaredSizeJPEG(width: 1000, height: 1000)
        #expect(!codes(PhotoValidator(thresholds: limits).validate(atLimit, context: context())).contains(.tooManyPixels))
        let over = try PhotoFixtures.declaredSizeJPEG(width: 1000, height: 1001)
        #expect(codes(PhotoValidator(thresholds: limits).validate(over, context: context())).contains(.tooManyPixels))
    }

    @Test func shortSideBothSides() throws {
        let ok = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 640, height: 480))
        let small = try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 640, height: 479))
        #expect(!codes(validator.validate(ok, context: context())).contains(.tooSmall))
        #expect(codes(validator.validate(small, context: context())).contains(.tooSmall))
    }

    @Test func missingExifIsRejected() throws {
        let report = validator.validate(try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: nil), context: context())
        #expect(codes(report).contains(.exifMissing))
        #expect(report.verdict == .rejected)
        #expect(report.exif == nil)
    }

    @Test func missingMakeOrModelIsFlagged() throws {
        let noModel = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(model: nil))
        let report = validator.validate(noModel, context: context())
        #expect(codes(report) == [.cameraUnknown])
        #expect(report.verdict == .flagged)
    }

    @Test(arguments: ["Adobe Photoshop 25.0 (Windows)", "GIMP 2.10.34", "Snapseed 2.0", "Adobe Photoshop Lightroom Classic 13.0"])
    func editorSoftwareIsFlagged(software: String) throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(software: software))
        let report = validator.validate(bytes, context: context())
        #expect(codes(report) == [.edited])
        #expect(report.exif?.software == software)
    }

    @Test func cameraSoftwareIsNotEdited() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(software: "Ver.1.00"))
        #expect(!codes(validator.validate(bytes, context: context())).contains(.edited))
    }

    @Test func gpsIsFlaggedAndStrippedBeforeStorage() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(serialNumbers: ["SN42"]),
                                           gps: ExifWriter.Position(latitude: 42.36, longitude: -71.09))
        let report = validator.validate(bytes, context: context())
        #expect(codes(report) == [.gpsPresent])
        #expect(report.exif?.hasGPS == true)
        let prepared = try PreparedPhoto(jpeg: bytes)
        let stored = try #require(try ExifMetadata(jpeg: prepared.bytes))
        #expect(!stored.hasGPS && stored.serialNumbers.isEmpty && stored.make == "Google")
        #expect(validator.validate(prepared.bytes, context: context()).reasons.isEmpty)
    }

    @Test func captureWindowBothEnds() throws {
        let issued = now.addingTimeInterval(-3600)
        let slack = ValidationThresholds().captureSlackSeconds
        func check(_ captured: Date, offset: String? = "+00:00") throws -> Set<Reason.Code> {
            let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(capturedAt: captured, offset: offset))
            return codes(validator.validate(bytes, context: context(issued: issued)))
        }
        #expect(try check(issued.addingTimeInterval(-slack + 5)).isEmpty)
        #expect(try check(issued.addingTimeInterval(-slack - 5)) == [.capturedOutsideTaskWindow])
        #expect(try check(now.addingTimeInterval(slack - 5)).isEmpty)
        #expect(try check(now.addingTimeInterval(slack + 5)) == [.capturedOutsideTaskWindow])
        // Offsets are honoured: the same instant written in UTC+05:30 is still inside.
        #expect(try check(issued.addingTimeInterval(60), offset: "+05:30").isEmpty)
        // Without an offset any real time zone is allowed, but a day off is not.
        #expect(try check(now, offset: nil).isEmpty)
        #expect(try check(issued.addingTimeInterval(-86400), offset: nil) == [.capturedOutsideTaskWindow])
    }

    @Test func missingOrInvalidCaptureTimeIsFlagged() throws {
        let missing = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(capturedAt: nil))
        #expect(codes(validator.validate(missing, context: context())) == [.captureTimeMissing])
        var values = PhotoFixtures.phoneExif()
        values.dateTimeOriginal = "0000:00:00 00:00:00"
        let invalid = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: values)
        #expect(codes(validator.validate(invalid, context: context())) == [.captureTimeInvalid])
    }

    @Test(arguments: ExifOrientation.allCases)
    func orientationGivesUprightDimensionsAndHash(orientation: ExifOrientation) throws {
        let upright = PhotoFixtures.scene(width: 800, height: 608, seed: 11)
        let reference = validator.validate(try PhotoFixtures.jpeg(upright), context: context())
        let bytes = try PhotoFixtures.orientedJPEG(upright, orientation: orientation)
        let report = validator.validate(bytes, context: context())
        #expect(report.reasons.isEmpty, "\(report.reasons)")
        #expect(report.exif?.orientation == orientation.rawValue)
        #expect(report.width == 800 && report.height == 608)
        let distance = PerceptualHash.distance(try #require(report.perceptualHash), try #require(reference.perceptualHash))
        #expect(distance <= 5)

        let prepared = try PreparedPhoto(jpeg: bytes)
        #expect(prepared.width == 800 && prepared.height == 608)
        #expect(try ExifMetadata(jpeg: prepared.bytes)?.orientationValue == orientation.rawValue, "stored as the camera wrote it")
        let storedReport = validator.validate(prepared.bytes, context: context())
        #expect(PerceptualHash.distance(try #require(storedReport.perceptualHash), try #require(reference.perceptualHash)) <= 5)
    }

    @Test func invalidOrientationIsFlagged() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(orientation: 9))
        let report = validator.validate(bytes, context: context())
        #expect(codes(report) == [.orientationInvalid])
        #expect(report.exif?.orientation == 9)
    }

    @Test func attitudeBothSides() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene())
        func check(_ pitch: Double?, expected: Double) -> Set<Reason.Code> {
            codes(validator.validate(bytes, context: ValidationContext(receivedAt: now, expectedPitch: expected, devicePitch: pitch, deviceRoll: 0)))
        }
        #expect(check(-70, expected: ViewpointPitch.top).isEmpty)
        #expect(check(-69, expected: ViewpointPitch.top) == [.attitudeMismatch])
        #expect(check(-25, expected: ViewpointPitch.angled).isEmpty)
        #expect(check(-24.9, expected: ViewpointPitch.angled) == [.attitudeMismatch])
        #expect(check(20, expected: ViewpointPitch.side).isEmpty)
        #expect(check(-20.5, expected: ViewpointPitch.side) == [.attitudeMismatch])
        #expect(check(nil, expected: ViewpointPitch.side) == [.attitudeMissing])
        #expect(check(.nan, expected: ViewpointPitch.side) == [.attitudeMissing])
        #expect(codes(validator.validate(bytes, context: ValidationContext(receivedAt: now))).isEmpty)
        #expect(ViewpointPitch.degrees(for: "angled") == -45 && ViewpointPitch.degrees(for: "under") == nil)
    }

    @Test func darkBothSides() throws {
        let scene = PhotoFixtures.scene(seed: 5)
        let dark = try PhotoFixtures.jpeg(PhotoFixtures.scaledBrightness(scene, by: 0.12))
        let dim = try PhotoFixtures.jpeg(PhotoFixtures.scaledBrightness(scene, by: 0.6))
        #expect(codes(validator.validate(dark, context: context())).contains(.tooDark))
        #expect(!codes(validator.validate(dim, context: context())).contains(.tooDark))
    }

    @Test func blankBothSides() throws {
        let blank = try PhotoFixtures.jpeg(PhotoFixtures.uniform(gray: 140))
        let report = validator.validate(blank, context: context())
        #expect(codes(report) == [.blank])
        #expect(report.verdict == .rejected)
        #expect(!codes(validator.validate(try PhotoFixtures.jpeg(PhotoFixtures.scene()), context: context())).contains(.blank))
    }

    @Test func blurryBothSides() throws {
        let scene = PhotoFixtures.scene(width: 960, height: 720, seed: 9)
        let blurry = try PhotoFixtures.jpeg(PhotoFixtures.blurred(scene, radius: 8))
        let sharp = try PhotoFixtures.jpeg(scene)
        #expect(codes(validator.validate(blurry, context: context())) == [.blurry])
        #expect(codes(validator.validate(sharp, context: context())).isEmpty)
    }

    @Test func truncatedFileIsAnsweredWithAReason() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene())
        for length in [1, 2, 3, 20, 200, bytes.count / 3, bytes.count - 2] {
            let report = validator.validate(Array(bytes.prefix(length)), context: context())
            #expect(report.verdict != .accepted, "length \(length)")
            #expect(!report.reasons.isEmpty)
        }
        let half = validator.validate(Array(bytes.prefix(bytes.count / 2)), context: context())
        #expect(codes(half).contains(.damagedJPEG))
    }

    @Test func jsonLineHasTheIssueShape() throws {
        let bytes = try PhotoFixtures.jpeg(PhotoFixtures.scene(), exif: PhotoFixtures.phoneExif(orientation: nil, software: "GIMP 2.10"))
        let line = validator.validate(bytes, context: context()).jsonLine(file: "a \"b\".jpg")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["file", "verdict", "reasons", "width", "height", "exif", "sha256", "phash"])
        #expect(object["file"] as? String == "a \"b\".jpg")
        #expect(object["verdict"] as? String == "flagged")
        let reasons = try #require(object["reasons"] as? [[String: String]])
        #expect(reasons.first?["code"] == "edited" && reasons.first?["severity"] == "flag")
        let exif = try #require(object["exif"] as? [String: Any])
        #expect(Set(exif.keys) == ["orientation", "make", "model", "software", "datetime_original", "has_gps"])
        #expect(exif["orientation"] is NSNull)
        #expect((object["sha256"] as? String)?.count == 64 && (object["phash"] as? String)?.count == 16)
        #expect(!line.contains("\n"))
    }

    @Test func oneValidatorServesManyTasksAtOnce() async throws {
        let photos = try (0..<4).map { try PhotoFixtures.jpeg(PhotoFixtures.scene(width: 640, height: 480, seed: UInt64($0))) }
        let serial = photos.map { validator.validate($0, context: context()).perceptualHash }
        let shared = validator
        let concurrent = await withTaskGroup(of: (Int, UInt64?).self) { group in
            for round in 0..<3 {
                for (index, photo) in photos.enumerated() {
                    group.addTask { (index, shared.validate(photo, context: ValidationContext()).perceptualHash) }
                }
                _ = round
            }
            var results: [(Int, UInt64?)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(concurrent.count == 12)
        #expect(concurrent.allSatisfy { serial[$0.0] == $0.1 })
    }

    @Test func everyCodeIsSnakeCaseAndFitsTheTable() {
        for code in Reason.Code.allCases {
            #expect(code.rawValue.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) != nil)
        }
    }
}
