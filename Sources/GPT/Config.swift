/// The shape of a GPT-2 model.
public struct ModelConfig: Equatable, Sendable, Codable {
    /// Transformer blocks (L).
    public var layers: Int
    /// Attention heads per block (NH).
    public var heads: Int
    /// Embedding width (C).
    public var channels: Int
    /// Longest sequence, the number of learned positions (maxT).
    public var blockSize: Int
    /// Vocabulary size (V).
    public var vocabularySize: Int

    public init(layers: Int, heads: Int, channels: Int, blockSize: Int, vocabularySize: Int) {
        self.layers = layers
        self.heads = heads
        self.channels = channels
        self.blockSize = blockSize
        self.vocabularySize = vocabularySize
    }

    /// Presets by name, each with the vocabulary given.
    public static func preset(_ name: String, vocabularySize: Int) -> ModelConfig? {
        switch name {
        case "tiny": return ModelConfig(layers: 2, heads: 2, channels: 64, blockSize: 64, vocabularySize: vocabularySize)
        case "char": return ModelConfig(layers: 4, heads: 4, channels: 128, blockSize: 64, vocabularySize: vocabularySize)
        case "small": return ModelConfig(layers: 6, heads: 6, channels: 384, blockSize: 256, vocabularySize: vocabularySize)
        case "base": return ModelConfig(layers: 12, heads: 12, channels: 768, blockSize: 1024, vocabularySize: vocabularySize)
        default: return nil
        }
    }

    public static let presetNames = ["tiny", "char", "small", "base"]

    /// Checks the shape is usable: positive sizes, channels divisible by heads.
    public func validate() throws {
        guard layers > 0, heads > 0, channels > 0, blockSize > 0, vocabularySize > 0 else {
            throw GPTError.invalidConfig("every size must be positive: \(self)")
        }
        guard channels % heads == 0 else {
            throw GPTError.invalidConfig("channels \(channels) must be a multiple of heads \(heads)")
        }
    }
}

/// Errors of the GPT module, each saying what was expected.
public enum GPTError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case sequenceTooLong(length: Int, blockSize: Int)
    case tokenOutOfRange(token: Int32, position: Int, vocabularySize: Int)
    case allocationFailed(String)

    public var description: String {
        switch self {
        case let .invalidConfig(reason): return "invalid model configuration: \(reason)"
        case let .sequenceTooLong(length, blockSize): return "sequence of \(length) tokens is longer than the block size \(blockSize)"
        case let .tokenOutOfRange(token, position, size): return "token \(token) at position \(position) is outside the vocabulary 0..<\(size)"
        case let .allocationFailed(what): return "cannot allocate \(what)"
        }
    }
}
