import ArgumentParser
import Capture
import Foundation
import Store

/// `vantage catalog …`: import and list the class catalog; override the controls.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Import and list the class catalog (and set the rooms and viewpoints).",
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the ObjectNet catalog (`objectnet`) or a custom name,imagenet_ids,symmetry CSV; idempotent.")
        @Argument(help: "objectnet, or a CSV file.") var source: String
        @Option(help: "Active rooms, comma-separated (default: kitchen,living-room,bedroom,bathroom on first import).")
        var rooms: String?
        @Option(help: "Active viewpoints as name:pitch, comma-separated (pitch: degrees above the horizon, -90 = looking down).")
        var viewpoints: String?

        func validate() throws {
            if let rooms, rooms.split(separator: ",").contains(where: { !Room.isValidName(String($0)) }) {
                throw ValidationError("Room names must be lowercase letters, digits and dashes, starting with a letter.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let catalogSource: CatalogSource = source == "objectnet" ? .objectNet : .file(URL(fileURLWithPath: source))
                let roomList = rooms.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
                let viewpointList = try viewpoints.map { try Viewpoint.parseList($0) }
                let fixtures = context.paths.fixtures, logger = context.logger
                let result = try await context.withMigratedClient { client in
                    try await PostgresCatalogRepository(client: client, logger: logger)
                        .importCatalog(catalogSource, fixtures: fixtures, rooms: roomList, viewpoints: viewpointList)
                }
                print("imported \(result.classes) classes (\(result.inserted) new), \(result.imagenetLinks) ImageNet links, \(result.imagenetClasses) ImageNet classes")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalog's classes.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let entries = try await context.withMigratedClient { client in
                    try await PostgresCatalogRepository(client: client, logger: logger).entries()
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                } else {
                    print("id\tobjectnet_id\tname\tsymmetry\timagenet_ids")
                    for entry in entries {
                        let c = entry.catalogClass
                        print("\(entry.id)\t\(c.objectnetID.map(String.init) ?? "-")\t\(c.name)\t\(c.symmetry.rawValue)\t\(c.imagenetIndices.map(String.init).joined(separator: ";"))")
                    }
                }
            }
        }
    }
}
