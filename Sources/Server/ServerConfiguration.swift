public import Foundation
public import Validation

/// Settings of `vantage serve`, with the defaults.
public struct ServerConfiguration: Sendable {
    /// Address to bind.
    public var host: String
    /// Port to bind.
    public var port: Int
    /// Largest accepted photo body; reading stops at this many bytes.
    public var maxUploadBytes: Int
    /// Uploads allowed per worker per minute before 429.
    public var uploadsPerMinute: Int
    /// Where photo blobs are stored.
    public var blobRoot: URL
    /// Validation limits.
    public var thresholds: ValidationThresholds
    /// Seconds a request's database call may take before it is answered 503 (commits get three
    /// times this); `/readyz` probes with the smaller of this and 2 s.
    public var databaseTimeoutSeconds: Int = 5
    /// Uploads validated at once (the CPU-bound part); one per core by default.
    public var validationSlots: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Longest wait for a validation slot before 503 `server_busy` with `Retry-After`.
    public var validationWaitSeconds: Double = 20
    /// Uploads one worker may have in progress at once (from the request's start) before 429
    /// `too_many_in_flight`.
    public var uploadsInFlightPerWorker: Int = 4
    /// Seconds a request head may take to arrive in full, counted from the accept or, on a kept-alive
    /// connection, from the next request's first byte: a deadline, like nginx's `client_header_timeout`.
    public var headerTimeoutSeconds: Double = 60
    /// Seconds a request body may go without a byte, and the grace before `minBodyBytesPerSecond` applies.
    public var bodyTimeoutSeconds: Double = 60
    /// The floor under a request body's rate: `t` seconds after the head, at least
    /// `minBodyBytesPerSecond × (t − bodyTimeoutSeconds)` bytes must have arrived, so `n` bytes get
    /// `bodyTimeoutSeconds + n / minBodyBytesPerSecond` seconds in all (a 25 MB photo: 26 minutes with the
    /// defaults; a phone at 100 KB/s needs 4). Time the server spends not reading (a busy route) does not
    /// count. 0 turns the floor off.
    public var minBodyBytesPerSecond: Int = 16_384
    /// Seconds a kept-alive connection may wait for the next request's first byte, like nginx's
    /// `keepalive_timeout`.
    public var idleTimeoutSeconds: Double = 75
    /// Open connections beyond which a new one is answered 503 `too_many_connections` and closed.
    public var maxConnections: Int = 1024

    /// Creates a configuration; defaults: 127.0.0.1:8080, 25 MB, 120 uploads a minute.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxUploadBytes: Int = 25_000_000, uploadsPerMinute: Int = 120,
        blobRoot: URL = URL(fileURLWithPath: ".vantage/blobs", isDirectory: true),
        thresholds: ValidationThresholds = ValidationThresholds()
    ) {
        self.host = host
        self.port = port
        self.maxUploadBytes = maxUploadBytes
        self.uploadsPerMinute = uploadsPerMinute
        self.blobRoot = blobRoot
        self.thresholds = thresholds
    }
}
