public import Photo

extension PixelImage {
    /// The image padded with a `width`-pixel pure red (255, 0, 0) frame, as ObjectNet releases its
    /// images (against reverse image search); evaluators crop it off, leaving every original pixel.
    public func withRedBorder(width border: Int = 2) throws -> PixelImage {
        let rgb = channels == 3 ? pixels : pixels.flatMap { [$0, $0, $0] }
        let outWidth = width + 2 * border, outHeight = height + 2 * border
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        for index in stride(from: 0, to: out.count, by: 3) { out[index] = 255 }
        let rowBytes = width * 3
        for y in 0..<height {
            let target = ((y + border) * outWidth + border) * 3
            out.replaceSubrange(target..<(target + rowBytes), with: rgb[(y * rowBytes)..<((y + 1) * rowBytes)])
        }
        return try PixelImage(width: outWidth, height: outHeight, channels: 3, pixels: out)
    }
}
