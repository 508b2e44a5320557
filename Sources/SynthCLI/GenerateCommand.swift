// `synth generate`: samples continuations from a model bundle through the batched
// generator, optionally inside a regex, JSON Schema or GBNF grammar.
//
// Requests are handed to the generator a few batches at a time (`chunkBatches` batches):
// the generator returns a chunk's results only when all of them are done, so this bounds
// both the memory held for finished samples and how long a finished line waits before it
// is written, at the price of a partly filled batch at the end of each chunk.

import BPE
import Decoding
import Dispatch
import Foundation
import GPT
import Records
import SynthKit
import TensorCore

struct GenerateCommand: Command {
    static let name = "generate"
    static let summary = "Sample text from a model, optionally inside a regex, JSON Schema or grammar"
    static let help = """
    usage: synth generate --model DIR [--prompt TEXT | --prompts FILE] [--n N] [--max-tokens N]
                          [--temperature T] [--top-k K] [--top-p P] [--min-p P]
                          [--repetition-penalty R] [--frequency-penalty F] [--presence-penalty P]
                          [--no-repeat-ngram N] [--seed S] [--stop TEXT]...
                          [--regex RE | --regex-file FILE | --json-schema FILE
                           [--json-whitespace compact|flexible] | --grammar FILE]
                          [--batch N] [--threads N] [--precision f16|f32] [--format text|jsonl]
                          [--out FILE] [--allow-special] [--progress]

    Continues prompts with a bundle from 'synth train' (DIR holds model.safetensors,
    config.json and tokenizer.json) and writes only the continuations. --prompts FILE
    holds one UTF-8 prompt per line (an empty line is an empty prompt); with no prompt,
    generation starts from <|eos|>. Special token names in a prompt are recognised only
    with --allow-special.

    Sampling    --n samples per prompt (default 1). Sample j of prompt i is request
                r = i * n + j and uses seed S + r (--seed, default 0): the same command
                gives the same samples. --max-tokens (default 256) is capped by the
                model's context minus the prompt. --temperature 1 by default, 0 is greedy;
                --top-k 0 and --top-p 1 are off. --stop ends a sample after TEXT, which is
                removed (repeatable; a newline is --stop $'\\n').
    Constraint  Every sample matches as a whole: --regex RE, --regex-file FILE (a trailing
                newline is ignored), --json-schema FILE (JSON text valid under the schema;
                --json-whitespace flexible allows a little whitespace between tokens) or
                --grammar FILE (llama.cpp's GBNF, rule 'root').
    Output      text (default): each sample and a newline, in request order. A sample may
                itself contain newlines, so read text output with your eyes and jsonl
                with programs. With one sequence in flight (--batch 1 or a single sample)
                the text streams as it is generated. jsonl: one object per sample, in
                request order, flushed line by line:
                  {"prompt_index":0,"sample":0,"text":"...","tokens":12,"finish":"end"}
                finish is end (the model ended it), constraint (the constraint allows
                nothing more), stop (a --stop text) or length (--max-tokens or the context).
                --out FILE appears only when complete; Ctrl-C leaves nothing under its name.
    Speed       --batch N sequences decode together (default 32); --threads N (default
                SYNTH_THREADS or the core count). --precision f16 (the default where the
                platform has half floats) decodes with the weights rounded to half
                precision, about 1.5x faster for one sequence; f32 uses them as trained.
                Progress goes to standard error when it is a terminal and standard output
                is not (or always, with --progress).
    """

