/// Inline SVG charts for report.html: no scripts, no external files, readable when printed.
enum SVGChart {
    typealias F = ReportFormatting

    /// Series colours (colour-blind-safe Okabe–Ito order).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]

    /// One model's bars: control (when any) and curated top-1, with whiskers and the drop.
    struct Bars {
        var model: String
        var control: Accuracy?
        var curated: Accuracy
        var drop: Drop?
    }

    /// Control vs curated top-1 per model, in the manner of ObjectNet's Fig. 1.
    static func controlVersusCurated(_ models: [Bars]) -> String {
        let hasControl = models.contains { $0.control != nil }
        let barWidth = 46.0, gap = 10.0, groupGap = 50.0
        let perGroup = hasControl ? 2 * barWidth + gap : barWidth
        let left = 56.0, top = 34.0, plotHeight = 260.0, bottom = 70.0
        let width = left + Double(models.count) * (perGroup + groupGap) + 20
        let height = top + plotHeight + bottom
        var svg = header(width: width, height: height, label: "Top-1 accuracy per model, control versus curated")
        svg += axis(left: left, top: top, width: width - left - 10, height: plotHeight)
        for (index, model) in models.enumerated() {
            let x0 = left + groupGap / 2 + Double(index) * (perGroup + groupGap)
            var bars: [(String, Accuracy, String)] = []
            if hasControl { bars.append(("control", model.control ?? Accuracy(), "#7f7f7f")) }
            bars.append(("curated", model.curated, palette[0]))
            var tops: [Double] = []
            for (slot, (name, accuracy, colour)) in bars.enumerated() {
                let x = x0 + Double(slot) * (barWidth + gap)
                let value = accuracy.top1 ?? 0
                let y = top + plotHeight * (1 - value)
                tops.append(y)
                svg += "<rect x=\"\(F.fixed(x, digits: 1))\" y=\"\(F.fixed(y, digits: 1))\" width=\"\(barWidth)\" height=\"\(F.fixed(top + plotHeight - y, digits: 1))\" fill=\"\(colour)\">"
                svg += "<title>\(F.html(model.model)) \(name): \(F.percent(accuracy.top1)) \(F.interval(accuracy.top1Interval)), n = \(accuracy.n)</title></rect>"
                svg += whisker(x: x + barWidth / 2, interval: accuracy.top1Interval, top: top, height: plotHeight)
                let labelY = min(y, accuracy.top1Interval.map { top + plotHeight * (1 - $0.upperBound) } ?? y) - 5
                svg += text(x: x + barWidth / 2, y: labelY, F.percent(accuracy.top1), size: 11, anchor: "middle")
                svg += text(x: x + barWidth / 2, y: top + plotHeight + 14, name, size: 10, anchor: "middle", colour: "#555")
            }
            svg += text(x: x0 + perGroup / 2, y: top + plotHeight + 32, model.model, size: 12, anchor: "middle", weight: "600")
            if let drop = model.drop {
                svg += text(x: x0 + perGroup / 2, y: top + plotHeight + 48, "drop \(F.points(drop.top1)) pts", size: 11, anchor: "middle", colour: "#B00020")
            }
        }
        return svg + "</svg>"
    }

