public import Foundation
import Photo

/// Image → model input the way the reference pipeline (PIL) does it: optional border crop, shorter
/// side resized to size / cropRatio with antialiased bilinear, centre crop, (x − mean) / std on 0–255.
public struct Preprocessing: Sendable, Equatable {
    /// Square output size.
    public var size: Int
    /// Centre-crop ratio.
    public var cropRatio: Double
    /// Per-channel mean on 0–255.
    public var mean: [Float]
    /// Per-channel standard deviation on 0–255.
    public var std: [Float]
    /// Pixels removed from every edge first (ObjectNet's 2 px red border).
    public var borderCrop: Int

    /// Largest accepted image file, so a bogus path cannot make us read gigabytes.
    public static let maximumFileBytes = 100 << 20

    /// Preprocessing for a model's manifest.
    public init(manifest: ModelManifest, borderCrop: Int = 0) {
        self.init(size: manifest.inputSize, cropRatio: manifest.cropRatio, mean: manifest.mean, std: manifest.std, borderCrop: borderCrop)
    }

    /// Preprocessing from explicit values.
    public init(size: Int, cropRatio: Double, mean: [Float], std: [Float], borderCrop: Int = 0) {
        self.size = size
        self.cropRatio = cropRatio
        self.mean = mean
        self.std = std
        self.borderCrop = borderCrop
    }

    /// Side the shorter edge is resized to before cropping.
    var resizeTarget: Int { Int(Double(size) / cropRatio) }

    /// Reads, decodes (PNG when the content starts with the PNG signature, else JPEG with EXIF orientation
    /// applied) and preprocesses an image file into [3, size, size].
    public func tensor(contentsOf url: URL) throws -> [Float] {
        let name = url.lastPathComponent
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let bytes = attributes[.size] as? Int, let data = FileManager.default.contents(atPath: url.path) else {
            throw InferenceError(.unreadableImage, "The image \(name) cannot be read.")
        }
        guard bytes <= Self.maximumFileBytes else {
            throw InferenceError(.unreadableImage, "The image \(name) is larger than 100 MB.")
        }
        do {
            let file = [UInt8](data)
            return try PNGDecoder.looksLikePNG(file) ? tensor(png: file) : tensor(jpeg: file)
        } catch let error as InferenceError {
            throw InferenceError(error.code, "The image \(name) cannot be used: \(error.message)")
        }
    }

    /// Decodes JPEG bytes, using libjpeg-turbo's DCT scaling when the image is at least twice the target.
    public func tensor(jpeg: [UInt8]) throws -> [Float] {
        guard JPEGStructure.looksLikeJPEG(jpeg) else {
            throw InferenceError(.unreadableImage, "it is not a JPEG file.")
        }
        do {
            let header = try JPEGCodec.header(jpeg)
            let shorter = min(header.width, header.height)
            var scale = JPEGCodec.Scale.full
            for candidate in [JPEGCodec.Scale.eighth, .quarter, .half] {
                let border = (borderCrop + candidate.rawValue - 1) / candidate.rawValue
                if candidate.scaled(shorter) - 2 * border >= resizeTarget {
                    scale = candidate
                    break
                }
            }
            var image = try JPEGCodec.decode(jpeg, scale: scale, color: .rgb).image
            if let orientation = (try? ExifMetadata(jpeg: jpeg))??.orientation {
                image = image.applying(orientation)
            }
            let border = (borderCrop + scale.rawValue - 1) / scale.rawValue
            return try tensor(rgb: image.pixels, width: image.width, height: image.height, borderCrop: border)
        } catch let error as PhotoError {
            throw InferenceError(.unreadableImage, error.message)
        }
    }

    /// Decodes PNG bytes (alpha dropped; PNG has no EXIF orientation to apply) and preprocesses them.
    public func tensor(png: [UInt8]) throws -> [Float] {
        do {
            let image = try PNGDecoder.decode(png)
            return try tensor(rgb: image.pixels, width: image.width, height: image.height, borderCrop: borderCrop)
        } catch let error as PhotoError {
            throw InferenceError(.unreadableImage, error.message)
        }
    }

    /// Preprocesses packed RGB pixels (row-major, 3 bytes per pixel).
    public func tensor(rgb pixels: [UInt8], width: Int, height: Int) throws -> [Float] {
        try tensor(rgb: pixels, width: width, height: height, borderCrop: borderCrop)
    }

    private func tensor(rgb pixels: [UInt8], width: Int, height: Int, borderCrop border: Int) throws -> [Float] {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15, pixels.count == width * height * 3 else {
            throw InferenceError(.unreadableImage, "the pixel buffer does not match a \(width)×\(height) RGB image.")
        }
        let w = width - 2 * border, h = height - 2 * border
        guard w >= 1, h >= 1 else {
            throw InferenceError(.unreadableImage, "the \(width)×\(height) image is too small for a \(border)-pixel border crop.")
        }
        let short = resizeTarget
        let (nw, nh) = w <= h ? (short, Int(Double(short) * Double(h) / Double(w))) : (Int(Double(short) * Double(w) / Double(h)), short)
        guard nw >= size, nh >= size else {
            throw InferenceError(.unreadableImage, "the image is too narrow to crop \(size)×\(size).")
        }
        // Python's round() (half to even), as the reference crop uses it.
        let top = Int((Double(nh - size) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(nw - size) / 2).rounded(.toNearestOrEven))
        let resized = Resampler.resize(pixels, width: width, height: height, box: (border, border, w, h),
                                       toWidth: nw, toHeight: nh, rows: top..<(top + size), columns: left..<(left + size))
        // (byte − mean) / std has 256 possible values per channel: look them up.
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for b in 0..<256 { table[c * 256 + b] = (Float(b) - mean[c]) / std[c] }
        }
        let plane = size * size
        return [Float](unsafeUninitializedCapacity: 3 * plane) { out, initialized in
            table.withUnsafeBufferPointer { table in
                resized.withUnsafeBufferPointer { rgb in
                    let t = table.baseAddress!, o = out.baseAddress!
                    for i in 0..<plane {
                        o[i] = t[Int(rgb[i * 3])]
                        o[plane + i] = t[256 + Int(rgb[i * 3 + 1])]
                        o[2 * plane + i] = t[512 + Int(rgb[i * 3 + 2])]
                    }
                }
            }
            initialized = 3 * plane
        }
    }
}
