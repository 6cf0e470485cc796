/// Decoded pixels, rows top to bottom, `channels` interleaved bytes per pixel (1 gray, 3 RGB).
public struct PixelImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bytes per pixel: 1 (gray) or 3 (RGB).
    public let channels: Int
    /// `width * height * channels` bytes.
    public var pixels: [UInt8]

    /// Creates an image; the pixel count must match the dimensions.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, channels == 1 || channels == 3,
              width <= 1 << 16, height <= 1 << 16, pixels.count == width * height * channels
        else {
            throw PhotoError(.invalidArgument, "An image needs positive dimensions and exactly width × height × channels bytes.")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Luma of every pixel (BT.601 weights for RGB).
    public func luma() -> [UInt8] {
        if channels == 1 { return pixels }
        var out = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { source in
            for index in 0..<(width * height) {
                let r = Int(source[index * 3]), g = Int(source[index * 3 + 1]), b = Int(source[index * 3 + 2])
                out[index] = UInt8((r * 299 + g * 587 + b * 114 + 500) / 1000)
            }
        }
        return out
    }

    /// The image as a viewer shows it after applying EXIF `orientation`.
    public func applying(_ orientation: ExifOrientation) -> PixelImage {
        if orientation == .up { return self }
        let swaps = orientation.swapsDimensions
        let outWidth = swaps ? height : width
        let outHeight = swaps ? width : height
        var out = [UInt8](repeating: 0, count: pixels.count)
        let c = channels
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        // Where the displayed pixel (x, y) comes from in the stored image.
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case .up: (sx, sy) = (x, y)
                        case .upMirrored: (sx, sy) = (width - 1 - x, y)
                        case .down: (sx, sy) = (width - 1 - x, height - 1 - y)
                        case .downMirrored: (sx, sy) = (x, height - 1 - y)
                        case .leftMirrored: (sx, sy) = (y, x)
                        case .right: (sx, sy) = (y, height - 1 - x)
                        case .rightMirrored: (sx, sy) = (width - 1 - y, height - 1 - x)
                        case .left: (sx, sy) = (width - 1 - y, x)
                        }
                        let from = (sy * width + sx) * c
                        let to = (y * outWidth + x) * c
                        for k in 0..<c { target[to + k] = source[from + k] }
                    }
                }
            }
        }
        // Dimensions and byte count are unchanged in total, so this cannot fail.
        return try! PixelImage(width: outWidth, height: outHeight, channels: c, pixels: out)
    }

    /// The inverse of `applying`: the stored image that displays as `self` under `orientation`.
    public func storing(as orientation: ExifOrientation) -> PixelImage {
        applying(orientation.inverse)
    }
}
