import BPE
import Foundation
import XCTest

/// The hand-written split against the cl100k pattern run by a real regex engine
/// (NSRegularExpression, ICU) — a reference used only here, never by the product.
final class PreTokenizerTests: XCTestCase {
    static let cl100k = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let singleDigits = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    func referenceChunks(_ text: String, pattern: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    func ourChunks(_ text: String, pattern: SplitPattern = .cl100k) -> [String] {
        PreTokenizer(pattern: pattern).chunks(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    func testKnownCases() throws {
        let cases = [
            "Hello world", "  hello", "hello  world", "it's they're we've I'm you'll he'd IT'S 'sound",
            "12345 1234567 3.14159", "a\n\nb", "a \n \n  b", "x  \n", "trailing   ", "\t\tindent\n",
            "punct!!! ...and?? (paren) [x]", "héllo wörld ñandú", "日本語のテキスト", "emoji 🙂🙂 ok",
            "line\r\nbreak\r\n", "mixed123abc456", "'", "''", "a'", " 'tis", "\n", " ", "",
            "can't won't isn't", "£100 €2,000.50", "x\u{00A0}y", "x\u{2028}y", "x\u{3000}\u{3000}y",
            "combining e\u{0301}e\u{0301}", "α-β γ", "٣٤٥ ١٢", "Ⅻ roman", "½ ¼",
        ]
        for text in cases {
            XCTAssertEqual(ourChunks(text), try referenceChunks(text, pattern: Self.cl100k), "text: \(text.debugDescription)")
            XCTAssertEqual(ourChunks(text, pattern: .cl100kSingleDigits), try referenceChunks(text, pattern: Self.singleDigits),
                           "single digits: \(text.debugDescription)")
        }
    }

    func testRandomStringsMatchTheRegex() throws {
        // An alphabet of every class the pattern tells apart (ICU's \s lacks U+000B and
        // U+0085, which Rust's regex and we count as space: they are left out here).
        let alphabet: [String] = ["a", "Z", "é", "ß", "日", "ſ", "'", "s", "t", "r", "e", "v", "l", "m", "d", "S", "L",
                                  "0", "7", "٣", "½", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\u{00A0}", "\u{2028}",
                                  ".", ",", "!", "-", "(", "🙂", "\u{0301}", "_", "\u{3000}"]
        var state: UInt64 = 12345
        func nextIndex(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<3_000 {
            let length = nextIndex(24)
            let text = (0..<length).map { _ in alphabet[nextIndex(alphabet.count)] }.joined()
            XCTAssertEqual(ourChunks(text), try referenceChunks(text, pattern: Self.cl100k), "text: \(text.debugDescription)")
        }
    }

    func testWhitespaceOutsideICU() {
        // U+000B and U+0085 are White_Space for tiktoken's regex: a run of them is spaces.
        XCTAssertEqual(ourChunks("a\u{0B}\u{0B}b"), ["a", "\u{0B}", "\u{0B}b"])
        XCTAssertEqual(ourChunks("a \u{85}"), ["a", " \u{85}"])
    }

    func testRealTextMatchesTheRegex() throws {
        let path = "../shared/corpora/tinyshakespeare/input.txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw XCTSkip("\(path) not present")
        }
        let sample = String(text.prefix(200_000))
        XCTAssertEqual(ourChunks(sample), try referenceChunks(sample, pattern: Self.cl100k))
    }

    func testChunksTileInvalidUTF8() {
        var state: UInt64 = 99
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<40)).map { _ -> UInt8 in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 40)
            }
            let chunks = PreTokenizer().chunks(bytes)
            XCTAssertEqual(chunks.flatMap { $0 }, bytes)
            XCTAssertFalse(chunks.contains { $0.isEmpty })
        }
    }
}
