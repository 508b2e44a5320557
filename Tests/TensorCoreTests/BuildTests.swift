import TensorCore
import XCTest

final class BuildTests: XCTestCase {
    /// A build that lost Package.swift's target-CPU flag would run tens of times slower
    /// and nothing else would say so.
    func testFastSIMDPathIsCompiledIn() {
        XCTAssertTrue(KernelBuild.nativeSIMD, "built without SYNTH_NATIVE_SIMD: \(KernelBuild.description)")
        XCTAssertTrue([8, 16].contains(KernelBuild.vectorWidth))
    }
}
