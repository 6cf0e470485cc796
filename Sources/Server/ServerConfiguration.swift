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
