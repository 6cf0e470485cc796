import Crypto

/// The SHA-256 a manifest pins for its prepared model file, through swift-crypto (the project's
/// one SHA-256; BoringSSL's is hardware-accelerated, which matters for a 20–40 MB graph at every load).
enum ModelDigest {
    /// Lower-case hex digest of `bytes`.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
