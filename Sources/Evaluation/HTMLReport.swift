/// report.html: one self-contained page (inline CSS and SVG, no scripts or external files).
enum HTMLReport {
    typealias F = ReportFormatting

    static func render(_ report: EvaluationReport) -> String {
        let identity = report.run.parameters.identity
        let scoring = report.chartProtocol.rawValue
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Vantage evaluation report — run \(report.run.id)</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1240px;color:#111;padding:0 16px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px}
            th{background:#f4f4f4;text-align:left}td{white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .meta{color:#444;font-size:13px}.reported{background:#fff8e1}.note{color:#8a4b00}
            .chart{overflow-x:auto}
            </style></head><body>
            <h1>Evaluation report — run \(report.run.id)</h1>

            """
        let source = identity.set == "curated" ? "the curated set (approved photos)" : "dataset " + F.html(identity.dataset ?? "")
        out += "<p class=\"meta\">\(report.run.curatedImages) images from \(source)"
        if let control = identity.control { out += "; \(report.run.controlImages) control images from \(F.html(control))" }
        out += ". Label space \(identity.labelSpace.rawValue), border crop \(identity.cropBorder) px, status \(F.html(report.run.status)).<br>"
        out += "Intervals: \(F.html(report.intervals)).<br>"
        for p in ScoringProtocol.allCases { out += "Protocol <b>\(p.rawValue)</b>: \(F.html(p.summary)).<br>" }
        out += "</p>\n"
        for note in report.notes { out += "<p class=\"note\">\(F.html(note))</p>\n" }

        out += "<h2>Control vs curated top-1 per model (protocol \(scoring))</h2>\n<div class=\"chart\">"
        out += SVGChart.controlVersusCurated(report.models.compactMap { model in
            model.results[scoring].map { SVGChart.Bars(model: model.model, control: $0.control, curated: $0.curated, drop: $0.drop) }
        })
        out += "</div>\n"
        if report.run.controlImages == 0 {
            out += "<p class=\"meta\">This run has no control set, so only curated accuracy is shown; the published ImageNet figures are in the reported table below, not in the chart.</p>\n"
        }
        for p in ScoringProtocol.allCases {
            out += "<h2>Measured accuracy — protocol \(p.rawValue)</h2>\n<table><tr><th>model</th><th>split</th><th>n</th><th>top-1</th><th>95% CI</th><th>top-5</th><th>95% CI</th><th>missing</th></tr>\n"
            for model in report.models {
                guard let result = model.results[p.rawValue] else { continue }
                var rows = [("curated", result.curated)]
                if let control = result.control { rows.append(("control", control)) }
                for (split, a) in rows {
                    out += "<tr><td>\(F.html(model.model))</td><td>\(split)</td><td class=\"n\">\(a.n)</td><td class=\"n\">\(F.percent(a.top1))</td><td>\(F.interval(a.top1Interval))</td>"
                    out += "<td class=\"n\">\(F.percent(a.top5))</td><td>\(F.interval(a.top5Interval))</td><td class=\"n\">\(a.missing)</td></tr>\n"
                }
                if let drop = result.drop {
                    out += "<tr><td>\(F.html(model.model))</td><td>drop</td><td class=\"n\">\(drop.commonClasses) classes</td><td class=\"n\">\(F.points(drop.top1)) pts</td><td>\(F.interval(drop.top1Interval)) Newcombe</td>"
                    out += "<td class=\"n\">\(F.points(drop.top5)) pts</td><td></td><td></td></tr>\n"
                }
            }
            out += "</table>\n"
        }
        out += "<h2>Reported (published, not measured here)</h2>\n<table class=\"reported\"><tr><th>model</th><th>ImageNet val top-1 (reported)</th><th>source</th></tr>\n"
        for model in report.models {
            out += "<tr><td>\(F.html(model.model))</td><td class=\"n\">\(F.percent(model.reported.imagenetTop1))</td><td>\(F.html(model.reported.source))</td></tr>\n"
        }
        out += "</table>\n"

        for (title, pick, rotate) in [("rotation", \EvaluationReport.ProtocolResult.byRotation, true), ("viewpoint", \.byViewpoint, false), ("room", \.byRoom, false)] {
            let series = report.models.map { model in
                (model: model.model, values: Dictionary((model.results[scoring]?[keyPath: pick] ?? []).map { ($0.id, $0.curated) }, uniquingKeysWith: { a, _ in a }))
            }
            var labels: [Int: String] = [:]
            for model in report.models { for group in model.results[scoring]?[keyPath: pick] ?? [] { labels[group.id] = group.label } }
            out += "<h2>Top-1 per \(title) (curated, protocol \(scoring), 95% Wilson whiskers)</h2>\n"
            guard !labels.isEmpty else {
                out += "<p class=\"meta\">No \(title) controls in this run (dataset folders and control sets have none).</p>\n"
                continue
            }
            let groups = labels.keys.sorted().map { (id: $0, label: labels[$0] ?? "") }
            out += "<div class=\"chart\">" + SVGChart.dots(groups: groups, series: series, rotateLabels: rotate) + "</div>\n"
            if rotate { out += "<p class=\"meta\">Rotations by id; hover a label or a dot for the pose and the figures. Table in report.md.</p>\n" }
        }

        out += "<h2>Per class (protocol \(scoring))</h2>\n<table><tr><th>class</th><th>ObjectNet id</th><th>curated n</th><th>control n</th>"
        for model in report.models { out += "<th>\(F.html(model.model)) curated top-1</th><th>95% CI</th><th>control top-1</th>" }
        out += "</tr>\n"
        if let first = report.models.first?.results[scoring]?.byClass {
            for (index, group) in first.enumerated() {
                out += "<tr><td>\(F.html(group.label))</td><td class=\"n\">\(group.objectnetID.map(String.init) ?? "–")</td>"
                out += "<td class=\"n\">\(group.curated.n)</td><td class=\"n\">\(group.control.map { String($0.n) } ?? "–")</td>"
                for model in report.models {
                    let rows = model.results[scoring]?.byClass ?? []
                    let g = rows.indices.contains(index) ? rows[index] : nil
                    out += "<td class=\"n\">\(F.percent(g?.curated.top1))</td><td>\(F.interval(g?.curated.top1Interval))</td><td class=\"n\">\(F.percent(g?.control?.top1))</td>"
                }
                out += "</tr>\n"
            }
        }
        out += "</table>\n<p class=\"meta\">Generated by vantage report from run \(report.run.id).</p>\n</body></html>\n"
        return out
    }
}