    /// Requests given to the generator at once, in batches.
    static let chunkBatches = 4

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let directory = try arguments.value("--model") else { throw UsageError("--model DIR is required") }
        let promptText = try arguments.value("--prompt")
        let promptsFile = try arguments.value("--prompts")
        let samples = try arguments.integer("--n", default: 1, in: 1...1_000_000)!
        let maxTokens = try arguments.integer("--max-tokens", default: 256, in: 1...1_000_000)!
        let temperature = try number(&arguments, "--temperature") ?? 1
        let topK = try arguments.integer("--top-k", default: 0, in: 0...Int(Int32.max))!
        let topP = try number(&arguments, "--top-p")
        let minP = try number(&arguments, "--min-p")
        let repetitionPenalty = try number(&arguments, "--repetition-penalty")
        let frequencyPenalty = try number(&arguments, "--frequency-penalty")
        let presencePenalty = try number(&arguments, "--presence-penalty")
        let noRepeatNGram = try arguments.integer("--no-repeat-ngram", default: 0, in: 0...1024)!
        let seed = UInt64(try arguments.integer("--seed", default: 0, in: 0...Int.max)!)
        let stops = try arguments.values("--stop")
        let regex = try arguments.value("--regex")
        let regexFile = try arguments.value("--regex-file")
        let schemaFile = try arguments.value("--json-schema")
        let whitespace = try arguments.value("--json-whitespace")
        let grammarFile = try arguments.value("--grammar")
        let batch = try arguments.integer("--batch", default: 32, in: 1...1024)!
        let threads = try arguments.integer("--threads", in: 1...256)
        let format = try arguments.value("--format") ?? "text"
        let out = try arguments.value("--out")
        let allowSpecial = arguments.flag("--allow-special")
        let forceProgress = arguments.flag("--progress")
        let precision = try arguments.value("--precision") ?? (halfPrecisionAvailable ? "f16" : "f32")
        guard precision == "f16" || precision == "f32" else { throw UsageError("--precision expects f16 or f32, got '\(precision)'") }
        guard precision == "f32" || halfPrecisionAvailable else { throw UsageError("--precision f16 is not available on this platform") }
        try arguments.finish()

        guard promptText == nil || promptsFile == nil else { throw UsageError("give --prompt TEXT or --prompts FILE, not both") }
        guard [regex, regexFile, schemaFile, grammarFile].compactMap({ $0 }).count <= 1 else {
            throw UsageError("give at most one constraint: --regex, --regex-file, --json-schema or --grammar")
        }
        guard whitespace == nil || schemaFile != nil else { throw UsageError("--json-whitespace applies only with --json-schema") }
        guard whitespace == nil || whitespace == "compact" || whitespace == "flexible" else {
            throw UsageError("--json-whitespace expects compact or flexible, got '\(whitespace!)'")
        }
        guard format == "text" || format == "jsonl" else { throw UsageError("--format expects text or jsonl, got '\(format)'") }
        guard !stops.contains("") else { throw UsageError("--stop needs a non-empty text") }
        // 0 means off for --top-k and --no-repeat-ngram; validate() checks every other range.
        let sampler = Sampler.standard(temperature: temperature, topK: topK == 0 ? nil : topK, topP: topP, minP: minP,
                                       repetitionPenalty: repetitionPenalty, frequencyPenalty: frequencyPenalty,
                                       presencePenalty: presencePenalty, noRepeatNGram: noRepeatNGram == 0 ? nil : noRepeatNGram)
        do { try sampler.validate() } catch { throw UsageError("\(error)") }

        // Constraint syntax first: a typo should not wait for the model to load.
        var grammar: Grammar?, constraintSource = ""
        if let regex {
            constraintSource = "--regex"
            grammar = try compiled(source: constraintSource, text: regex) { try compileRegex(regex) }
        } else if let regexFile {
            var text = try readText(regexFile)
            if text.hasSuffix("\n") { text.removeLast() }
            constraintSource = regexFile
            grammar = try compiled(source: regexFile, text: text) { try compileRegex(text) }
        } else if let schemaFile {
            let data = try readData(schemaFile)
            let options = JSONSchemaOptions(whitespace: whitespace == "flexible" ? .flexible : .compact)
            constraintSource = schemaFile
            grammar = try compiled(source: schemaFile, text: String(decoding: data, as: UTF8.self)) {
                try compileJSONSchema(data, options: options)
            }
        } else if let grammarFile {
            let text = try readText(grammarFile)
            constraintSource = grammarFile
            grammar = try compiled(source: grammarFile, text: text) { try compileGBNF(text) }
        }

        let promptTexts: [String]
        if let promptsFile {
            promptTexts = try readPrompts(promptsFile)
        } else {
            promptTexts = [promptText ?? ""]
        }
        func describePrompt(_ index: Int) -> String {
            promptsFile.map { "\($0) line \(index + 1)" } ?? (promptText == nil ? "the empty prompt" : "--prompt")
        }

