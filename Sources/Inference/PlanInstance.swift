/// One plan's activation buffers and the kernels bound to them. Plans share their weights, so several
/// instances of one plan (one per worker thread) cost only the activations. Not thread-safe: one
/// thread runs an instance at a time.
final class PlanInstance {
    /// Images per run.
    let batch: Int
    /// Floats of one image's input and output.
    let imageInputCount: Int
    let imageOutputCount: Int
    /// Bytes of activation buffers and scratch.
    let bufferBytes: Int
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    private let buffers: [UnsafeMutablePointer<Float>]
    private let kernels: [() -> Void]

    init(_ plan: Planner.Plan) {
        batch = plan.inputShape[0]
        imageInputCount = plan.inputShape.dropFirst().reduce(1, *)
        imageOutputCount = plan.outputShape.reduce(1, *) / max(1, plan.outputShape.first ?? 1)
        var buffers: [UnsafeMutablePointer<Float>] = []
        var bytes = 0
        for capacity in plan.capacities {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
            buffer.initialize(repeating: 0, count: max(capacity, 1))
            buffers.append(buffer)
            bytes += capacity * 4
        }
        bufferBytes = bytes
        for (storage, values) in plan.constantFills {
            buffers[storage].update(from: values, count: values.count)
        }
        self.buffers = buffers
        input = buffers[plan.inputStorage]
        output = buffers[plan.outputStorage]
        kernels = plan.kernels.map { $0 { buffers[$0] } }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs every kernel on what `input` holds; the result is in `output`.
    func run() {
        for kernel in kernels { kernel() }
    }

    /// Runs a mini-batch whose first `filled` images are set; the other slots are zeroed first so that
    /// stale values never reach the (discarded) outputs of those slots.
    func run(filled: Int) {
        if filled < batch {
            (input + filled * imageInputCount).update(repeating: 0, count: (batch - filled) * imageInputCount)
        }
        run()
    }
}
