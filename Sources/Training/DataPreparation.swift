import BPE
import Foundation

/// What `synth prepare` wrote.
public struct PreparedData: Sendable {
    public var trainTokens: Int
    public var validationTokens: Int
    public var vocabularySize: Int
}

/// Tokenizes the input files into `directory`: `tokenizer.json`, `train.bin` (the first
/// part of the token stream) and `val.bin` (the last `validationFraction`). Files are
/// joined in order; each ends with `<|eos|>` when the tokenizer has it.
public func prepareData(inputs: [String], tokenizer: Tokenizer, directory: String,
                        validationFraction: Double = 0.1, threads: Int = 2) throws -> PreparedData {
    guard (0..<1).contains(validationFraction) else {
        throw TrainingError.badData(reason: "the validation fraction must be in [0, 1), got \(validationFraction)")
    }
    var ids: [Int32] = []
    for path in inputs {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.badData(reason: "\(path): cannot read")
        }
        ids += try tokenizer.encodeLarge([UInt8](data), threads: threads)
        if let eos = tokenizer.specialTokens["<|eos|>"] { ids.append(eos) }
    }
    guard !ids.isEmpty else { throw TrainingError.badData(reason: "\(inputs.joined(separator: ", ")): no tokens (empty input)") }
    let validationCount = Int(Double(ids.count) * validationFraction)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try tokenizer.write(to: directory + "/tokenizer.json")
    try TokenShard.write(Array(ids[..<(ids.count - validationCount)]), vocabularySize: tokenizer.vocabularySize,
                         to: directory + "/train.bin")
    if validationCount > 0 {
        try TokenShard.write(Array(ids[(ids.count - validationCount)...]), vocabularySize: tokenizer.vocabularySize,
                             to: directory + "/val.bin")
    } else {
        try? FileManager.default.removeItem(atPath: directory + "/val.bin")
    }
    return PreparedData(trainTokens: ids.count - validationCount, validationTokens: validationCount,
                        vocabularySize: tokenizer.vocabularySize)
}
