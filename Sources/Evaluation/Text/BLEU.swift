import Foundation

/// nltk's `sentence_bleu` (nltk 3.10) with the judge's settings: uniform 4-gram weights
/// and `SmoothingFunction().method1` (an order with no match counts 0.1 matches).
///
/// The arithmetic is nltk's, step for step, so results agree to the last bit:
/// - modified precision of order n: each hypothesis n-gram counts at most as often as in
///   the reference where it is most frequent; the denominator is `max(1, #n-grams)`;
/// - BLEU is 0 when no unigram matches;
/// - brevity penalty with the closest reference length (ties go to the shorter one):
///   1 when the hypothesis is longer, else `exp(1 - r / c)`;
/// - `bp * exp(fsum(0.25 * log(p_n)))`, `fsum` being Python's exactly rounded sum.
enum NLTKBLEU {
    /// A modified precision: clipped matches over hypothesis n-grams (at least 1).
    struct Precision: Equatable {
        var numerator: Int
        var denominator: Int
    }

    /// The score from the four precisions and the two lengths.
    static func score(_ precisions: [Precision], hypothesisLength c: Int, referenceLength r: Int) -> Double {
        let brevity: Double = c > r ? 1 : c == 0 ? 0 : exp(1 - Double(r) / Double(c))
        guard precisions[0].numerator > 0 else { return 0 }
        let terms = precisions.map { p -> Double in
            let value = p.numerator == 0 ? 0.1 / Double(p.denominator) : Double(p.numerator) / Double(p.denominator)
            return 0.25 * log(value)
        }
        return brevity * exp(pythonFsum(terms))
    }

    /// nltk's `closest_ref_length`: the reference length nearest the hypothesis length,
    /// the shorter one on a tie.
    static func closestLength(_ lengths: some Sequence<Int>, to c: Int) -> Int {
        var best = Int.max, bestDistance = Int.max
        for r in lengths {
            let distance = abs(r - c)
            if distance < bestDistance || (distance == bestDistance && r < best) { best = r; bestDistance = distance }
        }
        return best
    }

    /// Sentence BLEU-4 of one hypothesis against references (token sequences): the plain
    /// reference implementation, n-grams counted per reference as nltk does.
    static func sentenceBLEU(_ hypothesis: [Int32], references: [[Int32]]) -> Double {
        let precisions = (1...4).map { n -> Precision in
            let counts = ngramCounts(hypothesis, n)
            var maxCounts: [ArraySlice<Int32>: Int] = [:]
            for reference in references {
                let referenceCounts = ngramCounts(reference, n)
                for gram in counts.keys { maxCounts[gram] = max(maxCounts[gram] ?? 0, referenceCounts[gram] ?? 0) }
            }
            let clipped = counts.reduce(0) { $0 + min($1.value, maxCounts[$1.key] ?? 0) }
            return Precision(numerator: clipped, denominator: max(1, counts.values.reduce(0, +)))
        }
        return score(precisions, hypothesisLength: hypothesis.count,
                     referenceLength: closestLength(references.map(\.count), to: hypothesis.count))
    }

    private static func ngramCounts(_ tokens: [Int32], _ n: Int) -> [ArraySlice<Int32>: Int] {
        var counts: [ArraySlice<Int32>: Int] = [:]
        if tokens.count >= n {
            for i in 0...(tokens.count - n) { counts[tokens[i..<(i + n)], default: 0] += 1 }
        }
        return counts
    }

    /// The largest count of an n-gram in one sampled unit, which unit that is, and the
    /// largest count in any other unit.
    private struct TopCounts {
        var best: Int32 = 0
        var bestUnit: Int32 = -1
        var second: Int32 = 0
    }

