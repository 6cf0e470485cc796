/// Why a JPEG or EXIF operation failed, with one human sentence.
public struct PhotoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The bytes are not a JPEG stream this library can read.
        case notJPEG = "not_jpeg"
        /// libjpeg-turbo refused the stream.
        case corrupt
        /// The operation would exceed a configured bound.
        case tooLarge = "too_large"
        /// An argument was outside the range the operation accepts.
        case invalidArgument = "invalid_argument"
        /// libexif could not build or save the EXIF block.
        case exif
        /// A C library ran out of memory or could not start.
        case resources
    }

    /// The kind of failure.
    public var code: Code
    /// One human sentence.
    public var message: String

    /// Creates an error from a code and a sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
