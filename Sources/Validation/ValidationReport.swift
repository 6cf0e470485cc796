public import Foundation

/// Everything the validator concluded about one photo.
public struct ValidationReport: Sendable {
    /// Accepted, flagged or rejected, from the reasons.
    public var verdict: Verdict { ValidationReport.verdict(for: reasons) }
    /// Every check that fired, in check order.
    public var reasons: [Reason]
    /// Upright width (after applying EXIF orientation), when the header was readable.
    public var width: Int?
    /// Upright height.
    public var height: Int?
    /// EXIF values, nil when the file has no EXIF block.
    public var exif: ExifSummary?
    /// Capture instant when DateTimeOriginal had an offset, else its UTC reading (for storage).
    public var capturedAt: Date?
    /// SHA-256 of the bytes as received (nil when they were not read in full).
    public var sha256: [UInt8]?
    /// 64-bit perceptual hash of the upright image, nil when it could not be decoded.
    public var perceptualHash: UInt64?
    /// Milliseconds spent per stage (header, exif, sha256, decode, quality, phash, duplicates).
    public var stageMilliseconds: [(stage: String, milliseconds: Double)] = []

    /// Creates a report from reasons and facts.
    public init(reasons: [Reason], width: Int? = nil, height: Int? = nil, exif: ExifSummary? = nil,
                capturedAt: Date? = nil, sha256: [UInt8]? = nil, perceptualHash: UInt64? = nil) {
        self.reasons = reasons
        self.width = width
        self.height = height
        self.exif = exif
        self.capturedAt = capturedAt
        self.sha256 = sha256
        self.perceptualHash = perceptualHash
    }

    /// Rejected if any reason rejects, flagged if any flags, accepted otherwise.
    public static func verdict(for reasons: [Reason]) -> Verdict {
        if reasons.contains(where: { $0.severity == .reject }) { return .rejected }
        if reasons.contains(where: { $0.severity == .flag }) { return .flagged }
        return .accepted
    }

    /// Lowercase hex SHA-256.
    public var sha256Hex: String? { sha256.map { $0.map { String(format: "%02x", $0) }.joined() } }

    /// The perceptual hash as 16 lowercase hex digits.
    public var perceptualHashHex: String? { perceptualHash.map { String(format: "%016llx", $0) } }

    /// One JSON object in the CLI's shape, `file` being the path as given.
    public func jsonLine(file: String) -> String {
        var json = JSONLine()
        json.field("file", .string(file))
        json.field("verdict", .string(verdict.rawValue))
        let reasonObjects = reasons.map { reason -> String in
            var object = JSONLine()
            object.field("code", .string(reason.code.rawValue))
            object.field("severity", .string(reason.severity.rawValue))
            object.field("message", .string(reason.message))
            return object.text
        }
        json.field("reasons", .raw("[" + reasonObjects.joined(separator: ",") + "]"))
        json.field("width", width.map { .raw(String($0)) } ?? .null)
        json.field("height", height.map { .raw(String($0)) } ?? .null)
        var exifObject = JSONLine()
        exifObject.field("orientation", exif?.orientation.map { .raw(String($0)) } ?? .null)
        exifObject.field("make", exif?.make.map { .string($0) } ?? .null)
        exifObject.field("model", exif?.model.map { .string($0) } ?? .null)
        exifObject.field("software", exif?.software.map { .string($0) } ?? .null)
        exifObject.field("datetime_original", exif?.dateTimeOriginal.map { .string($0) } ?? .null)
        exifObject.field("has_gps", .raw(exif?.hasGPS == true ? "true" : "false"))
        json.field("exif", .raw(exifObject.text))
        json.field("sha256", sha256Hex.map { .string($0) } ?? .null)
        json.field("phash", perceptualHashHex.map { .string($0) } ?? .null)
        return json.text
    }

    /// One human line: `file: verdict (code, code)`.
    public func textLine(file: String) -> String {
        let codes = reasons.map(\.code.rawValue).joined(separator: ", ")
        return "\(file): \(verdict.rawValue)" + (codes.isEmpty ? "" : " (\(codes))")
    }
}

/// A tiny ordered JSON object writer: the CLI promises key order, which JSONEncoder does not keep.
struct JSONLine {
    enum Value {
        case string(String)
        case raw(String)
        case null
    }

    private var parts: [String] = []

    mutating func field(_ key: String, _ value: Value) {
        let rendered: String
        switch value {
        case .string(let text): rendered = JSONLine.quote(text)
        case .raw(let text): rendered = text
        case .null: rendered = "null"
        }
        parts.append(JSONLine.quote(key) + ":" + rendered)
    }

    var text: String { "{" + parts.joined(separator: ",") + "}" }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
