/// One check that fired: a stable snake_case code, its severity and one human sentence.
public struct Reason: Sendable, Equatable, Hashable {
    /// How a reason affects the verdict.
    public enum Severity: String, Sendable, Codable {
        /// The photo is rejected.
        case reject
        /// A person reviews the photo.
        case flag
    }

    /// Stable reason codes; the raw values are stored in `photo_reasons.code` and never change.
    public enum Code: String, Sendable, CaseIterable, Codable {
        /// The file could not be read at all (CLI, storage).
        case unreadableFile = "unreadable_file"
        /// Zero bytes.
        case emptyFile = "empty_file"
        /// More bytes than the configured limit.
        case fileTooLarge = "file_too_large"
        /// HEIC/HEIF content.
        case heicNotAccepted = "heic_not_accepted"
        /// PNG content.
        case pngNotAccepted = "png_not_accepted"
        /// Any other non-JPEG content.
        case notJPEG = "not_jpeg"
        /// The JPEG structure or data cannot be decoded.
        case corruptJPEG = "corrupt_jpeg"
        /// The JPEG decoded with warnings (truncated or damaged data).
        case damagedJPEG = "damaged_jpeg"
        /// Frame header declares more pixels than allowed.
        case tooManyPixels = "too_many_pixels"
        /// Short side below the minimum.
        case tooSmall = "too_small"
        /// No EXIF block.
        case exifMissing = "exif_missing"
        /// No Make or Model.
        case cameraUnknown = "camera_unknown"
        /// Software names an editor.
        case edited
        /// GPS position present (removed before storage).
        case gpsPresent = "gps_present"
        /// Capture time outside the task window.
        case capturedOutsideTaskWindow = "captured_outside_task_window"
        /// No DateTimeOriginal.
        case captureTimeMissing = "capture_time_missing"
        /// DateTimeOriginal present but not a valid date.
        case captureTimeInvalid = "capture_time_invalid"
        /// Orientation tag outside 1–8.
        case orientationInvalid = "orientation_invalid"
        /// Device pitch too far from the viewpoint's.
        case attitudeMismatch = "attitude_mismatch"
        /// The client sent no device attitude.
        case attitudeMissing = "attitude_missing"
        /// Mean luma too low.
        case tooDark = "too_dark"
        /// Almost no luma variation.
        case blank
        /// Variance of the Laplacian too low.
        case blurry
        /// Byte-identical to a stored photo.
        case duplicateExact = "duplicate_exact"
        /// Perceptually near a stored photo.
        case duplicateNear = "duplicate_near"

        /// The severity this code always has.
        public var severity: Severity {
            switch self {
            case .cameraUnknown, .edited, .gpsPresent, .captureTimeMissing, .captureTimeInvalid,
                 .orientationInvalid, .attitudeMissing, .blurry, .duplicateNear, .damagedJPEG:
                .flag
            default:
                .reject
            }
        }
    }

    /// The stable code.
    public var code: Code
    /// One human sentence.
    public var message: String
    /// Reject or flag (fixed per code).
    public var severity: Severity { code.severity }

    /// Creates a reason with its sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
