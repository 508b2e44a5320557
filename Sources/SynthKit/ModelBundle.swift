import BPE
import Decoding
import Foundation
import GPT
import TensorCore

/// A trained model and its tokenizer, loaded from a bundle directory (`model.safetensors`,
/// `config.json`, `tokenizer.json`, plus whatever files the job that wrote it adds). Every
/// sampling job starts here, so a missing or foreign file is reported the same way.
public final class ModelBundle {
    public let directory: String
    public let tokenizer: Tokenizer
    public let model: Model

    /// Loads the bundle in `directory`; `extraFiles` must be there too. `writer` names the
    /// command that makes such bundles, for the error messages.
    public init(directory: String, extraFiles: [String] = [], writer: String, threads: Int? = nil) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw JobError("\(directory): no such model directory (a bundle written by '\(writer)')")
        }
        let files = ["config.json", "model.safetensors", "tokenizer.json"] + extraFiles
        for file in files where !FileManager.default.fileExists(atPath: directory + "/" + file) {
            throw JobError("\(directory)/\(file): no such file; a bundle written by '\(writer)' holds \(files.joined(separator: ", "))")
        }
        tokenizer = try Tokenizer.load(from: directory + "/tokenizer.json")
        model = try Model.load(from: directory, pool: threads.map { ThreadPool(threadCount: $0) } ?? .shared)
    }

    /// The contents of one of the bundle's files.
    public func data(_ file: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
            throw JobError("\(directory)/\(file): cannot read")
        }
        return data
    }

    /// Checks that the tokenizer has every one of `tokens` (a bundle of another kind does not).
    public func requireSpecialTokens(_ tokens: [String], kind: String) throws {
        for token in tokens where tokenizer.specialTokens[token] == nil {
            throw JobError("\(directory)/tokenizer.json: no special token \(token); this is not a \(kind) bundle")
        }
    }

    /// The vocabulary as a trie for constraints, sized to the model's rows.
    public func vocabularyTrie() -> TokenTrie {
        TokenTrie(tokenizer: tokenizer, modelVocabularySize: model.config.vocabularySize)
    }
}
