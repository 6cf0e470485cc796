internal import COpenBLAS

/// Resolves shapes for one batch size, chooses layouts (4-D activations are NHWC), creates the
/// kernels and assigns activation buffers by liveness so memory is reused across layers.
struct Planner {
    typealias Resolve = (Int) -> UnsafeMutablePointer<Float>
    typealias KernelFactory = (_ resolve: Resolve) -> () -> Void

    struct Plan {
        var inputShape: [Int]
        var outputShape: [Int]
        var flops: Double
        var capacities: [Int]
        var constantFills: [Int: [Float]]
        var inputStorage: Int
        var outputStorage: Int
        var kernels: [KernelFactory]
        /// Each image's output depends only on that image (no step mixes values across axis 0), so the
        /// batch may be split into smaller runs of the same plan.
        var batchSeparable: Bool
    }

    /// A runtime value: logical (ONNX) shape, whether a 4-D value is stored NHWC, and its virtual storage.
    struct Value {
        var shape: [Int]
        var nhwc: Bool
        var storage: Int
        /// Axis 0 is the batch axis of a value computed from the graph input (not from constants only).
        var batched = false
        var count: Int { shape.reduce(1, *) }
        /// NHWC storage that happens to equal NCHW (1×1 spatial or one channel).
        var isPhysicallyPlain: Bool { !nhwc || shape[1] == 1 || shape[2] * shape[3] == 1 }
    }

    private struct PlannedKernel {
        var reads: [Int]
        var writes: [Int]
        var make: KernelFactory
    }

    let network: Network
    let batch: Int
    let threads: Int
    private var values: [String: Value] = [:]
    private var sizes: [Int] = []
    private var pinned: Set<Int> = []
    private var fills: [Int: [Float]] = [:]
    private var kernels: [PlannedKernel] = []
    private var scratchStorage: Int = -1
    private var scratchSize = 0
    private var flops: Double = 0
    private var separable = true

    /// Logical axis → physical axis for NHWC storage of an NCHW tensor.
    static let physicalAxis = [0, 3, 1, 2]

    init(network: Network, batch: Int, threads: Int) {
        self.network = network
        self.batch = batch
        self.threads = threads
    }

    // MARK: - Values

    private mutating func newStorage(_ count: Int) -> Int {
        sizes.append(count)
        return sizes.count - 1
    }

    private mutating func newValue(_ shape: [Int], nhwc: Bool) -> Value {
        Value(shape: shape, nhwc: nhwc && shape.count == 4, storage: newStorage(shape.reduce(1, *)))
    }

    private mutating func add(reads: [Int], writes: [Int], _ make: @escaping KernelFactory) {
        kernels.append(PlannedKernel(reads: reads, writes: writes, make: make))
    }

    /// A value by name; constants used as runtime operands become pinned, pre-filled buffers.
    private mutating func value(_ name: String, for step: Step) throws -> Value {
        if let value = values[name] { return value }
        guard let constant = network.constants[name] else {
            throw InferenceError(.invalidModel, "The \(step.label) reads '\(name)', which is not available.")
        }
        var value = newValue(constant.shape, nhwc: constant.shape.count == 4)
        pinned.insert(value.storage)
        if value.nhwc {
            let s = constant.shape
            var data = [Float](repeating: 0, count: constant.count)
            for n in 0..<s[0] { for c in 0..<s[1] { for p in 0..<(s[2] * s[3]) {
                data[(n * s[2] * s[3] + p) * s[1] + c] = constant.floats[(n * s[1] + c) * s[2] * s[3] + p]
            } } }
            fills[value.storage] = data
        } else {
            fills[value.storage] = constant.floats
        }
        value.shape = constant.shape
        values[name] = value
        return value
    }

    /// The value in logical row-major order, transposing NHWC storage when it differs.
    private mutating func plain(_ value: Value) -> Value {
        if value.isPhysicallyPlain { return Value(shape: value.shape, nhwc: false, storage: value.storage) }
        let out = newValue(value.shape, nhwc: false)
        let s = value.shape
        add(reads: [value.storage], writes: [out.storage]) { resolve in
            let source = resolve(value.storage), target = resolve(out.storage)
            return { Elementwise.transpose(source, target, batch: s[0], channels: s[1], pixels: s[2] * s[3], toChannelsLast: false) }
        }
        return out
    }

