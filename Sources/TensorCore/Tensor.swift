import Foundation

/// A block of 64-byte aligned Float32 memory, freed when the last tensor using it goes.
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of Float32 elements.
    public let count: Int

    /// Allocates `count` zeroed elements, or throws when the memory cannot be had.
    public init(count: Int, purpose: String = "a tensor") throws {
        precondition(count >= 0)
        let bytes = count * MemoryLayout<Float>.stride
        guard count <= Int.max / 8, let raw = alignedAllocate(bytes: bytes) else {
            throw TensorCoreError.allocationFailed(bytes: bytes, purpose: purpose)
        }
        memset(raw, 0, max(bytes, 1))
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
    }

    deinit { free(base) }
}

/// A Float32 tensor: contiguous row-major elements with a shape.
///
/// A tensor is a window onto shared ``TensorStorage``: copies of the value and views made
/// with ``rows(_:)`` or subscripts along the first axis see the same memory (as in
/// PyTorch), so nothing is copied unless ``copy()`` is asked for. Hot loops take
/// ``pointer`` and run on raw memory.
public struct Tensor: @unchecked Sendable {
    /// The memory this tensor is a window onto.
    public let storage: TensorStorage
    /// Element offset of the first element within `storage`.
    public let offset: Int
    /// Extents, outermost first. A scalar has shape `[]`.
    public let shape: [Int]

    /// A zero-filled tensor of the given shape.
    public init(zeros shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorCoreError.invalidShape(operation: "Tensor(zeros:)", shape: shape, reason: "extents must not be negative")
        }
        let count = shape.reduce(1, *)
        storage = try TensorStorage(count: count, purpose: "a tensor of shape \(formatShape(shape))")
        offset = 0
        self.shape = shape
    }

    /// A tensor holding `values` with the given shape; their count must match.
    public init(shape: [Int], values: [Float]) throws {
        try self.init(zeros: shape)
        guard values.count == count else {
            throw TensorCoreError.shapeMismatch(operation: "Tensor(shape:values:)", expected: shape, got: [values.count])
        }
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    private init(storage: TensorStorage, offset: Int, shape: [Int]) {
        self.storage = storage
        self.offset = offset
        self.shape = shape
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Elements per step along the first axis.
    public var rowStride: Int { shape.dropFirst().reduce(1, *) }

    /// The first element, for kernels.
    public var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// The elements as a buffer, for kernels and tests.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A view of rows `range` along the first axis; shares memory with `self`.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw TensorCoreError.invalidShape(operation: "Tensor.rows(\(range))", shape: shape, reason: "rows out of range")
        }
        var viewShape = shape
        viewShape[0] = range.count
        return Tensor(storage: storage, offset: offset + range.lowerBound * rowStride, shape: viewShape)
    }

    /// A view of one entry along the first axis (rank drops by one); shares memory.
    public func row(_ index: Int) throws -> Tensor {
        guard rank >= 1, index >= 0, index < shape[0] else {
            throw TensorCoreError.invalidShape(operation: "Tensor.row(\(index))", shape: shape, reason: "index out of range")
        }
        return Tensor(storage: storage, offset: offset + index * rowStride, shape: Array(shape.dropFirst()))
    }

    /// The same memory seen with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.allSatisfy({ $0 >= 0 }), newShape.reduce(1, *) == count else {
            throw TensorCoreError.shapeMismatch(operation: "Tensor.reshaped", expected: shape, got: newShape)
        }
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// A new tensor with its own memory and the same elements.
    public func copy() throws -> Tensor {
        let result = try Tensor(zeros: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// The elements as an array (a copy), for tests and small outputs.
    public var array: [Float] { Array(buffer) }

    /// Element at a full index, for tests and small outputs (not for hot loops).
    public subscript(index: Int...) -> Float {
        get { pointer[flatIndex(index)] }
        nonmutating set { pointer[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) has rank \(index.count), tensor has shape \(formatShape(shape))")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) out of range for shape \(formatShape(shape))")
            flat = flat * shape[axis] + i
        }
        return flat
    }
}
