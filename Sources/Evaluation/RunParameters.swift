import Foundation

/// What a run is, stored in `evaluation_runs.parameters`. `identity` alone decides whether a new
/// `vantage evaluate` resumes a run: same images and labels, same models (by SHA-256), same label
/// space, border crop and catalog map. The protocol is not part of it, since both protocols are
/// computed from the same stored predictions.
public struct RunParameters: Sendable, Equatable, Codable {
    /// The part that identifies a run.
    public struct Identity: Sendable, Equatable, Codable {
        /// "curated" (the approved photos) or "dataset".
        public var set: String
        /// The dataset folder, for `--dataset`.
        public var dataset: String?
        /// Fingerprint of the curated images or of the dataset's labels.csv.
        public var imagesSHA256: String
        /// The control folder, for `--control`.
        public var control: String?
        /// SHA-256 of the control's labels.csv.
        public var controlSHA256: String?
        /// objectnet or imagenet.
        public var labelSpace: LabelSpace
        /// Pixels cropped from each edge before preprocessing.
        public var cropBorder: Int
        /// Model names with the SHA-256 of their prepared files, sorted by name.
        public var models: [ModelIdentity]
        /// SHA-256 of the class → ImageNet map the overlap scores were restricted to.
        public var catalogSHA256: String

        enum CodingKeys: String, CodingKey {
            case set, dataset, control, models
            case imagesSHA256 = "images_sha256"
            case controlSHA256 = "control_sha256"
            case labelSpace = "label_space"
            case cropBorder = "crop_border"
            case catalogSHA256 = "catalog_sha256"
        }
    }

    /// A model as the identity records it.
    public struct ModelIdentity: Sendable, Equatable, Codable {
        /// Name.
        public var name: String
        /// SHA-256 of the prepared ONNX file.
        public var onnxSHA256: String

        enum CodingKeys: String, CodingKey {
            case name
            case onnxSHA256 = "onnx_sha256"
        }
    }

    /// The identity.
    public var identity: Identity
    /// The protocol asked for when the run was created (reports show both).
    public var `protocol`: ScoringProtocol
    /// Images per chunk.
    public var chunkSize: Int

    enum CodingKeys: String, CodingKey {
        case identity, `protocol`
        case chunkSize = "chunk_size"
    }

    /// Canonical JSON (sorted keys), so equal identities compare equal as text and as jsonb.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reads stored parameters.
    public static func decode(_ json: String) throws -> RunParameters {
        do {
            return try JSONDecoder().decode(RunParameters.self, from: Data(json.utf8))
        } catch {
            throw EvaluationError(.notFound, "The run's stored parameters are not in the form this version reads.")
        }
    }
}
