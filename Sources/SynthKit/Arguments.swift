/// A command line being taken apart: flags and options are removed as they are read, and
/// ``finish()`` rejects whatever is left, so a misspelt option is an error, not ignored.
///
/// Options are written `--name value` or `--name=value`.
public struct Arguments {
    /// Words not yet consumed, in order.
    public private(set) var remaining: [String]

    public init(_ words: [String]) { remaining = words }

    /// True if `--name` is present (and removes it).
    public mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: index)
        return true
    }

    /// Every value of a repeatable option, in order (and removes them).
    public mutating func values(_ name: String) throws -> [String] {
        var found: [String] = []
        var index = 0
        while index < remaining.count {
            let word = remaining[index]
            if word == name {
                guard index + 1 < remaining.count, !remaining[index + 1].hasPrefix("--") else {
                    throw UsageError("option \(name) needs a value")
                }
                found.append(remaining[index + 1])
                remaining.removeSubrange(index...(index + 1))
            } else if word.hasPrefix(name + "=") {
                found.append(String(word.dropFirst(name.count + 1)))
                remaining.remove(at: index)
            } else {
                index += 1
            }
        }
        return found
    }

    /// The value of an option given at most once, or nil.
    public mutating func value(_ name: String) throws -> String? {
        let all = try values(name)
        guard all.count <= 1 else { throw UsageError("option \(name) given \(all.count) times") }
        return all.first
    }

    /// An integer option within `range`, or `defaultValue` when absent.
    public mutating func integer(_ name: String, default defaultValue: Int? = nil,
                                 in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = try value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("option \(name) expects an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// Removes and returns the next positional word, if any.
    public mutating func next() -> String? {
        remaining.isEmpty ? nil : remaining.removeFirst()
    }

    /// Throws if anything was not consumed.
    public func finish() throws {
        if let first = remaining.first {
            throw UsageError(first.hasPrefix("-") ? "unknown option '\(first)'" : "unexpected argument '\(first)'")
        }
    }
}

/// A mistake in how a command was called; the CLI prints it with the usage and exits 2.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
