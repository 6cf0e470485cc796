import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on standard error: a redrawn bar with rate and ETA on a terminal, a plain line every few
/// seconds otherwise (logs and pipes should not fill with carriage returns).
final class ProgressReporter: @unchecked Sendable {
    // @unchecked: called only from the one evaluator loop that owns it.
    private let isTerminal: Bool
    private let start = Date()
    private let startDone: Int
    private var lastPrint = Date.distantPast
    private var printedBar = false

    init(initialDone: Int) {
        self.isTerminal = isatty(STDERR_FILENO) == 1
        self.startDone = initialDone
    }

    /// Shows `done` of `total` image × model pairs; `force` prints even when the last line was recent.
    func update(done: Int, total: Int, force: Bool = false) {
        let now = Date()
        let interval = isTerminal ? 0.2 : 5.0
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - startDone) / elapsed : 0
        let remaining = max(0, total - done)
        let eta = rate > 0 ? Self.duration(Double(remaining) / rate) : "?"
        let percent = total > 0 ? Double(done) / Double(total) * 100 : 100
        let figures = String(format: "%d/%d images × models (%.0f%%)  %.1f/s  ETA %@", done, total, percent, rate, eta)
        if isTerminal {
            let width = 30
            let filled = total > 0 ? min(width, width * done / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\r\u{1B}[2K[\(bar)] \(figures)")
            printedBar = true
        } else {
            write("evaluate: \(figures)\n")
        }
    }

    /// Ends the bar's line.
    func finish() {
        if isTerminal && printedBar { write("\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e7 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
