import Dispatch
import Foundation
import Inference

/// One loaded model with its inference sessions, turning files into logits. Unlike `Classifier.logits`,
/// an unreadable image does not fail the batch: it gets no logits (a missing prediction) and is named.
final class ModelRunner: @unchecked Sendable {
    // @unchecked: one evaluator loop owns each runner; `infer` (the only user of `sessions`) is awaited
    // before the next `infer` starts, and `prepare` touches only immutable state.
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

    /// Preprocessed input of one chunk: the tensors of the readable files and the others' sentences.
    struct Prepared: Sendable {
        var inputs: [Float]
        var readable: [Int]
        var count: Int
        var failures: [String]
    }

    /// Decodes and preprocesses `files` on a dispatch thread (it only reads immutable state, so it may
    /// overlap the inference of the previous chunk).
    func prepare(_ files: [URL]) async -> Prepared {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                var prepared = Prepared(inputs: [], readable: [], count: files.count, failures: [])
                for (index, file) in files.enumerated() {
                    do {
                        prepared.inputs += try self.preprocessing.tensor(contentsOf: file)
                        prepared.readable.append(index)
                    } catch {
                        prepared.failures.append(String(describing: error))
                    }
                }
                continuation.resume(returning: prepared)
            }
        }
    }

    /// Logits per file (nil where the image could not be read). Runs on a dispatch thread so the
    /// CPU-bound work never blocks Swift's cooperative pool; one call at a time per runner.
    func infer(_ prepared: Prepared) async throws -> [[Float]?] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.run(prepared) })
            }
        }
    }

    private func run(_ prepared: Prepared) throws -> [[Float]?] {
        var result = [[Float]?](repeating: nil, count: prepared.count)
        guard !prepared.readable.isEmpty else { return result }
        let batch = prepared.readable.count
        let session: InferenceSession
        if let cached = sessions[batch] {
            session = cached
        } else {
            session = try model.network.makeSession(batch: batch, threads: threads)
            sessions[batch] = session
        }
        let output = try session.run(prepared.inputs)
        let classes = output.count / batch
        for (slot, index) in prepared.readable.enumerated() {
            result[index] = Array(output[(slot * classes)..<((slot + 1) * classes)])
        }
        return result
    }
}
