import CExif
#if canImport(Glibc)
import Glibc
#endif

/// Owns one libexif `ExifData`; all raw access to libexif goes through here.
final class ExifDocument {
    let raw: UnsafeMutablePointer<ExifData>

    /// An empty document in `byteOrder` (Intel unless told).
    init(byteOrder order: ExifByteOrder = EXIF_BYTE_ORDER_INTEL) throws {
        guard let data = exif_data_new() else {
            throw PhotoError(.resources, "libexif could not allocate an EXIF block.")
        }
        raw = data
        // Keep exactly what we write or read: no "fixing" of entries behind our back.
        exif_data_unset_option(raw, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        exif_data_unset_option(raw, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS)
        exif_data_set_byte_order(raw, order)
    }

    /// Loads an APP1 payload ("Exif\0\0" + TIFF); the caller bounds its length to one segment.
    convenience init(payload: ArraySlice<UInt8>) throws {
        try self.init()
        guard payload.count <= 0xFFFF else {
            throw PhotoError(.tooLarge, "The EXIF block is larger than one JPEG segment.")
        }
        payload.withUnsafeBufferPointer { buffer in
            exif_data_load_data(raw, buffer.baseAddress, UInt32(buffer.count))
        }
    }

    deinit {
        exif_data_unref(raw)
    }

    var byteOrder: ExifByteOrder { exif_data_get_byte_order(raw) }

    func entry(_ ifd: ExifIfd, _ tag: UInt16) -> UnsafeMutablePointer<ExifEntry>? {
        vantage_exif_entry(raw, ifd, ExifTag(rawValue: UInt32(tag)))
    }

    func entryCount(_ ifd: ExifIfd) -> Int {
        guard let content = vantage_exif_ifd(raw, ifd) else { return 0 }
        return Int(content.pointee.count)
    }

    /// An ASCII (or UNDEFINED text) value, cut at the first NUL, trimmed, at most 256 characters.
    func string(_ ifd: ExifIfd, _ tag: UInt16) -> String? {
        guard let entry = entry(ifd, tag), let data = entry.pointee.data, entry.pointee.size > 0 else { return nil }
        let bytes = UnsafeBufferPointer(start: data, count: Int(min(entry.pointee.size, 4096)))
        let text = bytes.prefix { $0 != 0 }
        let value = String(decoding: text, as: UTF8.self).trimmingCharacters(in: " \t\r\n")
        return value.isEmpty ? nil : String(value.prefix(256))
    }

    /// The first SHORT of an entry.
    func short(_ ifd: ExifIfd, _ tag: UInt16) -> Int? {
        guard let entry = entry(ifd, tag), let data = entry.pointee.data, entry.pointee.size >= 2,
              entry.pointee.format == EXIF_FORMAT_SHORT else { return nil }
        return Int(exif_get_short(data, byteOrder))
    }

    func remove(_ ifd: ExifIfd, _ tag: UInt16) {
        guard let content = vantage_exif_ifd(raw, ifd), let entry = entry(ifd, tag) else { return }
        exif_content_remove_entry(content, entry)
    }

    func removeAll(_ ifd: ExifIfd) {
        guard let content = vantage_exif_ifd(raw, ifd) else { return }
        // Bounded: each removal shrinks the count, and libexif caps entries per IFD on load.
        while content.pointee.count > 0, let first = content.pointee.entries?[0] {
            exif_content_remove_entry(content, first)
        }
    }

    /// Replaces (or adds) an entry with raw bytes already in this document's byte order.
    func set(_ ifd: ExifIfd, _ tag: UInt16, format: ExifFormat, components: Int, bytes: [UInt8]) throws {
        remove(ifd, tag)
        guard let content = vantage_exif_ifd(raw, ifd), let entry = exif_entry_new() else {
            throw PhotoError(.resources, "libexif could not allocate an EXIF entry.")
        }
        defer { exif_entry_unref(entry) }
        // libexif's default allocator is calloc/free, so the entry frees this buffer itself.
        guard let buffer = calloc(max(bytes.count, 1), 1)?.assumingMemoryBound(to: UInt8.self) else {
            throw PhotoError(.resources, "Out of memory for an EXIF entry.")
        }
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: bytes.count) }
        }
        entry.pointee.tag = ExifTag(rawValue: UInt32(tag))
        entry.pointee.format = format
        entry.pointee.components = UInt(components)
        entry.pointee.data = buffer
        entry.pointee.size = UInt32(bytes.count)
        exif_content_add_entry(content, entry)
    }

    /// Copies one entry of `other` (same byte order) verbatim; false when `other` has none.
    @discardableResult
    func copy(_ ifd: ExifIfd, _ tag: UInt16, from other: ExifDocument) throws -> Bool {
        guard let source = other.entry(ifd, tag), let data = source.pointee.data, source.pointee.size > 0 else { return false }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(source.pointee.size)))
        try set(ifd, tag, format: source.pointee.format, components: Int(source.pointee.components), bytes: bytes)
        return true
    }

    func setString(_ ifd: ExifIfd, _ tag: UInt16, _ value: String) throws {
        let bytes = Array(value.utf8) + [0]
        try set(ifd, tag, format: EXIF_FORMAT_ASCII, components: bytes.count, bytes: bytes)
    }

    func setShort(_ ifd: ExifIfd, _ tag: UInt16, _ value: UInt16) throws {
        var bytes: [UInt8] = [0, 0]
        bytes.withUnsafeMutableBufferPointer { exif_set_short($0.baseAddress, byteOrder, value) }
        try set(ifd, tag, format: EXIF_FORMAT_SHORT, components: 1, bytes: bytes)
    }

    func setRationals(_ ifd: ExifIfd, _ tag: UInt16, _ values: [(UInt32, UInt32)]) throws {
        var bytes = [UInt8](repeating: 0, count: values.count * 8)
        bytes.withUnsafeMutableBufferPointer { target in
            for (index, value) in values.enumerated() {
                exif_set_rational(target.baseAddress! + index * 8, byteOrder, ExifRational(numerator: value.0, denominator: value.1))
            }
        }
        try set(ifd, tag, format: EXIF_FORMAT_RATIONAL, components: values.count, bytes: bytes)
    }

    func setBytes(_ ifd: ExifIfd, _ tag: UInt16, _ values: [UInt8]) throws {
        try set(ifd, tag, format: EXIF_FORMAT_BYTE, components: values.count, bytes: values)
    }

    /// Drops the embedded thumbnail, which would show the old orientation and uncropped content.
    func removeThumbnail() {
        if let data = raw.pointee.data { free(data) }
        raw.pointee.data = nil
        raw.pointee.size = 0
    }

    /// The APP1 payload ("Exif\0\0" + TIFF).
    func save() throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt32 = 0
        exif_data_save_data(raw, &output, &size)
        guard let output, size > 0 else {
            throw PhotoError(.exif, "libexif could not write the EXIF block.")
        }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return view
    }
}
