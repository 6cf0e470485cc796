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

    /// Creates an error response.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }

    /// The JSON body, also written outside Hummingbird's responder (`ConnectionRefusal`).
    var jsonBody: [UInt8] {
        // Encoding two strings in a dictionary of dictionaries cannot fail.
        let body: [String: [String: String]] = ["error": ["code": code, "message": message]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(body)) ?? Data())
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "A valid bearer token is required.")
    static let databaseUnavailable = APIError(.serviceUnavailable, "database_unavailable", "The database is unavailable; retry shortly.")
    static let notFound = APIError(.notFound, "not_found", "No such resource.")
    static let tooManyConnections = APIError(
        .serviceUnavailable, "too_many_connections", "The server has too many open connections; retry shortly.")
}
