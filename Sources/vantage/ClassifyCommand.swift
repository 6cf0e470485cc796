import ArgumentParser
import Foundation
import Inference
import Store

/// `vantage classify`: top-5 ImageNet classes of JPEG images.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Top-5 ImageNet classes of JPEG images with a bundled model.")

    @Option(help: "Model name (see `vantage models list`).")
    var model: String = "efficientnet-lite0"

    @Option(help: "Pixels cropped from every edge first (2 for ObjectNet's red border).")
    var borderCrop: Int = 0

    @Option(help: "Threads.")
    var threads: Int = 2

    @Flag(help: "Print JSON.")
    var json = false

    @Argument(help: "JPEG files.")
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("Give at least one image.") }
        guard (0...64).contains(borderCrop) else { throw ValidationError("--border-crop must be between 0 and 64.") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64.") }
    }

    func run() async throws {
        try await reportingErrors {
            let paths = try ProjectPaths.discover()
            let labels = try ImageNetLabels(contentsOf: paths.fixtures.appendingPathComponent("catalog/imagenet-1k.csv"))
            let loaded = try modelCatalog().load(named: model)
            let classifier = Classifier(model: loaded, labels: labels, threads: threads, borderCrop: borderCrop)
            let results = try classifier.classify(images.map { URL(fileURLWithPath: $0) })
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(results), as: UTF8.self))
            } else {
                for result in results {
                    print(result.file)
                    for prediction in result.top {
                        print(String(format: "  %6.2f%%  %4d  %@", prediction.score * 100, prediction.index, prediction.name))
                    }
                }
            }
        }
    }
}
