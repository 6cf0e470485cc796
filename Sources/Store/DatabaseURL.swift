import Foundation

/// A PostgreSQL connection URL: `postgres://user:password@host:port/database?sslmode=...`,
/// or a unix socket with `?host=/socket/dir`.
public struct DatabaseURL: Sendable, Equatable {
    /// TLS policy, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// Host name or address; nil when the URL names a unix socket folder.
    public var host: String?
    /// Folder holding the unix socket `.s.PGSQL.<port>`.
    public var socketDirectory: String?
    /// TCP port, or the socket's number.
    public var port: Int
    /// Role name.
    public var username: String
    /// Password, if any.
    public var password: String?
    /// Database name.
    public var database: String
    /// TLS policy.
    public var tls: TLSMode

    /// Creates a URL value from its parts.
    public init(
        host: String?, socketDirectory: String? = nil, port: Int = 5432, username: String,
        password: String? = nil, database: String, tls: TLSMode = .prefer
    ) {
        self.host = host
        self.socketDirectory = socketDirectory
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(parsing text: String) throws {
        let bad = { (why: String) in
            StoreError(.badDatabaseURL, "The database URL is not valid: \(why) (expected postgres://user:password@host:port/database).")
        }
        guard text.utf8.count <= 4096 else { throw bad("it is longer than 4096 characters") }
        guard let components = URLComponents(string: text) else { throw bad("it cannot be parsed") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw bad("the scheme must be postgres:// or postgresql://")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }

        let host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        guard host != nil || socketDirectory != nil else { throw bad("it names no host") }
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        guard (1...65535).contains(port) else { throw bad("the port is out of range") }

        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let username = components.user?.removingPercentEncoding ?? query["user"] ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let database = path.isEmpty ? (query["dbname"] ?? username) : (path.removingPercentEncoding ?? path)
        let tls: TLSMode
        switch query["sslmode"] {
        case nil, "prefer", "allow": tls = socketDirectory != nil ? .disable : .prefer
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require
        case let other?: throw bad("sslmode '\(other)' is not one of disable, prefer, require")
        }
        self.init(
            host: socketDirectory == nil ? host : nil, socketDirectory: socketDirectory,
            port: port, username: username,
            password: components.password?.removingPercentEncoding ?? query["password"],
            database: database, tls: tls)
    }

    /// The unix socket file PostgresNIO wants, when the URL names a socket folder.
    public var socketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }

    /// The URL as text, usable by psql; the password included only when asked.
    public func string(includingPassword: Bool) -> String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        if includingPassword, let password { components.password = password } else if password != nil {
            components.password = "***"
        }
        components.host = host ?? ""
        if host != nil { components.port = port }
        components.path = "/" + database
        var items: [URLQueryItem] = []
        if let socketDirectory {
            items.append(URLQueryItem(name: "host", value: socketDirectory))
            items.append(URLQueryItem(name: "port", value: String(port)))
        }
        if tls != .prefer { items.append(URLQueryItem(name: "sslmode", value: tls.rawValue)) }
        if !items.isEmpty { components.queryItems = items }
        return components.string ?? "postgres://\(username)@\(host ?? "")/\(database)"
    }

    /// Where the URL points, for messages: never the password.
    public var endpointDescription: String {
        if let socketPath { return socketPath }
        return "\(host ?? "?"):\(port)"
    }
}