    /// Top-1 per group with whiskers, one colour per model, offset within each group.
    static func dots(groups: [(id: Int, label: String)], series: [(model: String, values: [Int: Accuracy])], rotateLabels: Bool) -> String {
        let left = 56.0, top = 16.0, plotHeight = 220.0
        let bottom = rotateLabels ? 40.0 : 56.0
        // Fit the page (about 1200 px) even with 50 rotations; models sit side by side within a group.
        let spread = rotateLabels ? 5.0 : 8.0
        let wanted = max(rotateLabels ? 22.0 : 90.0, Double(series.count) * spread + 8)
        let step = min(wanted, max(12, (1180 - left) / Double(max(1, groups.count))))
        let legendWidth = series.reduce(left) { $0 + 24 + Double($1.model.count) * 6.5 }
        let width = max(360, legendWidth + 10, left + Double(groups.count) * step + 20)
        let legendHeight = 22.0
        let height = top + plotHeight + bottom + legendHeight
        var svg = header(width: width, height: height, label: "Top-1 accuracy per group with 95% intervals")
        svg += axis(left: left, top: top, width: width - left - 10, height: plotHeight)
        for (index, group) in groups.enumerated() {
            let centre = left + (Double(index) + 0.5) * step
            if index % 2 == 1 {
                svg += "<rect x=\"\(F.fixed(centre - step / 2, digits: 1))\" y=\"\(top)\" width=\"\(F.fixed(step, digits: 1))\" height=\"\(plotHeight)\" fill=\"#000\" fill-opacity=\"0.03\"/>"
            }
            for (slot, serie) in series.enumerated() {
                guard let accuracy = serie.values[group.id], let value = accuracy.top1 else { continue }
                let offset = (Double(slot) - Double(series.count - 1) / 2) * spread
                let x = centre + offset, y = top + plotHeight * (1 - value)
                let colour = palette[slot % palette.count]
                svg += whisker(x: x, interval: accuracy.top1Interval, top: top, height: plotHeight, colour: colour, cap: 2.5)
                svg += "<circle cx=\"\(F.fixed(x, digits: 1))\" cy=\"\(F.fixed(y, digits: 1))\" r=\"3\" fill=\"\(colour)\">"
                svg += "<title>\(F.html(serie.model)) · \(F.html(group.label)): \(F.percent(value)) \(F.interval(accuracy.top1Interval)), n = \(accuracy.n)</title></circle>"
            }
            let labelText = rotateLabels ? String(group.id) : group.label
            svg += "<text x=\"\(F.fixed(centre, digits: 1))\" y=\"\(F.fixed(top + plotHeight + 14, digits: 1))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\"><title>\(F.html(group.label))</title>\(F.html(labelText))</text>"
        }
        var x = left
        let legendY = top + plotHeight + bottom + 6
        for (slot, serie) in series.enumerated() {
            svg += "<circle cx=\"\(F.fixed(x + 5, digits: 1))\" cy=\"\(F.fixed(legendY, digits: 1))\" r=\"4\" fill=\"\(palette[slot % palette.count])\"/>"
            svg += text(x: x + 13, y: legendY + 4, serie.model, size: 11, anchor: "start")
            x += 24 + Double(serie.model.count) * 6.5
        }
        return svg + "</svg>"
    }

    static func header(width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(F.html(label))\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"system-ui, sans-serif\">"
    }

    static func axis(left: Double, top: Double, width: Double, height: Double) -> String {
        var svg = ""
        for tick in stride(from: 0, through: 100, by: 20) {
            let y = top + height * (1 - Double(tick) / 100)
            svg += "<line x1=\"\(left)\" x2=\"\(F.fixed(left + width, digits: 1))\" y1=\"\(F.fixed(y, digits: 1))\" y2=\"\(F.fixed(y, digits: 1))\" stroke=\"#ddd\"/>"
            svg += text(x: left - 6, y: y + 4, "\(tick)%", size: 10, anchor: "end", colour: "#555")
        }
        svg += "<line x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(top + height)\" stroke=\"#888\"/>"
        svg += "<text transform=\"translate(14 \(F.fixed(top + height / 2, digits: 1))) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">top-1 accuracy</text>"
        return svg
    }

    static func whisker(x: Double, interval: ClosedRange<Double>?, top: Double, height: Double, colour: String = "#222", cap: Double = 6) -> String {
        guard let interval else { return "" }
        let y1 = top + height * (1 - interval.upperBound), y2 = top + height * (1 - interval.lowerBound)
        let xs = F.fixed(x, digits: 1)
        return "<line x1=\"\(xs)\" x2=\"\(xs)\" y1=\"\(F.fixed(y1, digits: 1))\" y2=\"\(F.fixed(y2, digits: 1))\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>"
            + "<line x1=\"\(F.fixed(x - cap, digits: 1))\" x2=\"\(F.fixed(x + cap, digits: 1))\" y1=\"\(F.fixed(y1, digits: 1))\" y2=\"\(F.fixed(y1, digits: 1))\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>"
            + "<line x1=\"\(F.fixed(x - cap, digits: 1))\" x2=\"\(F.fixed(x + cap, digits: 1))\" y1=\"\(F.fixed(y2, digits: 1))\" y2=\"\(F.fixed(y2, digits: 1))\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>"
    }

    static func text(x: Double, y: Double, _ content: String, size: Int, anchor: String, colour: String = "#111", weight: String = "400") -> String {
        "<text x=\"\(F.fixed(x, digits: 1))\" y=\"\(F.fixed(y, digits: 1))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\" fill=\"\(colour)\">\(F.html(content))</text>"
    }
}
