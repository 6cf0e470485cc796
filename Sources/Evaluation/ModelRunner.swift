import Dispatch
import Foundation
import Inference

/// One loaded model with its inference sessions, turning files into logits. Unlike `Classifier.logits`,
/// an unreadable image does not fail the batch: it gets no logits (a missing prediction) and is named.
final class ModelRunner: @unchecked Sendable {
    // @unchecked: one evaluator loop owns each runner and calls it sequentially; `sessions` is never shared.
    let name: String
    private let model: ModelCatalog.LoadedModel
    private let preprocessing: Preprocessing
    private let threads: Int
    private var sessions: [Int: InferenceSession] = [:]

    init(model: ModelCatalog.LoadedModel, borderCrop: Int, threads: Int) {
        self.name = model.manifest.name
        self.model = model
        self.preprocessing = Preprocessing(manifest: model.manifest, borderCrop: borderCrop)
        self.threads = threads
    }

    /// Logits per file (nil where the image could not be read), and the failures' sentences.
    /// Runs on a dispatch thread so the CPU-bound work never blocks Swift's cooperative pool.
    func logits(_ files: [URL]) async throws -> (logits: [[Float]?], failures: [String]) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.compute(files) })
            }
        }
    }

    private func compute(_ files: [URL]) throws -> (logits: [[Float]?], failures: [String]) {
        var inputs: [Float] = []
        var readable: [Int] = []
        var failures: [String] = []
        for (index, file) in files.enumerated() {
            do {
                inputs += try preprocessing.tensor(contentsOf: file)
                readable.append(index)
            } catch {
                failures.append(String(describing: error))
            }
        }
        var result = [[Float]?](repeating: nil, count: files.count)
        guard !readable.isEmpty else { return (result, failures) }
        let batch = readable.count
        let session: InferenceSession
        if let cached = sessions[batch] {
            session = cached
        } else {
            session = try model.network.makeSession(batch: batch, threads: threads)
            sessions[batch] = session
        }
        let output = try session.run(inputs)
        let classes = output.count / batch
        for (slot, index) in readable.enumerated() {
            result[index] = Array(output[(slot * classes)..<((slot + 1) * classes)])
        }
        return (result, failures)
    }
}
