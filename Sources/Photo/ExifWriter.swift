import CExif

/// Builds EXIF APP1 payloads with libexif: fresh ones for test fixtures, and the whitelisted
/// capture facts of uploaded ones for storage.
public enum ExifWriter {
    /// A GPS position to write (degrees; negative is south / west).
    public struct Position: Sendable, Equatable {
        /// Latitude in degrees.
        public var latitude: Double
        /// Longitude in degrees.
        public var longitude: Double

        /// Creates a position.
        public init(latitude: Double, longitude: Double) {
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    /// A payload ("Exif\0\0" + TIFF) holding the given values; `gps` adds a GPS IFD.
    public static func payload(_ values: ExifMetadata, gps: Position? = nil,
                               identifying texts: [IdentifyingText: String] = [:]) throws -> [UInt8] {
        let document = try ExifDocument()
        let ifd0 = EXIF_IFD_0, exif = EXIF_IFD_EXIF, gpsIFD = EXIF_IFD_GPS
        typealias Tag = ExifMetadata.Tag
        if let value = values.orientationValue {
            guard (0...0xFFFF).contains(value) else {
                throw PhotoError(.invalidArgument, "An EXIF orientation must fit in 16 bits.")
            }
            try document.setShort(ifd0, Tag.orientation, UInt16(value))
        }
        if let make = values.make { try document.setString(ifd0, Tag.make, make) }
        if let model = values.model { try document.setString(ifd0, Tag.model, model) }
        if let software = values.software { try document.setString(ifd0, Tag.software, software) }
        if let date = values.dateTimeOriginal { try document.setString(exif, Tag.dateTimeOriginal, date) }
        if let offset = values.offsetTimeOriginal { try document.setString(exif, Tag.offsetTimeOriginal, offset) }
        for (tag, serial) in zip([Tag.bodySerialNumber, Tag.lensSerialNumber, Tag.cameraOwnerName], values.serialNumbers) {
            try document.setString(exif, tag, serial)
        }
        for (text, value) in texts.sorted(by: { $0.key.place.tag < $1.key.place.tag }) {
            try document.setString(text.place.ifd, text.place.tag, value)
        }
        if let gps {
            try document.setBytes(gpsIFD, Tag.gpsVersionID, [2, 3, 0, 0])
            try document.setString(gpsIFD, Tag.gpsLatitudeRef, gps.latitude < 0 ? "S" : "N")
            try document.setRationals(gpsIFD, Tag.gpsLatitude, dms(abs(gps.latitude)))
            try document.setString(gpsIFD, Tag.gpsLongitudeRef, gps.longitude < 0 ? "W" : "E")
            try document.setRationals(gpsIFD, Tag.gpsLongitude, dms(abs(gps.longitude)))
        }
        return try document.save()
    }

    /// Identifying text tags a camera or an editor may write, for building test photos that carry
    /// them (the storage whitelist drops every one).
    public enum IdentifyingText: Sendable, CaseIterable {
        /// IFD0 Artist.
        case artist
        /// IFD0 Copyright.
        case copyright
        /// IFD0 ImageDescription.
        case imageDescription
        /// IFD0 HostComputer.
        case hostComputer
        /// EXIF ImageUniqueID.
        case imageUniqueID

        var place: (ifd: ExifIfd, tag: UInt16) {
            switch self {
            case .artist: (EXIF_IFD_0, 0x013B)
            case .copyright: (EXIF_IFD_0, 0x8298)
            case .imageDescription: (EXIF_IFD_0, 0x010E)
            case .hostComputer: (EXIF_IFD_0, 0x013C)
            case .imageUniqueID: (EXIF_IFD_EXIF, 0xA420)
            }
        }
    }

    /// The tags a stored photo keeps: the camera (make, model), how it is displayed (orientation),
    /// when it was taken (times, sub-seconds, offsets) and how it was exposed. Nothing that names a
    /// person, a device serial, a place or the software that touched the file.
    static let captureFacts: [(ifd: ExifIfd, tags: [UInt16])] = [
        (EXIF_IFD_0, [0x010F, 0x0110]),
        (EXIF_IFD_EXIF, [
            0x829A, 0x829D, 0x8822, 0x8827, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9201, 0x9202, 0x9203,
            0x9204, 0x9207, 0x9209, 0x920A, 0x9291, 0x9292, 0xA402, 0xA403, 0xA405,
        ]),
    ]

    /// A fresh payload holding only the capture facts of an uploaded one, in its byte order: make,
    /// model, capture times and offsets, exposure, and the Orientation when it is 1–8. Nil when the
    /// upload's EXIF holds none of them.
    public static func captureFacts(of payload: ArraySlice<UInt8>) throws -> [UInt8]? {
        let source = try ExifDocument(payload: payload)
        let kept = try ExifDocument(byteOrder: source.byteOrder)
        var copied = 0
        for (ifd, tags) in captureFacts {
            for tag in tags {
                if try kept.copy(ifd, tag, from: source) { copied += 1 }
            }
        }
        if let orientation = source.short(EXIF_IFD_0, ExifMetadata.Tag.orientation), (1...8).contains(orientation) {
            try kept.setShort(EXIF_IFD_0, ExifMetadata.Tag.orientation, UInt16(orientation))
            copied += 1
        }
        return copied == 0 ? nil : try kept.save()
    }

    /// A payload holding only an Orientation tag: what an exported JPEG keeps so that viewers
    /// show it upright.
    public static func orientationOnly(_ orientation: ExifOrientation) throws -> [UInt8] {
        let document = try ExifDocument()
        try document.setShort(EXIF_IFD_0, ExifMetadata.Tag.orientation, UInt16(orientation.rawValue))
        return try document.save()
    }

    /// Degrees as three rationals (degrees, minutes, seconds/100).
    private static func dms(_ value: Double) -> [(UInt32, UInt32)] {
        let clamped = min(max(value, 0), 180)
        let degrees = UInt32(clamped)
        let minutesValue = (clamped - Double(degrees)) * 60
        let minutes = UInt32(minutesValue)
        let seconds = UInt32(((minutesValue - Double(minutes)) * 60 * 100).rounded())
        return [(degrees, 1), (minutes, 1), (seconds, 100)]
    }
}
