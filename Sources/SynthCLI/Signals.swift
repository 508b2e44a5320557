import Dispatch
import Foundation

/// The sources of the handlers `onInterrupt` installs, kept alive for the whole process.
nonisolated(unsafe) private var signalSources: [DispatchSourceSignal] = []

/// Runs `handler(signal)` on a background queue when SIGINT or SIGTERM arrives, in place
/// of the default (dying at once): commands use it to save work or remove partial files.
func onInterrupt(_ handler: @escaping @Sendable (Int32) -> Void) {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { handler(signalNumber) }
        source.resume()
        signalSources.append(source)
    }
}

/// On Ctrl-C or SIGTERM, removes the partial output at `path` and exits with 128 + the
/// signal number: the destination the output was meant for is never touched.
func removeOnInterrupt(_ path: String) {
    onInterrupt { signalNumber in
        unlink(path)
        _exit(128 + signalNumber)
    }
}
