import BPE
import Foundation
import SynthKit

struct TokenizerCommand: Command {
    static let name = "tokenizer"
    static let summary = "Train a byte-level BPE tokenizer, encode, decode, inspect"
    static let help = """
    usage: synth tokenizer train --input FILE... --vocab-size N --out FILE
                                 [--special TOKEN...] [--no-record-tokens] [--digits single]
                                 [--min-frequency N]
           synth tokenizer encode --tokenizer FILE [--allow-special] [--binary] [--threads N]
           synth tokenizer decode --tokenizer FILE [--binary]
           synth tokenizer info --tokenizer FILE
           synth tokenizer convert --input FILE --to hf|tiktoken|synth --out FILE
                                   [--digits single] [--special TOKEN...]

    train    Learns merges from the files (streamed, never held whole) with the GPT-4
             split pattern; --digits single splits numbers into single digits (better
             for tables). --vocab-size counts 256 byte tokens, the merges and the special
             tokens. The record-structure tokens (<|eos|> <|row|> <|null|> <|dialog|>
             <|log|> <|src|> <|para|>) are reserved unless --no-record-tokens; --special
             adds more and may repeat; <|col:0..63|> stands for 64 tokens.
    encode   Reads bytes on standard input and writes token ids: decimal, space separated
             (or little-endian uint32 with --binary). Special token names in the text are
             recognised only with --allow-special.
    decode   Reads ids (decimal, or uint32 with --binary) and writes the bytes.
    info     Prints the vocabulary size, the split pattern, the special tokens and the
             longest tokens.
    convert  Between Synth's tokenizer.json, Hugging Face's tokenizer.json (ByteLevel BPE)
             and tiktoken's rank file; the input's format is recognised from its content.
             A tiktoken file holds neither the split pattern nor special tokens: give them
             with --digits and --special (default: cl100k, no special tokens).
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.next() else { throw UsageError("missing action: train, encode, decode or info") }
        switch action {
        case "train": return try train(&arguments)
        case "encode": return try encode(&arguments)
        case "decode": return try decode(&arguments)
        case "info": return try info(&arguments)
        case "convert": return try convert(&arguments)
        default: throw UsageError("unknown action '\(action)': expected train, encode, decode, info or convert")
        }
    }

    private static func train(_ arguments: inout Arguments) throws -> Int32 {
        let inputs = try arguments.values("--input")
        guard !inputs.isEmpty else { throw UsageError("--input FILE is required") }
        guard let vocabularySize = try arguments.integer("--vocab-size", in: 1...10_000_000) else {
            throw UsageError("--vocab-size N is required")
        }
        guard let out = try arguments.value("--out") else { throw UsageError("--out FILE is required") }
        var specials = arguments.flag("--no-record-tokens") ? [] : recordStructureTokens
        for name in try expandSpecialTokens(try arguments.values("--special")) where !specials.contains(name) {
            specials.append(name)
        }
        let minimumFrequency = try arguments.integer("--min-frequency", default: 2, in: 1...Int.max)!
        let digits = try arguments.value("--digits")
        guard digits == nil || digits == "single" || digits == "grouped" else {
            throw UsageError("--digits expects 'single' or 'grouped', got '\(digits!)'")
        }
        try arguments.finish()
        let options = TrainingOptions(vocabularySize: vocabularySize, minimumFrequency: minimumFrequency,
                                      pattern: digits == "single" ? .cl100kSingleDigits : .cl100k,
                                      specialTokens: specials)
        let counting = ProgressBar("reading ", unit: " B"), merging = ProgressBar("merging ")
        var phase = TrainingProgress.Phase.counting
        let start = Date()
        let tokenizer = try Trainer.train(files: inputs, options: options) { progress in
            if progress.phase != phase { counting.finish(); phase = progress.phase }
            (progress.phase == .counting ? counting : merging).update(done: progress.done, total: progress.total)
        }
        merging.finish()
        try tokenizer.write(to: out)
        let seconds = Date().timeIntervalSince(start)
        printError(String(format: "wrote %@: %d tokens (%d merges, %d special) in %.1f s",
                          out, tokenizer.vocabularySize, tokenizer.merges.count, tokenizer.specialTokens.count, seconds))
        if tokenizer.vocabularySize < vocabularySize {
            printError("note: the corpus ran out of pairs seen \(minimumFrequency)+ times before \(vocabularySize) tokens")
        }
        return ExitStatus.success
    }

    private static func loadTokenizer(_ arguments: inout Arguments) throws -> Tokenizer {
        guard let path = try arguments.value("--tokenizer") else { throw UsageError("--tokenizer FILE is required") }
        return try Tokenizer.load(from: path)
    }

    private static func encode(_ arguments: inout Arguments) throws -> Int32 {
        let tokenizer = try loadTokenizer(&arguments)
        let allowSpecial = arguments.flag("--allow-special")
        let binary = arguments.flag("--binary")
        let threads = try arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, in: 1...256)!
        try arguments.finish()
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        let ids = try tokenizer.encodeLarge(input, allowedSpecial: allowSpecial ? Set(tokenizer.specialTokens.keys) : [],
                                            threads: threads)
        if binary {
            var data = Data(capacity: ids.count * 4)
            for id in ids { withUnsafeBytes(of: UInt32(bitPattern: id).littleEndian) { data.append(contentsOf: $0) } }
            FileHandle.standardOutput.write(data)
        } else {
            FileHandle.standardOutput.write(Data((ids.map(String.init).joined(separator: " ") + "\n").utf8))
        }
        return ExitStatus.success
    }

    private static func decode(_ arguments: inout Arguments) throws -> Int32 {
        let tokenizer = try loadTokenizer(&arguments)
        let binary = arguments.flag("--binary")
        try arguments.finish()
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var ids: [Int32] = []
        if binary {
            guard input.count % 4 == 0 else {
                throw UsageError("binary input has \(input.count) bytes, not a multiple of 4 (uint32 ids)")
            }
            let bytes = [UInt8](input)
            ids.reserveCapacity(bytes.count / 4)
            for offset in stride(from: 0, to: bytes.count, by: 4) {
                var value = UInt32(bytes[offset])
                value |= UInt32(bytes[offset + 1]) << 8
                value |= UInt32(bytes[offset + 2]) << 16
                value |= UInt32(bytes[offset + 3]) << 24
                ids.append(Int32(bitPattern: value))
            }
        } else {
            for (index, word) in String(decoding: input, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).enumerated() {
                guard let id = Int32(word) else { throw UsageError("input word \(index + 1) is '\(word)', not a token id") }
                ids.append(id)
            }
        }
        FileHandle.standardOutput.write(Data(try tokenizer.decode(ids)))
        return ExitStatus.success
    }

    private static func convert(_ arguments: inout Arguments) throws -> Int32 {
        guard let input = try arguments.value("--input") else { throw UsageError("--input FILE is required") }
        guard let target = try arguments.value("--to") else { throw UsageError("--to hf|tiktoken|synth is required") }
        guard ["hf", "tiktoken", "synth"].contains(target) else {
            throw UsageError("--to expects hf, tiktoken or synth, got '\(target)'")
        }
        guard let out = try arguments.value("--out") else { throw UsageError("--out FILE is required") }
        let digits = try arguments.value("--digits")
        let specials = try expandSpecialTokens(try arguments.values("--special"))
        try arguments.finish()
        guard let data = FileManager.default.contents(atPath: input) else {
            throw BPEError.unreadableFile(path: input, reason: "no such file or not readable")
        }
        let tokenizer: Tokenizer
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        if object?["format"] as? String == "synth-bpe" {
            tokenizer = try Tokenizer.load(data, path: input)
        } else if object?["model"] != nil {
            tokenizer = try Tokenizer.fromHuggingFace(data, source: input)
        } else {
            tokenizer = try Tokenizer.fromTiktoken(data, pattern: digits == "single" ? .cl100kSingleDigits : .cl100k,
                                                   specialTokens: specials, source: input)
        }
        let output = target == "hf" ? tokenizer.huggingFaceData() : target == "tiktoken" ? tokenizer.tiktokenData() : tokenizer.fileData()
        do { try output.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw BPEError.unreadableFile(path: out, reason: "cannot write: \(error.localizedDescription)")
        }
        printError("wrote \(out) (\(target), \(tokenizer.vocabularySize) tokens)")
        return ExitStatus.success
    }

    private static func info(_ arguments: inout Arguments) throws -> Int32 {
        let tokenizer = try loadTokenizer(&arguments)
        try arguments.finish()
        print("vocabulary: \(tokenizer.vocabularySize) tokens (256 bytes, \(tokenizer.merges.count) merges, \(tokenizer.specialTokens.count) special)")
        print("pattern:    \(tokenizer.pattern.rawValue)")
        let names = tokenizer.specialTokenNames
        if !names.isEmpty {
            let shown = names.count > 12 ? names.prefix(12).joined(separator: " ") + " ... (\(names.count))" : names.joined(separator: " ")
            print("special:    \(shown)")
        }
        let longest = (256..<tokenizer.mergeableCount).map { Int32($0) }
            .map { ($0, (try? tokenizer.bytes(of: $0)) ?? []) }
            .sorted { $0.1.count > $1.1.count }.prefix(5)
        for (id, bytes) in longest {
            print("longest:    \(id) \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        return ExitStatus.success
    }
}
