import Foundation
import Testing
import VantageTestSupport

/// docs/cli.md is generated from the built executable's own help, so it cannot drift from the code:
/// these regenerate it and compare, and check every command has its heading.
@Suite("docs/cli.md")
struct CLIReferenceTests {
    static let cliMarkdown = Fixtures.packageRoot.appendingPathComponent("docs/cli.md")

    @Test func cliReferenceMatchesTheHelp() throws {
        let script = Fixtures.packageRoot.appendingPathComponent("scripts/generate-cli-docs.py").path
        let committed = try String(contentsOf: Self.cliMarkdown, encoding: .utf8)

        let result = try CommandRunner().run(
            program: "/usr/bin/env", ["python3", script, "--vantage", Fixtures.vantageExecutable.path, "--output", "-"])
        try #require(result.status == 0, "scripts/generate-cli-docs.py failed: \(result.stderr)")

        let fresh = result.stdout.components(separatedBy: "\n")
        let old = committed.components(separatedBy: "\n")
        let line = (0..<min(fresh.count, old.count)).first { fresh[$0] != old[$0] } ?? min(fresh.count, old.count)
        let expected = line < fresh.count ? fresh[line] : "<end of file>"
        let current = result.stdout == committed  // a Bool, so a failure prints the sentence, not both files
        #expect(
            current,
            """
            docs/cli.md differs from the commands' help, first at line \(line + 1) (the help says "\(expected)"): \
            run `swift build && scripts/generate-cli-docs.py` and commit docs/cli.md.
            """)
    }

    /// Every command the help shows, read from the dump here rather than by the generator.
    @Test func everyCommandHasAHeadingNamingTheFullCommand() throws {
        let dump = try CommandRunner().run(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.stderr)")
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let root = try #require(tree["command"] as? [String: Any])

        var commands: [String] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            guard command["shouldDisplay"] as? Bool ?? true, let name = command["commandName"] as? String, name != "help" else { return }
            commands.append((path + [name]).joined(separator: " "))
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub, path + [name]) }
        }
        walk(root, [])
        #expect(commands.contains("vantage tasks generate"))

        let headings = Set(try String(contentsOf: Self.cliMarkdown, encoding: .utf8)
            .components(separatedBy: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) })
        let missing = commands.filter { !headings.contains($0) }
        #expect(missing.isEmpty, "docs/cli.md has no heading for \(missing.joined(separator: ", ")): run scripts/generate-cli-docs.py")
    }
}
