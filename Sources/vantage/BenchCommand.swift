import ArgumentParser
import Foundation
import Inference

/// `vantage bench`: engine measurements.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the inference engine.",
        subcommands: [Infer.self, Logits.self])

    /// `vantage bench infer`.
    struct Infer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "infer", abstract: "Images per second of one model on synthetic input.")

        @Option(help: "Model name.")
        var model: String = "efficientnet-lite0"
        @Option(help: "Images per batch.")
        var batch: Int = 32
        @Option(help: "Threads.")
        var threads: Int = 2
        @Option(help: "Seconds of timed runs.")
        var seconds: Double = 10
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard (1...1024).contains(batch) else { throw ValidationError("--batch must be between 1 and 1024.") }
            guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64.") }
            guard seconds > 0 && seconds <= 3600 else { throw ValidationError("--seconds must be between 0 and 3600.") }
        }

        func run() async throws {
            try await reportingErrors {
                let result = try InferenceBenchmark.run(try modelCatalog().load(named: model), batch: batch, threads: threads, seconds: seconds)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(result), as: UTF8.self))
                } else {
                    print(String(format: "%@ batch %d threads %d: %.1f images/s, %.1f GFLOP/s, peak RSS %.0f MB",
                                 result.model, result.batch, result.threads, result.imagesPerSecond, result.gflops, result.peakRSSMB))
                }
            }
        }
    }

    /// `vantage bench logits`: raw logits for a raw input tensor, for the parity script.
    struct Logits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logits", abstract: "Raw float32 logits for a raw float32 NCHW input tensor (parity checks).",
            shouldDisplay: false)

        @Option(help: "Model name.")
        var model: String = "efficientnet-lite0"
        @Option(help: "Input: raw little-endian float32, N×3×S×S.")
        var input: String
        @Option(help: "Output: raw little-endian float32 logits.")
        var out: String
        @Option(help: "Threads.")
        var threads: Int = 2

        func validate() throws {
            guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64.") }
        }

        func run() async throws {
            try await reportingErrors {
                let shape = try InferenceBenchmark.logits(try modelCatalog().load(named: model), input: URL(fileURLWithPath: input),
                                                          output: URL(fileURLWithPath: out), threads: threads)
                print("{\"shape\": [\(shape.map(String.init).joined(separator: ", "))]}")
            }
        }
    }
}
