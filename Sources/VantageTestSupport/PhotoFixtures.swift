public import Foundation
public import Photo

/// Builds test JPEGs with the project's own encoder and EXIF written by libexif: synthetic scenes,
/// dark/blank/blurry variants, crops, and phone-like EXIF with any orientation, GPS, software or date.
public enum PhotoFixtures {
    /// A deterministic scene: a gradient, a dozen coloured shapes with sharp edges, and light noise,
    /// so that perceptual hashes, sharpness and brightness behave like a real photo's.
    public static func scene(width: Int = 800, height: Int = 600, seed: UInt64 = 1) -> PixelImage {
        var random = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let top = (random.byte(), random.byte(), random.byte())
        let bottom = (random.byte(), random.byte(), random.byte())
        for y in 0..<height {
            let t = Double(y) / Double(max(1, height - 1))
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(Double(top.0) * (1 - t) + Double(bottom.0) * t)
                pixels[i + 1] = UInt8(Double(top.1) * (1 - t) + Double(bottom.1) * t)
                pixels[i + 2] = UInt8(Double(top.2) * (1 - t) + Double(bottom.2) * t)
            }
        }
        for shape in 0..<12 {
            let cx = Int(random.next() % UInt64(width)), cy = Int(random.next() % UInt64(height))
            let rx = width / 20 + Int(random.next() % UInt64(width / 5)), ry = height / 20 + Int(random.next() % UInt64(height / 5))
            let color = (random.byte(), random.byte(), random.byte())
            for y in max(0, cy - ry)..<min(height, cy + ry) {
                for x in max(0, cx - rx)..<min(width, cx + rx) {
                    if shape % 2 == 0 {
                        let dx = Double(x - cx) / Double(rx), dy = Double(y - cy) / Double(ry)
                        if dx * dx + dy * dy > 1 { continue }
                    }
                    let i = (y * width + x) * 3
                    pixels[i] = color.0
                    pixels[i + 1] = color.1
                    pixels[i + 2] = color.2
                }
            }
        }
        for index in pixels.indices {
            let noise = Int(random.next() % 13) - 6
            pixels[index] = UInt8(clamping: Int(pixels[index]) + noise)
        }
        return try! PixelImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// One colour everywhere (blank).
    public static func uniform(width: Int = 800, height: Int = 600, gray: UInt8 = 128) -> PixelImage {
        try! PixelImage(width: width, height: height, channels: 3, pixels: [UInt8](repeating: gray, count: width * height * 3))
    }

    /// `image` with every channel multiplied by `factor` (0.1 makes a scene very dark).
    public static func scaledBrightness(_ image: PixelImage, by factor: Double) -> PixelImage {
        var copy = image
        copy.pixels = image.pixels.map { UInt8(clamping: Int((Double($0) * factor).rounded())) }
        return copy
    }

    /// `image` box-blurred `passes` times with radius `radius` (horizontal then vertical).
    public static func blurred(_ image: PixelImage, radius: Int, passes: Int = 2) -> PixelImage {
        var pixels = image.pixels
        let w = image.width, h = image.height, c = image.channels
        for _ in 0..<passes {
            for (stepX, stepY) in [(1, 0), (0, 1)] {
                var out = pixels
                for y in 0..<h {
                    for x in 0..<w {
                        for k in 0..<c {
                            var sum = 0, count = 0
                            for d in -radius...radius {
                                let sx = x + d * stepX, sy = y + d * stepY
                                guard sx >= 0, sx < w, sy >= 0, sy < h else { continue }
                                sum += Int(pixels[(sy * w + sx) * c + k])
                                count += 1
                            }
                            out[(y * w + x) * c + k] = UInt8(sum / count)
                        }
                    }
                }
                pixels = out
            }
        }
        return try! PixelImage(width: w, height: h, channels: c, pixels: pixels)
    }

    /// The centre of `image` with `fraction` of each side removed (split between both edges).
    public static func cropped(_ image: PixelImage, fraction: Double) -> PixelImage {
        let dx = Int(Double(image.width) * fraction / 2), dy = Int(Double(image.height) * fraction / 2)
        let w = image.width - 2 * dx, h = image.height - 2 * dy, c = image.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity(w * h * c)
        for y in dy..<(dy + h) {
            let start = (y * image.width + dx) * c
            pixels.append(contentsOf: image.pixels[start..<(start + w * c)])
        }
        return try! PixelImage(width: w, height: h, channels: c, pixels: pixels)
    }

    /// EXIF as a phone writes it: make, model, camera software, DateTimeOriginal with offset.
    public static func phoneExif(orientation: Int? = 1, capturedAt: Date? = Date(), offset: String? = "+00:00",
                                 make: String? = "Google", model: String? = "Pixel 8",
                                 software: String? = "HDR+ 1.0.540104767zd", serialNumbers: [String] = []) -> ExifMetadata {
        ExifMetadata(orientationValue: orientation, make: make, model: model, software: software,
                     dateTimeOriginal: capturedAt.map { exifDate($0, offset: offset) },
                     offsetTimeOriginal: capturedAt == nil ? nil : offset, serialNumbers: serialNumbers)
    }

