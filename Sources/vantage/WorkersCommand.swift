import ArgumentParser
import Capture
import Foundation
import Store

/// `vantage workers …`: add, list and revoke workers; quality report, holds and the hold policy.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Add, list and revoke workers; report quality, hold and release them.",
        subcommands: [Add.self, List.self, Revoke.self, Report.self, Hold.self, Release.self, Enforce.self, Policy.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a worker and print their bearer token (shown once; only its hash is stored).")
        @Argument(help: "Worker name.") var name: String
        @Option(help: "Rooms the worker can photograph in, comma-separated.") var rooms: String
        @Flag(help: "Print JSON: {\"id\", \"name\", \"token\"}.") var json = false

        func validate() throws {
            guard Worker.isValidName(name) else {
                throw ValidationError("Worker names are 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let roomList = rooms.split(separator: ",").map(String.init)
                let name = self.name
                let created = try await context.withMigratedClient { client in
                    try await PostgresWorkerRepository(client: client, logger: logger).add(name: name, rooms: roomList)
                }
                if json {
                    let payload: [String: String] = ["name": created.worker.name, "token": created.token]
                    var text = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
                    text.insert(contentsOf: "\"id\":\(created.worker.id),", at: text.index(after: text.startIndex))
                    print(text)
                } else {
                    print("added worker \(created.worker.name) (id \(created.worker.id), rooms \(created.worker.rooms.joined(separator: ",")))")
                    print("token (shown once): \(created.token)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workers.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let workers = try await context.withMigratedClient { client in
                    try await PostgresWorkerRepository(client: client, logger: logger).list()
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(workers), as: UTF8.self))
                } else {
                    print("id\tname\tstatus\trooms")
                    for worker in workers {
                        print("\(worker.id)\t\(worker.name)\t\(worker.status.rawValue)\t\(worker.rooms.joined(separator: ","))")
                    }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a worker's token.")
        @Argument(help: "Worker name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext.load()
                let logger = context.logger
                let name = self.name
                let worker = try await context.withMigratedClient { client in
                    try await PostgresWorkerRepository(client: client, logger: logger).revoke(name: name)
                }
                print("worker \(worker.name) is \(worker.status.rawValue)")
            }
        }
    }
}
