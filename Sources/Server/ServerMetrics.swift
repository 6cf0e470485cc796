import Foundation
import Synchronization

/// Counters and latency sums for `/metrics`, in Prometheus text format.
public final class ServerMetrics: Sendable {
    private struct State {
        var requests: [String: Int] = [:]          // "method route status"
        var verdicts: [String: Int] = [:]          // verdict
        var reasons: [String: Int] = [:]           // reason code
        var uploadBytes = 0
        var latencyBuckets = [Int](repeating: 0, count: ServerMetrics.bounds.count + 1)
        var latencySum = 0.0
        var latencyCount = 0
    }

    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())

    /// Creates empty metrics.
    public init() {}

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests["\(method) \(route) \(status)", default: 0] += 1
            let bucket = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
            state.latencyBuckets[bucket] += 1
            state.latencySum += seconds
            state.latencyCount += 1
        }
    }

    func recordUpload(bytes: Int, verdict: String, reasons: [String]) {
        state.withLock { state in
            state.uploadBytes += bytes
            state.verdicts[verdict, default: 0] += 1
            for reason in reasons { state.reasons[reason, default: 0] += 1 }
        }
    }

    /// The Prometheus exposition text.
    public func render() -> String {
        state.withLock { state in
            var lines: [String] = []
            lines.append("# HELP vantage_http_requests_total HTTP requests by method, route and status.")
            lines.append("# TYPE vantage_http_requests_total counter")
            for (key, value) in state.requests.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: " ", maxSplits: 2).map(String.init)
                lines.append("vantage_http_requests_total{method=\"\(parts[0])\",route=\"\(Self.escape(parts[1]))\",status=\"\(parts[2])\"} \(value)")
            }
            lines.append("# HELP vantage_http_request_duration_seconds Request latency.")
            lines.append("# TYPE vantage_http_request_duration_seconds histogram")
            var cumulative = 0
            for (index, bound) in Self.bounds.enumerated() {
                cumulative += state.latencyBuckets[index]
                lines.append("vantage_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
            }
            cumulative += state.latencyBuckets[Self.bounds.count]
            lines.append("vantage_http_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)")
            lines.append("vantage_http_request_duration_seconds_sum \(state.latencySum)")
            lines.append("vantage_http_request_duration_seconds_count \(state.latencyCount)")
            lines.append("# HELP vantage_upload_bytes_total Photo bytes received.")
            lines.append("# TYPE vantage_upload_bytes_total counter")
            lines.append("vantage_upload_bytes_total \(state.uploadBytes)")
            lines.append("# HELP vantage_photo_verdicts_total Verdicts given to uploads.")
            lines.append("# TYPE vantage_photo_verdicts_total counter")
            for (verdict, value) in state.verdicts.sorted(by: { $0.key < $1.key }) {
                lines.append("vantage_photo_verdicts_total{verdict=\"\(verdict)\"} \(value)")
            }
            lines.append("# HELP vantage_photo_reasons_total Validation reasons given to uploads.")
            lines.append("# TYPE vantage_photo_reasons_total counter")
            for (reason, value) in state.reasons.sorted(by: { $0.key < $1.key }) {
                lines.append("vantage_photo_reasons_total{reason=\"\(reason)\"} \(value)")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
