import Crypto
import Foundation
import Photo

/// Turns uploaded bytes and their task context into a verdict with reasons.
/// A value type with no shared mutable state: one instance may serve many threads at once.
public struct PhotoValidator: Sendable {
    /// The limits applied.
    public var thresholds: ValidationThresholds

    /// Creates a validator with `thresholds`.
    public init(thresholds: ValidationThresholds = ValidationThresholds()) {
        self.thresholds = thresholds
    }

    /// Runs every local check (no duplicate lookup). Never throws: failures become reasons.
    public func validate(_ bytes: [UInt8], context: ValidationContext) -> ValidationReport {
        var run = Run()
        var report = ValidationReport(reasons: [])
        check(bytes, context: context, into: &report, run: &run)
        report.stageMilliseconds = run.stages
        return report
    }

    /// The checks in order; returns early once a failure makes later checks meaningless or unsafe.
    private func check(_ bytes: [UInt8], context: ValidationContext, into report: inout ValidationReport, run: inout Run) {
        let limits = thresholds

        guard !bytes.isEmpty else {
            report.reasons.append(Reason(.emptyFile, "The file is empty."))
            return
        }
        guard bytes.count <= limits.maxBytes else {
            report.reasons.append(Reason(.fileTooLarge, "The file is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)."))
            return
        }
        report.sha256 = run.time("sha256") { context.sha256 ?? Array(SHA256.hash(data: bytes)) }

        // Format by content, never by name.
        guard JPEGStructure.looksLikeJPEG(bytes) else {
            report.reasons.append(PhotoValidator.formatReason(bytes))
            return
        }
        let structure: JPEGStructure
        do {
            structure = try run.time("header") { try JPEGStructure(parsing: bytes) }
        } catch {
            report.reasons.append(Reason(.corruptJPEG, "The JPEG cannot be read: \(PhotoValidator.sentence(error))"))
            return
        }
        // Pixel budget from our own frame-header parse, before libjpeg-turbo touches the data.
        let pixels = structure.width * structure.height
        guard pixels <= limits.maxPixels else {
            report.reasons.append(Reason(.tooManyPixels, "The image declares \(structure.width)×\(structure.height) pixels, more than the limit of \(limits.maxPixels)."))
            return
        }

        // EXIF origin checks.
        var orientation = ExifOrientation.up
        run.time("exif") {
            guard let range = structure.exifPayload, let exif = try? ExifMetadata(payload: bytes[range]), exif.entryCount > 0 else {
                report.reasons.append(Reason(.exifMissing, "The photo has no camera metadata (EXIF), as screenshots and downloaded images do."))
                return
            }
            var summary = ExifSummary(orientation: exif.orientationValue, make: exif.make, model: exif.model,
                                      software: exif.software, hasGPS: exif.hasGPS)
            if let value = exif.orientationValue {
                if let known = exif.orientation {
                    orientation = known
                } else {
                    report.reasons.append(Reason(.orientationInvalid, "The EXIF orientation \(value) is not one of 1–8, so the photo is kept as stored."))
                }
            }
            if exif.make == nil || exif.model == nil {
                report.reasons.append(Reason(.cameraUnknown, "The EXIF data does not name the camera's make and model."))
            }
            if let software = exif.software, let editor = limits.editorNames.first(where: { software.lowercased().contains($0) }) {
                report.reasons.append(Reason(.edited, "The EXIF software \"\(software)\" is an image editor (\(editor)), so the photo may have been altered."))
            }
            if exif.hasGPS {
                report.reasons.append(Reason(.gpsPresent, "The photo carries a GPS position, which is removed before storage."))
            }
            if let text = exif.dateTimeOriginal {
                if let time = CaptureTime(dateTimeOriginal: text, offset: exif.offsetTimeOriginal) {
                    summary.dateTimeOriginal = time.iso8601
                    report.capturedAt = exif.offsetTimeOriginal != nil ? time.earliest : time.earliest.addingTimeInterval(14 * 3600)
                    if let issued = context.issuedAt {
                        let start = issued.addingTimeInterval(-limits.captureSlackSeconds)
                        let end = context.receivedAt.addingTimeInterval(limits.captureSlackSeconds)
                        if time.latest < start || time.earliest > end {
                            report.reasons.append(Reason(.capturedOutsideTaskWindow, "The photo was taken at \(time.iso8601), outside the task's window from issue to upload."))
                        }
                    }
                } else {
                    report.reasons.append(Reason(.captureTimeInvalid, "The EXIF capture time \"\(text)\" is not a valid date."))
                }
            } else {
                report.reasons.append(Reason(.captureTimeMissing, "The EXIF data has no original capture time."))
            }
            report.exif = summary
        }

        // Upright dimensions.
        let swaps = orientation.swapsDimensions
        report.width = swaps ? structure.height : structure.width
        report.height = swaps ? structure.width : structure.height
        if min(structure.width, structure.height) < limits.minShortSide {
            report.reasons.append(Reason(.tooSmall, "The short side is \(min(structure.width, structure.height)) pixels, less than the minimum of \(limits.minShortSide)."))
        }

        // Device attitude vs the viewpoint.
        if let expected = context.expectedPitch {
            if let pitch = context.devicePitch, pitch.isFinite, (-180...180).contains(pitch) {
                let deviation = abs(pitch - expected)
                if deviation > limits.maxPitchDeviation {
                    report.reasons.append(Reason(.attitudeMismatch, "The camera pitch was \(PhotoValidator.degrees(pitch)), \(PhotoValidator.degrees(deviation)) away from the viewpoint's \(PhotoValidator.degrees(expected)) (allowed \(PhotoValidator.degrees(limits.maxPitchDeviation)))."))
                }
            } else {
                report.reasons.append(Reason(.attitudeMissing, "The capture client sent no device pitch to check against the viewpoint."))
            }
        }

        // Quality and hash on a DCT-scaled decode: never a full decode here.
        let shortSide = min(structure.width, structure.height)
        let scale = [JPEGCodec.Scale.eighth, .quarter, .half].first { $0.scaled(shortSide) >= limits.analysisShortSide } ?? .half
        let decoded: JPEGCodec.Decoded
        do {
            decoded = try run.time("decode") { try JPEGCodec.decode(bytes, scale: scale, color: .gray, maxPixels: limits.maxPixels / 4) }
        } catch {
            report.reasons.append(Reason(.corruptJPEG, "The JPEG cannot be decoded: \(PhotoValidator.sentence(error))"))
            return
        }
        if let warning = decoded.warning {
            report.reasons.append(Reason(.damagedJPEG, "The JPEG data is damaged or truncated (\(warning)), so part of the image may be missing."))
        }
        let plane = run.time("quality") { () -> GrayPlane in
            let upright = decoded.image.applying(orientation)
            let plane = GrayPlane(luma: upright.pixels, width: upright.width, height: upright.height)
                .normalized(shortSide: limits.analysisShortSide)
            let (mean, deviation) = plane.meanAndStandardDeviation()
            if mean < limits.minMeanLuma {
                report.reasons.append(Reason(.tooDark, "The photo is too dark (mean brightness \(Int(mean.rounded())) of 255, minimum \(Int(limits.minMeanLuma)))."))
            }
            if deviation < limits.minLumaStandardDeviation {
                report.reasons.append(Reason(.blank, "The photo is nearly uniform (brightness deviation \(String(format: "%.1f", deviation))), so it shows no object."))
            } else {
                let sharpness = plane.laplacianVariance()
                if sharpness < limits.minLaplacianVariance {
                    report.reasons.append(Reason(.blurry, "The photo looks blurry (sharpness \(String(format: "%.1f", sharpness)), minimum \(String(format: "%.0f", limits.minLaplacianVariance)))."))
                }
            }
            return plane
        }
        report.perceptualHash = run.time("phash") { PerceptualHash.hash(plane) }
    }

