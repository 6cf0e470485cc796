/// A small RFC 4180 reader for catalog files: one record per line, quoted fields with `""` escapes.
/// Records may not span lines; catalogs never need that and it keeps line numbers exact.
struct CSVReader {
    /// One record and the 1-based line it came from.
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// Bounds every input before parsing: catalogs are small.
    static let maximumBytes = 16 * 1024 * 1024
    static let maximumRecords = 100_000

    /// Splits `text` into records, skipping blank lines; throws naming the line of the first malformed one.
    static func records(_ text: String, file: String) throws -> [Record] {
        guard text.utf8.count <= maximumBytes else {
            throw CatalogError("\(file) is larger than \(maximumBytes / 1024 / 1024) MB, too large for a catalog.")
        }
        var records: [Record] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard records.count < maximumRecords else {
                throw CatalogError(line: lineNumber, "\(file) has more than \(maximumRecords) records, too many for a catalog.")
            }
            records.append(Record(line: lineNumber, fields: try fields(of: line, line: lineNumber, file: file)))
        }
        return records
    }

    private static func fields(of line: Substring, line number: Int, file: String) throws -> [String] {
        var fields: [String] = []
        var current = ""
        var index = line.startIndex
        var inQuotes = false
        var wasQuoted = false
        while index < line.endIndex {
            let character = line[index]
            if inQuotes {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "," {
                fields.append(wasQuoted ? current : current.trimmingSpaces())
                current = ""
                wasQuoted = false
            } else if character == "\"" {
                guard current.allSatisfy({ $0 == " " }) else {
                    throw CatalogError(line: number, "\(file) line \(number): a quote appears inside an unquoted field.")
                }
                current = ""
                inQuotes = true
                wasQuoted = true
            } else if wasQuoted {
                guard character == " " else {
                    throw CatalogError(line: number, "\(file) line \(number): text follows a closing quote.")
                }
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        guard !inQuotes else {
            throw CatalogError(line: number, "\(file) line \(number): a quoted field is not closed.")
        }
        fields.append(wasQuoted ? current : current.trimmingSpaces())
        return fields
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (Foundation-free).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
