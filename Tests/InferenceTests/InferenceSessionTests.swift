import Foundation
import Testing
@testable import Inference

@Suite("InferenceSession: image-parallel runs equal layer-wise runs")
struct InferenceSessionTests {
    static func tinyNetwork() throws -> Network {
        let entry = try #require(TestModels.entries.first { $0.name == "tiny_effnet" })
        return try Network(contentsOf: TestModels.url(entry.model))
    }

    /// Seeded values on the scale of normalised pixels.
    static func input(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in Float(generator.nextUnit() * 2 - 1) }
    }

    static func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("image-parallel output equals the layer-wise output", arguments: [
        (batch: 5, threads: 2, miniBatch: 1), (batch: 5, threads: 2, miniBatch: 2), (batch: 7, threads: 3, miniBatch: 2),
        (batch: 1, threads: 1, miniBatch: 1), (batch: 2, threads: 4, miniBatch: 1), (batch: 3, threads: 2, miniBatch: 4),
    ])
    func imageParallelEqualsLayerwise(_ shape: (batch: Int, threads: Int, miniBatch: Int)) throws {
        let network = try Self.tinyNetwork()
        let parallel = try InferenceSession(network: network, batch: shape.batch, threads: shape.threads,
                                            strategy: .imageParallel(miniBatch: shape.miniBatch))
        let layerwise = try InferenceSession(network: network, batch: shape.batch, threads: shape.threads, strategy: .layerwise)
        #expect(parallel.isImageParallel && !layerwise.isImageParallel)
        #expect(parallel.inputShape == layerwise.inputShape && parallel.outputShape == layerwise.outputShape)
        #expect(parallel.flops == layerwise.flops)
        let input = Self.input(layerwise.inputShape.reduce(1, *), seed: UInt64(shape.batch * 10 + shape.threads))
        let expected = try layerwise.run(input)
        // Twice: a second run must not see the first one's leftovers (the last mini-batch is partial).
        for _ in 0..<2 {
            let output = try parallel.run(input)
            #expect(Self.maximumDifference(output, expected) <= 1e-4)
        }
    }

    @Test("the default strategy runs image-parallel when every thread gets an image, layer-wise otherwise")
    func automaticStrategy() throws {
        let network = try Self.tinyNetwork()
        #expect(try network.makeSession(batch: 32, threads: 2).isImageParallel)
        #expect(try network.makeSession(batch: 1, threads: 1).isImageParallel)
        #expect(try !network.makeSession(batch: 1, threads: 2).isImageParallel)
    }

    @Test("images whose input cannot be filled get their error; the others get the outputs of a plain run")
    func fillFailures() throws {
        let network = try Self.tinyNetwork()
        for strategy in [InferenceSession.Strategy.imageParallel(miniBatch: 2), .layerwise] {
            let session = try InferenceSession(network: network, batch: 6, threads: 2, strategy: strategy)
            let perImage = session.inputShape.dropFirst().reduce(1, *)
            let images = (0..<5).map { Self.input(perImage, seed: 100 + UInt64($0)) }
            let single = try InferenceSession(network: network, batch: 1, threads: 1, strategy: .layerwise)
            let expected = try images.map { try single.run($0) }
            struct Unreadable: Error {}
            let results = try session.run(images: 5) { index, input in
                if index == 1 || index == 4 { throw Unreadable() }
                _ = input.update(fromContentsOf: images[index])
            }
            #expect(results.count == 5)
            for (index, result) in results.enumerated() {
                switch result {
                case .success(let output):
                    #expect(index != 1 && index != 4)
                    #expect(Self.maximumDifference(output, expected[index]) <= 1e-4, "image \(index) with \(strategy)")
                case .failure(let error):
                    #expect(error is Unreadable && (index == 1 || index == 4))
                }
            }
            let none = try session.run(images: 2) { _, _ in throw Unreadable() }
            #expect(none.allSatisfy { if case .failure = $0 { true } else { false } })
            #expect(throws: InferenceError.self) { try session.run(images: 7) { _, _ in } }
        }
    }

    @Test("a graph that mixes images runs layer-wise, and refuses an explicit image-parallel plan")
    func mixingGraphsStayLayerwise() throws {
        let mixing: [(String, Inference.Operation)] = [
            ("softmax over the batch axis", .softmax(axis: 0, legacy: false)),
            ("mean over the batch axis", .reduceMean(axes: [0, 1], keepDims: true)),
            ("reshape of the batch into one row", .reshape(shape: [1, -1], allowZero: false)),
            ("flatten from axis 0", .flatten(axis: 0)),
        ]
        for (name, operation) in mixing {
            let network = Network(steps: [Step(operation: operation, inputs: ["x"], outputs: ["y"], label: name)],
                                  constants: [:], inputName: "x", inputShape: [nil, 4], outputName: "y")
            var planner = Planner(network: network, batch: 5, threads: 1)
            #expect(try !planner.plan().batchSeparable, "\(name)")
            #expect(try !network.makeSession(batch: 4, threads: 2).isImageParallel, "\(name)")
            #expect(throws: InferenceError.self, "\(name)") {
                try InferenceSession(network: network, batch: 4, threads: 2, strategy: .imageParallel(miniBatch: 1))
            }
        }
        let perImage = Network(steps: [Step(operation: .softmax(axis: 1, legacy: false), inputs: ["x"], outputs: ["y"], label: "softmax")],
                               constants: [:], inputName: "x", inputShape: [nil, 4], outputName: "y")
        #expect(try perImage.makeSession(batch: 4, threads: 2).isImageParallel)
    }

    @Test("every committed test model that keeps images apart is found separable")
    func committedModelsAreSeparable() throws {
        for entry in TestModels.entries {
            var planner = Planner(network: try Network(contentsOf: TestModels.url(entry.model)), batch: 5, threads: 1)
            #expect(try planner.plan().batchSeparable, "\(entry.name)")
        }
    }
}
