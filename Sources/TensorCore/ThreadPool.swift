// Performance notes
// - One pool lives for the whole process; every parallel kernel hands it a closure that
//   receives (thread index, thread count) and takes a fixed share of the work, as ggml
//   does with ith/nth. The split depends only on the thread count, so a result is
//   bit-identical run after run for a given count (and, for GEMM, for any count).
// - `DispatchQueue.concurrentPerform(iterations: 2)` was seen to run both halves of short
//   work (~100 µs) on the calling thread. Workers here spin on an atomic generation counter
//   for a while (tens of microseconds) before sleeping on a condition variable: a pure spin
//   costs milliseconds when the box is shared, a pure sleep costs a wake-up per kernel.
// - The caller is thread 0 and works too; it spins (then yields) until the others finish.
// - A job is a value of a type conforming to `ParallelTask`, reached by the workers through
//   a pointer to the caller's stack and an existential metatype: nothing is allocated per
//   job. (A closure cannot do this: `withoutActuallyEscaping` allocates a context per call,
//   measured by AllocationTests; the closure form of `run` remains for code off the hot path.)

import Foundation
import Synchronization

/// A persistent pool of worker threads that runs one job at a time across all of them.
///
/// The size is the number of active cores unless `SYNTH_THREADS` says otherwise. Work is
/// split by thread index with no work stealing, so the same thread count always gives
/// the same split and therefore the same floating-point results.
public final class ThreadPool: @unchecked Sendable {
    /// The process-wide pool, sized by ``defaultThreadCount``.
    public static let shared = ThreadPool(threadCount: ThreadPool.defaultThreadCount)

