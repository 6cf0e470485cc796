import Capture
import Foundation
import Photo
import Validation

/// Makes the demo's uploads from one real photograph: "good" variants that follow a task's controls
/// (a quarter turn for the rotation, a closer crop for a steeper viewpoint, a light tint per room)
/// and one deliberately bad photo per rejection or flag reason. Every variant is a synthetic
/// transform of the real photograph; the report says so.
struct DemoPhotoMaker {
    /// The upright source photograph, RGB.
    let source: PixelImage
    private var random: SeededGenerator
    /// Perceptual hashes of the good variants made so far, to keep them apart.
    private var hashes: [UInt64] = []
    private let validator = PhotoValidator()

    init(source: PixelImage, seed: UInt64) {
        self.source = source
        self.random = SeededGenerator(seed: seed)
    }

    /// EXIF a phone writes; the demo names itself instead of pretending to be a real camera model.
    static func exif(capturedAt: Date?, orientation: Int = 1, make: String? = "Vantage", model: String? = "Demo variant",
                     software: String? = nil) -> ExifMetadata {
        ExifMetadata(
            orientationValue: orientation, make: make, model: model, software: software,
            dateTimeOriginal: capturedAt.map(exifDate), offsetTimeOriginal: capturedAt == nil ? nil : "+00:00")
    }

    /// "YYYY:MM:DD HH:MM:SS" in UTC.
    static func exifDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy:MM:dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Encodes `image` and splices in an EXIF block written by libexif (none when `exif` is nil).
    static func jpeg(_ image: PixelImage, exif: ExifMetadata?, gps: ExifWriter.Position? = nil, quality: Int = 92) throws -> [UInt8] {
        let encoded = try JPEGCodec.encode(image, quality: quality)
        guard let exif else { return encoded }
        return try JPEGStructure(parsing: encoded).replacingMetadata(in: encoded, exifPayload: try ExifWriter.payload(exif, gps: gps))
    }

    /// A variant for a task: rotation id → quarter turns, viewpoint → crop, room → tint; some are
    /// stored sideways with EXIF Orientation 6, as phones store portrait photos, so every reader's
    /// orientation handling is exercised.
    /// Retries with new jitter until its perceptual hash is clear of the earlier variants'.
    mutating func goodVariant(rotationID: Int, viewpoint: String, room: String, capturedAt: Date) throws -> [UInt8] {
        var best: (bytes: [UInt8], hash: UInt64, distance: Int)?
        for _ in 0..<8 {
            let upright = variant(rotationID: rotationID, viewpoint: viewpoint, room: room)
            let sideways = random.index(below: 3) == 0
            let stored = sideways ? upright.storing(as: .right) : upright
            let bytes = try Self.jpeg(stored, exif: Self.exif(capturedAt: capturedAt, orientation: sideways ? 6 : 1))
            guard let hash = validator.validate(bytes, context: ValidationContext()).perceptualHash else { continue }
            let distance = hashes.map { ($0 ^ hash).nonzeroBitCount }.min() ?? 64
            if best == nil || distance > best!.distance { best = (bytes, hash, distance) }
            if distance > 10 { break }
        }
        guard let best else { throw DemoError("The demo photo could not be turned into a valid variant.") }
        hashes.append(best.hash)
        return best.bytes
    }

    private mutating func variant(rotationID: Int, viewpoint: String, room: String) -> PixelImage {
        let fraction: Double = switch viewpoint {
        case "top": 0.62
        case "angled": 0.76
        default: 0.9
        }
        let jittered = fraction * (0.92 + 0.08 * random.unit())
        var image = crop(source, fraction: jittered, dx: random.unit() - 0.5, dy: random.unit() - 0.5)
        image = tinted(image, room: room, strength: 0.85 + 0.3 * random.unit())
        let turns: [ExifOrientation] = [.up, .right, .down, .left]
        return image.applying(turns[rotationID % 4])
    }

