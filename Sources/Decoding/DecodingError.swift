/// Errors of generation and of compiling constraints, each saying what was expected.
public enum DecodingError: Error, CustomStringConvertible, Equatable {
    case undefinedRule(String)
    case leftRecursion(cycle: [String])
    case neverFinishes(rule: String)
    case emptyLanguage
    case invalidRepetition(rule: String, minimum: Int, maximum: Int?)
    case unknownSpecialToken(String)
    /// The constraint allows no token (and cannot finish) after the text so far.
    case deadEnd(sequence: Int, text: String)
    /// The constraint cannot be finished within the token budget from the start.
    case budgetTooSmall(needed: Int, budget: Int)
    case promptTooLong(sequence: Int, length: Int, blockSize: Int)
    case promptRejected(sequence: Int, reason: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .undefinedRule(name): return "grammar: rule '\(name)' is used but never defined"
        case let .leftRecursion(cycle):
            return "grammar: left recursion (\(cycle.joined(separator: " -> "))): a rule must read a symbol before it calls itself"
        case let .neverFinishes(rule): return "grammar: rule '\(rule)' can never finish (every alternative recurses forever)"
        case .emptyLanguage: return "constraint matches no output at all"
        case let .invalidRepetition(rule, minimum, maximum):
            return "grammar: rule '\(rule)': repetition {\(minimum),\(maximum.map(String.init) ?? "")} needs 0 <= min <= max"
        case let .unknownSpecialToken(name): return "grammar uses special token \(name), which the vocabulary does not have"
        case let .deadEnd(sequence, text):
            return "sequence \(sequence): no token can continue the constrained output after \(text.debugDescription)"
        case let .budgetTooSmall(needed, budget):
            return "the shortest output the constraint allows needs \(needed) tokens, more than the budget of \(budget)"
        case let .promptTooLong(sequence, length, blockSize):
            return "prompt \(sequence) has \(length) tokens; the model's context is \(blockSize) (leave room to generate)"
        case let .promptRejected(sequence, reason): return "prompt \(sequence): \(reason)"
        case let .invalidOption(reason): return reason
        }
    }
}
