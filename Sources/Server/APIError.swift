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
    /// Headers the answer carries besides Content-Type, such as `Retry-After`.
    public var headers: HTTPFields

    /// Creates an error response.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: [String: String]] = ["error": ["code": code, "message": message]]
        let data = try JSONEncoder().encode(body)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "A valid bearer token is required.")
    // A database call waits at most the deadline (5 s by default); a retry sooner mostly meets the same outage.
    static let databaseUnavailable = APIError(
        .serviceUnavailable, "database_unavailable", "The database is unavailable; retry shortly.", headers: [.retryAfter: "5"])
    static let notFound = APIError(.notFound, "not_found", "No such resource.")
}
