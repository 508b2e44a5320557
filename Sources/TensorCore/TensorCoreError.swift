/// Errors raised by TensorCore at its API boundary (kernels on raw pointers check with
/// preconditions instead: their callers have already validated shapes).
public enum TensorCoreError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that had to agree did not; `operation` names what was attempted.
    case shapeMismatch(operation: String, expected: [Int], got: [Int])
    /// A shape was invalid on its own (negative extent, wrong rank, ...).
    case invalidShape(operation: String, shape: [Int], reason: String)
    /// The system could not provide memory for a tensor or workspace.
    case allocationFailed(bytes: Int, purpose: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, got):
            return "\(operation): shape mismatch, expected \(formatShape(expected)) but got \(formatShape(got))"
        case let .invalidShape(operation, shape, reason):
            return "\(operation): invalid shape \(formatShape(shape)): \(reason)"
        case let .allocationFailed(bytes, purpose):
            let mib = Double(bytes) / 1_048_576
            return "cannot allocate \(bytes) bytes (\(String(format: "%.1f", mib)) MiB) for \(purpose)"
        }
    }
}

/// `[2, 3]` → `(2, 3)`, the way shapes are written in messages and comments.
public func formatShape(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
