// Counts heap allocations in this test process, so a test can assert that a kernel call
// allocates nothing. On Linux the test binary is linked with --export-dynamic (see
// Package.swift), which lets these definitions stand in for glibc's allocator for every
// library in the process; each forwards to glibc's own entry point. Elsewhere the
// counter is unavailable and the allocation test skips.

#if os(Linux)
import Glibc

nonisolated(unsafe) var heapAllocationCount = 0
let heapAllocationCountingAvailable = true

@_silgen_name("__libc_malloc") private func libcMalloc(_ size: Int) -> UnsafeMutableRawPointer?
@_silgen_name("__libc_calloc") private func libcCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer?
@_silgen_name("__libc_realloc") private func libcRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer?
@_silgen_name("__libc_memalign") private func libcMemalign(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer?

@_cdecl("malloc") public func countingMalloc(_ size: Int) -> UnsafeMutableRawPointer? {
    heapAllocationCount &+= 1
    return libcMalloc(size)
}

@_cdecl("calloc") public func countingCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    heapAllocationCount &+= 1
    return libcCalloc(count, size)
}

@_cdecl("realloc") public func countingRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    heapAllocationCount &+= 1
    return libcRealloc(pointer, size)
}

@_cdecl("aligned_alloc") public func countingAlignedAlloc(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    heapAllocationCount &+= 1
    return libcMemalign(alignment, size)
}

@_cdecl("posix_memalign") public func countingPosixMemalign(_ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                                            _ alignment: Int, _ size: Int) -> Int32 {
    heapAllocationCount &+= 1
    result.pointee = libcMemalign(alignment, size)
    return result.pointee == nil ? ENOMEM : 0
}
#else
var heapAllocationCount: Int { 0 }
let heapAllocationCountingAvailable = false
#endif
