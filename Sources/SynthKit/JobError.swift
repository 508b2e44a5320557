/// A failure of a `fit`, `sample` or `generate` job, with a message that names the file,
/// line or column at fault and what was expected.
public struct JobError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}
