import Foundation

/// Synth's own `tokenizer.json`: the split pattern, the merges in order and the special
/// token names (ids follow from the order). Token bytes are implied by the merges.
///
/// ```json
/// {"format": "synth-bpe", "version": 1, "pattern": "cl100k",
///  "merges": [[116, 104], [32, 116], ...], "special_tokens": ["<|eos|>"]}
/// ```
extension Tokenizer {
    static let fileFormat = "synth-bpe"
    static let fileVersion = 1

    /// The file's JSON text.
    public func fileData() -> Data {
        var text = "{\"format\": \"\(Tokenizer.fileFormat)\", \"version\": \(Tokenizer.fileVersion), "
        text += "\"pattern\": \"\(pattern.rawValue)\",\n"
        if byteOrder != (0...255).map({ UInt8($0) }) {
            text += "\"byte_order\": [" + byteOrder.map(String.init).joined(separator: ", ") + "],\n"
        }
        text += "\"special_tokens\": ["
        text += specialTokenNames.map(jsonString).joined(separator: ", ")
        text += "],\n\"merges\": [\n"
        text += merges.map { "[\($0.0), \($0.1)]" }.joined(separator: ",\n")
        text += "\n]}\n"
        return Data(text.utf8)
    }

    /// Writes the tokenizer to `path` atomically (a temporary file renamed into place).
    public func write(to path: String) throws {
        do {
            try fileData().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BPEError.unreadableFile(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Loads a tokenizer written by ``write(to:)``, checking every field.
    public static func load(from path: String) throws -> Tokenizer {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BPEError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        return try load(data, path: path)
    }

    /// Parses a tokenizer file's contents; `path` names it in errors.
    public static func load(_ data: Data, path: String) throws -> Tokenizer {
        func corrupt(_ reason: String) -> BPEError { .corruptFile(path: path, reason: reason) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw corrupt("not JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw corrupt("the top level must be an object") }
        guard root["format"] as? String == fileFormat else {
            throw corrupt("\"format\" must be \"\(fileFormat)\" (for Hugging Face or tiktoken files, use `synth tokenizer convert`)")
        }
        guard let version = root["version"] as? Int, version == fileVersion else {
            throw corrupt("\"version\" must be \(fileVersion)")
        }
        guard let patternName = root["pattern"] as? String, let pattern = SplitPattern(rawValue: patternName) else {
            throw corrupt("\"pattern\" must be one of: \(["cl100k", "cl100k-single-digits"].joined(separator: ", "))")
        }
        guard let specials = root["special_tokens"] as? [String] else {
            throw corrupt("\"special_tokens\" must be an array of strings")
        }
        guard let mergeList = root["merges"] as? [[Int]] else {
            throw corrupt("\"merges\" must be an array of [left, right] id pairs")
        }
        var merges: [(Int32, Int32)] = []
        merges.reserveCapacity(mergeList.count)
        for (index, pair) in mergeList.enumerated() {
            guard pair.count == 2 else { throw corrupt("merge \(index) has \(pair.count) ids, expected 2") }
            guard pair[0] >= 0, pair[1] >= 0, pair[0] < 256 + index, pair[1] < 256 + index else {
                throw corrupt("merge \(index) joins (\(pair[0]), \(pair[1])), but only ids below \(256 + index) exist at that point")
            }
            merges.append((Int32(pair[0]), Int32(pair[1])))
        }
        var byteOrder = (0...255).map { UInt8($0) }
        if let order = root["byte_order"] {
            guard let values = order as? [Int], values.count == 256, values.allSatisfy({ (0...255).contains($0) }) else {
                throw corrupt("\"byte_order\" must list the 256 bytes")
            }
            byteOrder = values.map { UInt8($0) }
        }
        do {
            return try Tokenizer(pattern: pattern, merges: merges, specialTokens: specials, byteOrder: byteOrder)
        } catch let error as BPEError {
            throw corrupt("\(error)")
        }
    }
}

/// A JSON string literal for `text`: quotes, backslashes and control characters escaped.
/// (Here because BPE is the lowest module every writer of JSON text depends on.)
public func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
