import Foundation

/// A bounded multipart/form-data parser for the HTML-form upload path: fields by name, values as bytes.
struct MultipartForm {
    struct Failure: Error {
        var message: String
    }

    private(set) var fields: [String: [UInt8]] = [:]

    /// The boundary parameter of a `multipart/form-data` content type.
    static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// Parses `body`; at most `maxParts` parts, part headers at most 8 KB each.
    init(body: [UInt8], boundary: String, maxParts: Int = 16) throws {
        let delimiter = Array("--\(boundary)".utf8)
        var position = 0
        guard let first = Self.find(delimiter, in: body, from: 0) else { throw Failure(message: "The multipart body has no boundary.") }
        position = first + delimiter.count
        var parts = 0
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { return }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else {
                throw Failure(message: "The multipart body is malformed.")
            }
            position += 2
            parts += 1
            guard parts <= maxParts else { throw Failure(message: "The multipart body has too many parts.") }
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: position), headerEnd - position <= 8192 else {
                throw Failure(message: "A multipart part has no header end.")
            }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else {
                throw Failure(message: "A multipart part is not terminated.")
            }
            if let name = Self.fieldName(headers) { fields[name] = Array(body[contentStart..<next]) }
            position = next + 2 + delimiter.count
        }
    }

    func string(_ name: String) -> String? {
        fields[name].map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    private static func fieldName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("name=") {
                    return String(pair.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { hay in
            while index <= last {
                if hay[index] == first {
                    var match = true
                    for offset in 1..<needle.count where hay[index + offset] != needle[offset] {
                        match = false
                        break
                    }
                    if match { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