        let bundle = try ModelBundle(directory: directory, writer: "synth train", threads: threads)
        let tokenizer = bundle.tokenizer, model = bundle.model
        let total = promptTexts.count * samples
        let generator = try Generator(model: model, tokenizer: tokenizer, maxBatch: min(batch, total),
                                      halfPrecision: precision == "f16")
        let blockSize = model.config.blockSize

        var encoder = tokenizer.makeEncoder()
        let allowed = allowSpecial ? Set(tokenizer.specialTokens.keys) : []
        var prompts: [[Int32]] = []
        prompts.reserveCapacity(promptTexts.count)
        for (index, text) in promptTexts.enumerated() {
            let ids: [Int32]
            do { ids = try encoder.encode(Array(text.utf8), allowedSpecial: allowed) } catch {
                throw JobError("\(describePrompt(index)): \(error)")
            }
            if ids.isEmpty && generator.endToken == nil {
                throw JobError("\(describePrompt(index)): an empty prompt starts from <|eos|>, which \(directory)/tokenizer.json does not have; give a prompt")
            }
            guard max(ids.count, 1) < blockSize else {
                throw JobError("\(describePrompt(index)): \(DecodingError.promptTooLong(sequence: index, length: ids.count, blockSize: blockSize))")
            }
            prompts.append(ids)
        }

        var constraint: GrammarConstraint?
        if let grammar {
            do {
                constraint = try GrammarConstraint(grammar: grammar, trie: bundle.vocabularyTrie(),
                                                   endToken: generator.endToken)
            } catch { throw JobError("\(constraintSource): \(error)") }
            constraint!.precompute(limit: 5000)
            // The generator checks this too, but only chunk by chunk, after earlier output.
            let needed = constraint!.minimumTokens(constraint!.startState)
            for (index, prompt) in prompts.enumerated() {
                let budget = min(maxTokens, blockSize - max(prompt.count, 1))
                guard needed > budget else { continue }
                let hint = budget < maxTokens ? "the model's context of \(blockSize) tokens leaves \(budget) after the prompt"
                                              : "raise --max-tokens to at least \(needed)"
                throw JobError("\(describePrompt(index)): \(DecodingError.budgetTooSmall(needed: needed, budget: budget)) (\(hint))")
            }
        }

        let sink = try OutputSink(path: out)
        defer { sink.discard() }
        if let temporary = sink.temporary { removeOnInterrupt(temporary) }

        let stopBytes = stops.map { Array($0.utf8) }
        // Streamed text holds back what could still be removed as a stop string: a token is
        // reported before the generator checks whether the bytes now end with one.
        let holdBack = stopBytes.map(\.count).max() ?? 0
        let streaming = format == "text" && generator.maxBatch == 1
        let chunk = streaming ? 1 : generator.maxBatch * chunkBatches
        let showProgress = forceProgress || (isatty(2) != 0 && (out != nil || isatty(1) == 0))
        let progress = ProgressBar("generating", force: forceProgress)
        let start = Date()
        var generatedTokens = 0, done = 0, drawn = false
        var streamed: [UInt8] = [], written = 0

        func report() {
            guard showProgress else { return }
            let seconds = Date().timeIntervalSince(start)
            guard drawn || seconds >= 1 || forceProgress else { return }
            drawn = true
            progress.update(done: done, total: total,
                            note: String(format: " %.0f tok/s", Double(generatedTokens) / max(seconds, 1e-9)))
        }

