import Foundation
import Photo

/// One deliberately bad photo: the reason it must trigger and the HTTP status it must get.
struct DemoCase: Sendable {
    /// What `make` returns.
    struct Made: Sendable {
        var bytes: [UInt8]
        var contentType = "image/jpeg"
        /// Overrides the device pitch sent (nil: the task's pitch, or none when `sendsAttitude` is false).
        var pitch: Double?
    }

    /// The reason code (or HTTP error code) expected in the answer.
    let code: String
    /// The HTTP status expected.
    let status: Int
    /// Whether the upload sends X-Device-Pitch/Roll.
    var sendsAttitude = true
    /// Builds the bytes from the demo's photo maker, the task, and an already accepted photo's bytes.
    let make: @Sendable (DemoPhotoMaker, DemoTask, [UInt8]) throws -> Made

    private static func photo(_ maker: DemoPhotoMaker, _ offset: Double, capturedAt: Date? = Date().addingTimeInterval(-30),
                              make: String? = "Vantage", model: String? = "Demo variant", software: String? = nil,
                              gps: ExifWriter.Position? = nil, transform: (PixelImage) -> PixelImage = { $0 }) throws -> [UInt8] {
        let image = transform(maker.crop(maker.source, fraction: 0.7, dx: offset, dy: -offset))
        return try DemoPhotoMaker.jpeg(
            image, exif: DemoPhotoMaker.exif(capturedAt: capturedAt, make: make, model: model, software: software), gps: gps)
    }

    /// Rejections first (each task then gets a good retake), flags after.
    static let all: [DemoCase] = [
        DemoCase(code: "not_jpeg", status: 415) { _, _, _ in Made(bytes: Array("This is a text file, not a photo.\n".utf8)) },
        DemoCase(code: "body_too_large", status: 413) { _, _, _ in
            Made(bytes: [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 26_000_000))
        },
        DemoCase(code: "corrupt_jpeg", status: 422) { _, _, _ in
            Made(bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        },
        DemoCase(code: "too_many_pixels", status: 422) { maker, _, _ in Made(bytes: try maker.declaringPixels(width: 10_000, height: 6_000)) },
        DemoCase(code: "too_small", status: 422) { maker, _, _ in
            Made(bytes: try DemoPhotoMaker.jpeg(maker.cut(maker.source, x: 500, y: 300, width: 400, height: 300),
                                                exif: DemoPhotoMaker.exif(capturedAt: Date().addingTimeInterval(-30))))
        },
        DemoCase(code: "exif_missing", status: 422) { maker, _, _ in
            Made(bytes: try DemoPhotoMaker.jpeg(maker.crop(maker.source, fraction: 0.8), exif: nil))
        },
        DemoCase(code: "captured_outside_task_window", status: 422) { maker, _, _ in
            Made(bytes: try photo(maker, 0.1, capturedAt: Date().addingTimeInterval(-30 * 86_400)))
        },
        DemoCase(code: "attitude_mismatch", status: 422) { maker, task, _ in
            Made(bytes: try photo(maker, -0.1), pitch: task.pitch + 60)
        },
        DemoCase(code: "too_dark", status: 422) { maker, _, _ in
            Made(bytes: try photo(maker, 0.2) { maker.scaled($0) { value, _ in Double(value) * 0.05 } })
        },
        DemoCase(code: "blank", status: 422) { maker, _, _ in
            Made(bytes: try photo(maker, 0) { maker.scaled($0) { _, _ in 128 } })
        },
        DemoCase(code: "duplicate_exact", status: 422) { _, _, accepted in Made(bytes: accepted) },
        // Flags: the task completes (201) and a reviewer decides.
        DemoCase(code: "blurry", status: 201) { maker, _, _ in
            Made(bytes: try photo(maker, -0.2) { maker.blurred($0, radius: 9) })
        },
        DemoCase(code: "edited", status: 201) { maker, _, _ in Made(bytes: try photo(maker, 0.3, software: "Adobe Photoshop 25.0")) },
        DemoCase(code: "gps_present", status: 201) { maker, _, _ in
            Made(bytes: try photo(maker, -0.3, gps: ExifWriter.Position(latitude: 42.3601, longitude: -71.0942)))
        },
        DemoCase(code: "camera_unknown", status: 201) { maker, _, _ in Made(bytes: try photo(maker, 0.4, make: nil, model: nil)) },
        DemoCase(code: "attitude_missing", status: 201, sendsAttitude: false) { maker, _, _ in Made(bytes: try photo(maker, -0.4)) },
        DemoCase(code: "duplicate_near", status: 201) { _, _, accepted in
            // The accepted photo re-encoded at a lower quality: new bytes, the same picture.
            let orientation = (try? ExifMetadata(jpeg: accepted))??.orientationValue ?? 1
            let decoded = try JPEGCodec.decode(accepted, scale: .full, color: .rgb).image
            return Made(bytes: try DemoPhotoMaker.jpeg(
                decoded, exif: DemoPhotoMaker.exif(capturedAt: Date().addingTimeInterval(-30), orientation: orientation), quality: 70))
        },
    ]
}
