import CTurboJPEG

/// libjpeg-turbo behind Swift values: header, DCT-scaled and full decode, encode.
/// Every call uses its own handle, so the codec is safe to use from many threads at once.
public enum JPEGCodec {
    /// What libjpeg-turbo reads from the headers without decoding pixels.
    public struct Header: Sendable, Equatable {
        /// Stored width in pixels.
        public var width: Int
        /// Stored height in pixels.
        public var height: Int
        /// Chroma subsampling of the stream.
        public var subsampling: ChromaSubsampling
    }

    /// Chroma subsampling for encoding, and as read from a header.
    public enum ChromaSubsampling: Sendable, Equatable {
        /// No subsampling.
        case s444
        /// Half horizontal.
        case s422
        /// Half both ways (what phones write).
        case s420
        /// Luma only.
        case gray
        /// Anything else libjpeg-turbo reports (4:4:0, 4:1:1, unknown).
        case other

        var tjValue: Int32 {
            switch self {
            case .s444: Int32(TJSAMP_444.rawValue)
            case .s422: Int32(TJSAMP_422.rawValue)
            case .s420, .other: Int32(TJSAMP_420.rawValue)
            case .gray: Int32(TJSAMP_GRAY.rawValue)
            }
        }

        init(tjValue: Int32) {
            switch tjValue {
            case Int32(TJSAMP_444.rawValue): self = .s444
            case Int32(TJSAMP_422.rawValue): self = .s422
            case Int32(TJSAMP_420.rawValue): self = .s420
            case Int32(TJSAMP_GRAY.rawValue): self = .gray
            default: self = .other
            }
        }
    }

    /// The IDCT scaling libjpeg-turbo applies while decoding: 1/8 reads only DC coefficients.
    public enum Scale: Int, Sendable, CaseIterable {
        /// Full size.
        case full = 1
        /// 1/2 per side.
        case half = 2
        /// 1/4 per side.
        case quarter = 4
        /// 1/8 per side.
        case eighth = 8

        /// The decoded length of a side of `length` pixels (rounded up, as libjpeg does).
        public func scaled(_ length: Int) -> Int { (length + rawValue - 1) / rawValue }
    }

    /// Output pixel layout of a decode.
    public enum Color: Sendable {
        /// One luma byte per pixel.
        case gray
        /// Three bytes per pixel.
        case rgb
    }

    /// A decode result: the pixels, and libjpeg-turbo's warning when the stream was damaged
    /// (for example truncated) but still produced an image.
    public struct Decoded: Sendable {
        /// The decoded pixels.
        public var image: PixelImage
        /// The warning, when the stream was not clean.
        public var warning: String?
    }

    /// Progressive streams with thousands of scans cost a full pass each: cap them.
    private static let decodeFlags = TJFLAG_LIMITSCANS

    /// Reads dimensions and subsampling without decoding any pixels.
    public static func header(_ bytes: [UInt8]) throws -> Header {
        let handle = try TurboJPEGHandle(.decompress)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle.raw, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0, width > 0, height > 0 else {
            throw PhotoError(.corrupt, "The JPEG header cannot be read: \(handle.lastError().message).")
        }
        return Header(width: Int(width), height: Int(height), subsampling: ChromaSubsampling(tjValue: subsampling))
    }

    /// Decodes at `scale`; refuses when the decoded image would exceed `maxPixels`.
    public static func decode(_ bytes: [UInt8], scale: Scale = .full, color: Color = .rgb,
                              maxPixels: Int = 50_000_000) throws -> Decoded {
        let header = try header(bytes)
        let width = scale.scaled(header.width), height = scale.scaled(header.height)
        guard width * height <= maxPixels else {
            throw PhotoError(.tooLarge, "Decoding would produce \(width * height) pixels, more than the limit of \(maxPixels).")
        }
        let channels = color == .gray ? 1 : 3
        let format = color == .gray ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue)
        let handle = try TurboJPEGHandle(.decompress)
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let status = bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                tjDecompress2(handle.raw, source.baseAddress, UInt(source.count), target.baseAddress,
                              Int32(width), Int32(width * channels), Int32(height), format, decodeFlags)
            }
        }
        var warning: String?
        if status != 0 {
            let error = handle.lastError()
            guard error.isWarning else {
                throw PhotoError(.corrupt, "The JPEG cannot be decoded: \(error.message).")
            }
            warning = error.message
        }
        let image = try PixelImage(width: width, height: height, channels: channels, pixels: pixels)
        return Decoded(image: image, warning: warning)
    }

    /// Encodes pixels as a baseline JPEG.
    public static func encode(_ image: PixelImage, quality: Int = 90, subsampling: ChromaSubsampling = .s420) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw PhotoError(.invalidArgument, "JPEG quality must be between 1 and 100.")
        }
        let handle = try TurboJPEGHandle(.compress)
        let format = image.channels == 1 ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue)
        let sampling = image.channels == 1 ? ChromaSubsampling.gray : subsampling
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { source in
            tjCompress2(handle.raw, source.baseAddress, Int32(image.width), Int32(image.width * image.channels),
                        Int32(image.height), format, &output, &size, sampling.tjValue, Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw PhotoError(.corrupt, "The image cannot be encoded: \(handle.lastError().message).")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
