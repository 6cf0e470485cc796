import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The export's target folder and a staging folder beside it (same file system, so the final move
/// is one rename): files are written to staging, and the target only ever holds a complete export.
struct ExportDestination {
    /// Files a previous export always writes; `--force` replaces only folders holding them.
    static let markers = ["LICENCE.txt", "metadata.csv"]

    let target: URL
    let staging: URL

    /// Checks the target before any work: an empty or missing folder, or with `force` a previous export.
    init(_ target: URL, force: Bool) throws {
        let target = target.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard target.path != "/", !target.lastPathComponent.isEmpty else {
            throw CurationError(.io, "Export into / is refused; name a folder.")
        }
        guard manager.fileExists(atPath: parent.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CurationError(.io, "The folder \(parent.path) does not exist; create it first.")
        }
        if manager.fileExists(atPath: target.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw CurationError(.io, "\(target.path) is a file, not a folder.") }
            let contents = (try? manager.contentsOfDirectory(atPath: target.path)) ?? []
            if !contents.isEmpty {
                guard force else {
                    throw CurationError(.targetNotEmpty, "\(target.path) is not empty; export into an empty folder or pass --force to replace a previous export.")
                }
                guard Self.markers.allSatisfy(contents.contains) else {
                    throw CurationError(.targetNotEmpty, "\(target.path) is not empty and does not hold a previous export, so it is not replaced even with --force.")
                }
            }
        }
        self.target = target
        staging = parent.appendingPathComponent(".\(target.lastPathComponent).export-\(UUID().uuidString.prefix(8))", isDirectory: true)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw CurationError(.io, "Cannot create the staging folder \(staging.path): \(error.localizedDescription).")
        }
    }

    /// Moves the finished export into place, replacing a previous one.
    func commit() throws {
        let manager = FileManager.default
        var old: URL?
        let contents = (try? manager.contentsOfDirectory(atPath: target.path)) ?? []
        if manager.fileExists(atPath: target.path), !contents.isEmpty {
            let aside = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).replaced-\(UUID().uuidString.prefix(8))", isDirectory: true)
            guard rename(target.path, aside.path) == 0 else { throw failure("move the previous export aside from", target) }
            old = aside
        }
        // rename(2) also replaces an empty folder.
        guard rename(staging.path, target.path) == 0 else {
            let error = failure("move the export into", target)
            if let old { _ = rename(old.path, target.path) }
            throw error
        }
        if let old { try? manager.removeItem(at: old) }
    }

    /// Removes the staging folder after a failure.
    func discard() {
        try? FileManager.default.removeItem(at: staging)
    }

    private func failure(_ operation: String, _ url: URL) -> CurationError {
        CurationError(.io, "Cannot \(operation) \(url.path): \(String(cString: strerror(errno))).")
    }
}
