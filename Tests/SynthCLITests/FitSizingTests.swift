import GPT
@testable import SynthKit
import XCTest

/// The shape `auto` gives a fit, and the width cap tables use for sampling speed.
final class FitSizingTests: XCTestCase {
    func testAutoShapesGrowWithTheDataAndRespectTheWidthCap() throws {
        func shape(_ tokens: Int, limit: Int? = nil, preset: String = "auto") throws -> [Int] {
            let config = try SequenceFitter.modelConfig(preset, channelLimit: limit, tokensPerView: tokens,
                                                        vocabularySize: 500, blockSize: 70)
            XCTAssertEqual(config.blockSize, 70, "the block size comes from the records")
            return [config.layers, config.heads, config.channels]
        }
        XCTAssertEqual(try shape(10_000), [2, 2, 64])
        XCTAssertEqual(try shape(200_000), [4, 4, 128])
        XCTAssertEqual(try shape(5_000_000), [6, 6, 192])
        XCTAssertEqual(try shape(200_000, limit: 96), [4, 3, 96], "heads stay 32 channels")
        XCTAssertEqual(try shape(5_000_000, limit: 100), [6, 3, 96], "the cap rounds down to whole heads")
        XCTAssertEqual(try shape(10_000, limit: 96), [2, 2, 64], "a narrower shape is left alone")
        XCTAssertEqual(try shape(200_000, limit: 96, preset: "char"), [4, 4, 128], "a named preset is never capped")
        XCTAssertEqual(TableFitOptions().model.autoChannelLimit, 96)
        XCTAssertNil(ModelFitOptions().autoChannelLimit)
    }
}
