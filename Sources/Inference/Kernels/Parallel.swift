import Dispatch

/// Splits index ranges over a fixed number of threads for the engine's own (non-BLAS) kernels.
enum Parallel {
    /// Calls `body` on `threads` contiguous slices of `0..<count`; inline when one thread suffices.
    static func forEach(_ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let parts = max(1, min(threads, count / max(1, minimumPerThread)))
        if parts == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = count * part / parts
            let end = count * (part + 1) / parts
            if start < end { body(start..<end) }
        }
    }
}
