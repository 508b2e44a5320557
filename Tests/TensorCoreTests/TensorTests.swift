import TensorCore
import XCTest

final class TensorTests: XCTestCase {
    func testViewsShareMemoryAndCopiesDoNot() throws {
        let t = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        let middle = try t.rows(1..<3)
        XCTAssertEqual(middle.shape, [2, 2])
        XCTAssertEqual(middle.array, [3, 4, 5, 6])
        middle[0, 0] = 30
        XCTAssertEqual(t[1, 0], 30, "a view writes through to its storage")
        let row = try t.row(2)
        XCTAssertEqual(row.shape, [2])
        XCTAssertEqual(row.array, [5, 6])
        let copy = try t.copy()
        copy[0, 0] = -1
        XCTAssertEqual(t[0, 0], 1, "a copy has its own memory")
        XCTAssertEqual(try t.reshaped([2, 3]).array, t.array)
        XCTAssertEqual(Int(bitPattern: t.pointer) % 64, 0, "storage is 64-byte aligned")
    }

    func testBadShapesAreErrors() throws {
        XCTAssertThrowsError(try Tensor(zeros: [2, -1]))
        XCTAssertThrowsError(try Tensor(shape: [2, 2], values: [1, 2, 3])) { error in
            XCTAssertTrue("\(error)".contains("(2, 2)") && "\(error)".contains("(3)"), "\(error)")
        }
        let t = try Tensor(zeros: [4, 5])
        XCTAssertThrowsError(try t.rows(3..<5))
        XCTAssertThrowsError(try t.row(4))
        XCTAssertThrowsError(try t.reshaped([3, 7])) { error in
            XCTAssertTrue("\(error)".contains("(4, 5)") && "\(error)".contains("(3, 7)"), "\(error)")
        }
    }

    func testImpossibleAllocationIsAnError() {
        XCTAssertThrowsError(try Tensor(zeros: [1 << 40, 1 << 20])) { error in
            guard case TensorCoreError.allocationFailed = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("cannot allocate"), "\(error)")
        }
    }
}
