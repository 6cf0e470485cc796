import ArgumentParser
import Evaluation
import Foundation
import Inference
import Store

/// `vantage evaluate`: run the bundled models over the curated set or a dataset folder.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate models on the curated set or a dataset folder; predictions are stored, runs resume.",
        discussion: """
            A second `vantage evaluate` with the same images, models, label space and border crop resumes \
            (or joins, when another process is on it) the newest run with those parameters instead of \
            starting again; --new-run forces a fresh run. Several processes sharing the database split \
            the work. Figures carry Wilson 95% intervals.
            """)

    @Option(help: "all, or model names separated by commas.")
    var models: String = "all"

    @Option(help: "curated: the approved photos in the database (the default when --dataset is not given).")
    var set: String?

    @Option(help: "A folder with labels.csv (file,label; paths relative to the folder).")
    var dataset: String?

    @Option(help: "objectnet (labels are class names) or imagenet (WordNet ids such as n01440764).")
    var labelSpace: String = "objectnet"

    @Option(name: .customLong("protocol"), help: "all-classes or overlap: which figures to print (both are stored and reported).")
    var scoringProtocol: String = "all-classes"

    @Option(help: "Pixels cropped from every edge first (2 for ObjectNet's red border).")
    var cropBorder: Int = 0

    @Option(help: "A folder of ImageNet-like photos of the same classes, with labels.csv, evaluated in the same run.")
    var control: String?

    @Option(help: "Write per-model figures as JSON to this file.")
    var json: String?

    @Option(help: "Inference threads.")
    var threads: Int = 2

    @Flag(help: "Start a new run even when one with the same parameters exists.")
    var newRun = false

    func validate() throws {
        if let set, set != "curated" { throw ValidationError("--set takes only 'curated'; use --dataset DIR for a folder.") }
        if set != nil && dataset != nil { throw ValidationError("Give either --set curated or --dataset DIR, not both.") }
        guard LabelSpace(rawValue: labelSpace) != nil else { throw ValidationError("--label-space must be objectnet or imagenet.") }
        guard ScoringProtocol(rawValue: scoringProtocol) != nil else { throw ValidationError("--protocol must be all-classes or overlap.") }
        guard (0...64).contains(cropBorder) else { throw ValidationError("--crop-border must be between 0 and 64.") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64.") }
        if models.split(separator: ",").isEmpty { throw ValidationError("--models needs 'all' or at least one name.") }
        if let json {
            var isDirectory: ObjCBool = false
            let parent = URL(fileURLWithPath: json).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("The folder of --json \(json) does not exist.")
            }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            var options = Evaluator.Options(set: dataset.map { .dataset(URL(fileURLWithPath: $0)) } ?? .curated(blobRoot: context.blobRoot))
            options.models = models == "all" ? [] : models.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            options.control = control.map { URL(fileURLWithPath: $0) }
            options.labelSpace = LabelSpace(rawValue: labelSpace) ?? .objectnet
            options.scoring = ScoringProtocol(rawValue: scoringProtocol) ?? .allClasses
            options.cropBorder = cropBorder
            options.threads = threads
            options.newRun = newRun
            options.showProgress = true
            let chosen = options
            let folder = context.paths.fixtures.appendingPathComponent("models")
            let logger = context.logger
            let result = try await context.withMigratedClient { client in
                try await Evaluator(
                    catalog: PostgresCatalogRepository(client: client, logger: logger),
                    evaluations: PostgresEvaluationRepository(client: client, logger: logger),
                    models: ModelCatalog(folder: folder)
                ).run(chosen)
            }
            if !result.unreadable.isEmpty {
                let shown = result.unreadable.prefix(5).joined(separator: " ")
                FileHandle.standardError.write(Data("warning: \(result.unreadable.count) image(s) could not be read and count as wrong: \(shown)\n".utf8))
            }
            print(result.text)
            if let json { try result.writeJSON(to: URL(fileURLWithPath: json)) }
        }
    }
}
