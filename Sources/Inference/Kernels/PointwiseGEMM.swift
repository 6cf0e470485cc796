/// 1×1 convolutions on NHWC activations as a register-blocked matrix product written for these
/// shapes: many rows (pixels), few columns (channels), a short inner dimension. Each output row is
/// `act(bias + input_row · W)`.
///
/// Why not sgemm: OpenBLAS packs both operands on every call, and with inner dimensions of 16–320
/// the packing was a fifth of its time; bias and activation then cost another pass over the output.
/// Here the activations are read in place (NHWC rows are already contiguous along the inner
/// dimension), the weights are packed once when the graph is compiled, and the bias and activation
/// are applied in registers before the only store.
///
/// The micro-kernel keeps a 6 × 16 tile of outputs in twelve 8-float registers; per inner step it
/// loads 16 weights and broadcasts 6 activations (the classic layout for 16 vector registers with
/// fused multiply-add).
enum PointwiseGEMM {
    /// Rows per micro-kernel tile.
    static let tileRows = 6

    /// Whether a layer's output channels suit the panels (multiples of 8).
    static func supports(outChannels: Int) -> Bool { outChannels > 0 && outChannels % 8 == 0 }

    /// Packs `[oc][ic]` weights into column panels: 16 output channels wide (the last one 8 wide when
    /// `oc` is an odd multiple of 8), each stored as `[ic][width]` so the kernel reads it sequentially.
    static func pack(_ weights: [Float], outChannels oc: Int, inChannels ic: Int) -> [Float] {
        precondition(supports(outChannels: oc) && weights.count == oc * ic)
        var packed = [Float](repeating: 0, count: oc * ic)
        var offset = 0
        var column = 0
        while column < oc {
            let width = oc - column >= 16 ? 16 : 8
            for k in 0..<ic {
                for j in 0..<width { packed[offset + k * width + j] = weights[(column + j) * ic + k] }
            }
            offset += ic * width
            column += width
        }
        return packed
    }

    /// `output[r][n] = act(bias[n] + Σ_k input[r][k] · W[n][k])` for `rows` rows, `threads` threads.
    static func run(rows: Int, inChannels ic: Int, outChannels oc: Int, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, activation: Activation, threads: Int) {
        switch activation {
        case .none: run(rows, ic, oc, packed, bias, input, output, threads, IdentityActivation())
        case .relu: run(rows, ic, oc, packed, bias, input, output, threads, ReluActivation())
        case .clip(let low, let high): run(rows, ic, oc, packed, bias, input, output, threads, ClipActivation(low: low, high: high))
        case .sigmoid: run(rows, ic, oc, packed, bias, input, output, threads, SigmoidActivation())
        }
    }

