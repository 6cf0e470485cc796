public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Throughput of one model on synthetic input, for `vantage bench infer`.
public enum InferenceBenchmark {
    /// What the benchmark measured.
    public struct Result: Sendable, Codable, Equatable {
        /// Model name.
        public var model: String
        /// Images per run.
        public var batch: Int
        /// Threads.
        public var threads: Int
        /// Median images per second over the timed runs.
        public var imagesPerSecond: Double
        /// Achieved GFLOP/s at the median run.
        public var gflops: Double
        /// Peak resident set size of the process in MB.
        public var peakRSSMB: Double

        enum CodingKeys: String, CodingKey {
            case model, batch, threads, gflops
            case imagesPerSecond = "images_per_s"
            case peakRSSMB = "peak_rss_mb"
        }
    }

    /// Warms up once, then runs batches for about `seconds` and reports the median run.
    public static func run(_ model: ModelCatalog.LoadedModel, batch: Int, threads: Int, seconds: Double) throws -> Result {
        guard seconds > 0, seconds <= 3600 else { throw InferenceError(.invalidArgument, "The duration must be between 0 and 3600 seconds.") }
        let session = try model.network.makeSession(batch: batch, threads: threads)
        var generator = SplitMix(seed: 0)
        let input = (0..<session.inputShape.reduce(1, *)).map { _ in Float(generator.nextUnit() * 2 - 1) }
        _ = try session.run(input)
        var rates: [Double] = []
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try session.run(input)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(batch) / elapsed)
        } while Date() < deadline || rates.count < 3
        let median = rates.sorted()[rates.count / 2]
        return Result(model: model.manifest.name, batch: batch, threads: threads, imagesPerSecond: median,
                      gflops: session.flops / Double(batch) * median / 1e9, peakRSSMB: peakResidentMB())
    }

    /// Logits for a raw little-endian float32 input file of whole images, written the same way (parity checks).
    public static func logits(_ model: ModelCatalog.LoadedModel, input: URL, output: URL, threads: Int) throws -> [Int] {
        guard let data = try? Data(contentsOf: input) else {
            throw InferenceError(.invalidArgument, "The input tensor \(input.path) cannot be read.")
        }
        let size = model.manifest.inputSize
        let perImage = 3 * size * size * 4
        guard !data.isEmpty, data.count % perImage == 0 else {
            throw InferenceError(.shapeMismatch, "The input tensor holds \(data.count) bytes, not a whole number of 3×\(size)×\(size) float32 images.")
        }
        let values = data.withUnsafeBytes { bytes in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let session = try model.network.makeSession(batch: data.count / perImage, threads: threads)
        let result = try session.run(values)
        var bytes = Data(capacity: result.count * 4)
        for value in result { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        do { try bytes.write(to: output) } catch {
            throw InferenceError(.invalidArgument, "The output file \(output.path) cannot be written.")
        }
        return session.outputShape
    }

    /// Peak RSS in MB (Linux reports ru_maxrss in kilobytes).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
    }
}

/// A small deterministic generator so benchmark inputs are identical across runs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
