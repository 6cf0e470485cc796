public import Hummingbird
public import Logging
public import PostgresNIO
import Foundation
import NIOCore

/// Builds the HTTP application: routes, error mapping, metrics; the Postgres client runs as one of its services.
public func buildApplication(
    configuration: ServerConfiguration, client: PostgresClient, logger: Logger
) -> Application<RouterResponder<BasicRequestContext>> {
    let metrics = ServerMetrics()
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMappingMiddleware())

    router.get("/healthz") { _, _ in
        try jsonResponse(["status": "ok"])
    }
    router.get("/readyz") { _, context in
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.query("SELECT 1", logger: context.logger) }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    throw APIError.databaseUnavailable
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw APIError.databaseUnavailable
        }
        return try jsonResponse(["status": "ready"])
    }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }

    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vantage"),
        services: [client],
        logger: logger)
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
