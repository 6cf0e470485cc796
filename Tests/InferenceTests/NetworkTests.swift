import Foundation
import Testing
@testable import Inference

@Suite("Network: operators against ONNX Runtime references")
struct NetworkTests {
    @Test("each committed test model matches its reference", arguments: TestModels.entries)
    func matchesReference(_ entry: TestModels.Entry) throws {
        let network = try Network(contentsOf: TestModels.url(entry.model))
        let session = try network.makeSession(batch: entry.input.shape[0], threads: 2)
        #expect(session.outputShape.reduce(1, *) == entry.output.shape.reduce(1, *))
        let output = try session.run(TestModels.floats(entry.input.file))
        let expected = try TestModels.floats(entry.output.file)
        #expect(output.count == expected.count)
        let error = zip(output, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= entry.tolerance, "max abs error \(error) for \(entry.name)")
    }

    @Test("the same model gives the same answer at another batch size and thread count")
    func batchAndThreadsIndependent() throws {
        let entry = try #require(TestModels.entries.first { $0.name == "tiny_effnet" } ?? TestModels.entries.first)
        let network = try Network(contentsOf: TestModels.url(entry.model))
        let single = try TestModels.floats(entry.input.file)
        let one = try network.makeSession(batch: entry.input.shape[0], threads: 1).run(single)
        let doubled = try network.makeSession(batch: entry.input.shape[0] * 2, threads: 3).run(single + single)
        // sgemm blocks differently for other sizes, so equal up to rounding rather than bit for bit.
        #expect(zip(doubled.prefix(one.count), one).allSatisfy { abs($0 - $1) <= 1e-4 })
        #expect(zip(doubled.suffix(one.count), one).allSatisfy { abs($0 - $1) <= 1e-4 })
    }

    @Test("an unsupported operator fails at load, naming the operator and the node")
    func unsupportedOperator() throws {
        let cases = try #require(TestModels.manifest?.unsupported)
        #expect(!cases.isEmpty)
        for item in cases {
            let error = try #require(throws: InferenceError.self) { try Network(contentsOf: TestModels.url(item.model)) }
            #expect(error.code == .unsupportedOperator)
            #expect(error.message.contains(item.operator) && error.message.contains(item.node), "\(error.message)")
        }
    }

    @Test("bytes that are not ONNX, and a truncated model, fail with one sentence")
    func invalidModels() throws {
        let garbage = try #require(throws: InferenceError.self) { try Network(data: Data("not a model at all".utf8)) }
        #expect(garbage.code == .invalidModel)
        let empty = try #require(throws: InferenceError.self) { try Network(data: Data()) }
        #expect(empty.code == .invalidModel)
        let entry = try #require(TestModels.entries.first { $0.name == "tiny_effnet" } ?? TestModels.entries.first)
        let full = try Data(contentsOf: TestModels.url(entry.model))
        let truncated = try #require(throws: InferenceError.self) { try Network(data: full.prefix(full.count / 2)) }
        #expect(truncated.code == .invalidModel)
        #expect(truncated.message.hasSuffix("."))
    }

    @Test("an input of the wrong size is rejected before running")
    func wrongInputSize() throws {
        let entry = try #require(TestModels.entries.first)
        let session = try Network(contentsOf: TestModels.url(entry.model)).makeSession(batch: entry.input.shape[0])
        let error = try #require(throws: InferenceError.self) { try session.run([1, 2, 3]) }
        #expect(error.code == .shapeMismatch)
    }
}
