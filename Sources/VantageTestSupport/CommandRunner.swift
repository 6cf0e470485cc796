import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `vantage` executable the way a person would, capturing what it prints.
/// posix_spawn and waitpid, since Foundation's `Process` was seen to hang under the test runner here.
public struct CommandRunner: Sendable {
    /// What one run printed and how it exited.
    public struct Output: Sendable {
        /// Exit status (128 + signal when killed).
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
    }

    /// The environment of every run.
    public var environment: [String: String]

    /// Creates a runner; `VANTAGE_ROOT` points at the package so Migrations/ and Fixtures/ are found.
    public init(environment: [String: String] = [:]) {
        var base = ProcessInfo.processInfo.environment
        base["VANTAGE_ROOT"] = Fixtures.packageRoot.path
        base.removeValue(forKey: "VANTAGE_DATABASE_URL")
        self.environment = base.merging(environment) { _, new in new }
    }

    /// Runs `vantage` with `arguments`; standard input is empty; killed after `timeout` seconds.
    @discardableResult
    public func run(_ arguments: [String], timeout: Double = 300) throws -> Output {
        try run(program: Fixtures.vantageExecutable.path, arguments, timeout: timeout)
    }

    /// Runs another program (an absolute path) the same way, with the same environment: the
    /// project's scripts, for instance, which tests run against the built executable.
    @discardableResult
    public func run(program executable: String, _ arguments: [String], timeout: Double = 300) throws -> Output {
        let folder = try Fixtures.temporaryFolder("vantage-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("out").path
        let errPath = folder.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable): \(String(cString: strerror(spawned)))"])
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(20_000)
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Output(status: exitStatus, stdout: stdout, stderr: stderr)
    }
}
