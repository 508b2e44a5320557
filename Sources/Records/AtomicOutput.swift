import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that could not be written (nothing is left at its path).
public struct OutputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): cannot write: \(reason)" }
}

/// Where a job's output goes: standard output, or a file written atomically — the bytes go
/// to a temporary file beside the destination, which ``finish()`` flushes, syncs and
/// renames into place. Until then the destination is untouched, and an output dropped
/// without ``finish()`` (an error, Ctrl-C) removes its temporary file: nothing is ever
/// half-written. Writes are buffered.
public final class AtomicOutput {
    /// The destination, nil for standard output.
    public let path: String?
    /// The file being written until ``finish()`` renames it (for a signal handler to remove).
    public private(set) var temporaryPath: String?
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 16

    /// Opens a temporary file beside `path`, or standard output when `path` is nil.
    public init(path: String?) throws(OutputFileError) {
        self.path = path
        buffer.reserveCapacity(AtomicOutput.flushSize + 4096)
        guard let path else {
            descriptor = 1
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().path + "/." + url.lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw OutputFileError(file: path, reason: String(cString: strerror(errno)))
        }
        temporaryPath = temporary
    }

    deinit { discard() }

    /// Appends bytes.
    public func write<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(OutputFileError) {
        guard descriptor >= 0 else { throw OutputFileError(file: path ?? "standard output", reason: "the output is already finished") }
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicOutput.flushSize { try flush() }
    }

    /// Appends a string's UTF-8.
    public func write(_ text: String) throws(OutputFileError) {
        try write(text.utf8)
    }

    /// Writes out what is buffered (the file stays temporary).
    public func flush() throws(OutputFileError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(file: path ?? "standard output", reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, syncs and renames it into place (replacing what was there).
    public func finish() throws(OutputFileError) {
        try flush()
        guard let path, let temporary = temporaryPath else { return }
        let synced = fsync(descriptor) == 0
        let closed = close(descriptor) == 0
        descriptor = -1
        temporaryPath = nil
        guard synced, closed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputFileError(file: path, reason: reason)
        }
    }

    /// Stops writing and removes the temporary file; the destination is untouched.
    public func discard() {
        guard let temporary = temporaryPath else { return }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporary)
        temporaryPath = nil
    }
}

/// The C `write` (hidden inside ``AtomicOutput`` by its own `write(_:)`).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
