import CExif

/// Builds EXIF APP1 payloads with libexif: fresh ones for test fixtures, and sanitised copies
/// of uploaded ones for storage (no GPS, no serial numbers or maker note, Orientation 1).
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
    public static func payload(_ values: ExifMetadata, gps: Position? = nil) throws -> [UInt8] {
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
        if let gps {
            try document.setBytes(gpsIFD, Tag.gpsVersionID, [2, 3, 0, 0])
            try document.setString(gpsIFD, Tag.gpsLatitudeRef, gps.latitude < 0 ? "S" : "N")
            try document.setRationals(gpsIFD, Tag.gpsLatitude, dms(abs(gps.latitude)))
            try document.setString(gpsIFD, Tag.gpsLongitudeRef, gps.longitude < 0 ? "W" : "E")
            try document.setRationals(gpsIFD, Tag.gpsLongitude, dms(abs(gps.longitude)))
        }
        return try document.save()
    }

    /// A copy of an uploaded payload fit for storage: GPS IFD, serial numbers, owner name,
    /// maker note and thumbnail removed; Orientation set to 1; pixel dimensions updated.
    public static func sanitized(_ payload: ArraySlice<UInt8>, width: Int, height: Int) throws -> [UInt8] {
        let document = try ExifDocument(payload: payload)
        typealias Tag = ExifMetadata.Tag
        document.removeAll(EXIF_IFD_GPS)
        for tag in Tag.identifying + [Tag.makerNote] { document.remove(EXIF_IFD_EXIF, tag) }
        document.removeAll(EXIF_IFD_1)
        document.removeThumbnail()
        try document.setShort(EXIF_IFD_0, Tag.orientation, 1)
        if document.entry(EXIF_IFD_EXIF, Tag.pixelXDimension) != nil, (1...0xFFFF).contains(width), (1...0xFFFF).contains(height) {
            try document.setShort(EXIF_IFD_EXIF, Tag.pixelXDimension, UInt16(width))
            try document.setShort(EXIF_IFD_EXIF, Tag.pixelYDimension, UInt16(height))
        }
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
