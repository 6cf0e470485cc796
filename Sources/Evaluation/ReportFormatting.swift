/// Number formatting shared by the Markdown and HTML reports, without `String(format:)` on hot paths.
enum ReportFormatting {
    /// "12.3%" or "–".
    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return fixed(value * 100, digits: 1) + "%"
    }

    /// "[10.2–14.8]" in percent or "".
    static func interval(_ range: ClosedRange<Double>?) -> String {
        guard let range else { return "" }
        return "[" + fixed(range.lowerBound * 100, digits: 1) + "–" + fixed(range.upperBound * 100, digits: 1) + "]"
    }

    /// Signed points: "+12.3" / "−4.0".
    static func points(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return (value < 0 ? "−" : "+") + fixed(abs(value) * 100, digits: 1)
    }

    /// A non-negative or negative decimal with `digits` places, rounded half away from zero.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale), fraction = scaled % Int64(scale)
        var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let digitsText = String(fraction)
            text += "." + String(repeating: "0", count: digits - digitsText.count) + digitsText
        }
        return text
    }

    /// Escapes text for HTML and SVG.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escapes a Markdown table cell.
    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
