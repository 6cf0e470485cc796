public import Foundation

/// Runs a loaded model over image files and reports the top classes.
public final class Classifier {
    /// One class and its softmax probability.
    public struct Prediction: Sendable, Codable, Equatable {
        /// ImageNet index.
        public var index: Int
        /// Class name.
        public var name: String
        /// Softmax probability.
        public var score: Float
    }

    /// The top predictions for one image.
    public struct Result: Sendable, Codable, Equatable {
        /// The image path as given.
        public var file: String
        /// Best first.
        public var top: [Prediction]
    }

    private let model: ModelCatalog.LoadedModel
    private let labels: ImageNetLabels
    private let preprocessing: Preprocessing
    private let threads: Int
    private var sessions: [Int: InferenceSession] = [:]

    /// Images per inference batch: large enough for sgemm efficiency, small enough for memory.
    public static let batchSize = 16

    /// A classifier for `model` naming classes from `labels`.
    public init(model: ModelCatalog.LoadedModel, labels: ImageNetLabels, threads: Int = 2, borderCrop: Int = 0) {
        self.model = model
        self.labels = labels
        self.threads = threads
        self.preprocessing = Preprocessing(manifest: model.manifest, borderCrop: borderCrop)
    }

    /// Logits for each file, in order; any unreadable image fails the whole call with its name.
    public func logits(_ files: [URL]) throws -> [[Float]] {
        var results: [[Float]] = []
        var start = 0
        while start < files.count {
            let chunk = Array(files[start..<min(files.count, start + Self.batchSize)])
            var input: [Float] = []
            for file in chunk { input += try preprocessing.tensor(contentsOf: file) }
            let session = try session(batch: chunk.count)
            let output = try session.run(input)
            let classes = output.count / chunk.count
            for i in 0..<chunk.count { results.append(Array(output[(i * classes)..<((i + 1) * classes)])) }
            start += chunk.count
        }
        return results
    }

    /// Top-`count` classes for each file.
    public func classify(_ files: [URL], top count: Int = 5) throws -> [Result] {
        let all = try logits(files)
        return zip(files, all).map { file, logits in
            Result(file: file.path, top: Self.top(logits, count: count).map { index, score in
                Prediction(index: index, name: index < labels.names.count ? labels.names[index] : "class \(index)", score: score)
            })
        }
    }

    /// Indices and softmax probabilities of the `count` largest logits.
    public static func top(_ logits: [Float], count: Int) -> [(Int, Float)] {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp($0 - maximum) }
        let total = exps.reduce(0, +)
        return exps.indices.sorted { exps[$0] > exps[$1] }.prefix(count).map { ($0, exps[$0] / total) }
    }

    private func session(batch: Int) throws -> InferenceSession {
        if let session = sessions[batch] { return session }
        let session = try model.network.makeSession(batch: batch, threads: threads)
        sessions[batch] = session
        return session
    }
}
