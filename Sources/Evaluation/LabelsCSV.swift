/// A small RFC 4180 reader for labels.csv: quoted fields may hold commas, quotes ("") and newlines.
enum LabelsCSV {
    /// One record and the line it starts on.
    struct Row {
        var line: Int
        var fields: [String]
    }

    /// Parses `text` into rows, skipping blank lines; fails past `maximumRows` or on an unclosed quote.
    static func rows(_ text: String, file: String, maximumRows: Int) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false, quotedField = false
        var line = 1, rowLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() throws {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                rows.append(Row(line: rowLine, fields: fields))
                if rows.count > maximumRows + 1 {
                    throw EvaluationError(.invalidDataset, "\(file) has more than \(maximumRows) rows.")
                }
            }
            fields = []
            field = ""
            quotedField = false
        }
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
                quotedField = true
            case ",":
                fields.append(field)
                field = ""
            case "\r":
                continue
            case "\n":
                try endRow()
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        guard !inQuotes else { throw EvaluationError(.invalidDataset, "\(file) has an unclosed quote starting on line \(rowLine).") }
        if !field.isEmpty || !fields.isEmpty { try endRow() }
        return rows
    }
}
