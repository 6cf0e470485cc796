public import Foundation
public import Logging
public import PostgresNIO
import NIOCore
import NIOPosix
import NIOSSL

/// Where the data lives: the project-local cluster (default) or an external PostgreSQL.
public enum Database: Sendable {
    /// The embedded cluster in `.vantage/postgres/`, started on demand.
    case local(LocalCluster)
    /// A PostgreSQL server named by `VANTAGE_DATABASE_URL`.
    case external(DatabaseURL)

    /// `VANTAGE_DATABASE_URL` when set, else the local cluster under the project's home.
    public static func resolve(
        paths: ProjectPaths, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Database {
        if let text = environment["VANTAGE_DATABASE_URL"], !text.isEmpty {
            return .external(try DatabaseURL(parsing: text))
        }
        return .local(LocalCluster(home: paths.home))
    }

    /// The URL to connect to; starts the local cluster when it is the default and not running.
    public func connectionURL() throws -> DatabaseURL {
        switch self {
        case .local(let cluster): return try cluster.start()
        case .external(let url): return url
        }
    }

    /// Connects (after a quick reachability probe), runs `body` with a pooled client, and shuts the pool down.
    @discardableResult
    public static func withClient<T: Sendable>(
        url: DatabaseURL, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        try await probe(url, logger: logger)
        // The pool's own chatter (a lease racing run()) is not the caller's business below errors.
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: backgroundLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Opens and closes one connection so an unreachable server fails fast, with one sentence.
    public static func probe(_ url: DatabaseURL, logger: Logger, timeout: Duration = .seconds(5)) async throws {
        var configuration = url.connectionConfiguration()
        configuration.options.connectTimeout = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw StoreError(.databaseUnreachable, "Cannot reach the database at \(url.endpointDescription): \(reason(error)).")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            let underlying = error.underlying.map { String(describing: $0) } ?? ""
            if underlying.contains("refused") { return "connection refused" }
            if underlying.lowercased().contains("timeout") || underlying.contains("timed out") { return "the connection timed out" }
            if underlying.contains("resolve") || underlying.contains("NXDOMAIN") || underlying.contains("getaddrinfo") {
                return "the host name does not resolve"
            }
            if underlying.contains("No such file") { return "no server is listening on that socket" }
            if error.code == .sslUnsupported { return "the server does not offer TLS (add ?sslmode=disable)" }
            return underlying.isEmpty ? "\(error.code)" : underlying
        }
        return "\(error)"
    }
}

extension DatabaseURL {
    /// Pool configuration for PostgresNIO.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(
                host: host ?? "127.0.0.1", port: port, username: username, password: password, database: database,
                tls: clientTLS)
        }
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// Single-connection configuration for PostgresNIO.
    public func connectionConfiguration() -> PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        }
        return .init(
            host: host ?? "127.0.0.1", port: port, username: username, password: password, database: database,
            tls: connectionTLS)
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(.clientDefault)
        case .require: return .require(.clientDefault)
        }
    }

    private var connectionTLS: PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return (try? NIOSSLContext(configuration: .clientDefault)).map { .prefer($0) } ?? .disable
        case .require: return (try? NIOSSLContext(configuration: .clientDefault)).map { .require($0) } ?? .disable
        }
    }
}
