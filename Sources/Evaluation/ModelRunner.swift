import Dispatch
import Foundation
import Inference

/// One loaded model with its inference session, turning files into logits. Unlike `Classifier.logits`,
/// an unreadable image does not fail the batch: it gets no logits (a missing prediction) and is named.
final class ModelRunner: @unchecked Sendable {
    // @unchecked: one evaluator loop owns each runner, and `evaluate` (the only user of `session`) is
    // awaited before the next `evaluate` starts.
    let name: String
    private let model: ModelCatalog.LoadedModel
    private let preprocessing: Preprocessing
    private let threads: Int
    /// Sized for the largest chunk seen; a smaller chunk (the last one) runs on it too, since a
    /// session takes 1 up to `batch` images per run, instead of planning a second session.
    private var session: InferenceSession?

    init(model: ModelCatalog.LoadedModel, borderCrop: Int, threads: Int) {
        self.name = model.manifest.name
        self.model = model
        self.preprocessing = Preprocessing(manifest: model.manifest, borderCrop: borderCrop)
        self.threads = threads
    }

    /// Logits per file (nil where the image could not be read) and, in file order, one sentence per unreadable file.
    struct Outcome: Sendable {
        var logits: [[Float]?]
        var failures: [String]
    }

    /// Decodes, preprocesses and infers `files` on a dispatch thread, so the CPU-bound work never blocks
    /// Swift's cooperative pool; one call at a time per runner. The session's worker threads each decode
    /// the images they then infer, so decoding no longer needs a thread of its own competing with them.
    func evaluate(_ files: [URL]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.run(files) })
            }
        }
    }

    private func run(_ files: [URL]) throws -> Outcome {
        var outcome = Outcome(logits: [], failures: [])
        guard !files.isEmpty else { return outcome }
        let session: InferenceSession
        if let current = self.session, current.batch >= files.count {
            session = current
        } else {
            session = try model.network.makeSession(batch: files.count, threads: threads)
            self.session = session
        }
        let preprocessing = self.preprocessing
        let results = try session.run(images: files.count) { index, input in
            let tensor = try preprocessing.tensor(contentsOf: files[index])
            guard tensor.count == input.count else {
                throw InferenceError(.shapeMismatch, "The image \(files[index].lastPathComponent) gives \(tensor.count) input values; the model expects \(input.count).")
            }
            _ = input.update(fromContentsOf: tensor)
        }
        for result in results {
            switch result {
            case .success(let logits):
                outcome.logits.append(logits)
            case .failure(let error):
                outcome.logits.append(nil)
                outcome.failures.append(String(describing: error))
            }
        }
        return outcome
    }
}