    /// Self-BLEU as the judge computes it: the non-empty units, `random.Random(seed)
    /// .sample(units, samples)` when there are more than `samples`, then the mean sentence
    /// BLEU of each sampled unit against all the other sampled units. Nil with fewer than
    /// two non-empty units.
    static func selfBLEU(_ units: [UnitGrams], samples: Int, seed: UInt64) -> Double? {
        let nonEmpty = units.filter { !$0.tokens.isEmpty }
        guard nonEmpty.count >= 2 else { return nil }
        var sample = nonEmpty
        if nonEmpty.count > samples {
            var random = PythonRandom(seed: seed)
            sample = random.sample(count: nonEmpty.count, samples).map { nonEmpty[$0] }
        }
        guard sample.count >= 2 else { return nil }
        // runs[n - 1][u]: unit u's distinct n-grams with their counts.
        var runs: [[[(id: Int32, count: Int32)]]] = []
        var tops: [[Int32: TopCounts]] = []
        for n in 1...4 {
            var orderRuns: [[(id: Int32, count: Int32)]] = []
            var top: [Int32: TopCounts] = [:]
            for (u, unit) in sample.enumerated() {
                let grams = unit.grams(n).sorted()
                var unitRuns: [(id: Int32, count: Int32)] = []
                var i = 0
                while i < grams.count {
                    var j = i + 1
                    while j < grams.count, grams[j] == grams[i] { j += 1 }
                    let count = Int32(j - i)
                    unitRuns.append((grams[i], count))
                    var entry = top[grams[i], default: TopCounts()]
                    if count > entry.best {
                        entry.second = entry.best
                        entry.best = count
                        entry.bestUnit = Int32(u)
                    } else if count > entry.second {
                        entry.second = count
                    }
                    top[grams[i]] = entry
                    i = j
                }
                orderRuns.append(unitRuns)
            }
            runs.append(orderRuns)
            tops.append(top)
        }
        let lengths = sample.map(\.tokens.count)
        var total = 0.0
        for u in sample.indices {
            let precisions = (0..<4).map { order -> Precision in
                var clipped = 0, all = 0
                for (id, count) in runs[order][u] {
                    let entry = tops[order][id]!
                    let others = entry.bestUnit == Int32(u) ? entry.second : entry.best
                    clipped += Int(min(count, others))
                    all += Int(count)
                }
                return Precision(numerator: clipped, denominator: max(1, all))
            }
            let others = lengths.indices.lazy.filter { $0 != u }.map { lengths[$0] }
            total += score(precisions, hypothesisLength: lengths[u],
                           referenceLength: closestLength(others, to: lengths[u]))
        }
        return total / Double(sample.count)
    }
}

