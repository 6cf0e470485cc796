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

/// Error answers that tell a client when to come back carry `Retry-After`, as the OpenAPI document says.
@Suite("Retry-After on 429 and 503", .enabled(if: TestDatabase.isConfigured, "needs VANTAGE_TEST_DATABASE_URL"))
struct APIErrorTests {
    @Test func rateLimitedUploadsSayWhenToRetry() async throws {
        try await TestDatabase.withMigratedDatabase { client, _ in
            let world = try await UploadWorld.make(client)
            let folder = try Fixtures.temporaryFolder("vantage-blobs")
            defer { try? FileManager.default.removeItem(at: folder) }
            var configuration = ServerConfiguration(port: 0, uploadsPerMinute: 1, blobRoot: folder)
            configuration.databaseTimeoutSeconds = 60
            let app = buildApplication(configuration: configuration, client: client, logger: TestDatabase.logger, runsClient: false)
            try await app.test(.live) { http in
                var last: (HTTPResponse.Status, String?) = (.ok, nil)
                for seed in 0..<2 {
                    let response = try await http.execute(
                        uri: "/v1/tasks/\(world.expiredTask)/photo", method: .put, headers: uploadHeaders(token: UploadWorld.aliceToken),
                        body: ByteBuffer(bytes: try goodPhoto(seed: 300 + UInt64(seed))))
                    last = (response.status, response.headers[.retryAfter])
                }
                #expect(last.0 == .tooManyRequests)
                #expect(last.1 == "60")
            }
        }
    }

    @Test func databaseOutageSaysWhenToRetry() async throws {
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: TestDatabase.logger)
        var configuration = ServerConfiguration(port: 0)
        configuration.databaseTimeoutSeconds = 1
        let app = buildApplication(configuration: configuration, client: client, logger: TestDatabase.logger)
        try await app.test(.live) { http in
            for uri in ["/readyz", "/v1/tasks"] {
                try await http.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(UploadWorld.aliceToken)"]) {
                    #expect($0.status == .serviceUnavailable, "\(uri)")
                    #expect($0.headers[.retryAfter] == "2", "\(uri)")
                }
            }
        }
    }
}
