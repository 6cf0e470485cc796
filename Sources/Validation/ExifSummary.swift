/// The EXIF values reported for a photo (the `exif` object of the CLI's JSON).
public struct ExifSummary: Sendable, Equatable {
    /// Raw Orientation tag value, nil when absent.
    public var orientation: Int?
    /// Camera maker.
    public var make: String?
    /// Camera model.
    public var model: String?
    /// Software that wrote the file.
    public var software: String?
    /// DateTimeOriginal as ISO 8601 (with offset when OffsetTimeOriginal was present).
    public var dateTimeOriginal: String?
    /// Whether a GPS IFD was present.
    public var hasGPS: Bool

    /// Creates a summary.
    public init(orientation: Int? = nil, make: String? = nil, model: String? = nil, software: String? = nil,
                dateTimeOriginal: String? = nil, hasGPS: Bool = false) {
        self.orientation = orientation
        self.make = make
        self.model = model
        self.software = software
        self.dateTimeOriginal = dateTimeOriginal
        self.hasGPS = hasGPS
    }
}
