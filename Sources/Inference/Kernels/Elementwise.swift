#if canImport(Glibc)
import Glibc
#endif

/// Element-wise kernels: activations, per-channel affine, broadcast binary operators, layout changes.
enum Elementwise {
    static func activation(_ activation: Activation, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        if UnsafePointer(output) != input { output.update(from: input, count: count) }
        // Treat the buffer as rows of one channel with no bias: the epilogue does the rest.
        Epilogue.apply(output, rows: 1, channels: count, scale: nil, shift: nil, activation: activation, threads: 1)
    }

    /// `out[outer][c][inner] = act(in * scale[c] + shift[c])`; NHWC is the case inner = 1 with outer = N*H*W.
    static func affine(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, activation: Activation, input: UnsafePointer<Float>,
                       output: UnsafeMutablePointer<Float>, outer: Int, channels: Int, inner: Int, threads: Int) {
        if UnsafePointer(output) != input { output.update(from: input, count: outer * channels * inner) }
        if inner == 1 {
            Epilogue.apply(output, rows: outer, channels: channels, scale: scale, shift: shift, activation: activation, threads: threads)
            return
        }
        for o in 0..<outer {
            for c in 0..<channels {
                let row = output + (o * channels + c) * inner
                for i in 0..<inner { row[i] = row[i] * scale[c] + shift[c] }
                Epilogue.apply(row, rows: 1, channels: inner, scale: nil, shift: nil, activation: activation, threads: 1)
            }
        }
    }

    /// Broadcast binary operation over up to 4 physical dimensions: strides are in elements, 0 where broadcast.
    static func binary(_ kind: BinaryKind, _ a: UnsafePointer<Float>, _ aStrides: [Int], _ b: UnsafePointer<Float>, _ bStrides: [Int],
                       output: UnsafeMutablePointer<Float>, shape: [Int]) {
        let count = shape.reduce(1, *)
        let contiguous = contiguousStrides(shape)
        func op(_ x: Float, _ y: Float) -> Float {
            switch kind {
            case .add: return x + y
            case .sub: return x - y
            case .mul: return x * y
            case .div: return x / y
            }
        }
        if aStrides == contiguous && bStrides == contiguous {
            switch kind {
            case .add: for i in 0..<count { output[i] = a[i] + b[i] }
            case .mul: for i in 0..<count { output[i] = a[i] * b[i] }
            case .sub: for i in 0..<count { output[i] = a[i] - b[i] }
            case .div: for i in 0..<count { output[i] = a[i] / b[i] }
            }
            return
        }
        let (d0, d1, d2, d3) = (shape[0], shape[1], shape[2], shape[3])
        var index = 0
        for i0 in 0..<d0 {
            for i1 in 0..<d1 {
                for i2 in 0..<d2 {
                    let aBase = i0 * aStrides[0] + i1 * aStrides[1] + i2 * aStrides[2]
                    let bBase = i0 * bStrides[0] + i1 * bStrides[1] + i2 * bStrides[2]
                    let a3 = aStrides[3], b3 = bStrides[3]
                    for i3 in 0..<d3 {
                        output[index] = op(a[aBase + i3 * a3], b[bBase + i3 * b3])
                        index += 1
                    }
                }
            }
        }
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// NCHW → NHWC (`toChannelsLast`) or back.
    static func transpose(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int, channels: Int, pixels: Int, toChannelsLast: Bool) {
        for n in 0..<batch {
            let src = input + n * channels * pixels
            let dst = output + n * channels * pixels
            if toChannelsLast {
                for c in 0..<channels { for p in 0..<pixels { dst[p * channels + c] = src[c * pixels + p] } }
            } else {
                for p in 0..<pixels { for c in 0..<channels { dst[c * pixels + p] = src[p * channels + c] } }
            }
        }
    }

    /// Softmax along a physical axis of length `length` with `inner` elements between its entries.
    static func softmax(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, outer: Int, length: Int, inner: Int) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var maximum = -Float.infinity
                for k in 0..<length { maximum = max(maximum, input[base + k * inner]) }
                var sum: Float = 0
                for k in 0..<length {
                    let e = expf(input[base + k * inner] - maximum)
                    output[base + k * inner] = e
                    sum += e
                }
                for k in 0..<length { output[base + k * inner] /= sum }
            }
        }
    }

    /// Concatenation along a physical axis: each input contributes `lengths[k] * inner` floats per outer index.
    static func concat(_ inputs: [UnsafePointer<Float>], lengths: [Int], output: UnsafeMutablePointer<Float>, outer: Int, inner: Int) {
        let total = lengths.reduce(0, +)
        for o in 0..<outer {
            var offset = 0
            for (input, length) in zip(inputs, lengths) {
                (output + (o * total + offset) * inner).update(from: input + o * length * inner, count: length * inner)
                offset += length
            }
        }
    }

    /// Constant padding over physical dimensions; `before`/`after` per dimension.
    static func pad(_ input: UnsafePointer<Float>, shape: [Int], before: [Int], after: [Int], value: Float, output: UnsafeMutablePointer<Float>) {
        let outShape = zip(shape, zip(before, after)).map { $0 + $1.0 + $1.1 }
        let outCount = outShape.reduce(1, *)
        output.update(repeating: value, count: outCount)
        let outStrides = contiguousStrides(outShape)
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        let last = shape.count - 1
        let rowLength = shape[last]
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        while source < count {
            var destination = before[last]
            for axis in 0..<last { destination += (index[axis] + before[axis]) * outStrides[axis] }
            (output + destination).update(from: input + source, count: rowLength)
            source += rowLength
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { break }
        }
    }

    /// Mean over a set of physical axes, output in the remaining axes' physical order.
    static func reduceMean(_ input: UnsafePointer<Float>, shape: [Int], axes: Set<Int>, output: UnsafeMutablePointer<Float>) {
        let outShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let outCount = outShape.reduce(1, *)
        output.update(repeating: 0, count: outCount)
        let outStrides = contiguousStrides(outShape)
        let count = shape.reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count)
        for source in 0..<count {
            var destination = 0
            for axis in shape.indices where !axes.contains(axis) { destination += index[axis] * outStrides[axis] }
            output[destination] += input[source]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        let scale = Float(outCount) / Float(max(1, count))
        for i in 0..<outCount { output[i] *= scale }
    }
}
