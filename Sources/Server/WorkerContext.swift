public import Hummingbird
public import Store

/// Request context of the worker API: the authenticated worker and the upload limit.
public struct WorkerContext: RequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthMiddleware`.
    public var worker: AuthenticatedWorker?

    /// Creates an empty context for a request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.worker = nil
    }

    /// JSON bodies are small; photos are read with their own limit.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The worker, or 401.
    func requireWorker() throws -> AuthenticatedWorker {
        guard let worker else { throw APIError.unauthorized }
        return worker
    }
}
