import CExif

/// The EXIF values validation needs, read with libexif from a JPEG's APP1 segment.
public struct ExifMetadata: Sendable, Equatable {
    /// Raw Orientation tag value (nil when absent; may be outside 1–8 in damaged files).
    public var orientationValue: Int?
    /// IFD0 Make.
    public var make: String?
    /// IFD0 Model.
    public var model: String?
    /// IFD0 Software.
    public var software: String?
    /// EXIF DateTimeOriginal as written ("YYYY:MM:DD HH:MM:SS").
    public var dateTimeOriginal: String?
    /// EXIF OffsetTimeOriginal as written ("+HH:MM").
    public var offsetTimeOriginal: String?
    /// Whether the GPS IFD holds any entry.
    public var hasGPS: Bool
    /// Body and lens serial numbers and the owner name, when present.
    public var serialNumbers: [String]
    /// Entries across IFD0, EXIF and GPS; zero means an EXIF block with nothing usable.
    public var entryCount: Int

    /// The orientation when the tag holds 1–8.
    public var orientation: ExifOrientation? { orientationValue.flatMap(ExifOrientation.init(rawValue:)) }

    /// Values to write with `encoded()`; all empty by default.
    public init(orientationValue: Int? = nil, make: String? = nil, model: String? = nil, software: String? = nil,
                dateTimeOriginal: String? = nil, offsetTimeOriginal: String? = nil, hasGPS: Bool = false,
                serialNumbers: [String] = [], entryCount: Int = 0) {
        self.orientationValue = orientationValue
        self.make = make
        self.model = model
        self.software = software
        self.dateTimeOriginal = dateTimeOriginal
        self.offsetTimeOriginal = offsetTimeOriginal
        self.hasGPS = hasGPS
        self.serialNumbers = serialNumbers
        self.entryCount = entryCount
    }

    /// Reads the EXIF block of a JPEG; nil when the JPEG has none.
    public init?(jpeg bytes: [UInt8]) throws {
        let structure = try JPEGStructure(parsing: bytes)
        guard let range = structure.exifPayload else { return nil }
        try self.init(payload: bytes[range])
    }

    /// Reads an APP1 payload starting with "Exif\0\0".
    public init(payload: ArraySlice<UInt8>) throws {
        let document = try ExifDocument(payload: payload)
        let ifd0 = EXIF_IFD_0, exif = EXIF_IFD_EXIF
        orientationValue = document.short(ifd0, Tag.orientation)
        make = document.string(ifd0, Tag.make)
        model = document.string(ifd0, Tag.model)
        software = document.string(ifd0, Tag.software)
        dateTimeOriginal = document.string(exif, Tag.dateTimeOriginal)
        offsetTimeOriginal = document.string(exif, Tag.offsetTimeOriginal)
        hasGPS = document.entryCount(EXIF_IFD_GPS) > 0
        serialNumbers = Tag.identifying.compactMap { document.string(exif, $0) }
        entryCount = document.entryCount(ifd0) + document.entryCount(exif) + document.entryCount(EXIF_IFD_GPS)
    }

    /// Tag numbers used here (EXIF 2.32).
    enum Tag {
        static let make: UInt16 = 0x010F
        static let model: UInt16 = 0x0110
        static let orientation: UInt16 = 0x0112
        static let software: UInt16 = 0x0131
        static let dateTime: UInt16 = 0x0132
        static let dateTimeOriginal: UInt16 = 0x9003
        static let offsetTimeOriginal: UInt16 = 0x9011
        static let makerNote: UInt16 = 0x927C
        static let pixelXDimension: UInt16 = 0xA002
        static let pixelYDimension: UInt16 = 0xA003
        static let cameraOwnerName: UInt16 = 0xA430
        static let bodySerialNumber: UInt16 = 0xA431
        static let lensSerialNumber: UInt16 = 0xA435
        static let identifying: [UInt16] = [cameraOwnerName, bodySerialNumber, lensSerialNumber]
        static let gpsVersionID: UInt16 = 0x0000
        static let gpsLatitudeRef: UInt16 = 0x0001
        static let gpsLatitude: UInt16 = 0x0002
        static let gpsLongitudeRef: UInt16 = 0x0003
        static let gpsLongitude: UInt16 = 0x0004
    }
}
