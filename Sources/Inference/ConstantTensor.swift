/// A tensor known at load time (an initializer or a Constant node), stored as floats in logical
/// row-major (NCHW) order; integer tensors keep their exact values too, for shapes and axes.
struct ConstantTensor: Sendable {
    var shape: [Int]
    var floats: [Float]
    var integers: [Int]?

    var count: Int { shape.reduce(1, *) }

    init(shape: [Int], floats: [Float]) {
        self.shape = shape
        self.floats = floats
        self.integers = nil
    }

    init(shape: [Int], integers: [Int]) {
        self.shape = shape
        self.integers = integers
        self.floats = integers.map { Float($0) }
    }

    /// Integer view: exact for integer tensors, rounded for float ones.
    var intValues: [Int] { integers ?? floats.map { Int($0.rounded()) } }
}
