import Foundation

// Export to and import from the files of the peers users already have, so a model trained
// here can be tokenized from Python: tiktoken's rank file (base64 bytes and a rank per
// line) and Hugging Face's tokenizer.json (ByteLevel BPE).

extension SplitPattern {
    /// The pattern as the regular expression tiktoken and Hugging Face run.
    public var regex: String {
        let digits = self == .cl100k ? "{1,3}" : ""
        return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"# + digits
            + #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    }

    /// The pattern a peer file's regular expression is, if it is one of ours.
    public init?(regex: String) {
        guard let match = [SplitPattern.cl100k, .cl100kSingleDigits].first(where: { $0.regex == regex }) else { return nil }
        self = match
    }
}

/// GPT-2's map from bytes to printable characters, which byte-level BPE files use to
/// write tokens as strings.
let byteLevelCharacters: [Character] = {
    var printable = Array(33...126) + Array(161...172) + Array(174...255)
    var characters = [Character](repeating: " ", count: 256)
    for byte in printable { characters[byte] = Character(Unicode.Scalar(UInt32(byte))!) }
    var next = 256
    for byte in 0..<256 where !printable.contains(byte) {
        characters[byte] = Character(Unicode.Scalar(UInt32(next))!)
        next += 1
        printable.append(byte)
    }
    return characters
}()

let byteOfByteLevelCharacter: [Character: UInt8] = {
    var map: [Character: UInt8] = [:]
    for (byte, character) in byteLevelCharacters.enumerated() { map[character] = UInt8(byte) }
    return map
}()

extension Tokenizer {
    /// Ids whose bytes an earlier id already has (possible when two merges make the same
    /// bytes); peers' files key tokens by bytes, so these are left out of them.
    private var duplicateIds: Set<Int> {
        var seen = Set<[UInt8]>(), duplicates = Set<Int>()
        for (id, bytes) in tokenBytes.enumerated() where !seen.insert(bytes).inserted { duplicates.insert(id) }
        return duplicates
    }

    // MARK: tiktoken

    /// tiktoken's rank file: `base64(bytes) rank` per line, ranks being Synth's ids.
    /// Special tokens are not part of it (tiktoken takes them separately).
    public func tiktokenData() -> Data {
        let skip = duplicateIds
        var text = ""
        for (id, bytes) in tokenBytes.enumerated() where !skip.contains(id) {
            text += Data(bytes).base64EncodedString() + " \(id)\n"
        }
        return Data(text.utf8)
    }

    /// Reads a tiktoken rank file; the split pattern and special tokens are not in it.
    public static func fromTiktoken(_ data: Data, pattern: SplitPattern, specialTokens: [String] = [],
                                    source: String) throws -> Tokenizer {
        func corrupt(_ reason: String) -> BPEError { .corruptFile(path: source, reason: reason) }
        var ranked: [Int: [UInt8]] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let bytes = Data(base64Encoded: String(fields[0])), let rank = Int(fields[1]), rank >= 0 else {
                throw corrupt("line \(index + 1) is not 'BASE64 RANK'")
            }
            guard ranked[rank] == nil else { throw corrupt("line \(index + 1) repeats rank \(rank)") }
            ranked[rank] = [UInt8](bytes)
        }
        guard let last = ranked.keys.max(), last + 1 == ranked.count else {
            throw corrupt("ranks must run from 0 without gaps")
        }
        return try Tokenizer(pattern: pattern, rankedTokens: (0...last).map { ranked[$0]! },
                             specialTokens: specialTokens, source: source)
    }

    // MARK: Hugging Face

    private func byteLevelString(_ id: Int) -> String {
        String(tokenBytes[id].map { byteLevelCharacters[Int($0)] })
    }