    /// "YYYY:MM:DD HH:MM:SS" of `date` in the zone `offset` ("±HH:MM", UTC when nil).
    public static func exifDate(_ date: Date, offset: String? = nil) -> String {
        var seconds = 0
        if let offset, offset.count == 6, let hours = Int(offset.dropFirst().prefix(2)), let minutes = Int(offset.suffix(2)) {
            seconds = (hours * 3600 + minutes * 60) * (offset.hasPrefix("-") ? -1 : 1)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: seconds)
        formatter.dateFormat = "yyyy:MM:dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Encodes `image` and inserts an EXIF APP1 written by libexif (none when `exif` is nil).
    public static func jpeg(_ image: PixelImage, exif: ExifMetadata? = phoneExif(), gps: ExifWriter.Position? = nil,
                            quality: Int = 90) throws -> [UInt8] {
        let encoded = try JPEGCodec.encode(image, quality: quality)
        guard let exif else { return encoded }
        let payload = try ExifWriter.payload(exif, gps: gps)
        return try JPEGStructure(parsing: encoded).replacingMetadata(in: encoded, exifPayload: payload)
    }

    /// A JPEG whose stored pixels are `upright` turned so that EXIF `orientation` displays it upright.
    public static func orientedJPEG(_ upright: PixelImage, orientation: ExifOrientation, exif: ExifMetadata? = nil) throws -> [UInt8] {
        var values = exif ?? phoneExif()
        values.orientationValue = orientation.rawValue
        return try jpeg(upright.storing(as: orientation), exif: values)
    }

    /// A photo as a phone sends it, and the private strings it carries.
    public struct PhoneLikePhoto: Sendable {
        /// The file.
        public var bytes: [UInt8]
        /// Text that must never reach storage: serials, owner, artist, copyright, unique id, XMP,
        /// MPF, Photoshop/IPTC, comment and the Motion Photo trailer.
        public var privateStrings: [String]
        /// The ICC profile chunk's payload, which storage keeps.
        public var iccMarker: String
    }

    /// `upright` stored as a phone stores it under `orientation`, with what phones write around it:
    /// EXIF with GPS, body and lens serials, owner, artist, copyright and unique id; an XMP packet,
    /// an MPF index, an ICC profile, a Photoshop/IPTC block, a comment, and a Motion Photo video
    /// after EOI.
    public static func phoneLike(_ upright: PixelImage, orientation: ExifOrientation, capturedAt: Date = Date(),
                                 quality: Int = 90) throws -> PhoneLikePhoto {
        var values = phoneExif(orientation: orientation.rawValue, capturedAt: capturedAt,
                               serialNumbers: ["OWNER-Jane-Q", "BODY-SN-7731", "LENS-SN-5512"])
        values.software = "HDR+ 1.0.540104767zd"
        let exif = try ExifWriter.payload(
            values, gps: ExifWriter.Position(latitude: 42.3601, longitude: -71.0942),
            identifying: [.artist: "ARTIST-Jane-Q", .copyright: "COPYRIGHT-Jane-Q", .imageDescription: "DESCRIPTION-kitchen-of-Jane",
                          .hostComputer: "HOST-Pixel-Jane", .imageUniqueID: "UNIQUE-ID-0042"])
        let xmp = Array("http://ns.adobe.com/xap/1.0/\0".utf8)
            + Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'><GCamera:MotionPhoto>1</GCamera:MotionPhoto>XMP-PRIVATE-9</x:xmpmeta>".utf8)
        let mpf = Array("MPF\0".utf8) + Array("MM\0*MPF-PRIVATE-INDEX".utf8)
        let iccMarker = "vantage-test-icc-profile-sRGB"
        let icc = Array("ICC_PROFILE\0".utf8) + [1, 1] + Array(iccMarker.utf8) + [UInt8](repeating: 0x11, count: 64)
        let iptc = Array("Photoshop 3.0\0".utf8) + Array("8BIM IPTC-PRIVATE-CITY".utf8)
        let comment = Array("COMMENT-PRIVATE-by-Jane".utf8)
        let encoded = try JPEGCodec.encode(upright.storing(as: orientation), quality: quality)
        // The encoder writes SOI and a JFIF APP0 first; the phone's segments follow them.
        let app0Length = Int(encoded[4]) << 8 | Int(encoded[5])
        let head = Array(encoded.prefix(4 + app0Length))
        var bytes = head
        for (marker, payload) in [(UInt8(0xE1), exif), (0xE1, xmp), (0xE2, mpf), (0xE2, icc), (0xED, iptc), (0xFE, comment)] {
            bytes += try JPEGSanitizer.segment(marker, payload)
        }
        bytes += encoded.dropFirst(head.count)
        bytes += Array("\0\0\0\u{18}ftypmp42MOTION-PHOTO-VIDEO-PRIVATE".utf8) + [UInt8](repeating: 0x42, count: 256)
        return PhoneLikePhoto(
            bytes: bytes,
            privateStrings: ["OWNER-Jane-Q", "BODY-SN-7731", "LENS-SN-5512", "ARTIST-Jane-Q", "COPYRIGHT-Jane-Q",
                             "DESCRIPTION-kitchen", "HOST-Pixel", "UNIQUE-ID-0042", "HDR+ 1.0", "XMP-PRIVATE", "xmpmeta", "MPF-PRIVATE",
                             "IPTC-PRIVATE", "Photoshop", "COMMENT-PRIVATE", "ftypmp42", "MOTION-PHOTO"],
            iccMarker: iccMarker)
    }

    /// A minimal valid JPEG header declaring `width` × `height` (no real scan data): for pixel-limit tests.
    public static func declaredSizeJPEG(width: Int, height: Int) throws -> [UInt8] {
        let small = try JPEGCodec.encode(uniform(width: 16, height: 16), quality: 50)
        let bytes = try JPEGStructure.declaringSize(width: width, height: height, of: small)
        let payload = try ExifWriter.payload(phoneExif())
        return try JPEGStructure(parsing: bytes).replacingMetadata(in: bytes, exifPayload: payload)
    }
}

/// A small deterministic generator so fixtures are identical on every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}
