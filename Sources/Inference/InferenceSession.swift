internal import COpenBLAS
import Dispatch
import Synchronization

/// A network planned for one batch size: every shape resolved and every buffer allocated once,
/// then reused by each `run`. Not thread-safe: use one session per thread.
///
/// When no step mixes images (every bundled model), the batch is split into mini-batches run
/// image-parallel: each thread owns one single-threaded instance of a small plan, so a layer's
/// activations stay in that core's caches and threads never wait for each other between layers.
/// Otherwise the whole batch runs layer by layer, each kernel split over the threads.
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

    /// How a session spreads work over its threads.
    enum Strategy: Equatable {
        /// Image-parallel with the default mini-batch when the graph allows it, else layer-wise.
        case automatic
        /// The whole batch layer by layer, each kernel split over the threads.
        case layerwise
        /// Mini-batches of at most this many images, one single-threaded plan instance per thread.
        case imageParallel(miniBatch: Int)
    }

    /// Images per mini-batch in image-parallel runs. On EfficientNet-Lite0 (batch 32, 2 threads) one
    /// image's largest activation (112×112×96, 4.8 MB) already exceeds L2, and larger mini-batches were
    /// slower (same run, medians of 3: 1 image 94.7, 2 images 85.4, 4 images 77.9 images/s), so the
    /// smallest unit wins: least memory, and the batch divides evenly over the threads.
    static let defaultMiniBatch = 1

    private enum Execution {
        case layerwise(PlanInstance)
        case imageParallel(Lanes)
    }

    private let network: Network
    private let execution: Execution
    private let inputCount: Int
    private let outputCount: Int
    private let imageInputCount: Int
    private let imageOutputCount: Int
    /// Layer-wise plans for fewer images than `batch` (`run(images:fill:)` with unreadable images).
    private var partialBatches: [Int: PlanInstance] = [:]

    init(network: Network, batch: Int, threads: Int, strategy: Strategy = .automatic) throws {
        guard (1...4096).contains(batch) else { throw InferenceError(.invalidArgument, "The batch size must be between 1 and 4096.") }
        guard (1...256).contains(threads) else { throw InferenceError(.invalidArgument, "The thread count must be between 1 and 256.") }
        self.network = network
        self.batch = batch
        self.threads = threads

        var miniBatch: Int?
        switch strategy {
        case .layerwise: miniBatch = nil
        case .imageParallel(let size):
            guard size >= 1 else { throw InferenceError(.invalidArgument, "The mini-batch must hold at least one image.") }
            miniBatch = min(size, batch)
        case .automatic:
            // With fewer images than threads, splitting each kernel over the threads is the only way to use them all.
            miniBatch = batch >= threads ? min(Self.defaultMiniBatch, batch) : nil
        }
        if miniBatch != nil {
            // Whether steps keep images apart is decided on a batch no reshape or broadcast could match by accident.
            var probe = Planner(network: network, batch: 5, threads: 1)
            if !(try probe.plan().batchSeparable) {
                if strategy != .automatic {
                    throw InferenceError(.invalidArgument, "The model mixes values across images, so it cannot run image-parallel.")
                }
                miniBatch = nil
            }
        }

        if let miniBatch {
            var planner = Planner(network: network, batch: miniBatch, threads: 1)
            let plan = try planner.plan()
            let chunks = (batch + miniBatch - 1) / miniBatch
            let instances = (0..<min(threads, chunks)).map { _ in PlanInstance(plan) }
            execution = .imageParallel(Lanes(instances: instances, miniBatch: miniBatch))
            inputShape = [batch] + plan.inputShape.dropFirst()
            outputShape = [batch] + plan.outputShape.dropFirst()
            flops = plan.flops / Double(miniBatch) * Double(batch)
            bufferBytes = instances.reduce(0) { $0 + $1.bufferBytes }
        } else {
            var planner = Planner(network: network, batch: batch, threads: threads)
            let plan = try planner.plan()
            let instance = PlanInstance(plan)
            execution = .layerwise(instance)
            inputShape = plan.inputShape
            outputShape = plan.outputShape
            flops = plan.flops
            bufferBytes = instance.bufferBytes
        }
        inputCount = inputShape.reduce(1, *)
        outputCount = outputShape.reduce(1, *)
        imageInputCount = inputCount / batch
        imageOutputCount = outputCount / batch
    }

    /// Whether runs split the batch into image-parallel mini-batches.
    var isImageParallel: Bool {
        if case .imageParallel = execution { return true }
        return false
    }

    /// Runs the network on `batch` images in NCHW order and returns the output values.
    public func run(_ input: [Float]) throws -> [Float] {
        guard input.count == inputCount else {
            throw InferenceError(.shapeMismatch, "The input holds \(input.count) values; the model expects \(inputCount) (shape \(inputShape)).")
        }
        switch execution {
        case .layerwise(let instance):
            instance.input.update(from: input, count: inputCount)
            openblas_set_num_threads(Int32(threads))
            instance.run()
            return Array(UnsafeBufferPointer(start: instance.output, count: outputCount))
        case .imageParallel(let lanes):
            var output = [Float](repeating: 0, count: outputCount)
            let perInput = imageInputCount, perOutput = imageOutputCount, batch = self.batch
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    let source = SendableConstPointer(source.baseAddress!), target = SendablePointer(target.baseAddress!)
                    lanes.run(images: batch) { lane, images in
                        lane.input.update(from: source.pointer + images.lowerBound * perInput, count: images.count * perInput)
                        lane.run(filled: images.count)
                        (target.pointer + images.lowerBound * perOutput).update(from: lane.output, count: images.count * perOutput)
                    }
                }
            }
            return output
        }
    }

    /// Runs `count` images (1...batch) whose inputs `fill` writes, one image of `imageInputCount` floats
    /// at a time, on the thread that then infers it: decoding is spread over the same threads as the
    /// network instead of competing with them. An image whose `fill` throws gets that error instead of
    /// an output; the others' outputs do not depend on it. Results are in image order.
    public func run(images count: Int, fill: @Sendable (_ image: Int, _ input: UnsafeMutableBufferPointer<Float>) throws -> Void)
        throws -> [Result<[Float], any Error>] {
        guard (1...batch).contains(count) else {
            throw InferenceError(.invalidArgument, "The session runs 1 to \(batch) images at a time, not \(count).")
        }
        let perInput = imageInputCount, perOutput = imageOutputCount
        switch execution {
        case .imageParallel(let lanes):
            let results = ResultSlots(count: count)
            lanes.run(images: count) { lane, images in
                // The readable images of the mini-batch are packed at its start.
                var readable: [Int] = []
                for image in images {
                    do {
                        try fill(image, UnsafeMutableBufferPointer(start: lane.input + readable.count * perInput, count: perInput))
                        readable.append(image)
                    } catch {
                        results.set(image, .failure(error))
                    }
                }
                guard !readable.isEmpty else { return }
                lane.run(filled: readable.count)
                for (slot, image) in readable.enumerated() {
                    results.set(image, .success(Array(UnsafeBufferPointer(start: lane.output + slot * perOutput, count: perOutput))))
                }
            }
            return results.collect()
        case .layerwise(let full):
            var input = [Float](repeating: 0, count: count * perInput)
            var readable: [Int] = []
            var outcomes = [Result<[Float], any Error>?](repeating: nil, count: count)
            input.withUnsafeMutableBufferPointer { buffer in
                for image in 0..<count {
                    do {
                        try fill(image, UnsafeMutableBufferPointer(rebasing: buffer[(readable.count * perInput)..<((readable.count + 1) * perInput)]))
                        readable.append(image)
                    } catch {
                        outcomes[image] = .failure(error)
                    }
                }
            }
            if !readable.isEmpty {
                let instance: PlanInstance
                if readable.count == batch {
                    instance = full
                } else if let cached = partialBatches[readable.count] {
                    instance = cached
                } else {
                    var planner = Planner(network: network, batch: readable.count, threads: threads)
                    instance = PlanInstance(try planner.plan())
                    partialBatches[readable.count] = instance
                }
                instance.input.update(from: input, count: readable.count * perInput)
                openblas_set_num_threads(Int32(threads))
                instance.run()
                for (slot, image) in readable.enumerated() {
                    outcomes[image] = .success(Array(UnsafeBufferPointer(start: instance.output + slot * perOutput, count: perOutput)))
                }
            }
            return outcomes.map { $0! }
        }
    }
}

