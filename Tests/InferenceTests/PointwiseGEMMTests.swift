import Testing
@testable import Inference

@Suite("PointwiseGEMM: the 1×1 convolution kernel against a plain triple loop")
struct PointwiseGEMMTests {
    /// act(bias + input · Wᵀ) computed the obvious way, in Double.
    static func reference(rows: Int, ic: Int, oc: Int, weights: [Float], bias: [Float], input: [Float],
                          activation: (Double) -> Double) -> [Float] {
        var out = [Float](repeating: 0, count: rows * oc)
        for r in 0..<rows {
            for n in 0..<oc {
                var sum = Double(bias[n])
                for k in 0..<ic { sum += Double(input[r * ic + k]) * Double(weights[n * ic + k]) }
                out[r * oc + n] = Float(activation(sum))
            }
        }
        return out
    }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in Float(generator.nextUnit() * 2 - 1) }
    }

    @Test("every tile shape: row remainders 1–5, narrow last panels, short and long inner dimensions, threads", arguments: [
        (rows: 1, ic: 1, oc: 8, threads: 1), (rows: 5, ic: 7, oc: 16, threads: 1), (rows: 6, ic: 16, oc: 24, threads: 1),
        (rows: 13, ic: 33, oc: 40, threads: 2), (rows: 100, ic: 96, oc: 24, threads: 2), (rows: 49, ic: 1152, oc: 192, threads: 2),
        (rows: 3000, ic: 16, oc: 96, threads: 3), (rows: 7, ic: 320, oc: 8, threads: 4),
    ])
    func matchesReference(_ shape: (rows: Int, ic: Int, oc: Int, threads: Int)) {
        let weights = Self.values(shape.oc * shape.ic, seed: 1)
        let bias = Self.values(shape.oc, seed: 2)
        let input = Self.values(shape.rows * shape.ic, seed: 3)
        let packed = PointwiseGEMM.pack(weights, outChannels: shape.oc, inChannels: shape.ic)
        let cases: [(Activation, (Double) -> Double)] = [
            (.none, { $0 }), (.relu, { max($0, 0) }), (.clip(0, 6), { min(max($0, 0), 6) }),
        ]
        for (activation, function) in cases {
            // A guard band after the output proves no tile writes past the last row.
            var output = [Float](repeating: .nan, count: shape.rows * shape.oc + 64)
            packed.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    input.withUnsafeBufferPointer { x in
                        output.withUnsafeMutableBufferPointer { y in
                            PointwiseGEMM.run(rows: shape.rows, inChannels: shape.ic, outChannels: shape.oc, packed: w.baseAddress!,
                                              bias: b.baseAddress!, input: x.baseAddress!, output: y.baseAddress!,
                                              activation: activation, threads: shape.threads)
                        }
                    }
                }
            }
            let expected = Self.reference(rows: shape.rows, ic: shape.ic, oc: shape.oc, weights: weights, bias: bias,
                                          input: input, activation: function)
            let worst = zip(output, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-4 * Float(max(1, shape.ic / 16)), "\(activation): max |Δ| \(worst)")
            let guardBand = output[(shape.rows * shape.oc)...]
            #expect(guardBand.allSatisfy { $0.isNaN }, "\(activation): wrote past the output")
        }
    }

    @Test("panels: 16 channels wide, the last 8 wide for an odd multiple of 8, each stored inner dimension first")
    func packingLayout() {
        let ic = 3, oc = 24
        let weights = (0..<(oc * ic)).map(Float.init)
        let packed = PointwiseGEMM.pack(weights, outChannels: oc, inChannels: ic)
        #expect(packed.count == oc * ic)
        // First panel: [k][j] = W[j][k].
        #expect(packed[0] == weights[0 * ic + 0])
        #expect(packed[1] == weights[1 * ic + 0])
        #expect(packed[16] == weights[0 * ic + 1])
        // Second panel (8 wide) starts after 16 × ic values.
        #expect(packed[16 * ic] == weights[16 * ic + 0])
        #expect(packed[16 * ic + 8] == weights[16 * ic + 1])
        #expect(PointwiseGEMM.supports(outChannels: 24))
        #expect(!PointwiseGEMM.supports(outChannels: 12))
    }
}
