import Foundation
import Photo
import Validation

/// libFuzzer entry: the whole validator, then storage preparation for whatever it did not reject
/// (the upload path), over arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidator(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let validator = PhotoValidator()
    let context = ValidationContext(issuedAt: Date(timeIntervalSince1970: 1_700_000_000),
                                    receivedAt: Date(timeIntervalSince1970: 1_700_003_600),
                                    expectedPitch: -45, devicePitch: -40, deviceRoll: 0)
    let report = validator.validate(bytes, context: context)
    _ = report.jsonLine(file: "fuzz")
    if report.perceptualHash != nil {
        _ = try? PreparedPhoto(jpeg: bytes)
    }
    return 0
}
