internal import COpenBLAS

/// A network planned for one batch size: every shape resolved and every buffer allocated once,
/// then reused by each `run`. Not thread-safe: use one session per thread.
public final class InferenceSession {
    /// Images per run.
    public let batch: Int
    /// Threads used by sgemm and the engine's own kernels.
    public let threads: Int
    /// Input shape (NCHW) with the batch resolved.
    public let inputShape: [Int]
    /// Output shape with the batch resolved.
    public let outputShape: [Int]
    /// Floating-point operations of one run (multiply and add counted separately), for GFLOP/s figures.
    public let flops: Double
    /// Bytes of activation buffers and scratch this session holds.
    public let bufferBytes: Int

    private let kernels: [() -> Void]
    private let buffers: [UnsafeMutablePointer<Float>]
    private let inputBuffer: UnsafeMutablePointer<Float>
    private let outputBuffer: UnsafeMutablePointer<Float>
    private let inputCount: Int
    private let outputCount: Int

    init(network: Network, batch: Int, threads: Int) throws {
        guard (1...4096).contains(batch) else { throw InferenceError(.invalidArgument, "The batch size must be between 1 and 4096.") }
        guard (1...256).contains(threads) else { throw InferenceError(.invalidArgument, "The thread count must be between 1 and 256.") }
        self.batch = batch
        self.threads = threads
        var planner = Planner(network: network, batch: batch, threads: threads)
        let plan = try planner.plan()
        inputShape = plan.inputShape
        outputShape = plan.outputShape
        flops = plan.flops
        inputCount = plan.inputShape.reduce(1, *)
        outputCount = plan.outputShape.reduce(1, *)

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
        inputBuffer = buffers[plan.inputStorage]
        outputBuffer = buffers[plan.outputStorage]
        kernels = plan.kernels.map { $0 { buffers[$0] } }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs the network on `batch` images in NCHW order and returns the output values.
    public func run(_ input: [Float]) throws -> [Float] {
        guard input.count == inputCount else {
            throw InferenceError(.shapeMismatch, "The input holds \(input.count) values; the model expects \(inputCount) (shape \(inputShape)).")
        }
        inputBuffer.update(from: input, count: inputCount)
        openblas_set_num_threads(Int32(threads))
        for kernel in kernels { kernel() }
        return Array(UnsafeBufferPointer(start: outputBuffer, count: outputCount))
    }
}
