import Synchronization
import TensorCore
import XCTest

final class ThreadPoolTests: XCTestCase {
    func testEveryThreadRunsEachJobOnce() {
        for size in [1, 2, 3, 5] {
            let pool = ThreadPool(threadCount: size)
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: size)
            defer { hits.deallocate() }
            hits.initialize(repeating: 0, count: size)
            for _ in 0..<2_000 {
                pool.run { thread, count in
                    XCTAssertEqual(count, size)
                    hits[thread] += 1
                }
            }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: hits, count: size)), [Int](repeating: 2_000, count: size))
        }
    }

    func testJobsAfterWorkersSleep() {
        // Workers fall asleep after spinning; the next job must still wake them.
        let pool = ThreadPool(threadCount: 2)
        let total = Atomic<Int>(0)
        for _ in 0..<3 {
            usleep(20_000)
            pool.run { thread, _ in total.add(thread + 1, ordering: .relaxed) }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 3 * (1 + 2))
    }

    func testSplitRangeCoversExactlyOnce() {
        for count in [0, 1, 7, 64, 1000] {
            for parts in [1, 2, 3, 8] {
                for granule in [1, 6, 16] {
                    let ranges = (0..<parts).map { splitRange(count, parts: parts, part: $0, granule: granule) }
                    XCTAssertEqual(ranges.reduce(0) { $0 + $1.count }, count)
                    for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                    for range in ranges.dropLast() where range.upperBound < count {
                        XCTAssertEqual(range.upperBound % granule, 0, "split points fall on the granule")
                    }
                }
            }
        }
    }

    func testDefaultSizeFollowsEnvironment() {
        // SYNTH_THREADS is read when set; otherwise the core count.
        XCTAssertGreaterThanOrEqual(ThreadPool.defaultThreadCount, 1)
        if let text = ProcessInfo.processInfo.environment["SYNTH_THREADS"], let value = Int(text), value > 0 {
            XCTAssertEqual(ThreadPool.defaultThreadCount, value)
        } else {
            XCTAssertEqual(ThreadPool.defaultThreadCount, ProcessInfo.processInfo.activeProcessorCount)
        }
    }
}
