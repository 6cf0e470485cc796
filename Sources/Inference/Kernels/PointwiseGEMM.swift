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
    /// Inner-dimension slice: 256 × 16 weights are 16 KB, half of L1.
    static let depthSlice = 256

    /// Where a tile's sums start (the bias, or the partial sums already stored) and whether the
    /// activation is applied before storing (only after the last slice).
    struct Accumulation {
        var first: Bool
        var last: Bool
    }

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
                    // Long inner dimensions in slices whose panel part (slice × 16 floats) stays in L1
                    // across the row tiles; partial sums go through the output between slices.
                    var k0 = 0
                    while k0 < ic {
                        let depth = min(depthSlice, ic - k0)
                        let mode = Accumulation(first: k0 == 0, last: k0 + depth == ic)
                        var row = 0
                        while row < count {
                            let tile = min(tileRows, count - row)
                            let a = input.pointer + (first + row) * ic + k0
                            let c = output.pointer + (first + row) * oc + column
                            if width == 16 {
                                tile16(a, lda: ic, depth: depth, rows: tile, b: panel + k0 * 16, bias: bias.pointer + column, c: c, ldc: oc,
                                       mode, act)
                            } else {
                                tile8(a, lda: ic, depth: depth, rows: tile, b: panel + k0 * 8, bias: bias.pointer + column, c: c, ldc: oc,
                                      mode, act)
                            }
                            row += tileRows
                        }
                        k0 += depth
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

    /// The six input rows a tile reads. Rows past `rows` read the first row again (valid memory);
    /// their sums are never stored.
    @inline(__always)
    private static func rowPointers(_ a: UnsafePointer<Float>, lda: Int, rows: Int)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
        (a, a + (rows > 1 ? lda : 0), a + (rows > 2 ? 2 &* lda : 0), a + (rows > 3 ? 3 &* lda : 0),
         a + (rows > 4 ? 4 &* lda : 0), a + (rows > 5 ? 5 &* lda : 0))
    }

    /// Up to six rows × 16 columns (see `rowPointers` for short tiles).
    @inline(__always)
    private static func tile16<A: ActivationKernel>(_ a: UnsafePointer<Float>, lda: Int, depth: Int, rows: Int, b: UnsafePointer<Float>,
                                                    bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                                    _ mode: Accumulation, _ act: A) {
        let (r0, r1, r2, r3, r4, r5) = rowPointers(a, lda: lda, rows: rows)
        let bias0 = load(bias), bias1 = load(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        if !mode.first {
            // Rows past `rows` keep the bias: they are never stored.
            c00 = load(c); c01 = load(c + 8)
            if rows > 1 { c10 = load(c + ldc); c11 = load(c + ldc + 8) }
            if rows > 2 { c20 = load(c + 2 &* ldc); c21 = load(c + 2 &* ldc + 8) }
            if rows > 3 { c30 = load(c + 3 &* ldc); c31 = load(c + 3 &* ldc + 8) }
            if rows > 4 { c40 = load(c + 4 &* ldc); c41 = load(c + 4 &* ldc + 8) }
            if rows > 5 { c50 = load(c + 5 &* ldc); c51 = load(c + 5 &* ldc + 8) }
        }
        var bp = b
        var k = 0
        while k < depth {
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
        if mode.last {
            c00 = act(c00); c01 = act(c01); c10 = act(c10); c11 = act(c11); c20 = act(c20); c21 = act(c21)
            c30 = act(c30); c31 = act(c31); c40 = act(c40); c41 = act(c41); c50 = act(c50); c51 = act(c51)
        }
        store(c00, c); store(c01, c + 8)
        if rows > 1 { store(c10, c + ldc); store(c11, c + ldc + 8) }
        if rows > 2 { store(c20, c + 2 &* ldc); store(c21, c + 2 &* ldc + 8) }
        if rows > 3 { store(c30, c + 3 &* ldc); store(c31, c + 3 &* ldc + 8) }
        if rows > 4 { store(c40, c + 4 &* ldc); store(c41, c + 4 &* ldc + 8) }
        if rows > 5 { store(c50, c + 5 &* ldc); store(c51, c + 5 &* ldc + 8) }
    }

    /// Up to six rows × 8 columns (the narrow last panel).
    @inline(__always)
    private static func tile8<A: ActivationKernel>(_ a: UnsafePointer<Float>, lda: Int, depth: Int, rows: Int, b: UnsafePointer<Float>,
                                                   bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                                                   _ mode: Accumulation, _ act: A) {
        let (r0, r1, r2, r3, r4, r5) = rowPointers(a, lda: lda, rows: rows)
        let bias0 = load(bias)
        var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
        if !mode.first {
            c0 = load(c)
            if rows > 1 { c1 = load(c + ldc) }
            if rows > 2 { c2 = load(c + 2 &* ldc) }
            if rows > 3 { c3 = load(c + 3 &* ldc) }
            if rows > 4 { c4 = load(c + 4 &* ldc) }
            if rows > 5 { c5 = load(c + 5 &* ldc) }
        }
        var bp = b
        var k = 0
        while k < depth {
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
        if mode.last { c0 = act(c0); c1 = act(c1); c2 = act(c2); c3 = act(c3); c4 = act(c4); c5 = act(c5) }
        store(c0, c)
        if rows > 1 { store(c1, c + ldc) }
        if rows > 2 { store(c2, c + 2 &* ldc) }
        if rows > 3 { store(c3, c + 3 &* ldc) }
        if rows > 4 { store(c4, c + 4 &* ldc) }
        if rows > 5 { store(c5, c + 5 &* ldc) }
    }
}
