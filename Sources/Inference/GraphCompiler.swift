/// Turns decoded ONNX nodes into engine steps: checks every operator and attribute, folds
/// BatchNormalization and zero padding into convolutions, fuses activations into their producers.
struct GraphCompiler {
    var constants: [String: ConstantTensor]
    let opset: Int
    let graphOutputs: Set<String>

    init(graph: OnnxGraph) {
        constants = graph.constants
        opset = graph.opset
        graphOutputs = Set(graph.outputs.map(\.name))
    }

    mutating func compile(_ nodes: [OnnxNode]) throws -> [Step] {
        var steps: [Step] = []
        for node in nodes {
            if let step = try compile(node) { steps.append(step) }
        }
        steps = try foldPadsIntoConvolutions(steps)
        steps = foldBatchNorms(steps)
        steps = fuseActivations(steps)
        return steps
    }

    private func constant(_ name: String?, of node: OnnxNode, _ role: String) throws -> ConstantTensor {
        guard let name, let tensor = constants[name] else {
            throw InferenceError(.unsupportedOperator, "The \(node.label) needs its \(role) as a constant initializer.")
        }
        return tensor
    }

    private func requireInputs(_ node: OnnxNode, _ range: ClosedRange<Int>) throws {
        guard range.contains(node.inputs.count) else {
            throw InferenceError(.invalidModel, "The \(node.label) has \(node.inputs.count) inputs; expected \(range.lowerBound)–\(range.upperBound).")
        }
    }

    private func step(_ node: OnnxNode, _ operation: Operation, inputs: [String]? = nil) -> Step {
        Step(operation: operation, inputs: inputs ?? node.inputs.filter { !$0.isEmpty }, outputs: [node.outputs[0]], label: node.label)
    }

    private func pair(_ values: [Int]?, _ node: OnnxNode, _ key: String, default value: Int) throws -> (Int, Int) {
        guard let values else { return (value, value) }
        guard values.count == 2, values.allSatisfy({ $0 >= 1 && $0 <= 1024 }) else {
            throw InferenceError(.unsupportedOperator, "The \(node.label) has \(key) \(values); only 2-D values between 1 and 1024 are supported.")
        }
        return (values[0], values[1])
    }

    private func pads(_ node: OnnxNode) throws -> (top: Int, left: Int, bottom: Int, right: Int) {
        guard let values = try node.ints("pads") else { return (0, 0, 0, 0) }
        guard values.count == 4, values.allSatisfy({ $0 >= 0 && $0 <= 1024 }) else {
            throw InferenceError(.unsupportedOperator, "The \(node.label) has pads \(values); only 2-D non-negative pads are supported.")
        }
        return (values[0], values[1], values[2], values[3])
    }

