public import Foundation

/// A bundled model's manifest (`Fixtures/models/<name>.json`), written by the preparation step.
public struct ModelManifest: Sendable, Decodable, Equatable {
    /// Model name, such as `efficientnet-lite0`.
    public var name: String
    /// The prepared ONNX file's name beside the manifest.
    public var onnxFile: String
    /// Lower-case hex SHA-256 of the prepared ONNX file.
    public var onnxSHA256: String
    /// The graph input's name.
    public var inputName: String
    /// The graph output's name.
    public var outputName: String
    /// Square input size in pixels.
    public var inputSize: Int
    /// Centre-crop ratio: the shorter side is resized to inputSize / cropRatio first.
    public var cropRatio: Double
    /// Per-channel mean on the 0–255 scale.
    public var mean: [Float]
    /// Per-channel standard deviation on the 0–255 scale.
    public var std: [Float]
    /// The label space of the output, such as `imagenet-1k`.
    public var labelSpace: String
    /// Published ImageNet top-1 accuracy in percent.
    public var reportedImageNetTop1: Double?

    enum CodingKeys: String, CodingKey {
        case name, mean, std
        case onnxFile = "onnx_file"
        case onnxSHA256 = "onnx_sha256"
        case inputName = "input_name"
        case outputName = "output_name"
        case inputSize = "input_size"
        case cropRatio = "crop_ratio"
        case labelSpace = "label_space"
        case reportedImageNetTop1 = "reported_imagenet_top1"
    }

    /// Reads and checks a manifest file.
    public static func load(_ url: URL) throws -> ModelManifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InferenceError(.modelUnavailable, "The model manifest \(url.lastPathComponent) cannot be read.")
        }
        let manifest: ModelManifest
        do { manifest = try JSONDecoder().decode(ModelManifest.self, from: data) } catch {
            throw InferenceError(.modelUnavailable, "The model manifest \(url.lastPathComponent) is not valid JSON with the expected fields.")
        }
        guard (8...2048).contains(manifest.inputSize), manifest.cropRatio > 0.1, manifest.cropRatio <= 1,
              manifest.mean.count == 3, manifest.std.count == 3, manifest.std.allSatisfy({ $0 > 0 }),
              !manifest.onnxFile.contains("/") else {
            throw InferenceError(.modelUnavailable, "The model manifest \(url.lastPathComponent) has out-of-range values.")
        }
        return manifest
    }
}
