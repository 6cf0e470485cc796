public import Foundation

extension Evaluator.Result {
    /// A table for people: measured figures with Wilson 95% intervals, the reported ImageNet top-1 kept
    /// in its own, labelled column, and the control and drop when there is a control.
    public var text: String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        func interval(_ range: ClosedRange<Double>?) -> String {
            range.map { String(format: "[%.1f–%.1f]", $0.lowerBound * 100, $0.upperBound * 100) } ?? ""
        }
        var lines: [String] = []
        let scoring = summaries.first?.protocol ?? .allClasses
        let space = summaries.first?.labelSpace ?? .objectnet
        lines.append("run \(runID)\(resumed ? " (resumed)" : "")\(complete ? "" : " (incomplete)") · protocol \(scoring.rawValue) · label space \(space.rawValue) · intervals: Wilson 95%")
        lines.append("model                  split      n       top-1 [95% CI]          top-5 [95% CI]          missing")
        for summary in summaries {
            var rows: [(String, Accuracy)] = [("curated", summary.curated)]
            if let control = summary.control { rows.append(("control", control)) }
            for (split, accuracy) in rows {
                lines.append(summary.model.padding(toLength: 23, withPad: " ", startingAt: 0)
                    + split.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(accuracy.n).padding(toLength: 8, withPad: " ", startingAt: 0)
                    + (percent(accuracy.top1) + " " + interval(accuracy.top1Interval)).padding(toLength: 24, withPad: " ", startingAt: 0)
                    + (percent(accuracy.top5) + " " + interval(accuracy.top5Interval)).padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(accuracy.missing))
            }
            if let drop = summary.drop {
                lines.append("  drop (control − curated, \(drop.commonClasses) shared classes): top-1 \(drop.top1.map { String(format: "%.1f", $0 * 100) } ?? "-") points \(interval(drop.top1Interval)) (Newcombe 95%)")
            }
        }
        let reported = summaries.compactMap { s in s.reportedImageNetTop1.map { "\(s.model) \(percent($0))" } }
        if !reported.isEmpty {
            lines.append("reported (published ImageNet val top-1 from the manifests, not measured here): " + reported.joined(separator: ", "))
        }
        if !complete {
            lines.append("The run is not complete; run the same `vantage evaluate` again to resume it.")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the summaries as a JSON array (the issue's per-model shape) through a temporary file and a
    /// rename, so a failed write never leaves a partial file.
    public func writeJSON(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(summaries)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try data.write(to: temporary)
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw EvaluationError(.output, "Cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