    private func autoPad(_ node: OnnxNode) throws -> String {
        let value = try node.string("auto_pad", default: "NOTSET")
        guard ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(value) else {
            throw InferenceError(.unsupportedOperator, "The \(node.label) has auto_pad '\(value)', which is not supported.")
        }
        return value
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func compile(_ node: OnnxNode) throws -> Step? {
        guard !node.outputs.isEmpty, !node.outputs[0].isEmpty else {
            throw InferenceError(.invalidModel, "The \(node.label) has no output.")
        }
        switch node.op {
        case "Constant":
            try node.allowOnly(["value", "value_float", "value_floats", "value_int", "value_ints"])
            let tensor: ConstantTensor
            switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_floats"],
                    node.attributes["value_int"], node.attributes["value_ints"]) {
            case (.tensor(let t)?, _, _, _, _): tensor = t
            case (_, .float(let v)?, _, _, _): tensor = ConstantTensor(shape: [], floats: [v])
            case (_, _, .floats(let v)?, _, _): tensor = ConstantTensor(shape: [v.count], floats: v)
            case (_, _, _, .int(let v)?, _): tensor = ConstantTensor(shape: [], integers: [v])
            case (_, _, _, _, .ints(let v)?): tensor = ConstantTensor(shape: [v.count], integers: v)
            default: throw InferenceError(.unsupportedOperator, "The \(node.label) has no supported value attribute.")
            }
            constants[node.outputs[0]] = tensor
            return nil

        case "Conv":
            try requireInputs(node, 2...3)
            try node.allowOnly(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
            let weights = try constant(node.input(1), of: node, "weights")
            guard weights.shape.count == 4 else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) is not a 2-D convolution (weights of rank \(weights.shape.count)).")
            }
            let groups = try node.int("group", default: 1)
            let outChannels = weights.shape[0]
            guard groups >= 1, outChannels % groups == 0 else {
                throw InferenceError(.invalidModel, "The \(node.label) has \(groups) groups, which do not divide its \(outChannels) output channels.")
            }
            let kernel = (weights.shape[2], weights.shape[3])
            if let declared = try node.ints("kernel_shape"), declared != [kernel.0, kernel.1] {
                throw InferenceError(.invalidModel, "The \(node.label) declares kernel_shape \(declared) but its weights are \(kernel.0)×\(kernel.1).")
            }
            var bias = [Float](repeating: 0, count: outChannels)
            if let name = node.input(2) {
                let b = try constant(name, of: node, "bias")
                guard b.count == outChannels else { throw InferenceError(.invalidModel, "The \(node.label) has \(b.count) biases for \(outChannels) channels.") }
                bias = b.floats
            }
            let layer = ConvLayer(
                inChannels: weights.shape[1] * groups, outChannels: outChannels, groups: groups,
                kernel: kernel, strides: try pair(node.ints("strides"), node, "strides", default: 1),
                dilations: try pair(node.ints("dilations"), node, "dilations", default: 1),
                pads: try pads(node), autoPad: try autoPad(node), weights: weights.floats, bias: bias)
            return step(node, .conv(layer), inputs: [node.inputs[0]])

        case "BatchNormalization":
            try requireInputs(node, 5...5)
            try node.allowOnly(["epsilon", "momentum", "spatial", "training_mode", "is_test", "consumed_inputs"])
            guard try node.int("training_mode", default: 0) == 0, try node.int("spatial", default: 1) == 1 else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) uses training mode or non-spatial statistics, which are not supported.")
            }
            guard node.outputs.count == 1 || node.outputs.dropFirst().allSatisfy(\.isEmpty) else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) exposes running statistics as outputs, which is not supported.")
            }
            let epsilon = try node.float("epsilon", default: 1e-5)
            let gamma = try constant(node.input(1), of: node, "scale")
            let beta = try constant(node.input(2), of: node, "bias")
            let mean = try constant(node.input(3), of: node, "mean")
            let variance = try constant(node.input(4), of: node, "variance")
            let channels = gamma.count
            guard beta.count == channels, mean.count == channels, variance.count == channels else {
                throw InferenceError(.invalidModel, "The \(node.label) has parameters of different lengths.")
            }
            var scale = [Float](repeating: 0, count: channels)
            var shift = [Float](repeating: 0, count: channels)
            for c in 0..<channels {
                // Double keeps the folded weights as close as possible to ONNX Runtime's unfolded result.
                let s = Double(gamma.floats[c]) / (Double(variance.floats[c]) + Double(epsilon)).squareRoot()
                scale[c] = Float(s)
                shift[c] = Float(Double(beta.floats[c]) - Double(mean.floats[c]) * s)
            }
            return step(node, .affine(scale: scale, shift: shift, activation: .none), inputs: [node.inputs[0]])

        case "Relu":
            try node.allowOnly([])
            return step(node, .activation(.relu))
        case "Sigmoid":
            try node.allowOnly([])
            return step(node, .activation(.sigmoid))
        case "Clip":
            try node.allowOnly(["min", "max"])
            var low = try node.float("min", default: -.greatestFiniteMagnitude)
            var high = try node.float("max", default: .greatestFiniteMagnitude)
            if let name = node.input(1) { low = try constant(name, of: node, "minimum").floats.first ?? low }
            if let name = node.input(2) { high = try constant(name, of: node, "maximum").floats.first ?? high }
            return step(node, .activation(.clip(low, high)), inputs: [node.inputs[0]])

        case "Add", "Sub", "Mul", "Div":
            try requireInputs(node, 2...2)
            try node.allowOnly(opset < 7 ? ["broadcast", "axis"] : [])
            let kind: BinaryKind = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div][node.op]!
            return step(node, .binary(kind))

        case "MaxPool", "AveragePool":
            try requireInputs(node, 1...1)
            let isMax = node.op == "MaxPool"
            try node.allowOnly(isMax ? ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"]
                                     : ["auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"])
            guard node.outputs.count == 1 || node.outputs[1].isEmpty else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) returns indices, which is not supported.")
            }
            if let dilations = try node.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
                throw InferenceError(.unsupportedOperator, "The \(node.label) uses dilations \(dilations), which are not supported.")
            }
            guard let kernelShape = try node.ints("kernel_shape") else {
                throw InferenceError(.invalidModel, "The \(node.label) has no kernel_shape.")
            }
            let layer = PoolLayer(
                isMax: isMax, kernel: try pair(kernelShape, node, "kernel_shape", default: 1),
                strides: try pair(node.ints("strides"), node, "strides", default: 1), pads: try pads(node),
                autoPad: try autoPad(node), ceilMode: try node.int("ceil_mode", default: 0) != 0,
                countIncludePad: try node.int("count_include_pad", default: 0) != 0)
            return step(node, .pool(layer))

        case "GlobalAveragePool":
            try node.allowOnly([])
            return step(node, .globalAveragePool)

        case "Gemm":
            try requireInputs(node, 2...3)
            try node.allowOnly(["alpha", "beta", "transA", "transB", "broadcast"])
            return step(node, .gemm(transA: try node.int("transA", default: 0) != 0, transB: try node.int("transB", default: 0) != 0,
                                    alpha: try node.float("alpha", default: 1), beta: try node.float("beta", default: 1), activation: .none))
        case "MatMul":
            try requireInputs(node, 2...2)
            try node.allowOnly([])
            return step(node, .matMul)

        case "Flatten":
            try node.allowOnly(["axis"])
            return step(node, .flatten(axis: try node.int("axis", default: 1)))
        case "Reshape":
            try requireInputs(node, 2...2)
            try node.allowOnly(["allowzero"])
            let shape = try constant(node.input(1), of: node, "target shape").intValues
            return step(node, .reshape(shape: shape, allowZero: try node.int("allowzero", default: 0) != 0), inputs: [node.inputs[0]])
        case "Concat":
            try node.allowOnly(["axis"])
            guard case .int(let axis)? = node.attributes["axis"] else {
                throw InferenceError(.invalidModel, "The \(node.label) has no axis.")
            }
            return step(node, .concat(axis: axis))
        case "Softmax":
            try node.allowOnly(["axis"])
            return step(node, .softmax(axis: try node.int("axis", default: opset < 13 ? 1 : -1), legacy: opset < 13))
        case "Dropout", "Identity":
            try node.allowOnly(node.op == "Dropout" ? ["ratio", "seed", "is_test"] : [])
            guard node.outputs.count == 1 || node.outputs[1].isEmpty else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) returns a mask, which is not supported.")
            }
            return step(node, .identity, inputs: [node.inputs[0]])

        case "Pad":
            try node.allowOnly(["mode", "pads", "value"])
            let mode = try node.string("mode", default: "constant")
            guard mode == "constant" else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) uses pad mode '\(mode)'; only 'constant' is supported.")
            }
            var pads = try node.ints("pads") ?? []
            if let name = node.input(1) { pads = try constant(name, of: node, "pads").intValues }
            var value = try node.float("value", default: 0)
            if let name = node.input(2) { value = try constant(name, of: node, "constant value").floats.first ?? 0 }
            if node.input(3) != nil {
                throw InferenceError(.unsupportedOperator, "The \(node.label) uses the axes input, which is not supported.")
            }
            guard pads.allSatisfy({ $0 >= 0 && $0 <= 4096 }) else {
                throw InferenceError(.unsupportedOperator, "The \(node.label) has negative or huge pads \(pads), which are not supported.")
            }
            return step(node, .pad(pads: pads, value: value), inputs: [node.inputs[0]])

        case "ReduceMean":
            try node.allowOnly(["axes", "keepdims", "noop_with_empty_axes"])
            var axes = try node.ints("axes")
            if let name = node.input(1) { axes = try constant(name, of: node, "axes").intValues }
            if axes?.isEmpty == true { axes = nil }
            if axes == nil, try node.int("noop_with_empty_axes", default: 0) != 0 {
                return step(node, .identity, inputs: [node.inputs[0]])
            }
            return step(node, .reduceMean(axes: axes, keepDims: try node.int("keepdims", default: 1) != 0), inputs: [node.inputs[0]])

        default:
            throw InferenceError(.unsupportedOperator, "The \(node.label) uses operator \(node.op), which is not supported.")
        }
    }

    // MARK: - Folding

    private func consumers(_ steps: [Step]) -> [String: Int] {
        var count: [String: Int] = [:]
        for step in steps { for input in step.inputs { count[input, default: 0] += 1 } }
        for output in graphOutputs { count[output, default: 0] += 1 }
        return count
    }

    /// A zero Pad of only the spatial axes in front of a convolution becomes the convolution's own
    /// padding (TensorFlow "SAME" exports), which saves a full copy of the activation.
    private func foldPadsIntoConvolutions(_ steps: [Step]) throws -> [Step] {
        let uses = consumers(steps)
        var pads: [String: (index: Int, pads: [Int], input: String)] = [:]
        for (index, step) in steps.enumerated() {
            if case .pad(let p, let value) = step.operation, value == 0, p.count == 8, p[0] == 0, p[1] == 0, p[4] == 0, p[5] == 0,
               uses[step.outputs[0]] == 1 {
                pads[step.outputs[0]] = (index, p, step.inputs[0])
            }
        }
        var removed = Set<Int>()
        var result = steps
        for (index, step) in steps.enumerated() {
            guard case .conv(var layer) = step.operation, layer.autoPad == "NOTSET", let pad = pads[step.inputs[0]] else { continue }
            layer.pads = (layer.pads.top + pad.pads[2], layer.pads.left + pad.pads[3], layer.pads.bottom + pad.pads[6], layer.pads.right + pad.pads[7])
            result[index].operation = .conv(layer)
            result[index].inputs = [pad.input]
            removed.insert(pad.index)
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    private func foldBatchNorms(_ steps: [Step]) -> [Step] {
        let uses = consumers(steps)
        var producer: [String: Int] = [:]
        var result = steps
        var removed = Set<Int>()
        for (index, step) in steps.enumerated() {
            if case .affine(let scale, let shift, .none) = step.operation, let source = producer[step.inputs[0]],
               uses[step.inputs[0]] == 1, case .conv(var layer) = result[source].operation, layer.activation == .none,
               scale.count == layer.outChannels {
                layer.fold(scale: scale, shift: shift)
                result[source].operation = .conv(layer)
                result[source].outputs = step.outputs
                removed.insert(index)
                producer[step.outputs[0]] = source
                continue
            }
            for output in step.outputs { producer[output] = index }
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    private func fuseActivations(_ steps: [Step]) -> [Step] {
        let uses = consumers(steps)
        var producer: [String: Int] = [:]
        var result = steps
        var removed = Set<Int>()
        for (index, step) in steps.enumerated() {
            if case .activation(let activation) = step.operation, let source = producer[step.inputs[0]], uses[step.inputs[0]] == 1 {
                var fused: Operation?
                switch result[source].operation {
                case .conv(var layer) where layer.activation == .none:
                    layer.activation = activation
                    fused = .conv(layer)
                case .affine(let scale, let shift, .none):
                    fused = .affine(scale: scale, shift: shift, activation: activation)
                case .gemm(let transA, let transB, let alpha, let beta, .none):
                    fused = .gemm(transA: transA, transB: transB, alpha: alpha, beta: beta, activation: activation)
                default:
                    fused = nil
                }
                if let fused {
                    result[source].operation = fused
                    result[source].outputs = step.outputs
                    removed.insert(index)
                    producer[step.outputs[0]] = source
                    continue
                }
            }
            for output in step.outputs { producer[output] = index }
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }
}
