// Checkpoint bundles (DESIGN.md): a directory with `model.safetensors` (Hugging Face GPT-2
// tensor names and layouts, float32) and `config.json` that
// `transformers.GPT2LMHeadModel.from_pretrained(dir)` accepts. Every file is written to a
// temporary name, flushed to disk and renamed, so a crash never leaves half a file.

import Foundation
import TensorCore

/// Errors reading or writing a checkpoint; each names the file and what was expected.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case mismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read or write: \(reason)"
        case let .corrupt(path, reason): return "\(path): not a valid checkpoint file: \(reason)"
        case let .mismatch(path, reason): return "\(path): does not fit the model: \(reason)"
        }
    }
}

/// A tensor read from or written to a safetensors file.
public struct NamedTensor {
    public var name: String
    public var shape: [Int]
    public var values: UnsafeBufferPointer<Float>
    public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
        self.name = name; self.shape = shape; self.values = values
    }
}

/// Writes float32 tensors in the safetensors format (an 8-byte header length, a JSON
/// header of names, dtypes, shapes and offsets, then the raw little-endian data).
public func writeSafetensors(_ tensors: [NamedTensor], to path: String, metadata: [String: String] = [:]) throws {
    var header = "{"
    if !metadata.isEmpty {
        header += "\"__metadata__\": {" + metadata.sorted { $0.key < $1.key }
            .map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ") + "}, "
    }
    var offset = 0
    header += tensors.map { tensor in
        let bytes = tensor.values.count * 4
        defer { offset += bytes }
        return "\"\(tensor.name)\": {\"dtype\": \"F32\", \"shape\": [\(tensor.shape.map(String.init).joined(separator: ", "))], "
            + "\"data_offsets\": [\(offset), \(offset + bytes)]}"
    }.joined(separator: ", ")
    header += "}"
    while (header.utf8.count + 8) % 8 != 0 { header += " " }   // align the data to 8 bytes
    var data = Data()
    var length = UInt64(header.utf8.count).littleEndian
    withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
    data.append(contentsOf: header.utf8)
    for tensor in tensors { data.append(UnsafeBufferPointer(start: UnsafeRawPointer(tensor.values.baseAddress!).assumingMemoryBound(to: UInt8.self), count: tensor.values.count * 4)) }
    try writeAtomically(data, to: path)
}

/// Reads a safetensors file of float32 tensors: name to (shape, values).
public func readSafetensors(_ path: String) throws -> [String: (shape: [Int], values: [Float])] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
        throw CheckpointError.unreadable(path: path, reason: error.localizedDescription)
    }
    func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
    guard data.count >= 8 else { throw corrupt("shorter than the 8-byte header length") }
    let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    guard headerLength > 0, 8 + headerLength <= data.count else { throw corrupt("header length \(headerLength) is past the end of the file") }
    guard let header = (try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength)))) as? [String: Any] else {
        throw corrupt("the header is not a JSON object")
    }
    let body = data.subdata(in: (8 + headerLength)..<data.count)
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for (name, value) in header where name != "__metadata__" {
        guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int],
              let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
            throw corrupt("tensor \(name) lacks dtype, shape or data_offsets")
        }
        guard dtype == "F32" else { throw corrupt("tensor \(name) is \(dtype); only F32 is supported") }
        let count = shape.reduce(1, *)
        guard offsets[0] >= 0, offsets[1] == offsets[0] + count * 4, offsets[1] <= body.count else {
            throw corrupt("tensor \(name): data_offsets \(offsets) do not fit its shape \(shape) and the file (truncated?)")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            body.copyBytes(to: target.bindMemory(to: UInt8.self), from: offsets[0]..<offsets[1])
        }
        tensors[name] = (shape, values)
    }
    return tensors
}

/// Writes `data` to a temporary file beside `path`, flushes it and renames it into place.
public func writeAtomically(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: data) else {
        throw CheckpointError.unreadable(path: path, reason: "cannot create \(temporary)")
    }
    if let handle = FileHandle(forUpdatingAtPath: temporary) {
        try? handle.synchronize()
        try? handle.close()
    }
    guard rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        throw CheckpointError.unreadable(path: path, reason: "cannot rename into place: \(reason)")
    }
}

extension Model {
    /// The parameters as Hugging Face GPT-2 tensors (one per layer), sharing the slab.
    public func namedParameters() -> [NamedTensor] {
        parameterTensors(config).flatMap { tensor -> [NamedTensor] in
            (0..<tensor.layers).map { layer in
                NamedTensor(name: tensor.name.replacingOccurrences(of: "{l}", with: String(layer)), shape: tensor.shape,
                            values: UnsafeBufferPointer(start: parameters.base + tensor.offset + layer * tensor.size,
                                                        count: tensor.size))
            }
        }
    }

    /// The `config.json` Hugging Face's GPT2LMHeadModel loads (tanh GELU, no dropout,
    /// tied LM head), plus Synth's own `synth_*` keys.
    public func configJSON(extra: [String: Any] = [:]) -> Data {
        var object: [String: Any] = [
            "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
            "n_layer": config.layers, "n_head": config.heads, "n_embd": config.channels,
            "n_positions": config.blockSize, "n_ctx": config.blockSize, "vocab_size": config.vocabularySize,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": true,
            "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "initializer_range": 0.02,
            "synth_format_version": 1, "bos_token_id": NSNull(), "eos_token_id": NSNull(),
        ]
        for (key, value) in extra { object[key] = value }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// Saves `model.safetensors` and `config.json` in `directory` (created if needed).
    public func save(to directory: String) throws {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CheckpointError.unreadable(path: directory, reason: error.localizedDescription)
        }
        try writeSafetensors(namedParameters(), to: directory + "/model.safetensors", metadata: ["format": "pt"])
        try writeAtomically(configJSON(), to: directory + "/config.json")
    }

    /// Reads the model config of a bundle's `config.json`.
    public static func loadConfig(from directory: String) throws -> ModelConfig {
        let path = directory + "/config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.unreadable(path: path, reason: "no such file")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CheckpointError.corrupt(path: path, reason: "not a JSON object")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = object[key] as? Int, value > 0 else {
                throw CheckpointError.corrupt(path: path, reason: "\"\(key)\" must be a positive integer")
            }
            return value
        }
        let config = ModelConfig(layers: try integer("n_layer"), heads: try integer("n_head"), channels: try integer("n_embd"),
                                 blockSize: try integer("n_positions"), vocabularySize: try integer("vocab_size"))
        do { try config.validate() } catch { throw CheckpointError.corrupt(path: path, reason: "\(error)") }
        return config
    }

    /// Loads a bundle written by ``save(to:)`` or by Hugging Face's `save_pretrained`.
    public static func load(from directory: String, pool: ThreadPool = .shared) throws -> Model {
        let model = try Model(config: try loadConfig(from: directory), pool: pool)
        let path = directory + "/model.safetensors"
        let tensors = try readSafetensors(path)
        for named in model.namedParameters() {
            guard let found = tensors[named.name] else {
                throw CheckpointError.mismatch(path: path, reason: "tensor \(named.name) is missing")
            }
            guard found.shape == named.shape else {
                throw CheckpointError.mismatch(path: path, reason: "tensor \(named.name) has shape \(found.shape), the config needs \(named.shape)")
            }
            UnsafeMutablePointer(mutating: named.values.baseAddress!).update(from: found.values, count: found.values.count)
        }
        return model
    }
}
