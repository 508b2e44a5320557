import BPE
import Foundation
import SynthKit

/// Training time and peak memory, then encode throughput with one thread and with all,
/// for each vocabulary size, on one corpus (repeated `repeats` times, streamed).
func runTokenizerSuite(input: String, repeats: Int, vocabularies: [Int], threads: [Int], saveDirectory: String?,
                       reporter: inout Reporter) throws {
    let files = Array(repeating: input, count: repeats)
    guard let single = FileManager.default.contents(atPath: input) else {
        throw BPEError.unreadableFile(path: input, reason: "cannot read")
    }
    let megabytes = Double(single.count * repeats) / 1e6
    let caseName = "\((input as NSString).lastPathComponent) x\(repeats) (\(String(format: "%.1f", megabytes)) MB)"
    // Train every size first: peak memory then measures training, not the corpus that the
    // encoding runs below hold in memory.
    var tokenizers: [(Int, Tokenizer)] = []
    for vocabulary in vocabularies {
        let start = now()
        let tokenizer = try Trainer.train(files: files, options: TrainingOptions(vocabularySize: vocabulary))
        let seconds = now() - start
        if let saveDirectory {
            try tokenizer.write(to: (saveDirectory as NSString).appendingPathComponent("synth-\(vocabulary).json"))
        }
        let extra = [("vocab", String(vocabulary)), ("bytes", String(single.count * repeats))]
        reporter.emit(BenchRecord(suite: "tokenizer", caseName: "train v\(vocabulary) \(caseName)", threads: 1,
                                  metric: "train_seconds", value: seconds, unit: "s", extra: extra))
        reporter.emit(BenchRecord(suite: "tokenizer", caseName: "train v\(vocabulary) \(caseName)", threads: 1,
                                  metric: "peak_rss", value: Double(peakResidentBytes()) / 1_048_576, unit: "MiB", extra: extra))
        tokenizers.append((vocabulary, tokenizer))
    }
    var corpus = [UInt8]()
    corpus.reserveCapacity(single.count * repeats)
    for _ in 0..<repeats { corpus.append(contentsOf: single) }
    for (vocabulary, tokenizer) in tokenizers {
        for count in threads {
            var ids: [Int32] = []
            let encodeSeconds = medianSeconds(runs: 3, minSeconds: 0) {
                ids = (try? tokenizer.encodeLarge(corpus, threads: count)) ?? []
            }
            // FNV-1a over the ids, so a peer script can check it produced the same ids.
            var checksum: UInt64 = 0xCBF2_9CE4_8422_2325
            for id in ids { checksum = (checksum ^ UInt64(UInt32(bitPattern: id))) &* 0x100_0000_01B3 }
            reporter.emit(BenchRecord(suite: "tokenizer", caseName: "encode v\(vocabulary) \(caseName)", threads: count,
                                      metric: "throughput", value: megabytes / encodeSeconds, unit: "MB/s",
                                      extra: [("vocab", String(vocabulary)), ("bytes", String(corpus.count)),
                                              ("tokens", String(ids.count)), ("ids_fnv", "\"\(String(checksum, radix: 16))\"")]))
        }
    }
}

/// The process's peak resident memory so far: VmHWM on Linux (ru_maxrss there also
/// counts the parent's peak before exec), ru_maxrss elsewhere.
func peakResidentBytes() -> Int {
    #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
        return kilobytes * 1024
    }
    return 0
    #else
    var usage = rusage()
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss
    #endif
}