    /// A Hugging Face `tokenizer.json` (BPE model, Split + ByteLevel pre-tokenizer, ByteLevel
    /// decoder) that `tokenizers.Tokenizer.from_file` loads and that encodes as Synth does.
    public func huggingFaceData() -> Data {
        let skip = duplicateIds
        var text = "{\n\"version\": \"1.0\", \"truncation\": null, \"padding\": null,\n\"added_tokens\": ["
        text += specialTokenNames.map { name in
            "{\"id\": \(specialTokens[name]!), \"content\": \(jsonString(name)), \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}"
        }.joined(separator: ", ")
        text += "],\n\"normalizer\": null,\n"
        text += "\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": ["
        text += "{\"type\": \"Split\", \"pattern\": {\"Regex\": \(jsonString(pattern.regex))}, \"behavior\": \"Isolated\", \"invert\": false}, "
        text += "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": false, \"use_regex\": false}]},\n"
        text += "\"post_processor\": null,\n"
        text += "\"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": false, \"use_regex\": false},\n"
        text += "\"model\": {\"type\": \"BPE\", \"dropout\": null, \"unk_token\": null, \"continuing_subword_prefix\": null, "
        text += "\"end_of_word_suffix\": null, \"fuse_unk\": false, \"byte_fallback\": false, \"ignore_merges\": false,\n\"vocab\": {\n"
        text += (0..<mergeableCount).filter { !skip.contains($0) }
            .map { "\(jsonString(byteLevelString($0))): \($0)" }.joined(separator: ",\n")
        text += "\n},\n\"merges\": [\n"
        text += merges.enumerated().filter { !skip.contains(256 + $0.offset) }
            .map { "[\(jsonString(byteLevelString(Int($0.element.0)))), \(jsonString(byteLevelString(Int($0.element.1))))]" }
            .joined(separator: ",\n")
        text += "\n]}\n}\n"
        return Data(text.utf8)
    }

    /// Reads a Hugging Face ByteLevel BPE `tokenizer.json` whose vocabulary ids are ranks
    /// (what its BPE trainer writes) and whose special tokens follow the vocabulary.
    public static func fromHuggingFace(_ data: Data, source: String) throws -> Tokenizer {
        func corrupt(_ reason: String) -> BPEError { .corruptFile(path: source, reason: reason) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw corrupt("not a JSON object")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "BPE",
              let vocabulary = model["vocab"] as? [String: Int] else {
            throw corrupt("\"model\" must be a BPE model with a \"vocab\" object")
        }
        guard let regex = findSplitRegex(root["pre_tokenizer"]), let pattern = SplitPattern(regex: regex) else {
            throw corrupt("the pre-tokenizer must be a Split on the GPT-4 (cl100k) pattern followed by ByteLevel")
        }
        var ranked = [[UInt8]?](repeating: nil, count: vocabulary.count)
        for (string, id) in vocabulary {
            guard id >= 0, id < vocabulary.count, ranked[id] == nil else {
                throw corrupt("vocabulary ids must run from 0 to \(vocabulary.count - 1), each once (id \(id))")
            }
            var bytes: [UInt8] = []
            for character in string {
                guard let byte = byteOfByteLevelCharacter[character] else {
                    throw corrupt("token \(jsonString(string)) is not written in byte-level characters")
                }
                bytes.append(byte)
            }
            ranked[id] = bytes
        }
        var specials: [(Int, String)] = []
        for token in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = token["id"] as? Int, let content = token["content"] as? String else {
                throw corrupt("an added token lacks \"id\" or \"content\"")
            }
            specials.append((id, content))
        }
        specials.sort { $0.0 < $1.0 }
        for (offset, (id, content)) in specials.enumerated() where id != vocabulary.count + offset {
            throw corrupt("special token \(jsonString(content)) has id \(id); Synth needs special tokens right after the vocabulary (id \(vocabulary.count + offset))")
        }
        return try Tokenizer(pattern: pattern, rankedTokens: ranked.map { $0! }, specialTokens: specials.map(\.1),
                             source: source)
    }
}

/// The Split regex inside a (possibly Sequence) Hugging Face pre-tokenizer.
private func findSplitRegex(_ node: Any?) -> String? {
    guard let object = node as? [String: Any] else { return nil }
    if object["type"] as? String == "Split", let pattern = object["pattern"] as? [String: Any] {
        return pattern["Regex"] as? String
    }
    for child in object["pretokenizers"] as? [Any] ?? [] {
        if let found = findSplitRegex(child) { return found }
    }
    return nil
}
