public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The project-local PostgreSQL cluster in `.vantage/postgres/`: created with initdb on first use,
/// started with pg_ctl, listening on a unix socket in that folder and on 127.0.0.1.
///
/// initdb and postgres refuse to run as root, so as root the cluster belongs to the `postgres`
/// system user (created when missing); as any other user it belongs to that user.
public struct LocalCluster: Sendable {
    /// The cluster's folder: `data/`, the socket, the log and `cluster.json`.
    public let folder: URL
    /// Role and database the project uses.
    public static let username = "vantage"
    /// Database name.
    public static let database = "vantage"

    /// State as `vantage db status` shows it.
    public struct Status: Sendable, Equatable {
        /// initdb has run.
        public var initialized: Bool
        /// The postmaster answers.
        public var running: Bool
        /// Configured TCP port (and socket number).
        public var port: Int?
        /// The postmaster's process id when running.
        public var pid: Int?
    }

    /// Creates a handle on the cluster inside `home` (`home/postgres`).
    public init(home: URL) {
        self.folder = home.appendingPathComponent("postgres", isDirectory: true)
    }

    private var dataFolder: URL { folder.appendingPathComponent("data", isDirectory: true) }
    private var settingsFile: URL { folder.appendingPathComponent("cluster.json") }
    private var passwordFile: URL { folder.appendingPathComponent("password") }
    private var logFile: URL { folder.appendingPathComponent("postgres.log") }

    private struct Settings: Codable {
        var port: Int
        var password: String
        /// The `vantage` database exists; until then every start checks for it.
        var ready: Bool?
    }

    // MARK: - Public operations

    /// Reports whether the cluster exists and runs.
    public func status() throws -> Status {
        guard FileManager.default.fileExists(atPath: dataFolder.appendingPathComponent("PG_VERSION").path) else {
            return Status(initialized: false, running: false, port: nil, pid: nil)
        }
        let settings = try readSettings()
        let pid = try runningPID()
        return Status(initialized: true, running: pid != nil, port: settings.port, pid: pid)
    }

    /// Creates the cluster if needed and starts it if it is not running; harmless when it already runs.
    /// Returns the URL to reach it over its unix socket.
    @discardableResult
    public func start() throws -> DatabaseURL {
        try withLock {
            if !FileManager.default.fileExists(atPath: dataFolder.appendingPathComponent("PG_VERSION").path) {
                try initialize()
            }
            var settings = try readSettings()
            if try runningPID() == nil {
                if !Self.portIsFree(settings.port) {
                    settings.port = try Self.freePort()
                    try writeSettings(settings)
                }
                try writeServerConfiguration(port: settings.port)
                let result = try runAsOwner(
                    try binary("pg_ctl"),
                    ["-D", dataFolder.path, "-l", logFile.path, "-w", "-t", "60", "-s", "start"])
                guard result.status == 0 else {
                    throw StoreError(
                        .localClusterFailed,
                        "The local PostgreSQL cluster did not start (see \(logFile.path)): \(Self.lastLine(result.output)).")
                }
            }
            if settings.ready != true {
                try ensureDatabase(port: settings.port)
                settings.ready = true
                try writeSettings(settings)
            }
            return socketURL(port: settings.port)
        }
    }

    /// Stops the cluster if it runs; harmless when it does not.
    public func stop() throws {
        try withLock {
            guard FileManager.default.fileExists(atPath: dataFolder.appendingPathComponent("PG_VERSION").path),
                  try runningPID() != nil
            else { return }
            let result = try runAsOwner(try binary("pg_ctl"), ["-D", dataFolder.path, "-m", "fast", "-w", "-t", "60", "-s", "stop"])
            guard result.status == 0 else {
                throw StoreError(.localClusterFailed, "The local PostgreSQL cluster did not stop: \(Self.lastLine(result.output)).")
            }
        }
    }

