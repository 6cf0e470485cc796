extension JPEGStructure {
    /// `bytes` with the frame header's width and height replaced, scan untouched: a JPEG that claims
    /// more (or fewer) pixels than it holds, for exercising pixel limits in tests and the demo.
    public static func declaringSize(width: Int, height: Int, of bytes: [UInt8]) throws -> [UInt8] {
        guard (1...65_535).contains(width), (1...65_535).contains(height) else {
            throw PhotoError(.invalidArgument, "A JPEG frame header holds sizes from 1 to 65535, not \(width)×\(height).")
        }
        let segments = try JPEGSegments(parsing: bytes, through: .firstScan)
        guard let frame = segments.segments.first(where: { JPEGSegments.isFrame($0.marker) }), frame.body.count >= 6 else {
            throw PhotoError(.corrupt, "The JPEG has no frame header before its scan.")
        }
        var out = bytes
        let b = frame.body.lowerBound
        out[b + 1] = UInt8(height >> 8 & 0xFF)
        out[b + 2] = UInt8(height & 0xFF)
        out[b + 3] = UInt8(width >> 8 & 0xFF)
        out[b + 4] = UInt8(width & 0xFF)
        return out
    }
}
