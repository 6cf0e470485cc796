import Foundation
import SwiftProtobuf

/// An ONNX graph decoded from protobuf: nodes in topological order, constants, and the interface.
struct OnnxGraph: Sendable {
    /// A graph input or output: name and dimensions (nil where symbolic, such as a batch dimension).
    struct Port: Sendable {
        var name: String
        var dimensions: [Int?]
    }

    var nodes: [OnnxNode]
    var constants: [String: ConstantTensor]
    var inputs: [Port]
    var outputs: [Port]
    /// The default-domain operator set version, which decides some defaults (Softmax's axis).
    var opset: Int

    /// Upper bound on a model file, so a bogus path cannot make us read gigabytes.
    static let maximumBytes = 1 << 30

    init(data: Data) throws {
        guard !data.isEmpty else { throw InferenceError(.invalidModel, "The model file is empty.") }
        guard data.count <= Self.maximumBytes else {
            throw InferenceError(.invalidModel, "The model file is larger than 1 GB.")
        }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw InferenceError(.invalidModel, "The file is not a readable ONNX model (protobuf decoding failed).")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw InferenceError(.invalidModel, "The file is not an ONNX model: it has no graph nodes.")
        }
        for opset in model.opsetImport where !(opset.domain.isEmpty || opset.domain == "ai.onnx") {
            throw InferenceError(.unsupportedOperator, "The model imports operator domain '\(opset.domain)', which is not supported.")
        }
        self.opset = Int(model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 13)
        let graph = model.graph
        var constants: [String: ConstantTensor] = [:]
        for tensor in graph.initializer {
            constants[tensor.name] = try Self.decode(tensor, what: "initializer '\(tensor.name)'")
        }
        var nodes: [OnnxNode] = []
        nodes.reserveCapacity(graph.node.count)
        for (index, node) in graph.node.enumerated() {
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw InferenceError(.unsupportedOperator, "The \(node.opType) node '\(node.name)' is from domain '\(node.domain)', which is not supported.")
            }
            var attributes: [String: OnnxNode.Attribute] = [:]
            for attribute in node.attribute {
                attributes[attribute.name] = try Self.decode(attribute, node: node)
            }
            let name = node.name.isEmpty ? "#\(index)" : node.name
            nodes.append(OnnxNode(op: node.opType, name: name, inputs: node.input, outputs: node.output, attributes: attributes))
        }
        self.nodes = nodes
        self.constants = constants
        let initialized = Set(constants.keys)
        self.inputs = graph.input.filter { !initialized.contains($0.name) }.map(Self.port)
        self.outputs = graph.output.map(Self.port)
        guard !inputs.isEmpty, !outputs.isEmpty else {
            throw InferenceError(.invalidModel, "The ONNX graph declares no inputs or no outputs.")
        }
    }

    private static func port(_ info: Onnx_ValueInfoProto) -> Port {
        let dims = info.type.tensorType.shape.dim.map { dim -> Int? in
            if case .dimValue(let value)? = dim.value, value > 0 { return Int(value) }
            return nil
        }
        return Port(name: info.name, dimensions: dims)
    }

    private static func decode(_ attribute: Onnx_AttributeProto, node: Onnx_NodeProto) throws -> OnnxNode.Attribute {
        switch attribute.type {
        case .int: return .int(Int(attribute.i))
        case .float: return .float(attribute.f)
        case .ints: return .ints(attribute.ints.map { Int($0) })
        case .floats: return .floats(attribute.floats)
        case .string: return .string(String(decoding: attribute.s, as: UTF8.self))
        case .tensor: return .tensor(try decode(attribute.t, what: "attribute '\(attribute.name)' of node '\(node.name)'"))
        default: return .other
        }
    }

    /// Tensor element types by their TensorProto.DataType number.
    private enum ElementType: Int32 {
        case float = 1, uint8 = 2, int8 = 3, int32 = 6, int64 = 7, bool = 9, double = 11
    }

    static func decode(_ tensor: Onnx_TensorProto, what: String) throws -> ConstantTensor {
        guard tensor.dataLocation != .external else {
            throw InferenceError(.invalidModel, "The \(what) uses external data, which is not supported.")
        }
        let shape = tensor.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else {
            throw InferenceError(.invalidModel, "The \(what) has an invalid shape \(shape).")
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard count <= 1 << 28 else { throw InferenceError(.invalidModel, "The \(what) is too large.") }
        guard let type = ElementType(rawValue: tensor.dataType) else {
            throw InferenceError(.invalidModel, "The \(what) has element type \(tensor.dataType), which is not supported.")
        }
        let raw = tensor.rawData
        func mismatch() -> InferenceError {
            InferenceError(.invalidModel, "The \(what) holds the wrong number of values for its shape \(shape).")
        }
        switch type {
        case .float:
            if !raw.isEmpty {
                guard raw.count == count * 4 else { throw mismatch() }
                return ConstantTensor(shape: shape, floats: raw.withUnsafeBytes { bytes in
                    #if _endian(little)
                    // Little-endian IEEE floats, as raw_data stores them: one copy.
                    [Float](unsafeUninitializedCapacity: count) { floats, initialized in
                        UnsafeMutableRawBufferPointer(floats).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count * 4]))
                        initialized = count
                    }
                    #else
                    (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
                    #endif
                })
            }
            guard tensor.floatData.count == count else { throw mismatch() }
            return ConstantTensor(shape: shape, floats: tensor.floatData)
        case .double:
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw mismatch() }
                return ConstantTensor(shape: shape, floats: raw.withUnsafeBytes { bytes in
                    (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))) }
                })
            }
            guard tensor.doubleData.count == count else { throw mismatch() }
            return ConstantTensor(shape: shape, floats: tensor.doubleData.map { Float($0) })
        case .int64:
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw mismatch() }
                return ConstantTensor(shape: shape, integers: raw.withUnsafeBytes { bytes in
                    (0..<count).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
                })
            }
            guard tensor.int64Data.count == count else { throw mismatch() }
            return ConstantTensor(shape: shape, integers: tensor.int64Data.map { Int($0) })
        case .int32, .int8, .uint8, .bool:
            let width = type == .int32 ? 4 : 1
            if !raw.isEmpty {
                guard raw.count == count * width else { throw mismatch() }
                return ConstantTensor(shape: shape, integers: raw.withUnsafeBytes { bytes in
                    (0..<count).map { index -> Int in
                        switch type {
                        case .int32: return Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
                        case .int8: return Int(bytes.load(fromByteOffset: index, as: Int8.self))
                        default: return Int(bytes[index])
                        }
                    }
                })
            }
            guard tensor.int32Data.count == count else { throw mismatch() }
            return ConstantTensor(shape: shape, integers: tensor.int32Data.map { Int($0) })
        }
    }
}
