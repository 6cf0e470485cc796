public import Foundation

/// ImageNet-1k class names by torchvision index, from `Fixtures/catalog/imagenet-1k.csv`.
public struct ImageNetLabels: Sendable {
    /// Names by index.
    public var names: [String]

    /// Reads `index,wnid,name` rows (names may be quoted and contain commas).
    public init(contentsOf url: URL) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw InferenceError(.modelUnavailable, "The class list \(url.lastPathComponent) cannot be read.")
        }
        var names: [String] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, Int(parts[0]) == names.count else {
                throw InferenceError(.modelUnavailable, "The class list \(url.lastPathComponent) has a malformed row.")
            }
            var name = String(parts[2])
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
            names.append(name)
        }
        self.names = names
    }
}
