import Foundation

/// A one-line progress bar on standard error, redrawn at most ten times a second, and
/// silent when standard error is not a terminal (logs stay clean) unless forced.
final class ProgressBar {
    private let label: String
    private let unit: String
    private var lastDraw = 0.0
    private let interactive: Bool
    private let start = Date()

    /// With `force` the bar is drawn even when standard error is not a terminal.
    init(_ label: String, unit: String = "", force: Bool = false) {
        self.label = label
        self.unit = unit
        interactive = force || isatty(2) != 0
    }

    /// Redraws the bar; `note` follows the counts (a rate, say).
    func update(done: Int, total: Int, note: String = "") {
        guard interactive else { return }
        let now = Date().timeIntervalSince1970
        guard now - lastDraw >= 0.1 || done >= total else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let line = String(format: "\r%@ %@ %3.0f%% %@/%@%@%@ ETA %.0fs ", label, bar, fraction * 100,
                          String(done), String(total), unit, note, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard interactive else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
