import ArgumentParser
import Server
import Store

/// `vantage serve`: the worker API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the worker API until SIGTERM or SIGINT (graceful: in-flight uploads finish).")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 8080
    @Option(name: .customLong("max-upload-mb"), help: "Largest accepted photo, in MB.") var maxUploadMB = 25
    @Option(help: "Seconds a database call may take before the request is answered 503.") var databaseTimeout = 5
    @Option(help: "Uploads validated at once (default: one per core).") var validationSlots: Int?
    @Option(help: "Seconds an upload may wait for a validation slot before 503 server_busy.") var validationWait = 20.0
    @Option(help: "Uploads one worker may have in progress at once before 429 too_many_in_flight.") var uploadsInFlight = 4
    @Option(help: "Seconds a request head may take to arrive in full (from the accept, or the next request's first byte).")
    var headerTimeout = 60.0
    @Option(help: "Seconds a request body may go without a byte; also the grace before --min-body-rate applies.")
    var bodyTimeout = 60.0
    @Option(help: "Bytes a second a request body must average once the grace has passed (0: no floor).")
    var minBodyRate = 16_384
    @Option(help: "Seconds a kept-alive connection may wait for its next request.") var idleTimeout = 75.0
    @Option(help: "Open connections beyond which a new one is answered 503 and closed.") var maxConnections = 1024

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535.") }
        guard (1...200).contains(maxUploadMB) else { throw ValidationError("--max-upload-mb must be between 1 and 200.") }
        guard (1...300).contains(databaseTimeout) else { throw ValidationError("--database-timeout must be between 1 and 300 seconds.") }
        if let validationSlots, !(1...256).contains(validationSlots) {
            throw ValidationError("--validation-slots must be between 1 and 256.")
        }
        guard validationWait.isFinite, (0...300).contains(validationWait) else {
            throw ValidationError("--validation-wait must be between 0 and 300 seconds.")
        }
        guard (1...64).contains(uploadsInFlight) else { throw ValidationError("--uploads-in-flight must be between 1 and 64.") }
        for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)] {
            guard (0.1...3600).contains(seconds) else { throw ValidationError("\(name) must be between 0.1 and 3600 seconds.") }
        }
        guard minBodyRate >= 0 else { throw ValidationError("--min-body-rate must be 0 or more bytes a second.") }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 1000000.") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            var configuration = ServerConfiguration(
                host: host, port: port, maxUploadBytes: maxUploadMB * 1_000_000, blobRoot: context.blobRoot)
            configuration.databaseTimeoutSeconds = databaseTimeout
            if let validationSlots { configuration.validationSlots = validationSlots }
            configuration.validationWaitSeconds = validationWait
            configuration.uploadsInFlightPerWorker = uploadsInFlight
            configuration.headerTimeoutSeconds = headerTimeout
            configuration.bodyTimeoutSeconds = bodyTimeout
            configuration.minBodyBytesPerSecond = minBodyRate
            configuration.idleTimeoutSeconds = idleTimeout
            configuration.maxConnections = maxConnections
            try await VantageServer.run(
                configuration: configuration, url: try context.database.connectionURL(),
                migrations: try Migration.load(from: context.paths.migrations), logger: context.serverLogger)
        }
    }
}
