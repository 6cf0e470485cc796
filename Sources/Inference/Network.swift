public import Foundation
import Dispatch

/// A loaded ONNX model compiled into engine steps; make an `InferenceSession` per batch size to run it.
public final class Network: Sendable {
    /// The graph input's name.
    public let inputName: String
    /// The graph input's dimensions in NCHW order; nil where symbolic (the batch).
    public let inputShape: [Int?]
    /// The graph output's name.
    public let outputName: String
    let steps: [Step]
    let constants: [String: ConstantTensor]

    /// Reads and compiles an ONNX file.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? Int, size > OnnxGraph.maximumBytes {
                throw InferenceError(.invalidModel, "The model file \(url.lastPathComponent) is larger than 1 GB.")
            }
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch let error as InferenceError {
            throw error
        } catch {
            throw InferenceError(.modelUnavailable, "The model file \(url.path) cannot be read.")
        }
        try self.init(data: data)
    }

    /// Puts every convolution's weights in its kernel's layout; layers are independent, so they are
    /// spread over the cores (this is most of a model's load time after parsing).
    private static func rearrangingWeights(_ steps: [Step]) -> [Step] {
        var result = steps
        let count = steps.count
        result.withUnsafeMutableBufferPointer { buffer in
            let base = UncheckedSteps(pointer: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                guard let pointer = base.pointer, case .conv(var layer) = pointer[index].operation else { return }
                layer.rearrangeWeights()
                pointer[index].operation = .conv(layer)
            }
        }
        return result
    }

    /// A buffer's base address handed to iterations that each touch only their own element.
    private struct UncheckedSteps: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Step>?
    }

    /// Decodes and compiles ONNX bytes; unsupported operators and attributes fail here, naming the node.
    public init(data: Data) throws {
        let graph = try OnnxGraph(data: data)
        guard graph.inputs.count == 1 else {
            throw InferenceError(.unsupportedOperator, "The model has \(graph.inputs.count) inputs; only single-input models are supported.")
        }
        var compiler = GraphCompiler(graph: graph)
        steps = Self.rearrangingWeights(try compiler.compile(graph.nodes))
        constants = compiler.constants
        inputName = graph.inputs[0].name
        inputShape = graph.inputs[0].dimensions
        outputName = graph.outputs[0].name
        // Every value a step reads must exist by then, so a malformed graph fails at load, not at run.
        var known = Set(constants.keys).union([inputName])
        for step in steps {
            for input in step.inputs where !known.contains(input) {
                throw InferenceError(.invalidModel, "The \(step.label) reads '\(input)', which no earlier node produces.")
            }
            known.formUnion(step.outputs)
        }
        guard known.contains(outputName) else {
            throw InferenceError(.invalidModel, "No node produces the graph output '\(outputName)'.")
        }
    }

    /// Already compiled steps, for graphs built in code (tests of the planner).
    init(steps: [Step], constants: [String: ConstantTensor], inputName: String, inputShape: [Int?], outputName: String) {
        self.steps = steps
        self.constants = constants
        self.inputName = inputName
        self.inputShape = inputShape
        self.outputName = outputName
    }

    /// Plans shapes and buffers for `batch` images, run with `threads` threads.
    public func makeSession(batch: Int, threads: Int = 1) throws -> InferenceSession {
        try InferenceSession(network: self, batch: batch, threads: threads)
    }
}
