extension JPEGStructure {
    /// `bytes` with the frame header's width and height replaced, scan untouched: a JPEG that claims
    /// more (or fewer) pixels than it holds, for exercising pixel limits in tests and the demo.
    public static func declaringSize(width: Int, height: Int, of bytes: [UInt8]) throws -> [UInt8] {
        guard (1...65_535).contains(width), (1...65_535).contains(height) else {
            throw PhotoError(.invalidArgument, "A JPEG frame header holds sizes from 1 to 65535, not \(width)×\(height).")
        }
        var out = bytes
        var index = 2
        while index + 9 < out.count, out[index] == 0xFF {
            let marker = out[index + 1]
            let length = Int(out[index + 2]) << 8 | Int(out[index + 3])
            if marker == 0xC0 || marker == 0xC2 {
                out[index + 5] = UInt8(height >> 8 & 0xFF)
                out[index + 6] = UInt8(height & 0xFF)
                out[index + 7] = UInt8(width >> 8 & 0xFF)
                out[index + 8] = UInt8(width & 0xFF)
                return out
            }
            index += 2 + length
        }
        throw PhotoError(.corrupt, "The JPEG has no baseline or progressive frame header before its scan.")
    }
}
