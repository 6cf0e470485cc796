/// predictions-<model>.csv in the ObjectNet challenge format: `file,pred1,conf1,…,pred5,conf5` with
/// ObjectNet ids under the all-classes map (−1 for an unmapped ImageNet class or a missing prediction).
/// No header line: the challenge scorer refuses one.
enum ChallengeCSV {
    static func render(images: [ScoredImage], predictions: [Int: TopPredictions], catalog: LabelCatalog) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(images.count * 96)
        var idText: [Int: [UInt8]] = [:]
        for image in images {
            out.append(contentsOf: csvField(image.file).utf8)
            let prediction = predictions[image.imageID]
            for slot in 0..<5 {
                out.append(UInt8(ascii: ","))
                guard let prediction, slot < prediction.imagenet.count else {
                    out.append(contentsOf: Array("-1,0.000000".utf8))
                    continue
                }
                let id = catalog.objectnetID(imagenetIndex: prediction.imagenet[slot])
                if let cached = idText[id] { out.append(contentsOf: cached) } else {
                    let text = Array(String(id).utf8)
                    idText[id] = text
                    out.append(contentsOf: text)
                }
                out.append(UInt8(ascii: ","))
                appendProbability(slot < prediction.scores.count ? prediction.scores[slot] : 0, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Six decimals without `String(format:)`, which dominates otherwise at 150,000 rows.
    static func appendProbability(_ value: Float, to out: inout [UInt8]) {
        let micro = Int((Double(max(0, min(1, value.isFinite ? value : 0))) * 1_000_000).rounded())
        out.append(UInt8(ascii: "0") + UInt8(micro / 1_000_000))
        out.append(UInt8(ascii: "."))
        var digits = micro % 1_000_000
        var buffer = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
        for position in stride(from: 5, through: 0, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(digits % 10)
            digits /= 10
        }
        out.append(contentsOf: buffer)
    }

    /// Quotes a file name only when it needs it.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