/// One single-threaded plan instance per thread, each taking the next mini-batch until none is left.
private struct Lanes: @unchecked Sendable {
    // @unchecked: each instance is used by exactly one concurrentPerform iteration of a `run`, and the
    // session that owns the lanes is not shared between threads, so no instance is run concurrently.
    let instances: [PlanInstance]
    let miniBatch: Int

    /// Calls `body` once per mini-batch of `0..<images`, on whichever lane is free.
    func run(images: Int, _ body: @Sendable (PlanInstance, Range<Int>) -> Void) {
        let chunks = (images + miniBatch - 1) / miniBatch
        let next = Atomic<Int>(0)
        let miniBatch = self.miniBatch
        // Every sgemm of a lane runs on that lane's thread.
        openblas_set_num_threads(1)
        @Sendable func work(_ lane: PlanInstance) {
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { return }
                let first = chunk * miniBatch
                body(lane, first..<min(images, first + miniBatch))
            }
        }
        if instances.count == 1 || chunks == 1 {
            work(instances[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: min(instances.count, chunks)) { work(instances[$0]) }
        }
    }
}

/// Per-image results written by the lanes, each image by exactly one lane.
private final class ResultSlots: @unchecked Sendable {
    // @unchecked: lanes write disjoint indices, and `collect` runs after concurrentPerform has joined them.
    private let slots: UnsafeMutablePointer<Result<[Float], any Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ index: Int, _ result: Result<[Float], any Error>) { slots[index] = result }

    func collect() -> [Result<[Float], any Error>] {
        (0..<count).map { slots[$0]! }
    }
}
