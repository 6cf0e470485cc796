import Hummingbird
import Logging
import PostgresNIO
import Store

/// Maps every error to a JSON response at the edge: API errors as they are, database outages as 503,
/// anything else as a 500 whose body says nothing internal (the details go to the log).
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError {
            // Hummingbird's own (404 no route, 413 from body limits…): keep the status, JSON body.
            throw APIError(error.status, Self.code(for: error.status), Self.message(for: error.status))
        } catch {
            if Self.isDatabaseOutage(error) {
                context.logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
                throw APIError.databaseUnavailable
            }
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, "internal_error", "Something went wrong on the server; it has been logged.")
        }
    }

    static func isDatabaseOutage(_ error: any Error) -> Bool {
        if let error = error as? StoreError { return error.code == .databaseUnreachable }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isDatabaseOutage) ?? false }
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed:
                return true
            default:
                // Admin shutdown, cannot connect now, too many connections.
                if let state = error.serverInfo?[.sqlState] { return state.hasPrefix("57P") || state.hasPrefix("08") || state == "53300" }
                return false
            }
        }
        return false
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 413: return "body_too_large"
        default: return "http_\(status.code)"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "No such resource."
        case 405: return "That method is not allowed here."
        case 413: return "The request body is larger than the server accepts."
        default: return status.reasonPhrase.isEmpty ? "The request failed." : status.reasonPhrase + "."
        }
    }
}
