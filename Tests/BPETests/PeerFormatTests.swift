import BPE
import Foundation
import XCTest

/// Agreement with tiktoken and Hugging Face `tokenizers`, through fixtures written once by
/// Tools/reference/make_tokenizer_fixtures.py (the libraries' own ids for Synth's exports).
final class PeerFormatTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    struct PeerIds: Decodable {
        let texts: [String]
        let tiktoken: [[Int32]]
        let hf: [[Int32]]
    }

    func testSameIdsAsTiktokenAndHuggingFace() throws {
        let tokenizer = try Tokenizer.load(try fixture("tokenizer.json"), path: "tokenizer.json")
        let peers = try JSONDecoder().decode(PeerIds.self, from: try fixture("peer-ids.json"))
        XCTAssertGreaterThan(peers.texts.count, 10)
        for (index, text) in peers.texts.enumerated() {
            XCTAssertEqual(try tokenizer.encode(text), peers.tiktoken[index], "tiktoken, text \(text.debugDescription)")
            // Hugging Face always matches added (special) tokens in the text.
            let allSpecials = Set(tokenizer.specialTokens.keys)
            XCTAssertEqual(try tokenizer.encode(text, allowedSpecial: allSpecials), peers.hf[index], "HF, text \(text.debugDescription)")
        }
    }

    func testExportsAreTheFilesThePeersLoaded() throws {
        let tokenizer = try Tokenizer.load(try fixture("tokenizer.json"), path: "tokenizer.json")
        XCTAssertEqual(tokenizer.tiktokenData(), try fixture("tokenizer.tiktoken"))
        XCTAssertEqual(tokenizer.huggingFaceData(), try fixture("hf-tokenizer.json"))
    }

    func testImportsGiveBackTheSameTokenizer() throws {
        let original = try Tokenizer.load(try fixture("tokenizer.json"), path: "tokenizer.json")
        let fromTiktoken = try Tokenizer.fromTiktoken(try fixture("tokenizer.tiktoken"), pattern: .cl100k,
                                                      specialTokens: original.specialTokenNames, source: "tokenizer.tiktoken")
        let fromHF = try Tokenizer.fromHuggingFace(try fixture("hf-tokenizer.json"), source: "hf-tokenizer.json")
        for imported in [fromTiktoken, fromHF] {
            XCTAssertEqual(imported.fileData(), original.fileData())
        }
    }

    func testPermutedByteOrderAndRecoveredMerges() throws {
        // Ranks whose first 256 tokens are the bytes in another order (as GPT-2's are).
        var ranked = (0..<256).reversed().map { [UInt8($0)] }
        ranked.append(Array("ab".utf8))
        ranked.append(Array("abc".utf8))
        ranked.append(Array("cab".utf8))   // c + ab
        let tokenizer = try Tokenizer(pattern: .cl100k, rankedTokens: ranked, specialTokens: [], source: "test")
        let a = Int32(255 - Int(UInt8(ascii: "a"))), b = Int32(255 - Int(UInt8(ascii: "b"))), c = Int32(255 - Int(UInt8(ascii: "c")))
        XCTAssertEqual(tokenizer.merges.map { [$0.0, $0.1] }, [[a, b], [256, c], [c, 256]])
        XCTAssertEqual(try tokenizer.encode("abc cab ab x"), [257, Int32(255 - 32), 258, Int32(255 - 32), 256, Int32(255 - 32), Int32(255 - Int(UInt8(ascii: "x")))])
        let reloaded = try Tokenizer.load(tokenizer.fileData(), path: "permuted.json")
        XCTAssertEqual(reloaded.byteOrder, tokenizer.byteOrder)
        XCTAssertEqual(try reloaded.encode("abc cab"), try tokenizer.encode("abc cab"))
        // A token that is not two earlier tokens joined is rejected, naming the file.
        XCTAssertThrowsError(try Tokenizer(pattern: .cl100k, rankedTokens: ranked + [Array("xyz".utf8)], specialTokens: [],
                                           source: "bad.tiktoken")) { XCTAssertTrue("\($0)".contains("bad.tiktoken"), "\($0)") }
    }

    func testCorruptPeerFiles() {
        XCTAssertThrowsError(try Tokenizer.fromTiktoken(Data("not base64 at all!\n".utf8), pattern: .cl100k, source: "x.tiktoken")) {
            XCTAssertTrue("\($0)".contains("x.tiktoken") && "\($0)".contains("line 1"), "\($0)")
        }
        XCTAssertThrowsError(try Tokenizer.fromTiktoken(Data("YQ== 3\n".utf8), pattern: .cl100k, source: "gap.tiktoken"))
        XCTAssertThrowsError(try Tokenizer.fromHuggingFace(Data("{\"model\": {\"type\": \"WordPiece\"}}".utf8), source: "wp.json")) {
            XCTAssertTrue("\($0)".contains("wp.json"), "\($0)")
        }
    }
}
