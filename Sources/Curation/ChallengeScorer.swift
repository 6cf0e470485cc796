public import Foundation

/// The ObjectNet challenge scorer's format rules, so an export's `answers.json` and a model's
/// predictions CSV can be checked here before anyone submits them: answers map a bare image file
/// name to an ObjectNet id (0…312); each CSV row (no header) is a file followed by up to five
/// interleaved `prediction,confidence` pairs, a prediction being an id in −1…312 or empty (−1).
/// Directories in the CSV's file column are ignored, as the scorer ignores them.
public enum ChallengeScorer {
    /// Valid ObjectNet ids in answers.
    public static let answerRange = 0...312
    /// Valid ids in predictions (−1: no prediction).
    public static let predictionRange = -1...312
    /// Largest file either input may be (the full ObjectNet test set's files are a few MB).
    public static let maximumBytes = 256 << 20

    /// What a valid pair scores.
    public struct Score: Sendable, Equatable {
        /// Rows in the CSV.
        public var imagesScored: Int
        /// Entries in the answers.
        public var totalImages: Int
        /// Percent of all answers whose first prediction is right.
        public var top1: Double
        /// Percent of all answers with the right id among the five.
        public var top5: Double
    }

    /// Parses an answers file: a JSON object of file name → ObjectNet id.
    public static func answers(_ data: Data) throws -> [String: Int] {
        guard data.count <= maximumBytes else { throw CurationError(.badFormat, "The answers file is larger than \(maximumBytes) bytes.") }
        guard let dictionary = try? JSONDecoder().decode([String: Int].self, from: data) else {
            throw CurationError(.badFormat, "The answers file is not a JSON object of file names to integer ObjectNet ids.")
        }
        for (file, id) in dictionary {
            guard !file.isEmpty, !file.contains("/") else {
                throw CurationError(.badFormat, "Answer key \"\(file)\" is not a bare file name; the scorer matches file names without folders.")
            }
            guard answerRange.contains(id) else {
                throw CurationError(.badFormat, "Answer \"\(file)\" is \(id), not an ObjectNet id between 0 and 312.")
            }
        }
        let result = dictionary
        return result
    }

    /// Checks a predictions CSV against `answers` and scores it; throws at the first rule broken.
    public static func score(predictionsCSV text: String, answers: [String: Int]) throws -> Score {
        guard text.utf8.count <= maximumBytes else { throw CurationError(.badFormat, "The predictions file is larger than \(maximumBytes) bytes.") }
        var seen = Set<String>()
        var top1 = 0, top5 = 0, rows = 0
        for (index, line) in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let file = String(fields[0].split(separator: "/").last ?? "")
            guard let truth = answers[file] else {
                throw CurationError(.badFormat, "Line \(index + 1): \"\(fields[0])\" is not in the answers (a header line is not allowed).")
            }
            guard seen.insert(file).inserted else { throw CurationError(.badFormat, "Line \(index + 1): \(file) appears twice.") }
            var predictions: [Int] = []
            for slot in stride(from: 1, to: min(fields.count, 10), by: 2) {
                let field = fields[slot].trimmingCharacters(in: .whitespaces)
                guard let id = field.isEmpty ? -1 : Int(field), predictionRange.contains(id) else {
                    throw CurationError(.badFormat, "Line \(index + 1): prediction \"\(field)\" is not an ObjectNet id between -1 and 312.")
                }
                predictions.append(id)
                if slot + 1 < fields.count {
                    let confidence = fields[slot + 1].trimmingCharacters(in: .whitespaces)
                    guard confidence.isEmpty || Double(confidence)?.isFinite == true else {
                        throw CurationError(.badFormat, "Line \(index + 1): confidence \"\(confidence)\" is not a number.")
                    }
                }
            }
            if predictions.first == truth { top1 += 1 }
            if predictions.contains(truth) { top5 += 1 }
            rows += 1
        }
        let total = max(answers.count, 1)
        return Score(imagesScored: rows, totalImages: answers.count,
                     top1: 100 * Double(top1) / Double(total), top5: 100 * Double(top5) / Double(total))
    }
}
