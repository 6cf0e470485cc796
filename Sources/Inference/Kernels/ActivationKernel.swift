#if canImport(Glibc)
import Glibc
#endif

/// Element-wise activations as specialisable kernels, so fused epilogues compile to vector loops.
protocol ActivationKernel: Sendable {
    func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float>
    func callAsFunction(_ x: Float) -> Float
}

struct IdentityActivation: ActivationKernel {
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { x }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x }
}

struct ReluActivation: ActivationKernel {
    // Comparisons, not pointwiseMax: the generic helpers were not inlined and dominated profiles.
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: 0, where: x .< 0) }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) }
}

struct ClipActivation: ActivationKernel {
    let low: Float
    let high: Float
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, low), high) }
}

struct SigmoidActivation: ActivationKernel {
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var result = x
        for i in 0..<8 { result[i] = self(x[i]) }
        return result
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}

