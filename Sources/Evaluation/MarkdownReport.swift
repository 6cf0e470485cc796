/// report.md: the headline tables for both protocols, the drop, reported figures apart, and the
/// breakdowns of the chart protocol.
enum MarkdownReport {
    static func render(_ report: EvaluationReport) -> String {
        typealias F = ReportFormatting
        var out = "# Evaluation report — run \(report.run.id)\n\n"
        let identity = report.run.parameters.identity
        let source = identity.set == "curated" ? "the curated set (approved photos)" : "dataset `\(identity.dataset ?? "")`"
        out += "- Images: \(report.run.curatedImages) from \(source)"
        if let control = identity.control { out += "; \(report.run.controlImages) control images from `\(control)`" }
        out += "\n- Label space: \(identity.labelSpace.rawValue); border crop: \(identity.cropBorder) px; status: \(report.run.status)\n"
        out += "- Intervals: \(report.intervals)\n"
        for scoring in ScoringProtocol.allCases { out += "- Protocol **\(scoring.rawValue)**: \(scoring.summary)\n" }
        for note in report.notes { out += "- Note: \(note)\n" }
        out += "\n"
        for scoring in ScoringProtocol.allCases {
            out += "## Measured accuracy — protocol \(scoring.rawValue)\n\n"
            out += "| model | split | n | top-1 | 95% CI | top-5 | 95% CI | missing |\n|---|---|---:|---:|---|---:|---|---:|\n"
            for model in report.models {
                guard let result = model.results[scoring.rawValue] else { continue }
                var rows = [("curated", result.curated)]
                if let control = result.control { rows.append(("control", control)) }
                for (split, accuracy) in rows {
                    out += "| \(model.model) | \(split) | \(accuracy.n) | \(F.percent(accuracy.top1)) | \(F.interval(accuracy.top1Interval)) | "
                    out += "\(F.percent(accuracy.top5)) | \(F.interval(accuracy.top5Interval)) | \(accuracy.missing) |\n"
                }
            }
            let drops = report.models.compactMap { model in model.results[scoring.rawValue]?.drop.map { (model.model, $0) } }
            if !drops.isEmpty {
                out += "\n| model | shared classes | control top-1 | curated top-1 | drop (points) | 95% CI (Newcombe) |\n|---|---:|---:|---:|---:|---|\n"
                for (name, drop) in drops {
                    out += "| \(name) | \(drop.commonClasses) | \(F.percent(drop.control.top1)) | \(F.percent(drop.curated.top1)) | \(F.points(drop.top1)) | \(F.interval(drop.top1Interval)) |\n"
                }
            }
            out += "\n"
        }
        out += "## Reported (published, not measured here)\n\n| model | ImageNet val top-1 (reported) | source |\n|---|---:|---|\n"
        for model in report.models {
            out += "| \(model.model) | \(F.percent(model.reported.imagenetTop1)) | \(model.reported.source) |\n"
        }
        let scoring = report.chartProtocol.rawValue
        for (title, pick) in [("rotation", \EvaluationReport.ProtocolResult.byRotation), ("viewpoint", \.byViewpoint), ("room", \.byRoom)] {
            let anyGroups = report.models.contains { !($0.results[scoring]?[keyPath: pick].isEmpty ?? true) }
            guard anyGroups else { continue }
            out += "\n## Top-1 per \(title) (curated, protocol \(scoring))\n\n"
            out += "| \(title) | " + report.models.map { "\($0.model) n | top-1 [95% CI]" }.joined(separator: " | ") + " |\n"
            out += "|---|" + report.models.map { _ in "---:|---|" }.joined() + "\n"
            let ids = Set(report.models.flatMap { ($0.results[scoring]?[keyPath: pick] ?? []).map(\.id) }).sorted()
            for id in ids {
                let label = report.models.lazy.compactMap { $0.results[scoring]?[keyPath: pick].first { $0.id == id }?.label }.first ?? "\(id)"
                out += "| \(F.markdownCell(label)) |"
                for model in report.models {
                    let group = model.results[scoring]?[keyPath: pick].first { $0.id == id }
                    out += " \(group?.curated.n ?? 0) | \(F.percent(group?.curated.top1)) \(F.interval(group?.curated.top1Interval)) |"
                }
                out += "\n"
            }
        }
        if report.models.contains(where: { !($0.results[scoring]?.byClass.isEmpty ?? true) }) {
            out += "\n## Top-1 per class (protocol \(scoring))\n\n"
            out += "| class | ObjectNet id | " + report.models.map { "\($0.model) curated n | top-1 | control top-1" }.joined(separator: " | ") + " |\n"
            out += "|---|---:|" + report.models.map { _ in "---:|---:|---:|" }.joined() + "\n"
            let first = report.models[0].results[scoring]?.byClass ?? []
            for (index, group) in first.enumerated() {
                out += "| \(F.markdownCell(group.label)) | \(group.objectnetID.map(String.init) ?? "–") |"
                for model in report.models {
                    let row = model.results[scoring]?.byClass
                    let g = (row?.indices.contains(index) ?? false) ? row?[index] : nil
                    out += " \(g?.curated.n ?? 0) | \(F.percent(g?.curated.top1)) | \(F.percent(g?.control?.top1)) |"
                }
                out += "\n"
            }
        }
        return out
    }
}
