/// One ONNX node reduced to what the engine needs: operator, names and decoded attributes.
struct OnnxNode: Sendable {
    /// An attribute value of the kinds the supported operators use.
    enum Attribute: Sendable {
        case int(Int)
        case float(Float)
        case ints([Int])
        case floats([Float])
        case string(String)
        case tensor(ConstantTensor)
        case other
    }

    var op: String
    var name: String
    var inputs: [String]
    var outputs: [String]
    var attributes: [String: Attribute]

    /// How errors name this node.
    var label: String { "\(op) node '\(name.isEmpty ? (outputs.first ?? "?") : name)'" }

    func int(_ key: String, default value: Int) throws -> Int {
        switch attributes[key] {
        case nil: return value
        case .int(let v): return v
        default: throw InferenceError(.unsupportedOperator, "The \(label) has a non-integer attribute '\(key)'.")
        }
    }

    func float(_ key: String, default value: Float) throws -> Float {
        switch attributes[key] {
        case nil: return value
        case .float(let v): return v
        case .int(let v): return Float(v)
        default: throw InferenceError(.unsupportedOperator, "The \(label) has a non-float attribute '\(key)'.")
        }
    }

    func ints(_ key: String) throws -> [Int]? {
        switch attributes[key] {
        case nil: return nil
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw InferenceError(.unsupportedOperator, "The \(label) has a non-integer-list attribute '\(key)'.")
        }
    }

    func string(_ key: String, default value: String) throws -> String {
        switch attributes[key] {
        case nil: return value
        case .string(let v): return v
        default: throw InferenceError(.unsupportedOperator, "The \(label) has a non-string attribute '\(key)'.")
        }
    }

    /// Rejects attributes this engine would otherwise silently ignore.
    func allowOnly(_ keys: Set<String>) throws {
        for key in attributes.keys where !keys.contains(key) {
            throw InferenceError(.unsupportedOperator, "The \(label) uses attribute '\(key)', which is not supported.")
        }
    }

    /// Input `index` if present and non-empty (ONNX marks omitted optional inputs with "").
    func input(_ index: Int) -> String? {
        index < inputs.count && !inputs[index].isEmpty ? inputs[index] : nil
    }
}
