import Foundation
import Store

/// What `vantage db status` reports.
struct DatabaseStatus: Encodable {
    struct MigrationLine: Encodable {
        var version: Int
        var name: String
        var applied_at: String?
    }

    var database: String
    var kind: String
    var running: Bool
    var port: Int?
    var migrations: [MigrationLine]

    static func gather(context: CommandContext) async throws -> DatabaseStatus {
        let migrations = try Migration.load(from: context.paths.migrations)
        let logger = context.logger
        switch context.database {
        case .local(let cluster):
            let status = try cluster.status()
            guard status.running else {
                return DatabaseStatus(
                    database: cluster.folder.path, kind: "local", running: false, port: status.port,
                    migrations: migrations.map { MigrationLine(version: $0.version, name: $0.name, applied_at: nil) })
            }
            let entries = try await Database.withClient(url: try cluster.socketURL(), logger: logger) { client in
                try await MigrationRunner(migrations: migrations, logger: logger).status(client)
            }
            return DatabaseStatus(database: cluster.folder.path, kind: "local", running: true, port: status.port, migrations: lines(entries))
        case .external(let url):
            let entries = try await Database.withClient(url: url, logger: logger) { client in
                try await MigrationRunner(migrations: migrations, logger: logger).status(client)
            }
            return DatabaseStatus(database: url.string(includingPassword: false), kind: "external", running: true, port: url.port, migrations: lines(entries))
        }
    }

    private static func lines(_ entries: [MigrationRunner.Entry]) -> [MigrationLine] {
        let formatter = ISO8601DateFormatter()
        return entries.map { MigrationLine(version: $0.version, name: $0.name, applied_at: $0.appliedAt.map(formatter.string(from:))) }
    }

    var text: String {
        var lines: [String] = []
        if kind == "local" {
            lines.append("database: local cluster at \(database), \(running ? "running on port \(port ?? 0)" : "stopped")")
        } else {
            lines.append("database: \(database)")
        }
        let applied = migrations.filter { $0.applied_at != nil }.count
        if running {
            lines.append("migrations: \(applied) applied, \(migrations.count - applied) pending")
        } else {
            lines.append("migrations: unknown while the cluster is stopped (\(migrations.count) in the checkout)")
        }
        for migration in migrations {
            let state = migration.applied_at.map { "applied \($0)" } ?? (running ? "pending" : "-")
            lines.append(String(format: "  %04d_%@  %@", migration.version, migration.name, state))
        }
        return lines.joined(separator: "\n")
    }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