    /// `SYNTH_THREADS` if it is set to a positive integer, otherwise the active core count.
    public static var defaultThreadCount: Int {
        if let text = ProcessInfo.processInfo.environment["SYNTH_THREADS"],
           let count = Int(text.trimmingCharacters(in: .whitespaces)), count > 0 {
            return count
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// How many threads (the caller included) share each job.
    public let threadCount: Int

    /// Bytes of scratch memory each thread owns (GEMM packing buffers live here).
    public static let scratchBytesPerThread = 4 << 20

    private let generation = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    // The current job: its type and its address on the dispatching thread's stack.
    private var jobType: (any ParallelTask.Type)?
    private var jobAddress: UnsafeRawPointer?
    private let scratchBase: UnsafeMutableRawPointer
    private let wakeLock = NSCondition()
    private let dispatchLock = NSLock()
    private var workers: [Thread] = []

    /// Creates a pool of `threadCount` threads (the calling thread counts as one).
    ///
    /// Per-thread scratch memory is allocated here, once; a pool that cannot get it stops
    /// the process with a message saying how much was asked for.
    public init(threadCount: Int) {
        precondition(threadCount >= 1, "ThreadPool needs at least one thread, got \(threadCount)")
        self.threadCount = threadCount
        let bytes = ThreadPool.scratchBytesPerThread * threadCount
        guard let memory = alignedAllocate(bytes: bytes) else {
            fatalError("ThreadPool: cannot allocate \(bytes) bytes of scratch memory for \(threadCount) threads")
        }
        scratchBase = memory
        for index in 1..<threadCount {
            let thread = Thread { [unowned(unsafe) self] in self.workerLoop(index: index) }
            thread.name = "synth-worker-\(index)"
            thread.stackSize = 1 << 20
            workers.append(thread)
            thread.start()
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wakeLock.lock(); wakeLock.broadcast(); wakeLock.unlock()
        // Workers hold `unowned self`; the pools we create live for the process (shared)
        // or for a test, so give them a moment to leave before the memory goes.
        while unfinishedWorkersAlive() { usleep(100) }
        free(scratchBase)
    }

    private let exited = Atomic<Int>(0)
    private func unfinishedWorkersAlive() -> Bool {
        exited.load(ordering: .acquiring) < threadCount - 1
    }

    /// Single-thread pools, one per index: for kernels that call other pool-based kernels
    /// (a GEMM) from inside a parallel task, where thread `i` needs scratch of its own.
    public static func serial(_ index: Int) -> ThreadPool {
        serialPoolsLock.lock()
        defer { serialPoolsLock.unlock() }
        while serialPools.count <= index { serialPools.append(ThreadPool(threadCount: 1)) }
        return serialPools[index]
    }

    /// The scratch region of one thread: `scratchBytesPerThread` bytes, 64-byte aligned.
    /// Only the thread with that index may touch it while a job runs.
    public func scratch(thread: Int) -> UnsafeMutableRawPointer {
        scratchBase + thread * ThreadPool.scratchBytesPerThread
    }

    /// Runs `task.run(thread:threadCount:)` once on every thread of the pool and returns
    /// when all have finished. Allocates nothing. Calls from several threads are
    /// serialised; do not call `run` from inside a task.
    public func run<Task: ParallelTask>(_ task: Task) {
        if threadCount == 1 {
            task.run(thread: 0, threadCount: 1)
            return
        }
        dispatchLock.lock()
        defer { dispatchLock.unlock() }
        withUnsafePointer(to: task) { address in
            jobType = Task.self
            jobAddress = UnsafeRawPointer(address)
            unfinished.store(threadCount - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeLock.lock(); wakeLock.broadcast(); wakeLock.unlock()
            }
            task.run(thread: 0, threadCount: threadCount)
            var spins = 0
            while unfinished.load(ordering: .acquiring) != 0 {
                spins += 1
                if spins > 1_000 { sched_yield() }
            }
            jobType = nil
            jobAddress = nil
        }
    }

    /// Runs `body(thread, threadCount)` once on every thread of the pool. Convenient off the
    /// hot path; it allocates a closure context per call, so kernels use ``run(_:)-(Task)``
    /// with a ``ParallelTask`` instead.
    public func run(_ body: (_ thread: Int, _ threadCount: Int) -> Void) {
        withoutActuallyEscaping(body) { run(ClosureTask(body: $0)) }
    }

    /// Spin iterations before a worker sleeps: roughly 50–100 µs of polling.
    private static let spinLimit = 40_000

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            var spins = 0
            while current == seen {
                spins += 1
                if spins < ThreadPool.spinLimit {
                    current = generation.load(ordering: .acquiring)
                    continue
                }
                sleepers.add(1, ordering: .sequentiallyConsistent)
                wakeLock.lock()
                while generation.load(ordering: .sequentiallyConsistent) == seen {
                    wakeLock.wait()
                }
                wakeLock.unlock()
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopping.load(ordering: .acquiring) { break }
            if let type = jobType, let address = jobAddress {
                runJob(type, address, index)
            }
            unfinished.subtract(1, ordering: .releasing)
        }
        exited.add(1, ordering: .releasing)
    }

    private func runJob<Task: ParallelTask>(_ type: Task.Type, _ address: UnsafeRawPointer, _ index: Int) {
        address.assumingMemoryBound(to: Task.self).pointee.run(thread: index, threadCount: threadCount)
    }
}

nonisolated(unsafe) private var serialPools: [ThreadPool] = []
private let serialPoolsLock = NSLock()

/// Work that a ``ThreadPool`` runs on all its threads at once: each thread calls
/// ``run(thread:threadCount:)`` with its own index and takes its fixed share.
public protocol ParallelTask {
    func run(thread: Int, threadCount: Int)
}

private struct ClosureTask: ParallelTask {
    let body: (Int, Int) -> Void
    func run(thread: Int, threadCount: Int) { body(thread, threadCount) }
}

/// Work over `0..<count` that can be cut into contiguous ranges: ``run(count:work:granule:pool:)``
/// gives each pool thread one range (a fixed split), or runs it all on the calling thread
/// when `work` (elements touched) is too small to be worth a wake-up.
public protocol RangeTask {
    func run(_ range: Range<Int>)
}

/// Elementwise work below this many elements runs on the calling thread: waking a worker
/// costs a few microseconds, more than such a kernel takes.
public let parallelThreshold = 32_768

extension RangeTask {
    /// Runs the task over `0..<count`, split across `pool` when `work` is large enough.
    @inline(__always)
    public func run(count: Int, work: Int, granule: Int = 1, pool: ThreadPool) {
        if work < parallelThreshold || pool.threadCount == 1 || count <= granule {
            run(0..<count)
        } else {
            pool.run(RangeSplit(task: self, count: count, granule: granule))
        }
    }
}

private struct RangeSplit<Task: RangeTask>: ParallelTask {
    let task: Task
    let count: Int
    let granule: Int
    func run(thread: Int, threadCount: Int) {
        let range = splitRange(count, parts: threadCount, part: thread, granule: granule)
        if !range.isEmpty { task.run(range) }
    }
}

/// Splits `0..<count` into `parts` contiguous ranges whose sizes differ by at most one
/// (or by `granule` when given), and returns the `part`-th. Fixed: no work stealing.
@inlinable
public func splitRange(_ count: Int, parts: Int, part: Int, granule: Int = 1) -> Range<Int> {
    let units = (count + granule - 1) / granule
    let base = units / parts, extra = units % parts
    let startUnit = part * base + min(part, extra)
    let endUnit = startUnit + base + (part < extra ? 1 : 0)
    return min(count, startUnit * granule)..<min(count, endUnit * granule)
}

/// 64-byte aligned memory, or nil when the system cannot provide it.
func alignedAllocate(bytes: Int) -> UnsafeMutableRawPointer? {
    var memory: UnsafeMutableRawPointer?
    guard posix_memalign(&memory, 64, max(bytes, 64)) == 0 else { return nil }
    return memory
}
