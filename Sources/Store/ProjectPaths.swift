public import Foundation

/// Where the project's files live: the checkout (Migrations/, Fixtures/) and the local state (.vantage/).
public struct ProjectPaths: Sendable {
    /// The folder holding `Migrations/` and `Fixtures/`.
    public var root: URL
    /// Local state: the embedded cluster, blobs, generated files (`VANTAGE_HOME`, default `.vantage` in the root).
    public var home: URL

    /// Creates paths from explicit folders.
    public init(root: URL, home: URL) {
        self.root = root
        self.home = home
    }

    /// Numbered SQL migrations.
    public var migrations: URL { root.appendingPathComponent("Migrations", isDirectory: true) }
    /// Committed fixtures (catalog, model manifests).
    public var fixtures: URL { root.appendingPathComponent("Fixtures", isDirectory: true) }

    /// Finds the project root from `VANTAGE_ROOT`, the working folder or the executable's folder,
    /// walking up to the first folder that has `Migrations/`.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProjectPaths {
        let fileManager = FileManager.default
        let cwd = URL(fileURLWithPath: fileManager.currentDirectoryPath, isDirectory: true)
        var candidates: [URL] = []
        if let root = environment["VANTAGE_ROOT"], !root.isEmpty {
            candidates.append(URL(fileURLWithPath: root, isDirectory: true, relativeTo: cwd).standardizedFileURL)
        } else {
            candidates.append(cwd)
            let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "", relativeTo: cwd)
                .resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(executable)
        }
        for start in candidates {
            var folder = start.standardizedFileURL
            while true {
                var isDirectory: ObjCBool = false
                let migrations = folder.appendingPathComponent("Migrations").path
                if fileManager.fileExists(atPath: migrations, isDirectory: &isDirectory), isDirectory.boolValue {
                    return ProjectPaths(root: folder, home: home(environment: environment, root: folder))
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw StoreError(
            .migrationsMissing,
            "Cannot find the Vantage project folder (one with Migrations/): run vantage inside the checkout or set VANTAGE_ROOT.")
    }

    private static func home(environment: [String: String], root: URL) -> URL {
        if let home = environment["VANTAGE_HOME"], !home.isEmpty {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            return URL(fileURLWithPath: home, isDirectory: true, relativeTo: cwd).standardizedFileURL
        }
        return root.appendingPathComponent(".vantage", isDirectory: true)
    }
}
