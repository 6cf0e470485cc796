import ArgumentParser
import Foundation
import Inference
import Store

/// `vantage models`: the bundled image classifiers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The bundled ImageNet classifiers.",
        subcommands: [List.self])

    /// `vantage models list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Name, input size, published ImageNet top-1 and whether each model is prepared.")

        func run() async throws {
            try await reportingErrors {
                let entries = try modelCatalog().list()
                print("name                 input  top-1  prepared")
                for entry in entries {
                    let m = entry.manifest
                    let top1 = m.reportedImageNetTop1.map { String(format: "%.1f", $0) } ?? "-"
                    print(m.name.padding(toLength: 21, withPad: " ", startingAt: 0)
                          + "\(m.inputSize)".padding(toLength: 7, withPad: " ", startingAt: 0)
                          + top1.padding(toLength: 7, withPad: " ", startingAt: 0)
                          + (entry.isPrepared ? "yes" : "no (run scripts/prepare-models.sh)"))
                }
            }
        }
    }
}

/// Where manifests and prepared graphs live.
func modelCatalog() throws -> ModelCatalog {
    ModelCatalog(folder: try ProjectPaths.discover().fixtures.appendingPathComponent("models"))
}
