/// Errors from training, loading and using a tokenizer. Each names the file or the value
/// at fault and what was expected.
public enum BPEError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case emptyCorpus(paths: [String])
    case vocabularyTooSmall(requested: Int, minimum: Int)
    case invalidSpecialToken(String, reason: String)
    case corruptFile(path: String, reason: String)
    case unknownTokenId(Int, vocabularySize: Int)
    case unknownSpecialToken(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): return "\(path): cannot read: \(reason)"
        case let .emptyCorpus(paths): return "\(paths.joined(separator: ", ")): the corpus is empty (no bytes to train on)"
        case let .vocabularyTooSmall(requested, minimum):
            return "vocabulary size \(requested) is too small: it must be at least \(minimum) (256 byte tokens plus the special tokens)"
        case let .invalidSpecialToken(token, reason): return "special token '\(token)': \(reason)"
        case let .corruptFile(path, reason): return "\(path): not a valid tokenizer file: \(reason)"
        case let .unknownTokenId(id, size): return "token id \(id) is outside the vocabulary 0..<\(size)"
        case let .unknownSpecialToken(name): return "unknown special token '\(name)'"
        }
    }
}
