import Foundation
import Testing
import VantageTestSupport

@Suite("vantage models / classify / bench: arguments and failures")
struct ModelsCommandTests {
    @Test("models list shows the three bundled models with input size and published top-1")
    func list() throws {
        let output = try CommandRunner().run(["models", "list"])
        #expect(output.status == 0, "\(output.stderr)")
        for (name, size, top1) in [("efficientnet-lite0", "224", "75.1"), ("efficientnet-lite1", "240", "76.7"), ("efficientnet-lite2", "260", "77.6")] {
            let line = output.stdout.split(separator: "\n").first { $0.hasPrefix(name) }
            #expect(line?.contains(size) == true && line?.contains(top1) == true, "\(output.stdout)")
        }
    }

    @Test("an unknown model is one sentence on stderr and exit status 1")
    func unknownModel() throws {
        let output = try CommandRunner().run(["classify", "--model", "no-such-model", "/tmp/x.jpg"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("no-such-model"))
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    @Test("bench infer validates its arguments")
    func benchValidation() throws {
        let output = try CommandRunner().run(["bench", "infer", "--batch", "0"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--batch"))
    }
}
