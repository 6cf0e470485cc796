import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import VantageTestSupport
@testable import Server
@testable import Store

@Suite("Health, readiness and metrics", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct HealthEndpointTests {
    @Test func healthReadyAndMetricsOverRealHTTP() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let app = buildApplication(configuration: ServerConfiguration(port: 0), client: client, logger: TestDatabase.logger, runsClient: false)
            try await app.test(.live) { http in
                try await http.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"ok\""))
                }
                try await http.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                }
                try await http.execute(uri: "/no/such/route", method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
                    #expect(body?["error"]?["code"] == "not_found")
                }
                try await http.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains("vantage_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"))
                    #expect(text.contains("vantage_http_request_duration_seconds_count"))
                }
            }
        }
    }

    @Test func readinessIs503WhenTheDatabaseIsDown() async throws {
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: TestDatabase.logger)
        let app = buildApplication(configuration: ServerConfiguration(port: 0), client: client, logger: TestDatabase.logger)
        try await app.test(.live) { http in
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
                #expect(body?["error"]?["code"] == "database_unavailable")
            }
        }
    }
}
