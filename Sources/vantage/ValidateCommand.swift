import ArgumentParser
import Foundation
import Validation

/// `vantage validate FILE...`: the upload checks on local files, one line per file.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check photos as an upload would be checked: verdict, reasons, EXIF, hashes.",
        discussion: """
            Runs every check except the duplicate lookup (which needs the database). Each file \
            gets one line, even when it cannot be read; the exit status is 0 when every file got \
            a verdict, whatever the verdicts are.
            """)

    @Argument(help: "JPEG files to check.")
    var files: [String]

    @Option(help: "The task's viewpoint (top, angled or side); enables the device attitude check.")
    var viewpoint: String?

    @Option(help: "Device pitch in degrees (camera axis above the horizon).")
    var pitch: Double?

    @Option(help: "Device roll in degrees.")
    var roll: Double?

    @Option(help: "When the task was issued (ISO 8601); enables the capture window check.")
    var issued: String?

    @Flag(help: "Print one JSON object per file.")
    var json = false

    func validate() throws {
        if let viewpoint, ViewpointPitch.degrees(for: viewpoint) == nil {
            throw ValidationError("--viewpoint must be top, angled or side, not \"\(viewpoint)\".")
        }
        for (name, value) in [("--pitch", pitch), ("--roll", roll)] {
            if let value, !(value.isFinite && (-180...180).contains(value)) {
                throw ValidationError("\(name) must be between -180 and 180 degrees.")
            }
        }
        if let issued, ValidateCommand.parseDate(issued) == nil {
            throw ValidationError("--issued must be an ISO 8601 date-time such as 2026-11-30T15:00:00Z.")
        }
    }

    func run() throws {
        let context = ValidationContext(
            issuedAt: issued.flatMap(ValidateCommand.parseDate), receivedAt: Date(),
            expectedPitch: viewpoint.flatMap(ViewpointPitch.degrees(for:)), devicePitch: pitch, deviceRoll: roll)
        let validator = PhotoValidator()
        for file in files {
            let report = validator.validateFile(atPath: file, context: context)
            print(json ? report.jsonLine(file: file) : report.textLine(file: file))
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
