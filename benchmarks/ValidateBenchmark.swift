import Dispatch
import Foundation
import Photo
import Validation

/// Validates 12 MP phone-size JPEGs: median ms per stage on one thread, then photos/s with
/// `threads` threads sharing one validator; the peer figure is a full-size decode of the same files.
@main
struct ValidateBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        let count = arguments.count > 1 ? Int(arguments[1]) ?? 12 : 12
        let threads = arguments.count > 2 ? Int(arguments[2]) ?? 2 : 2
        let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 4 : 4

        print("generating \(count) photos of 4000×3000 (12 MP)…")
        let photos: [[UInt8]] = try (0..<count).map { index in
            let scene = PhotoFixtures.scene(width: 4000, height: 3000, seed: UInt64(index + 1))
            return try PhotoFixtures.jpeg(scene, exif: PhotoFixtures.phoneExif(orientation: index % 2 == 0 ? 1 : 6), quality: 92)
        }
        let megabytes = Double(photos.reduce(0) { $0 + $1.count }) / Double(photos.count) / 1_048_576
        print(String(format: "mean file size %.2f MB", megabytes))

        let validator = PhotoValidator()
        let context = ValidationContext(expectedPitch: -45, devicePitch: -40, deviceRoll: 0)
        _ = validator.validate(photos[0], context: context)

        // Stage split, one thread.
        var stages: [String: [Double]] = [:]
        var totals: [Double] = []
        for photo in photos {
            let start = DispatchTime.now().uptimeNanoseconds
            let report = validator.validate(photo, context: context)
            totals.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            precondition(report.perceptualHash != nil, "benchmark photo failed: \(report.reasons)")
            for (stage, ms) in report.stageMilliseconds { stages[stage, default: []].append(ms) }
        }
        print("median ms per photo by stage (1 thread):")
        for stage in ["sha256", "header", "exif", "decode", "quality", "phash"] {
            print(String(format: "  %-8@ %7.2f", stage as NSString, median(stages[stage] ?? [0])))
        }
        print(String(format: "  %-8@ %7.2f", "total" as NSString, median(totals)))

        // Throughput: `threads` workers over the same photos, one shared validator.
        let jobs = photos.count * rounds
        let next = Counter()
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let job = next.take()
                guard job < jobs else { break }
                _ = validator.validate(photos[job % photos.count], context: context)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(jobs) / seconds
        print(String(format: "validate: %.1f photos/s on %d threads (%d photos, %.2f s); target ≥ 60", rate, threads, jobs, seconds))

        // Storage preparation (not part of validation): the same whitelist rewrite for every orientation.
        var upright: [Double] = [], sideways: [Double] = []
        for (index, photo) in photos.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try PreparedPhoto(jpeg: photo)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if index % 2 == 0 { upright.append(ms) } else { sideways.append(ms) }
        }
        print(String(format: "prepare (store bytes): %.1f ms orientation 1, %.1f ms orientation 6 (whitelist rewrite, no transform)",
                     median(upright), median(sideways.isEmpty ? [0] : sideways)))

        // Peer: what a full decode would cost instead of the 1/8-scale one.
        var full: [Double] = [], eighth: [Double] = []
        for photo in photos.prefix(4) {
            var start = DispatchTime.now().uptimeNanoseconds
            _ = try JPEGCodec.decode(photo, scale: .full, color: .gray)
            full.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            start = DispatchTime.now().uptimeNanoseconds
            _ = try JPEGCodec.decode(photo, scale: .eighth, color: .gray)
            eighth.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        print(String(format: "decode peer: full %.1f ms vs 1/8 %.1f ms (ratio %.1f×)", median(full), median(eighth), median(full) / median(eighth)))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

/// Hands out job numbers to worker threads.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