        var next = 0
        while next < total {
            let range = next..<min(total, next + chunk)
            let requests = range.map { r in
                GenerationRequest(prompt: prompts[r / samples], maxTokens: maxTokens, stopStrings: stopBytes,
                                  constraint: constraint, sampler: sampler, seed: seed &+ UInt64(r))
            }
            streamed.removeAll(keepingCapacity: true)
            written = 0
            let results: [GenerationResult]
            do {
                results = try generator.generate(requests) { _, _, bytes in
                    generatedTokens += 1
                    if streaming {
                        streamed.append(contentsOf: bytes)
                        if streamed.count - holdBack > written {
                            sink.write(streamed[written..<(streamed.count - holdBack)])
                            written = streamed.count - holdBack
                        }
                    }
                    report()
                }
            } catch let error as DecodingError {
                throw explain(error, first: range.lowerBound, samples: samples, describePrompt: describePrompt)
            }
            for (offset, result) in results.enumerated() {
                let r = range.lowerBound + offset
                if format == "jsonl" {
                    sink.write(Array(jsonLine(promptIndex: r / samples, sample: r % samples, result: result).utf8))
                } else {
                    sink.write(result.bytes[min(written, result.bytes.count)...] + [0x0A])
                }
            }
            try sink.check()
            done = range.upperBound
            next = range.upperBound
            report()
        }
        if drawn { progress.finish() }
        try sink.commit()
        let seconds = Date().timeIntervalSince(start)
        if let out {
            printError(String(format: "wrote %@: %d samples, %d tokens in %.1f s (%.0f tok/s)", out, total, generatedTokens,
                              seconds, Double(generatedTokens) / max(seconds, 1e-9)))
        }
        return ExitStatus.success
    }

    /// A floating-point option, or nil when absent.
    private static func number(_ arguments: inout Arguments, _ name: String) throws -> Float? {
        guard let text = try arguments.value(name) else { return nil }
        guard let value = Float(text), value.isFinite else { throw UsageError("\(name) expects a number, got '\(text)'") }
        return value
    }

    /// Runs a constraint compiler, turning its syntax error into a message that names the
    /// source and shows the offending line with a caret under the column.
    private static func compiled(source: String, text: String,
                                 _ compile: () throws -> Grammar) throws -> Grammar {
        do { return try compile() } catch let error as ConstraintSyntaxError {
            var message = "\(source): \(error)"
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if error.line >= 1 && error.line <= lines.count {
                let line = lines[error.line - 1]
                message += "\n  " + line + "\n  " + String(repeating: " ", count: max(0, error.column - 1)) + "^"
            }
            throw JobError(message)
        }
    }

    private static func readData(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobError("\(path): cannot read: no such file or not readable")
        }
        return data
    }

    private static func readText(_ path: String) throws -> String {
        guard let text = String(validating: try readData(path), as: UTF8.self) else {
            throw JobError("\(path): not valid UTF-8 text")
        }
        return text
    }

    /// One prompt per line (a final newline ends the last line; `\r\n` is accepted).
    private static func readPrompts(_ path: String) throws -> [String] {
        let data = try readData(path)
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw JobError("\(path): no prompts (the file is empty)") }
        return try lines.enumerated().map { index, line in
            let bytes = line.last == 0x0D ? line.dropLast() : line
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw JobError("\(path) line \(index + 1): not valid UTF-8")
            }
            return text
        }
    }

    /// Fails with the missing path when DIR is not a model bundle.

    /// A generator error in terms of prompts and samples (its sequence numbers count from
    /// the start of the chunk).
    private static func explain(_ error: DecodingError, first: Int, samples: Int,
                                describePrompt: (Int) -> String) -> Error {
        switch error {
        case let .deadEnd(sequence, text):
            let r = first + sequence
            return JobError("\(describePrompt(r / samples)), sample \(r % samples): no token can continue the constrained output after \(text.debugDescription)")
        default:
            return error
        }
    }

    /// `{"prompt_index":i,"sample":j,"text":"...","tokens":n,"finish":"..."}` and a newline.
    static func jsonLine(promptIndex: Int, sample: Int, result: GenerationResult) -> String {
        "{\"prompt_index\":\(promptIndex),\"sample\":\(sample),\"text\":\(jsonString(result.text)),"
            + "\"tokens\":\(result.tokens.count),\"finish\":\"\(result.finishReason.rawValue)\"}\n"
    }
}

/// Where samples go: standard output, or a temporary file beside `--out` that is renamed
/// into place only when the run completes. A write error is kept and reported by
/// ``check()`` (writes happen inside the generator's callback, which cannot throw).
private final class OutputSink {
    let output: AtomicOutput
    private var failure: Error?

    /// The file being written, until ``commit()`` renames it into place.
    var temporary: String? { output.temporaryPath }

    init(path: String?) throws {
        output = try AtomicOutput(path: path)
    }

    func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        guard failure == nil, !bytes.isEmpty else { return }
        do {
            try output.write(bytes)
            if output.path == nil { try output.flush() }  // a reader of standard output sees samples as they come
        } catch { failure = error }
    }

    func check() throws {
        if let failure { throw failure }
    }

    func commit() throws {
        try check()
        try output.finish()
    }

    /// Removes the temporary file if the run did not complete.
    func discard() {
        output.discard()
    }
}
