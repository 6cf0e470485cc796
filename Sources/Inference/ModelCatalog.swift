public import Foundation

/// The bundled models: manifests in `Fixtures/models/<name>.json`, prepared graphs beside them.
public struct ModelCatalog: Sendable {
    /// One model as `vantage models list` shows it.
    public struct Entry: Sendable, Equatable {
        /// The manifest.
        public var manifest: ModelManifest
        /// Whether the prepared ONNX file exists.
        public var isPrepared: Bool
    }

    /// A verified, compiled model with its manifest.
    public struct LoadedModel: Sendable {
        /// The manifest.
        public var manifest: ModelManifest
        /// The compiled graph.
        public var network: Network
        /// Preprocessing matching the manifest.
        public var preprocessing: Preprocessing { Preprocessing(manifest: manifest) }
    }

    /// The names the project bundles.
    public static let bundledNames = ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"]

    /// Folder holding manifests and prepared graphs.
    public var folder: URL

    /// A catalog over `folder` (normally `<root>/Fixtures/models`).
    public init(folder: URL) {
        self.folder = folder
    }

    /// Every bundled model whose manifest is present, with whether its graph has been prepared.
    public func list() throws -> [Entry] {
        try Self.bundledNames.compactMap { name in
            let url = folder.appendingPathComponent("\(name).json")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let manifest = try ModelManifest.load(url)
            return Entry(manifest: manifest, isPrepared: FileManager.default.fileExists(atPath: folder.appendingPathComponent(manifest.onnxFile).path))
        }
    }

    /// The manifest of `name`.
    public func manifest(named name: String) throws -> ModelManifest {
        guard Self.bundledNames.contains(name) else {
            throw InferenceError(.modelUnavailable, "There is no model named '\(name)'; the models are \(Self.bundledNames.joined(separator: ", ")).")
        }
        let url = folder.appendingPathComponent("\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InferenceError(.modelUnavailable, "The manifest for \(name) is missing from \(folder.path).")
        }
        return try ModelManifest.load(url)
    }

    /// Loads `name`: checks the prepared file's SHA-256 and that the graph's input matches the manifest.
    public func load(named name: String) throws -> LoadedModel {
        let manifest = try manifest(named: name)
        let url = folder.appendingPathComponent(manifest.onnxFile)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InferenceError(.modelUnavailable, "The model \(name) is not prepared yet: run scripts/prepare-models.sh.")
        }
        guard let data = try? Data(contentsOf: url, options: .mappedIfSafe) else {
            throw InferenceError(.modelUnavailable, "The model file \(url.path) cannot be read.")
        }
        let digest = data.withUnsafeBytes { ModelDigest.hex($0) }
        guard digest == manifest.onnxSHA256.lowercased() else {
            throw InferenceError(.modelUnavailable, "The model file \(manifest.onnxFile) does not match its manifest's SHA-256: prepare it again.")
        }
        let network = try Network(data: data)
        try Self.check(network, against: manifest)
        return LoadedModel(manifest: manifest, network: network)
    }

    /// A graph whose input or output differ from the manifest would be fed wrongly preprocessed images.
    static func check(_ network: Network, against manifest: ModelManifest) throws {
        let expected: [Int?] = [nil, 3, manifest.inputSize, manifest.inputSize]
        let actual = network.inputShape
        let matches = actual.count == 4 && zip(actual.dropFirst(), expected.dropFirst()).allSatisfy { $0 == $1 }
        guard matches else {
            let shown = actual.map { $0.map(String.init) ?? "N" }.joined(separator: "×")
            throw InferenceError(.shapeMismatch, "The model \(manifest.name) takes input \(shown), but its manifest says 3×\(manifest.inputSize)×\(manifest.inputSize).")
        }
        guard network.inputName == manifest.inputName, network.outputName == manifest.outputName else {
            throw InferenceError(.shapeMismatch, "The model \(manifest.name)'s input or output name differs from its manifest.")
        }
    }
}
