@testable import SynthKit
import XCTest

/// The per-position copy biases the paraphrase generator gives the sampler.
final class ParaphraseCopyBiasTests: XCTestCase {
    func testContentWordsAndWordInteriorsAreHeldCloser() {
        let spellings = ["<|para|>", "The", " company", " said", " 27", "-year", " fert", "ilizer", ".", "<|eos|>"]
            .map { Array($0.utf8) }
        let b: Float = 2
        let content = ParaphraseGenerator.contentWordFactor, function = ParaphraseGenerator.functionWordFactor
        let inside = ParaphraseGenerator.wordContinuationFactor
        XCTAssertEqual(ParaphraseGenerator.copyBiases(spellings: spellings, bias: b), [
            b,                      // the marker: never raised, left as it is
            b * content,            // "The": a capital
            b * content,            // "company": seven letters
            b * function,           // "said": four lower-case letters
            b * content,            // "27": digits
            b * function,           // "-year": its word is "year"
            b * content,            // " fert": the start of "fertilizer"
            b * inside * content,   // "ilizer": inside it
            b,                      // ".": no letter or digit
            b,                      // the end
        ])
        XCTAssertEqual(ParaphraseGenerator.copyBiases(spellings: spellings, bias: 0), [Float](repeating: 0, count: 10))
        XCTAssertEqual(ParaphraseOptions().copyBias, ParaphraseOptions.defaultCopyBias)
    }
}
