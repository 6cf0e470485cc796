/// Bias (or per-channel scale and shift) plus activation over rows of channels, fused after sgemm.
enum Epilogue {
    /// `data[row][c] = act(data[row][c] * scale[c] + shift[c])` for `rows` rows of `channels` values.
    static func apply(_ data: UnsafeMutablePointer<Float>, rows: Int, channels: Int, scale: UnsafePointer<Float>?,
                      shift: UnsafePointer<Float>?, activation: Activation, threads: Int) {
        switch activation {
        case .none:
            if scale == nil && shift == nil { return }
            run(data, rows, channels, scale, shift, IdentityActivation(), threads)
        case .relu: run(data, rows, channels, scale, shift, ReluActivation(), threads)
        case .clip(let low, let high): run(data, rows, channels, scale, shift, ClipActivation(low: low, high: high), threads)
        case .sigmoid: run(data, rows, channels, scale, shift, SigmoidActivation(), threads)
        }
    }

    private static func run<A: ActivationKernel>(_ data: UnsafeMutablePointer<Float>, _ rows: Int, _ channels: Int,
                                                 _ scale: UnsafePointer<Float>?, _ shift: UnsafePointer<Float>?, _ act: A, _ threads: Int) {
        let data = SendablePointer(data)
        let scale = scale.map(SendableConstPointer.init)
        let shift = shift.map(SendableConstPointer.init)
        Parallel.forEach(rows, threads: threads, minimumPerThread: max(1, 4096 / max(1, channels))) { range in
            let vectorEnd = channels & ~7
            for row in range {
                let base = data.pointer + row * channels
                var c = 0
                while c < vectorEnd {
                    var v = UnsafeRawPointer(base + c).loadUnaligned(as: SIMD8<Float>.self)
                    if let scale { v *= UnsafeRawPointer(scale.pointer + c).loadUnaligned(as: SIMD8<Float>.self) }
                    if let shift { v += UnsafeRawPointer(shift.pointer + c).loadUnaligned(as: SIMD8<Float>.self) }
                    UnsafeMutableRawPointer(base + c).storeBytes(of: act(v), as: SIMD8<Float>.self)
                    c += 8
                }
                while c < channels {
                    var v = base[c]
                    if let scale { v *= scale.pointer[c] }
                    if let shift { v += shift.pointer[c] }
                    base[c] = act(v)
                    c += 1
                }
            }
        }
    }
}

/// A raw buffer pointer handed to worker threads that write disjoint ranges of it.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

/// A read-only pointer shared by worker threads.
struct SendableConstPointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}
