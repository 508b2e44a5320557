import Foundation
import SynthKit

/// One benchmark figure in the shared machine-readable form: with `--json`, one object
/// per line with `suite`, `case`, `threads`, `metric`, `value`, `unit` and suite extras.
struct BenchRecord {
    var suite: String
    var caseName: String
    var threads: Int
    var metric: String
    var value: Double
    var unit: String
    var extra: [(String, String)] = []   // key, JSON-encoded value

    var json: String {
        var fields: [(String, String)] = [
            ("suite", quoted(suite)), ("case", quoted(caseName)), ("threads", String(threads)),
            ("metric", quoted(metric)), ("value", String(format: "%.4f", value)), ("unit", quoted(unit)),
        ]
        fields += extra
        return "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// `text` as a JSON string literal.
func quoted(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
}

/// Prints records as JSON lines or as an aligned table.
struct Reporter {
    let json: Bool
    private var printedHeader = false

    init(json: Bool) { self.json = json }

    mutating func emit(_ record: BenchRecord) {
        if json {
            print(record.json)
        } else {
            if !printedHeader {
                print(pad("suite", 10) + pad("case", 34) + pad("threads", 8) + pad("metric", 12) + "value")
                printedHeader = true
            }
            print(pad(record.suite, 10) + pad(record.caseName, 34) + pad(String(record.threads), 8)
                  + pad(record.metric, 12) + String(format: "%.2f ", record.value) + record.unit)
        }
        fflush(nil)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Monotonic seconds.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Times `body` `runs` times after one warm-up, each run repeating it enough times to
/// last at least `minSeconds`; returns the median seconds per call.
func medianSeconds(runs: Int = 5, minSeconds: Double = 0.05, _ body: () -> Void) -> Double {
    body()
    let start = now()
    body()
    let once = max(now() - start, 1e-7)
    let repeats = max(1, Int((minSeconds / once).rounded(.up)))
    var samples: [Double] = []
    for _ in 0..<runs {
        let t0 = now()
        for _ in 0..<repeats { body() }
        samples.append((now() - t0) / Double(repeats))
    }
    samples.sort()
    return samples[samples.count / 2]
}