/// sacreBLEU 2.6's BLEU with its defaults: the `13a` tokenizer (mteval-v13a), n-grams up
/// to 4, `exp` smoothing (NIST: the k-th order with no match counts 1/2^k); corpus BLEU
/// without and sentence BLEU with effective order. Scores are on sacreBLEU's 0...100 scale.
///
/// Corpus BLEU sums the same per-segment statistics that sentence BLEU scores, so a
/// ``Corpus`` computes each segment's statistics once, tokenizes each distinct sentence
/// once, and counts n-grams as interned ids.
enum SacreBLEU {
    /// The tokens `_preprocess_segment` gives: `rstrip()`, then the 13a tokenizer, split on
    /// whitespace.
    static func tokens(_ sentence: String) -> [String] {
        var out: [String] = []
        forEachToken(sentence) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// Calls `body` with the UTF-8 bytes of each token of `sentence`.
    static func forEachToken(_ sentence: String, _ body: (ArraySlice<UInt8>) -> Void) {
        var s = Array(sentence.unicodeScalars)
        while let last = s.last, PythonCharacter.isSpace(last) { s.removeLast() }
        s = replacing(s, "<skipped>", "")
        s = replacing(s, "-\n", "")
        s = replacing(s, "\n", " ")
        if s.contains("&") {
            s = replacing(s, "&quot;", "\"")
            s = replacing(s, "&amp;", "&")
            s = replacing(s, "&lt;", "<")
            s = replacing(s, "&gt;", ">")
        }
        // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 " (the spaces around the line do not matter)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count * 2 + 2)
        out.append(" ")
        for c in s {
            if isSeparatedSymbol(c) { out.append(" "); out.append(c); out.append(" ") } else { out.append(c) }
        }
        out.append(" ")
        // ([^0-9])([\.,]) -> "\1 \2 "
        out = pairs(out, { !isDigit($0) }, isPeriodOrComma) { [$0, " ", $1, " "] }
        // ([\.,])([^0-9]) -> " \1 \2"
        out = pairs(out, isPeriodOrComma, { !isDigit($0) }) { [" ", $0, " ", $1] }
        // ([0-9])(-) -> "\1 \2 "
        out = pairs(out, isDigit, { $0 == "-" }) { [$0, " ", $1, " "] }
        // ' '.join(line.split()), split again by the n-gram counter: runs of non-space.
        var bytes: [UInt8] = []
        for c in out {
            if PythonCharacter.isSpace(c) {
                if !bytes.isEmpty { body(bytes[...]); bytes.removeAll(keepingCapacity: true) }
            } else {
                bytes.append(contentsOf: UTF8.encode(c)!)
            }
        }
        if !bytes.isEmpty { body(bytes[...]) }
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    private static func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }

    private static func isSeparatedSymbol(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    /// `re.sub` of a two-character pattern: scanning left to right, each match is
    /// replaced and the scan resumes after it.
    private static func pairs(_ s: [Unicode.Scalar], _ first: (Unicode.Scalar) -> Bool,
                              _ second: (Unicode.Scalar) -> Bool,
                              _ replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count + 16)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, first(s[i]), second(s[i + 1]) {
                out.append(contentsOf: replacement(s[i], s[i + 1]))
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// `str.replace(old, new)`.
    private static func replacing(_ s: [Unicode.Scalar], _ old: String, _ new: String) -> [Unicode.Scalar] {
        let o = Array(old.unicodeScalars)
        guard s.count >= o.count, s.contains(o[0]) else { return s }
        let r = Array(new.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + o.count <= s.count, s[i] == o[0], s[i..<(i + o.count)].elementsEqual(o) {
                out.append(contentsOf: r)
                i += o.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// A segment's sufficient statistics: lengths and, per order, matches and n-grams.
    struct Statistics: Equatable {
        var hypothesisLength = 0
        var referenceLength = 0
        var correct = [0, 0, 0, 0]
        var total = [0, 0, 0, 0]

        static func + (a: Statistics, b: Statistics) -> Statistics {
            var s = a
            s.hypothesisLength += b.hypothesisLength
            s.referenceLength += b.referenceLength
            for n in 0..<4 { s.correct[n] += b.correct[n]; s.total[n] += b.total[n] }
            return s
        }
    }

    /// Tokenized sentences and their n-gram counts, computed once per distinct sentence.
    struct Corpus {
        /// A sentence's token count and, per order, its distinct n-gram ids (sorted) with counts.
        struct Segment {
            var length = 0
            var grams: [[(id: Int32, count: Int)]] = []
        }

        private var vocabulary = TokenTable()
        private var tables = [IDTable(), IDTable(), IDTable()]  // orders 2, 3, 4
        private var cache: [ExactText: Segment] = [:]

        mutating func segment(_ sentence: String) -> Segment {
            let key = ExactText(sentence)
            if let segment = cache[key] { return segment }
            var tokens: [Int32] = []
            SacreBLEU.forEachToken(sentence) { tokens.append(vocabulary.id($0)) }
            let n = tokens.count
            func pack(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }
            let bigrams = n > 1 ? (0..<(n - 1)).map { tables[0].intern(pack(tokens[$0], tokens[$0 + 1])) } : []
            let trigrams = n > 2 ? (0..<(n - 2)).map { tables[1].intern(pack(bigrams[$0], tokens[$0 + 2])) } : []
            let fourgrams = n > 3 ? (0..<(n - 3)).map { tables[2].intern(pack(bigrams[$0], bigrams[$0 + 2])) } : []
            var segment = Segment(length: n)
            for ids in [tokens, bigrams, trigrams, fourgrams] {
                let sorted = ids.sorted()
                var runs: [(id: Int32, count: Int)] = []
                for id in sorted {
                    if let last = runs.last, last.id == id { runs[runs.count - 1].count += 1 } else { runs.append((id, 1)) }
                }
                segment.grams.append(runs)
            }
            cache[key] = segment
            return segment
        }

        /// `_compute_segment_statistics` of a hypothesis against its references.
        mutating func statistics(_ hypothesis: String, _ references: [String]) -> Statistics {
            let hyp = segment(hypothesis)
            let refs = references.map { segment($0) }
            var stats = Statistics()
            stats.hypothesisLength = hyp.length
            stats.referenceLength = NLTKBLEU.closestLength(refs.map(\.length), to: hyp.length)
            for order in 0..<4 {
                for (id, count) in hyp.grams[order] {
                    stats.total[order] += count
                    var best = 0
                    for ref in refs {
                        if let count = SacreBLEU.count(of: id, in: ref.grams[order]) { best = max(best, count) }
                    }
                    stats.correct[order] += min(count, best)
                }
            }
            return stats
        }
    }

    /// Binary search of sorted runs.
    private static func count(of id: Int32, in runs: [(id: Int32, count: Int)]) -> Int? {
        var low = 0, high = runs.count
        while low < high {
            let mid = (low + high) / 2
            if runs[mid].id < id { low = mid + 1 } else { high = mid }
        }
        return low < runs.count && runs[low].id == id ? runs[low].count : nil
    }

    /// `BLEU.compute_bleu` with `exp` smoothing.
    static func score(_ s: Statistics, effectiveOrder: Bool) -> Double {
        var brevity = 1.0
        if s.hypothesisLength < s.referenceLength {
            brevity = s.hypothesisLength > 0 ? exp(1 - Double(s.referenceLength) / Double(s.hypothesisLength)) : 0
        }
        guard s.correct.contains(where: { $0 != 0 }) else { return 0 }
        var precisions = [0.0, 0.0, 0.0, 0.0]
        var smooth = 1.0
        var order = 4
        for n in 1...4 {
            if s.total[n - 1] == 0 { break }
            if effectiveOrder { order = n }
            if s.correct[n - 1] == 0 {
                smooth *= 2
                precisions[n - 1] = 100 / (smooth * Double(s.total[n - 1]))
            } else {
                precisions[n - 1] = 100 * Double(s.correct[n - 1]) / Double(s.total[n - 1])
            }
        }
        var sum = 0.0
        for p in precisions[..<order] { sum += p == 0 ? -9_999_999_999 : log(p) }
        return brevity * exp(sum / Double(order))
    }

    /// Corpus BLEU from segment statistics (no effective order).
    static func corpusScore(_ segments: [Statistics]) -> Double {
        score(segments.reduce(Statistics(), +), effectiveOrder: false)
    }

    /// `sacrebleu.corpus_bleu(hypotheses, referenceStreams).score`: `referenceStreams[r][i]`
    /// is the r-th reference of hypothesis i.
    static func corpusBLEU(_ hypotheses: [String], _ referenceStreams: [[String]]) -> Double {
        var corpus = Corpus()
        return corpusScore(hypotheses.indices.map { i in corpus.statistics(hypotheses[i], referenceStreams.map { $0[i] }) })
    }

    /// `sacrebleu.sentence_bleu(hypothesis, references).score`.
    static func sentenceBLEU(_ hypothesis: String, _ references: [String]) -> Double {
        var corpus = Corpus()
        return score(corpus.statistics(hypothesis, references), effectiveOrder: true)
    }
}