    private static func run<A: ActivationKernel>(_ rows: Int, _ ic: Int, _ oc: Int, _ packed: UnsafePointer<Float>,
                                                 _ bias: UnsafePointer<Float>, _ input: UnsafePointer<Float>,
                                                 _ output: UnsafeMutablePointer<Float>, _ threads: Int, _ act: A) {
        // Row blocks whose activations (block × ic floats) stay in L2 while every panel passes over them.
        let block = max(tileRows, min(rows, (24_576 / max(1, ic)) / tileRows * tileRows))
        let blocks = (rows + block - 1) / block
        let input = SendableConstPointer(input), output = SendablePointer(output)
        let packed = SendableConstPointer(packed), bias = SendableConstPointer(bias)
        Parallel.forEach(blocks, threads: threads) { range in
            for index in range {
                let first = index * block
                let count = min(block, rows - first)
                var panel = packed.pointer
                var column = 0
                while column < oc {
                    let width = oc - column >= 16 ? 16 : 8
                    var row = 0
                    while row < count {
                        let tile = min(tileRows, count - row)
                        let a = input.pointer + (first + row) * ic
                        let c = output.pointer + (first + row) * oc + column
                        if width == 16 {
                            tile16(a, ic: ic, rows: tile, b: panel, bias: bias.pointer + column, c: c, ldc: oc, act)
                        } else {
                            tile8(a, ic: ic, rows: tile, b: panel, bias: bias.pointer + column, c: c, ldc: oc, act)
                        }
                        row += tileRows
                    }
                    panel += ic * width
                    column += width
                }
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Up to six rows × 16 columns. Rows past `rows` read the last real row (valid memory) and are
    /// never stored.
    @inline(__always)
    private static func tile16<A: ActivationKernel>(_ a: UnsafePointer<Float>, ic: Int, rows: Int, b: UnsafePointer<Float>,
                                                    bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, _ act: A) {
        let r0 = a
        let r1 = a + (rows > 1 ? ic : 0)
        let r2 = a + (rows > 2 ? 2 &* ic : 0)
        let r3 = a + (rows > 3 ? 3 &* ic : 0)
        let r4 = a + (rows > 4 ? 4 &* ic : 0)
        let r5 = a + (rows > 5 ? 5 &* ic : 0)
        let bias0 = load(bias), bias1 = load(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        var bp = b
        var k = 0
        while k < ic {
            let b0 = load(bp), b1 = load(bp + 8)
            var x = SIMD8<Float>(repeating: r0[k])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: r1[k])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: r2[k])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: r3[k])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: r4[k])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: r5[k])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            bp += 16
            k &+= 1
        }
        store(act(c00), c); store(act(c01), c + 8)
        if rows > 1 { store(act(c10), c + ldc); store(act(c11), c + ldc + 8) }
        if rows > 2 { store(act(c20), c + 2 &* ldc); store(act(c21), c + 2 &* ldc + 8) }
        if rows > 3 { store(act(c30), c + 3 &* ldc); store(act(c31), c + 3 &* ldc + 8) }
        if rows > 4 { store(act(c40), c + 4 &* ldc); store(act(c41), c + 4 &* ldc + 8) }
        if rows > 5 { store(act(c50), c + 5 &* ldc); store(act(c51), c + 5 &* ldc + 8) }
    }

    /// Up to six rows × 8 columns (the narrow last panel).
    @inline(__always)
    private static func tile8<A: ActivationKernel>(_ a: UnsafePointer<Float>, ic: Int, rows: Int, b: UnsafePointer<Float>,
                                                   bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, _ act: A) {
        let r0 = a
        let r1 = a + (rows > 1 ? ic : 0)
        let r2 = a + (rows > 2 ? 2 &* ic : 0)
        let r3 = a + (rows > 3 ? 3 &* ic : 0)
        let r4 = a + (rows > 4 ? 4 &* ic : 0)
        let r5 = a + (rows > 5 ? 5 &* ic : 0)
        let bias0 = load(bias)
        var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
        var bp = b
        var k = 0
        while k < ic {
            let b0 = load(bp)
            c0 = c0.addingProduct(SIMD8<Float>(repeating: r0[k]), b0)
            c1 = c1.addingProduct(SIMD8<Float>(repeating: r1[k]), b0)
            c2 = c2.addingProduct(SIMD8<Float>(repeating: r2[k]), b0)
            c3 = c3.addingProduct(SIMD8<Float>(repeating: r3[k]), b0)
            c4 = c4.addingProduct(SIMD8<Float>(repeating: r4[k]), b0)
            c5 = c5.addingProduct(SIMD8<Float>(repeating: r5[k]), b0)
            bp += 8
            k &+= 1
        }
        store(act(c0), c)
        if rows > 1 { store(act(c1), c + ldc) }
        if rows > 2 { store(act(c2), c + 2 &* ldc) }
        if rows > 3 { store(act(c3), c + 3 &* ldc) }
        if rows > 4 { store(act(c4), c + 4 &* ldc) }
        if rows > 5 { store(act(c5), c + 5 &* ldc) }
    }
}
