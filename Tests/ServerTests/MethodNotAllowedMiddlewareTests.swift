import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import VantageTestSupport
@testable import Server
@testable import Store

@Suite("Undeclared methods answer 405", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct MethodNotAllowedMiddlewareTests {
    /// The paths of the served OpenAPI document with the methods it declares for each: a path is a
    /// key indented by two spaces under `paths:`, a method a key indented by four.
    static func documentedPaths() -> [(path: String, methods: [String])] {
        var result: [(path: String, methods: [String])] = []
        var inPaths = false
        for line in OpenAPIDocument.yaml.split(separator: "\n") {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                result.append((String(line.dropFirst(2).dropLast()), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let key = line.dropFirst(4).split(separator: ":").first,
                ["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(key), !result.isEmpty
            {
                result[result.count - 1].methods.append(key.uppercased())
            }
        }
        return result
    }

    @Test func everyDocumentedPathAnswers405WithItsDocumentedMethods() async throws {
        let paths = Self.documentedPaths()
        #expect(paths.count >= 6, "\(paths)")
        #expect(paths.contains { $0.path == "/v1/tasks/{task_id}/photo" && $0.methods.sorted() == ["POST", "PUT"] }, "\(paths)")
        try await TestDatabase.withMigratedDatabase { client, _ in
            let app = buildApplication(configuration: ServerConfiguration(port: 0), client: client, logger: TestDatabase.logger, runsClient: false)
            try await app.test(.live) { http in
                for (path, methods) in paths {
                    let uri = path.replacingOccurrences(of: "{task_id}", with: "7")
                        .replacingOccurrences(of: "{photo_id}", with: "6f1d0c2e-8a4b-4c3d-9e2f-1a2b3c4d5e6f")
                    for method in [HTTPRequest.Method.delete, .patch, .trace] where !methods.contains(method.rawValue) {
                        try await http.execute(uri: uri, method: method) { response in
                            #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                            #expect(response.headers[.allow] == methods.sorted().joined(separator: ", "), "\(method) \(uri)")
                            #expect(errorCode(response.body) == "method_not_allowed")
                            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        }
                    }
                }
                // A path no route has stays 404, and a declared method still reaches its route.
                try await http.execute(uri: "/v1/nothing", method: .delete) { #expect($0.status == .notFound) }
                try await http.execute(uri: "/v1/tasks/7/photo", method: .get) {
                    #expect($0.status == .methodNotAllowed)
                    #expect($0.headers[.allow] == "POST, PUT")
                }
                try await http.execute(uri: "/v1/tasks", method: .get) { #expect($0.status == .unauthorized) }
                try await http.execute(uri: "/metrics", method: .get) { response in
                    #expect(String(buffer: response.body).contains("method=\"DELETE\",route=\"unmatched\",status=\"405\""))
                }
            }
        }
    }
}