    /// A logical rank-4 value moved into NHWC storage.
    private mutating func channelsLast(_ value: Value) -> Value {
        let candidate = Value(shape: value.shape, nhwc: true, storage: value.storage)
        if value.nhwc || value.shape.count != 4 || candidate.isPhysicallyPlain {
            return Value(shape: value.shape, nhwc: value.shape.count == 4, storage: value.storage)
        }
        let out = newValue(value.shape, nhwc: true)
        let s = value.shape
        add(reads: [value.storage], writes: [out.storage]) { resolve in
            let source = resolve(value.storage), target = resolve(out.storage)
            return { Elementwise.transpose(source, target, batch: s[0], channels: s[1], pixels: s[2] * s[3], toChannelsLast: true) }
        }
        return out
    }

    /// Physical dimensions of a value's storage.
    private func physicalShape(_ value: Value) -> [Int] {
        value.nhwc ? [value.shape[0], value.shape[2], value.shape[3], value.shape[1]] : value.shape
    }

    private func normalizedAxis(_ axis: Int, rank: Int, _ step: Step) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < max(rank, 1) else {
            throw InferenceError(.shapeMismatch, "The \(step.label) uses axis \(axis) on a tensor of rank \(rank).")
        }
        return resolved
    }

    // MARK: - Planning

    mutating func plan() throws -> Plan {
        var dims = network.inputShape
        guard !dims.isEmpty else { throw InferenceError(.shapeMismatch, "The model input '\(network.inputName)' has no shape.") }
        dims[0] = batch
        guard dims.allSatisfy({ $0 != nil }) else {
            throw InferenceError(.shapeMismatch, "The model input '\(network.inputName)' has symbolic dimensions besides the batch.")
        }
        let inputShape = dims.map { $0! }
        scratchStorage = newStorage(0)
        pinned.insert(scratchStorage)
        let input = newValue(inputShape, nhwc: false)
        pinned.insert(input.storage)
        var stored = channelsLast(input)
        stored.batched = true
        values[network.inputName] = stored

        for step in network.steps {
            try plan(step)
            trackBatch(step)
        }
        guard let produced = values[network.outputName] else {
            throw InferenceError(.invalidModel, "No node produces the graph output '\(network.outputName)'.")
        }
        var output = plain(produced)
        if output.storage == input.storage || fills[output.storage] != nil {
            // An output that is the input or a constant still gets its own buffer.
            let copy = newValue(output.shape, nhwc: false)
            let source = output.storage, count = output.count
            add(reads: [source], writes: [copy.storage]) { resolve in
                let s = resolve(source), t = resolve(copy.storage)
                return { t.update(from: s, count: count) }
            }
            output = copy
        }
        pinned.insert(output.storage)
        sizes[scratchStorage] = scratchSize
        return assign(inputShape: inputShape, output: output, input: input, separable: separable && produced.batched)
    }

    /// Marks a step's output as batched when it reads a batched value, and clears `separable` unless
    /// the step keeps every image's values in that image's slice of axis 0.
    private mutating func trackBatch(_ step: Step) {
        let inputs = step.inputs.map { values[$0] }
        guard inputs.contains(where: { $0?.batched == true }) else { return }
        for name in step.outputs where values[name] != nil { values[name]?.batched = true }
        if !keepsImagesApart(step, inputs) { separable = false }
    }

    private func keepsImagesApart(_ step: Step, _ inputs: [Value?]) -> Bool {
        guard let x = inputs.first ?? nil, let out = values[step.outputs[0]], out.shape.first == batch else { return false }
        switch step.operation {
        case .conv, .affine, .activation, .pool, .globalAveragePool, .identity:
            return x.batched
        case .binary:
            let rank = out.shape.count
            // A constant operand must broadcast over the batch, not hold one slice per image.
            return inputs.allSatisfy { value in
                guard let value else { return false }
                return value.batched ? value.shape.count == rank : value.shape.count < rank || value.shape[0] == 1
            }
        case .gemm(let transA, _, _, _, _):
            guard x.batched, !transA, inputs.count >= 2, let b = inputs[1], !b.batched else { return false }
            guard inputs.count > 2 else { return true }
            guard let c = inputs[2], !c.batched else { return false }
            return c.shape.count < 2 || c.shape[0] == 1
        case .matMul:
            guard inputs.count == 2, let b = inputs[1] else { return false }
            return x.batched && !b.batched
        case .flatten(let axis):
            return axis >= 1 || (axis < 0 && axis + x.shape.count >= 1)
        case .reshape:
            return x.batched && x.shape.first == batch && out.count == x.count
        case .concat(let axis):
            let resolved = axis < 0 ? axis + x.shape.count : axis
            return resolved >= 1 && inputs.allSatisfy { $0?.batched == true }
        case .softmax(let axis, _):
            let resolved = axis < 0 ? axis + x.shape.count : axis
            return x.batched && resolved >= 1
        case .pad(let pads, _):
            let rank = x.shape.count
            return x.batched && pads.count == 2 * rank && pads[0] == 0 && pads[rank] == 0
        case .reduceMean(let axes, _):
            guard let axes else { return false }
            return x.batched && !axes.contains { $0 == 0 || $0 == -x.shape.count }
        }
    }

    /// Greedy liveness-based assignment of virtual storages to physical buffers.
    private func assign(inputShape: [Int], output: Value, input: Value, separable: Bool) -> Plan {
        var lastUse = [Int](repeating: -1, count: sizes.count)
        var firstUse = [Int](repeating: Int.max, count: sizes.count)
        for (index, kernel) in kernels.enumerated() {
            for storage in kernel.reads + kernel.writes {
                lastUse[storage] = max(lastUse[storage], index)
                firstUse[storage] = min(firstUse[storage], index)
            }
        }
        var physical = [Int](repeating: -1, count: sizes.count)
        var capacities: [Int] = []
        var free: [Int] = []
        for storage in pinned.sorted() {
            physical[storage] = capacities.count
            capacities.append(sizes[storage])
        }
        for (index, kernel) in kernels.enumerated() {
            for storage in kernel.writes where physical[storage] < 0 {
                let need = sizes[storage]
                if let best = free.enumerated().filter({ capacities[$0.element] >= need }).min(by: { capacities[$0.element] < capacities[$1.element] }) {
                    physical[storage] = best.element
                    free.remove(at: best.offset)
                } else if let largest = free.enumerated().max(by: { capacities[$0.element] < capacities[$1.element] }) {
                    physical[storage] = largest.element
                    capacities[largest.element] = need
                    free.remove(at: largest.offset)
                } else {
                    physical[storage] = capacities.count
                    capacities.append(need)
                }
            }
            for storage in Set(kernel.reads + kernel.writes) where lastUse[storage] == index && !pinned.contains(storage) {
                free.append(physical[storage])
            }
        }
        for storage in physical.indices where physical[storage] < 0 {
            physical[storage] = capacities.count
            capacities.append(sizes[storage])
        }
        var constantFills: [Int: [Float]] = [:]
        for (storage, data) in fills { constantFills[physical[storage]] = data }
        let mapping = physical
        let factories: [KernelFactory] = kernels.map { kernel in
            { resolve in kernel.make { resolve(mapping[$0]) } }
        }
        return Plan(inputShape: inputShape, outputShape: output.shape, flops: flops, capacities: capacities,
                    constantFills: constantFills, inputStorage: physical[input.storage], outputStorage: physical[output.storage],
                    kernels: factories, batchSeparable: separable)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func plan(_ step: Step) throws {
        let threads = self.threads
        let output = step.outputs[0]
        switch step.operation {
        case .conv(let layer):
            let x = try value(step.inputs[0], for: step)
            guard x.shape.count == 4, x.shape[1] == layer.inChannels else {
                throw InferenceError(.shapeMismatch, "The \(step.label) expects \(layer.inChannels) input channels in NCHW but gets shape \(x.shape).")
            }
            let g = try SpatialGeometry(batch: x.shape[0], height: x.shape[2], width: x.shape[3], inChannels: layer.inChannels,
                                        outChannels: layer.outChannels, kernel: layer.kernel, strides: layer.strides,
                                        dilations: layer.dilations, pads: layer.pads, autoPad: layer.autoPad, ceilMode: false, label: step.label)
            let out = newValue([g.batch, layer.outChannels, g.outHeight, g.outWidth], nhwc: true)
            values[output] = out
            scratchSize = max(scratchSize, Convolution.scratchCount(layer, g))
            flops += 2 * Double(g.batch * g.outHeight * g.outWidth * layer.outChannels) * Double(layer.kernel.h * layer.kernel.w * layer.inChannels / layer.groups)
            let weights = layer.kernelWeights, bias = layer.bias
            let needsScratch = Convolution.scratchCount(layer, g) > 0
            let xs = x.storage, scratchID = scratchStorage
            if let panels = layer.pointwisePanels {
                let pointwise = Convolution.isPointwise(layer, g)
                let depth = layer.kernel.h * layer.kernel.w * layer.inChannels
                let pixels = g.outHeight * g.outWidth
                add(reads: [xs], writes: [out.storage]) { resolve in
                    let source = resolve(xs), target = resolve(out.storage)
                    let scratch = needsScratch ? resolve(scratchID) : target
                    return {
                        panels.withUnsafeBufferPointer { w in
                            bias.withUnsafeBufferPointer { b in
                                if pointwise {
                                    PointwiseGEMM.run(rows: g.batch * pixels, inChannels: layer.inChannels, outChannels: layer.outChannels,
                                                      packed: w.baseAddress!, bias: b.baseAddress!, input: source, output: target,
                                                      activation: layer.activation, threads: threads)
                                    return
                                }
                                // k×k: im2col rows per image, then the same kernel over them.
                                for n in 0..<g.batch {
                                    Convolution.im2col(g, image: source + n * g.height * g.width * g.inChannels, channelOffset: 0,
                                                       channels: layer.inChannels, into: scratch, threads: threads)
                                    PointwiseGEMM.run(rows: pixels, inChannels: depth, outChannels: layer.outChannels,
                                                      packed: w.baseAddress!, bias: b.baseAddress!, input: scratch,
                                                      output: target + n * pixels * layer.outChannels,
                                                      activation: layer.activation, threads: threads)
                                }
                            }
                        }
                    }
                }
                return
            }
            add(reads: [xs], writes: [out.storage]) { resolve in
                let source = resolve(xs), target = resolve(out.storage)
                let scratch = needsScratch ? resolve(scratchID) : target
                return {
                    weights.withUnsafeBufferPointer { w in
                        bias.withUnsafeBufferPointer { b in
                            Convolution.run(layer, g, weights: w.baseAddress!, bias: b.baseAddress!, input: source, output: target,
                                            scratch: scratch, threads: threads)
                        }
                    }
                }
            }

        case .affine(let scale, let shift, let activation):
            let x = try value(step.inputs[0], for: step)
            let channelAxisSize = x.shape.count >= 2 ? x.shape[1] : -1
            guard channelAxisSize == scale.count else {
                throw InferenceError(.shapeMismatch, "The \(step.label) has \(scale.count) channels but gets shape \(x.shape).")
            }
            let out = newValue(x.shape, nhwc: x.nhwc)
            values[output] = out
            let outer = x.nhwc ? x.count / scale.count : x.shape[0]
            let inner = x.nhwc ? 1 : x.count / (x.shape[0] * scale.count)
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return {
                    scale.withUnsafeBufferPointer { s in
                        shift.withUnsafeBufferPointer { b in
                            Elementwise.affine(scale: s.baseAddress!, shift: b.baseAddress!, activation: activation, input: source, output: target,
                                               outer: outer, channels: scale.count, inner: inner, threads: threads)
                        }
                    }
                }
            }

        case .activation(let activation):
            let x = try value(step.inputs[0], for: step)
            let out = newValue(x.shape, nhwc: x.nhwc)
            values[output] = out
            let count = x.count
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return { Elementwise.activation(activation, input: source, output: target, count: count, threads: threads) }
            }

        case .binary(let kind):
            let a = try value(step.inputs[0], for: step)
            let b = try value(step.inputs[1], for: step)
            let rank = max(a.shape.count, b.shape.count)
            guard rank <= 4 else { throw InferenceError(.unsupportedOperator, "The \(step.label) works on rank \(rank); at most 4 is supported.") }
            func aligned(_ shape: [Int]) -> [Int] { [Int](repeating: 1, count: 4 - shape.count) + shape }
            let sa = aligned(a.shape), sb = aligned(b.shape)
            var shape4 = [Int](repeating: 1, count: 4)
            for axis in 0..<4 {
                guard sa[axis] == sb[axis] || sa[axis] == 1 || sb[axis] == 1 else {
                    throw InferenceError(.shapeMismatch, "The \(step.label) cannot broadcast shapes \(a.shape) and \(b.shape).")
                }
                shape4[axis] = max(sa[axis], sb[axis])
            }
            let outShape = Array(shape4.suffix(rank))
            let outNHWC = rank == 4
            let out = newValue(outShape, nhwc: outNHWC)
            values[output] = out
            // Strides per logical axis of the 4-D aligned shape, 0 where broadcast.
            func strides(_ v: Value, _ s: [Int]) -> [Int] {
                var result: [Int]
                if v.nhwc {
                    let p = [s[0], s[2], s[3], s[1]]
                    let ps = Elementwise.contiguousStrides(p)
                    result = [ps[0], ps[3], ps[1], ps[2]]
                } else {
                    result = Elementwise.contiguousStrides(s)
                }
                for axis in 0..<4 where s[axis] == 1 { result[axis] = 0 }
                return result
            }
            var stridesA = strides(a, sa), stridesB = strides(b, sb)
            var iteration = shape4
            if outNHWC {
                iteration = [shape4[0], shape4[2], shape4[3], shape4[1]]
                stridesA = [stridesA[0], stridesA[2], stridesA[3], stridesA[1]]
                stridesB = [stridesB[0], stridesB[2], stridesB[3], stridesB[1]]
            }
            let contiguous = Elementwise.contiguousStrides(iteration)
            for axis in 0..<4 where iteration[axis] == 1 {
                stridesA[axis] = contiguous[axis]
                stridesB[axis] = contiguous[axis]
            }
            let (fa, fb) = (stridesA, stridesB)
            add(reads: [a.storage, b.storage], writes: [out.storage]) { resolve in
                let pa = resolve(a.storage), pb = resolve(b.storage), target = resolve(out.storage)
                return { Elementwise.binary(kind, pa, fa, pb, fb, output: target, shape: iteration) }
            }

        case .pool(let layer):
            let x = try value(step.inputs[0], for: step)
            guard x.shape.count == 4 else { throw InferenceError(.shapeMismatch, "The \(step.label) needs a 4-D input, not \(x.shape).") }
            let g = try SpatialGeometry(batch: x.shape[0], height: x.shape[2], width: x.shape[3], inChannels: x.shape[1],
                                        outChannels: x.shape[1], kernel: layer.kernel, strides: layer.strides, dilations: (1, 1),
                                        pads: layer.pads, autoPad: layer.autoPad, ceilMode: layer.ceilMode, label: step.label)
            let out = newValue([g.batch, x.shape[1], g.outHeight, g.outWidth], nhwc: true)
            values[output] = out
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return { Pooling.run(layer, g, input: source, output: target, threads: threads) }
            }

        case .globalAveragePool:
            let x = try value(step.inputs[0], for: step)
            guard x.shape.count == 4 else { throw InferenceError(.shapeMismatch, "The \(step.label) needs a 4-D input, not \(x.shape).") }
            let s = x.shape
            let out = newValue([s[0], s[1], 1, 1], nhwc: true)
            values[output] = out
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return { Pooling.globalAverage(source, output: target, batch: s[0], pixels: s[2] * s[3], channels: s[1]) }
            }

        case .gemm(let transA, let transB, let alpha, let beta, let activation):
            let a = plain(try value(step.inputs[0], for: step))
            let b = plain(try value(step.inputs[1], for: step))
            guard a.shape.count == 2, b.shape.count == 2 else {
                throw InferenceError(.shapeMismatch, "The \(step.label) needs 2-D inputs, not \(a.shape) and \(b.shape).")
            }
            let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
            let k2 = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
            guard k == k2 else { throw InferenceError(.shapeMismatch, "The \(step.label) multiplies \(a.shape) by \(b.shape), whose inner sizes differ.") }
            var c: Value?
            if step.inputs.count > 2 {
                let cv = plain(try value(step.inputs[2], for: step))
                let cs = [Int](repeating: 1, count: max(0, 2 - cv.shape.count)) + cv.shape
                guard cs.count == 2, cs[0] == 1 || cs[0] == m, cs[1] == 1 || cs[1] == n else {
                    throw InferenceError(.shapeMismatch, "The \(step.label) cannot broadcast its bias \(cv.shape) to [\(m), \(n)].")
                }
                c = Value(shape: cs, nhwc: false, storage: cv.storage)
            }
            let out = newValue([m, n], nhwc: false)
            values[output] = out
            flops += 2 * Double(m * n * k)
            let bias = c
            add(reads: [a.storage, b.storage] + (c.map { [$0.storage] } ?? []), writes: [out.storage]) { resolve in
                let pa = resolve(a.storage), pb = resolve(b.storage), target = resolve(out.storage)
                let pc = bias.map { resolve($0.storage) }
                return {
                    if let pc, let bias, beta != 0 {
                        let (cm, cn) = (bias.shape[0], bias.shape[1])
                        for row in 0..<m { for col in 0..<n { target[row * n + col] = beta * pc[(cm == 1 ? 0 : row) * cn + (cn == 1 ? 0 : col)] } }
                    }
                    let accumulate: Float = (pc != nil && beta != 0) ? 1 : 0
                    if m <= 4 && !transA {
                        // A classifier head on one image (image-parallel lanes): sgemm would pack the whole
                        // weight matrix for a single row; sgemv streams it once.
                        for row in 0..<m {
                            if transB {
                                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, pb, Int32(k), pa + row * k, 1,
                                            accumulate, target + row * n, 1)
                            } else {
                                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, pb, Int32(n), pa + row * k, 1,
                                            accumulate, target + row * n, 1)
                            }
                        }
                    } else {
                        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                    Int32(m), Int32(n), Int32(k), alpha, pa, Int32(a.shape[1]), pb, Int32(b.shape[1]),
                                    accumulate, target, Int32(n))
                    }
                    Epilogue.apply(target, rows: m, channels: n, scale: nil, shift: nil, activation: activation, threads: threads)
                }
            }

        case .matMul:
            let a = plain(try value(step.inputs[0], for: step))
            let b = plain(try value(step.inputs[1], for: step))
            guard a.shape.count >= 2, b.shape.count == 2, a.shape.last == b.shape[0] else {
                throw InferenceError(.unsupportedOperator, "The \(step.label) multiplies \(a.shape) by \(b.shape); only [..., M, K] × [K, N] is supported.")
            }
            let k = b.shape[0], n = b.shape[1], m = a.count / k
            let out = newValue(Array(a.shape.dropLast()) + [n], nhwc: false)
            values[output] = out
            flops += 2 * Double(m * n * k)
            add(reads: [a.storage, b.storage], writes: [out.storage]) { resolve in
                let pa = resolve(a.storage), pb = resolve(b.storage), target = resolve(out.storage)
                return {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, pa, Int32(k), pb, Int32(n), 0, target, Int32(n))
                }
            }

        case .flatten(let axis):
            let x = plain(try value(step.inputs[0], for: step))
            let resolved = axis < 0 ? axis + x.shape.count : axis
            guard resolved >= 0 && resolved <= x.shape.count else {
                throw InferenceError(.shapeMismatch, "The \(step.label) uses axis \(axis) on a tensor of rank \(x.shape.count).")
            }
            let shape = [x.shape[..<resolved].reduce(1, *), x.shape[resolved...].reduce(1, *)]
            values[output] = Value(shape: shape, nhwc: false, storage: x.storage)

        case .reshape(let target, let allowZero):
            let x = plain(try value(step.inputs[0], for: step))
            var shape = target.enumerated().map { $0.element == 0 && !allowZero && $0.offset < x.shape.count ? x.shape[$0.offset] : $0.element }
            let known = shape.filter { $0 != -1 }.reduce(1, *)
            if shape.filter({ $0 == -1 }).count > 1 || shape.contains(where: { $0 < -1 }) {
                throw InferenceError(.shapeMismatch, "The \(step.label) has an invalid target shape \(target).")
            }
            if let inferred = shape.firstIndex(of: -1), known > 0 { shape[inferred] = x.count / known }
            if shape.reduce(1, *) != x.count, let first = shape.first, first > 0, x.shape.first == batch,
               x.count % batch == 0, shape.dropFirst().reduce(1, *) * batch == x.count {
                // A graph exported for a fixed batch bakes that batch into its Reshape targets.
                shape[0] = batch
            }
            guard shape.reduce(1, *) == x.count else {
                throw InferenceError(.shapeMismatch, "The \(step.label) cannot reshape \(x.shape) into \(target).")
            }
            values[output] = channelsLast(Value(shape: shape, nhwc: false, storage: x.storage))

        case .concat(let axis):
            let inputs = try step.inputs.map { try value($0, for: step) }
            let rank = inputs[0].shape.count
            let resolved = try normalizedAxis(axis, rank: rank, step)
            var shape = inputs[0].shape
            for other in inputs.dropFirst() {
                guard other.shape.count == rank, other.nhwc == inputs[0].nhwc,
                      zip(other.shape, inputs[0].shape).enumerated().allSatisfy({ $0.offset == resolved || $0.element.0 == $0.element.1 }) else {
                    throw InferenceError(.shapeMismatch, "The \(step.label) concatenates mismatched shapes \(inputs.map(\.shape)).")
                }
                shape[resolved] += other.shape[resolved]
            }
            let nhwc = inputs[0].nhwc
            let physical = nhwc ? Self.physicalAxis[resolved] : resolved
            let phys = physicalShape(inputs[0])
            let outer = phys[..<physical].reduce(1, *), inner = phys[(physical + 1)...].reduce(1, *)
            let lengths = inputs.map { $0.shape[resolved] }
            let out = newValue(shape, nhwc: nhwc)
            values[output] = out
            let storages = inputs.map(\.storage)
            add(reads: storages, writes: [out.storage]) { resolve in
                let pointers = storages.map { UnsafePointer(resolve($0)) }, target = resolve(out.storage)
                return { Elementwise.concat(pointers, lengths: lengths, output: target, outer: outer, inner: inner) }
            }

        case .softmax(let axis, let legacy):
            var x = try value(step.inputs[0], for: step)
            let resolved = try normalizedAxis(axis, rank: x.shape.count, step)
            if legacy || !x.nhwc { x = plain(x) }
            let phys = physicalShape(x)
            let physical = x.nhwc ? Self.physicalAxis[resolved] : resolved
            let outer = phys[..<physical].reduce(1, *)
            let length = legacy ? phys[physical...].reduce(1, *) : phys[physical]
            let inner = legacy ? 1 : phys[(physical + 1)...].reduce(1, *)
            let result = newValue(x.shape, nhwc: x.nhwc)
            add(reads: [x.storage], writes: [result.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(result.storage)
                return { Elementwise.softmax(source, target, outer: outer, length: length, inner: inner) }
            }
            values[output] = channelsLast(result)

        case .identity:
            values[output] = try value(step.inputs[0], for: step)

        case .pad(let pads, let constantValue):
            let x = try value(step.inputs[0], for: step)
            let rank = x.shape.count
            guard pads.count == 2 * rank else {
                throw InferenceError(.shapeMismatch, "The \(step.label) has \(pads.count) pads for a tensor of rank \(rank).")
            }
            let before = Array(pads[..<rank]), after = Array(pads[rank...])
            let shape = (0..<rank).map { x.shape[$0] + before[$0] + after[$0] }
            let out = newValue(shape, nhwc: x.nhwc)
            values[output] = out
            let order = x.nhwc ? [0, 2, 3, 1] : Array(0..<rank)
            let physical = physicalShape(x)
            let pb = order.map { before[$0] }, pa = order.map { after[$0] }
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return { Elementwise.pad(source, shape: physical, before: pb, after: pa, value: constantValue, output: target) }
            }

        case .reduceMean(let axes, let keepDims):
            var x = try value(step.inputs[0], for: step)
            let rank = x.shape.count
            let logical = Set(try (axes ?? Array(0..<rank)).map { try normalizedAxis($0, rank: rank, step) })
            if !keepDims && x.nhwc {
                let remaining = [0, 2, 3, 1].filter { !logical.contains($0) && x.shape[$0] != 1 }
                if remaining != remaining.sorted() { x = plain(x) }
            }
            let physicalAxes = Set(logical.map { x.nhwc ? Self.physicalAxis[$0] : $0 })
            let reducedShape = x.shape.enumerated().map { logical.contains($0.offset) ? 1 : $0.element }
            let outShape = keepDims ? reducedShape : x.shape.enumerated().filter { !logical.contains($0.offset) }.map(\.element)
            let out = newValue(outShape, nhwc: keepDims && x.nhwc)
            values[output] = out
            let physical = physicalShape(x)
            add(reads: [x.storage], writes: [out.storage]) { resolve in
                let source = resolve(x.storage), target = resolve(out.storage)
                return { Elementwise.reduceMean(source, shape: physical, axes: physicalAxes, output: target) }
            }
        }
    }
}