    /// The URL psql can use: TCP on 127.0.0.1 with the cluster's password.
    public func tcpURL() throws -> DatabaseURL {
        let settings = try readSettings()
        return DatabaseURL(
            host: "127.0.0.1", port: settings.port, username: Self.username, password: settings.password,
            database: Self.database, tls: .disable)
    }

    /// The URL the CLI itself uses: the unix socket in the cluster's folder.
    public func socketURL() throws -> DatabaseURL {
        socketURL(port: try readSettings().port)
    }

    // MARK: - Creation

    private func initialize() throws {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: dataFolder)
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.localClusterFailed, "Cannot create \(folder.path): \(error.localizedDescription).")
        }
        let settings = Settings(port: try Self.freePort(), password: Self.randomPassword())
        try writeSettings(settings)
        try Data((settings.password + "\n").utf8).write(to: passwordFile, options: .atomic)
        try handOverToOwner(folder)

        let result = try runAsOwner(
            try binary("initdb"),
            ["-D", dataFolder.path, "-U", Self.username, "--pwfile=\(passwordFile.path)", "-E", "UTF8",
             "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"])
        try? fileManager.removeItem(at: passwordFile)
        guard result.status == 0 else {
            try? fileManager.removeItem(at: dataFolder)
            throw StoreError(.localClusterFailed, "initdb failed for the local cluster: \(Self.lastLine(result.output)).")
        }
        // Our settings live in their own file so postgresql.conf stays as initdb wrote it.
        let conf = dataFolder.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        handle.seekToEndOfFile()
        handle.write(Data("\ninclude_if_exists = 'vantage.conf'\n".utf8))
        try handle.close()
    }

    private func writeServerConfiguration(port: Int) throws {
        let escapedFolder = folder.path.replacingOccurrences(of: "'", with: "''")
        let text = """
            # Written by vantage; rewritten on every start.
            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(escapedFolder)'
            unix_socket_permissions = 0700
            max_connections = 200
            shared_buffers = 256MB
            # A 1,000,000-task batch writes ~280 MB of WAL in one COPY; with the default 8 MB of WAL
            # buffers the inserting backend keeps stopping to write (and at segment ends fsync) WAL
            # itself, while with 64 MB the WAL writer does it on the other core: about 0.9 s of ~7 s.
            wal_buffers = 64MB
            logging_collector = off

            """
        let file = dataFolder.appendingPathComponent("vantage.conf")
        try Data(text.utf8).write(to: file, options: .atomic)
        try handOverToOwner(file)
    }

    private func ensureDatabase(port: Int) throws {
        let psql = try binary("psql")
        let check = try runAsOwner(psql, [
            "-h", folder.path, "-p", String(port), "-U", Self.username, "-d", "postgres", "-tAc",
            "SELECT 1 FROM pg_database WHERE datname = '\(Self.database)'",
        ])
        guard check.status == 0 else {
            throw StoreError(.localClusterFailed, "Cannot query the local cluster: \(Self.lastLine(check.output)).")
        }
        if check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { return }
        let create = try runAsOwner(psql, [
            "-h", folder.path, "-p", String(port), "-U", Self.username, "-d", "postgres", "-qc",
            "CREATE DATABASE \(Self.database)",
        ])
        guard create.status == 0 else {
            throw StoreError(.localClusterFailed, "Cannot create the vantage database: \(Self.lastLine(create.output)).")
        }
    }

    // MARK: - Ownership

    private var runsAsRoot: Bool { geteuid() == 0 }

    /// Runs a PostgreSQL program as the cluster's owner.
    private func runAsOwner(_ executable: String, _ arguments: [String]) throws -> Subprocess.Result {
        guard runsAsRoot else { return try Subprocess.run(executable, arguments) }
        try ensurePostgresUser()
        let runuser = Subprocess.find("runuser", extraFolders: ["/usr/sbin", "/sbin"]) ?? "/usr/sbin/runuser"
        return try Subprocess.run(runuser, ["-u", "postgres", "--", executable] + arguments)
    }

    private func ensurePostgresUser() throws {
        if getpwnam("postgres") != nil { return }
        let useradd = Subprocess.find("useradd", extraFolders: ["/usr/sbin", "/sbin"]) ?? "/usr/sbin/useradd"
        let result = try Subprocess.run(useradd, ["--system", "--home-dir", "/var/lib/postgresql", "--shell", "/bin/bash", "postgres"])
        guard result.status == 0 || getpwnam("postgres") != nil else {
            throw StoreError(.localClusterFailed, "Cannot create the postgres system user: \(Self.lastLine(result.output)).")
        }
    }

    /// As root, gives a path to the postgres user and checks that user can reach it.
    private func handOverToOwner(_ url: URL) throws {
        guard runsAsRoot else { return }
        try ensurePostgresUser()
        guard let entry = getpwnam("postgres") else { return }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard chown(url.path, uid, gid) == 0 else {
            throw StoreError(.localClusterFailed, "Cannot hand \(url.path) to the postgres user: \(String(cString: strerror(errno))).")
        }
        let test = try Subprocess.run(
            Subprocess.find("runuser", extraFolders: ["/usr/sbin", "/sbin"]) ?? "/usr/sbin/runuser",
            ["-u", "postgres", "--", "/usr/bin/test", "-w", folder.path])
        guard test.status == 0 else {
            throw StoreError(
                .localClusterFailed,
                "The postgres system user cannot reach \(folder.path) (a parent folder is private): set VANTAGE_HOME to a folder it can reach, or set VANTAGE_DATABASE_URL.")
        }
    }

    // MARK: - Helpers

    private func socketURL(port: Int) -> DatabaseURL {
        DatabaseURL(
            host: nil, socketDirectory: folder.path, port: port, username: Self.username, password: nil,
            database: Self.database, tls: .disable)
    }

    private func readSettings() throws -> Settings {
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(contentsOf: settingsFile))
        } catch {
            throw StoreError(.localClusterFailed, "The local cluster's settings \(settingsFile.path) are missing or damaged; remove \(folder.path) to start afresh.")
        }
    }

    private func writeSettings(_ settings: Settings) throws {
        let data = try JSONEncoder().encode(settings)
        try data.write(to: settingsFile, options: .atomic)
        chmod(settingsFile.path, 0o600)
    }

    /// The postmaster's pid when it is alive, from `postmaster.pid`.
    private func runningPID() throws -> Int? {
        let pidFile = dataFolder.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = Int32(first.trimmingCharacters(in: .whitespaces))
        else { return nil }
        if kill(pid, 0) == 0 || errno == EPERM { return Int(pid) }
        return nil
    }

    private func binary(_ name: String) throws -> String {
        var extra: [String] = []
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                extra.append("/usr/lib/postgresql/\(version)/bin")
            }
        }
        guard let path = Subprocess.find(name, extraFolders: extra) else {
            throw StoreError(.localClusterFailed, "\(name) is not installed: install PostgreSQL (apt-get install postgresql-15) or set VANTAGE_DATABASE_URL.")
        }
        return path
    }

    /// Serialises concurrent `vantage` processes acting on the same cluster.
    private func withLock<T>(_ body: () throws -> T) throws -> T {
        // The home folder keeps default permissions so the postgres user can pass through it;
        // only the cluster's own folder is private.
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lockPath = folder.appendingPathComponent(".lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else {
            throw StoreError(.localClusterFailed, "Cannot open \(lockPath): \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw StoreError(.localClusterFailed, "Cannot lock \(lockPath): \(String(cString: strerror(errno))).")
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }

    /// Asks the kernel for a free TCP port on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StoreError(.localClusterFailed, "Cannot open a socket to find a free port.") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw StoreError(.localClusterFailed, "Cannot find a free TCP port on 127.0.0.1.") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func lastLine(_ output: String) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? "no output"
    }
}
