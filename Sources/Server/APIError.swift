public import Hummingbird
import Foundation
import NIOCore

/// An error answered to the client: an HTTP status and a JSON body `{"error": {"code", "message"}}`.
/// Never carries internal details.
public struct APIError: HTTPResponseError, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable snake_case code.
    public var code: String
    /// One sentence for a person.
    public var message: String
    /// Seconds after which a retry may succeed (`Retry-After`), for 429 and 503.
    public var retryAfterSeconds: Int?
    /// The task the request concerned, when there was one: every upload answer names it.
    public var taskID: Int64?

    /// Creates an error response.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfterSeconds: Int? = nil, taskID: Int64? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.taskID = taskID
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }

    /// The JSON body, also written outside Hummingbird's responder (`ConnectionRefusal`).
    var jsonBody: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings and an optional integer cannot fail.
        return Array((try? encoder.encode(Body(error: .init(code: code, message: message), task_id: taskID))) ?? Data())
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
        var task_id: Int64?
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "A valid bearer token is required.")
    static let databaseUnavailable = APIError(
        .serviceUnavailable, "database_unavailable", "The database is unavailable; retry shortly.", retryAfterSeconds: 2)
    static let notFound = APIError(.notFound, "not_found", "No such resource.")
    static let tooManyConnections = APIError(
        .serviceUnavailable, "too_many_connections", "The server has too many open connections; retry shortly.")
}
