public import Hummingbird
public import Logging
public import PostgresNIO
import Foundation
import NIOCore
import Store
import Validation

/// Builds the HTTP application: routes, error mapping, metrics; the Postgres client runs as one of
/// its services unless the caller already runs it (`runsClient: false`). `onListening` receives the
/// bound port once the server accepts connections (port 0 in the configuration picks a free one).
/// Connections get the configuration's deadlines and cap (`GuardedHTTP1Channel`).
public func buildApplication(
    configuration: ServerConfiguration, client: PostgresClient, logger: Logger, runsClient: Bool = true,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> Application<RouterResponder<WorkerContext>> {
    let metrics = ServerMetrics()
    let router = Router(context: WorkerContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMappingMiddleware())

    let repository = PostgresUploadRepository(client: client, logger: logger)
    let deadline = DatabaseDeadline(seconds: max(1, configuration.databaseTimeoutSeconds))
    let gate = UploadGate(
        slots: configuration.validationSlots, perWorker: configuration.uploadsInFlightPerWorker,
        maxWait: .milliseconds(Int64(configuration.validationWaitSeconds * 1000)))
    let uploader = PhotoUploader(
        repository: repository, deadline: deadline, blobs: BlobStore(root: configuration.blobRoot),
        validator: PhotoValidator(thresholds: configuration.thresholds), gate: gate, metrics: metrics)
    let routes = WorkerRoutes(
        repository: repository, deadline: deadline, uploader: uploader, limiter: RateLimiter(perMinute: configuration.uploadsPerMinute),
        gate: gate, maxUploadBytes: configuration.maxUploadBytes)
    routes.register(on: router.group("v1").add(middleware: BearerAuthMiddleware(repository: repository, deadline: deadline)))

    router.get("/openapi.yaml") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/yaml"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }

    router.get("/healthz") { _, _ in
        try jsonResponse(["status": "ok"])
    }
    router.get("/readyz") { _, context in
        do {
            let logger = context.logger
            try await DatabaseDeadline.run(seconds: min(2, deadline.seconds)) { _ = try await client.query("SELECT 1", logger: logger) }
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
    // Last, so it sees every route above; it wraps only the router's not-found answer.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))

    return Application(
        router: router,
        server: .http1Guarded(configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vantage"),
        services: runsClient ? [client] : [],
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
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
