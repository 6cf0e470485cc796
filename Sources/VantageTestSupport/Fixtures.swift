public import Foundation

/// Fixture lookup: the package's own files and the shared test data beside the checkout.
public enum Fixtures {
    /// The package root (the folder with Package.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the checkout, or nil where it is absent (tests using it skip).
    public static var sharedData: URL? {
        let candidates = [
            ProcessInfo.processInfo.environment["VANTAGE_SHARED_DATA"].map { URL(fileURLWithPath: $0) },
            packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// A fresh temporary folder that the `postgres` system user can also reach.
    public static func temporaryFolder(_ prefix: String = "vantage-test") throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return url
    }

    /// The built `vantage` executable next to the test bundle.
    public static var vantageExecutable: URL {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [
            bundleFolder.appendingPathComponent("vantage"),
            bundleFolder.deletingLastPathComponent().appendingPathComponent("vantage"),
            packageRoot.appendingPathComponent(".build/debug/vantage"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }
}
