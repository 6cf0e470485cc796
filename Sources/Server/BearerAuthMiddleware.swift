import Crypto
import Foundation
import Hummingbird
import Store

/// `Authorization: Bearer <token>` → the worker whose stored SHA-256 matches; 401 otherwise,
/// 403 for a revoked worker or one on hold.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WorkerContext
    let repository: PostgresUploadRepository
    let deadline: DatabaseDeadline

    func handle(_ request: Request, context: WorkerContext, next: (Request, WorkerContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count <= 512 else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw APIError.unauthorized }
        let hash = Data(SHA256.hash(data: Data(token.utf8)))
        let repository = self.repository
        let found = try await deadline.run { try await repository.worker(tokenHash: hash) }
        guard let worker = found else { throw APIError.unauthorized }
        switch worker.status {
        case "revoked": throw APIError(.forbidden, "worker_revoked", "This worker's token has been revoked.")
        case "on_hold": throw APIError(.forbidden, "worker_on_hold", "This worker is on hold; an administrator must lift it.")
        default: break
        }
        var context = context
        context.worker = worker
        context.logger[metadataKey: "worker_id"] = "\(worker.id)"
        return try await next(request, context)
    }
}