    /// A centred crop of `fraction` of each side, shifted by `dx`, `dy` ∈ [−0.5, 0.5] of the slack.
    func crop(_ image: PixelImage, fraction: Double, dx: Double = 0, dy: Double = 0) -> PixelImage {
        let w = max(1, Int(Double(image.width) * fraction)), h = max(1, Int(Double(image.height) * fraction))
        let x0 = Int((Double(image.width - w) * (0.5 + dx)).rounded()), y0 = Int((Double(image.height - h) * (0.5 + dy)).rounded())
        return cut(image, x: min(max(0, x0), image.width - w), y: min(max(0, y0), image.height - h), width: w, height: h)
    }

    func cut(_ image: PixelImage, x: Int, y: Int, width w: Int, height h: Int) -> PixelImage {
        let c = image.channels
        var out = [UInt8](repeating: 0, count: w * h * c)
        image.pixels.withUnsafeBufferPointer { source in
            for row in 0..<h {
                let from = ((y + row) * image.width + x) * c
                for k in 0..<(w * c) { out[row * w * c + k] = source[from + k] }
            }
        }
        return try! PixelImage(width: w, height: h, channels: c, pixels: out)
    }

    /// Room lighting as a per-channel gain (warm kitchen, cool bathroom, dim bedroom).
    func tinted(_ image: PixelImage, room: String, strength: Double) -> PixelImage {
        let gains: (Double, Double, Double) = switch room {
        case "kitchen": (1.08, 1.0, 0.9)
        case "bathroom": (0.92, 1.0, 1.1)
        case "bedroom": (0.85, 0.82, 0.8)
        default: (1.0, 1.0, 1.0)
        }
        let g = [1 + (gains.0 - 1) * strength, 1 + (gains.1 - 1) * strength, 1 + (gains.2 - 1) * strength]
        return scaled(image) { value, channel in Double(value) * g[channel] }
    }

    func scaled(_ image: PixelImage, _ transform: (UInt8, Int) -> Double) -> PixelImage {
        var out = image
        for index in out.pixels.indices {
            out.pixels[index] = UInt8(min(255, max(0, transform(image.pixels[index], index % image.channels).rounded())))
        }
        return out
    }

    /// Box blur, `passes` times (three passes approximate a Gaussian).
    func blurred(_ image: PixelImage, radius: Int, passes: Int = 3) -> PixelImage {
        var current = image
        let w = image.width, h = image.height, c = image.channels
        for _ in 0..<passes {
            var horizontal = current.pixels
            for y in 0..<h {
                for k in 0..<c {
                    var sum = 0, count = 0
                    for x in -radius...radius where x >= 0 && x < w { sum += Int(current.pixels[(y * w + x) * c + k]); count += 1 }
                    for x in 0..<w {
                        horizontal[(y * w + x) * c + k] = UInt8(sum / count)
                        let leaving = x - radius, entering = x + radius + 1
                        if leaving >= 0 { sum -= Int(current.pixels[(y * w + leaving) * c + k]); count -= 1 }
                        if entering < w { sum += Int(current.pixels[(y * w + entering) * c + k]); count += 1 }
                    }
                }
            }
            var vertical = horizontal
            for x in 0..<w {
                for k in 0..<c {
                    var sum = 0, count = 0
                    for y in -radius...radius where y >= 0 && y < h { sum += Int(horizontal[(y * w + x) * c + k]); count += 1 }
                    for y in 0..<h {
                        vertical[(y * w + x) * c + k] = UInt8(sum / count)
                        let leaving = y - radius, entering = y + radius + 1
                        if leaving >= 0 { sum -= Int(horizontal[(leaving * w + x) * c + k]); count -= 1 }
                        if entering < h { sum += Int(horizontal[(entering * w + x) * c + k]); count += 1 }
                    }
                }
            }
            current.pixels = vertical
        }
        return current
    }

    /// A JPEG whose frame header declares `width` × `height` but carries a tiny scan: the server
    /// must refuse it from the header alone, before any decode.
    func declaringPixels(width: Int, height: Int) throws -> [UInt8] {
        let tiny = crop(source, fraction: 0.02)
        return try JPEGStructure.declaringSize(width: width, height: height, of: try Self.jpeg(tiny, exif: Self.exif(capturedAt: Date())))
    }
}