    /// Runs every check including the duplicate lookup through `index`.
    public func validate(_ bytes: [UInt8], context: ValidationContext, duplicates index: some DuplicateIndex) async throws -> ValidationReport {
        var report = validate(bytes, context: context)
        try await checkDuplicates(&report, index: index)
        return report
    }

    /// Adds the duplicate reasons to a report of the local checks: exact by SHA-256, else near by
    /// perceptual hash.
    public func checkDuplicates(_ report: inout ValidationReport, index: some DuplicateIndex) async throws {
        let start = ContinuousClock.now
        if let digest = report.sha256, let match = try await index.photo(withSHA256: digest) {
            report.reasons.append(Self.duplicateExact(of: match.photoID.uuidString.lowercased()))
        } else if let hash = report.perceptualHash {
            let matches = try await index.photos(nearPerceptualHash: hash, maxDistance: thresholds.maxNearDuplicateDistance)
            if let nearest = matches.min(by: { $0.distance < $1.distance }) {
                report.reasons.append(Reason(.duplicateNear, "The photo looks almost the same as photo \(nearest.photoID.uuidString.lowercased()) (hash distance \(nearest.distance))."))
            }
        }
        report.stageMilliseconds.append(("duplicates", Run.milliseconds(ContinuousClock.now - start)))
    }

    /// The exact-duplicate reason; `photo` names the stored one when it is known.
    public static func duplicateExact(of photo: String? = nil) -> Reason {
        guard let photo else { return Reason(.duplicateExact, "The same file was already uploaded for another task.") }
        return Reason(.duplicateExact, "The same file was already uploaded as photo \(photo).")
    }

    /// Reads at most `maxBytes + 1` bytes of a file and validates them; an unreadable file gets
    /// an `unreadable_file` report rather than an error.
    public func validateFile(atPath path: String, context: ValidationContext) -> ValidationReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return ValidationReport(reasons: [Reason(.unreadableFile, "The file cannot be opened.")])
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: thresholds.maxBytes + 1) ?? Data()
        } catch {
            return ValidationReport(reasons: [Reason(.unreadableFile, "The file cannot be read: \(error.localizedDescription)")])
        }
        return validate([UInt8](data), context: context)
    }

    /// The reason for content that is not JPEG (PNG, HEIC, anything else), by content.
    public static func formatReason(_ bytes: [UInt8]) -> Reason {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return Reason(.pngNotAccepted, "The file is a PNG image; upload the camera's JPEG.")
        }
        if bytes.count >= 12, bytes[4..<8].elementsEqual(Array("ftyp".utf8)) {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) {
                return Reason(.heicNotAccepted, "The file is a HEIC/HEIF image; set the camera to JPEG (\"Most Compatible\") or let the app convert it.")
            }
        }
        return Reason(.notJPEG, "The file is not a JPEG image.")
    }

    static func sentence(_ error: any Error) -> String {
        let text = (error as? PhotoError)?.message ?? String(describing: error)
        return text.hasSuffix(".") ? text : text + "."
    }

    static func degrees(_ value: Double) -> String { String(format: "%.0f°", value) }

    /// Per-stage timing, kept in the report for benchmarks and server metrics.
    struct Run {
        var stages: [(stage: String, milliseconds: Double)] = []

        mutating func time<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            defer { stages.append((stage, Run.milliseconds(ContinuousClock.now - start))) }
            return try body()
        }

        static func milliseconds(_ duration: Duration) -> Double {
            let parts = duration.components
            return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
        }
    }
}
