import CTurboJPEG

/// Owns one tjhandle; handles are not thread-safe, so every operation makes its own.
final class TurboJPEGHandle {
    let raw: tjhandle

    enum Kind { case decompress, compress, transform }

    init(_ kind: Kind) throws {
        let handle: tjhandle? = switch kind {
        case .decompress: tjInitDecompress()
        case .compress: tjInitCompress()
        case .transform: tjInitTransform()
        }
        guard let handle else {
            throw PhotoError(.resources, "libjpeg-turbo could not start.")
        }
        raw = handle
    }

    deinit {
        tjDestroy(raw)
    }

    /// The library's last message for this handle and whether it was only a warning.
    func lastError() -> (message: String, isWarning: Bool) {
        let message = tjGetErrorStr2(raw).map { String(cString: $0) } ?? "unknown libjpeg-turbo error"
        return (message, tjGetErrorCode(raw) == Int32(TJERR_WARNING.rawValue))
    }
}
