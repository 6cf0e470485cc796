import Hummingbird

/// Counts requests by route and status and records latency.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = { context.endpointPath ?? "unmatched" }
        do {
            let response = try await next(request, context)
            metrics.recordRequest(method: request.method.rawValue, route: route(), status: response.status.code, seconds: Self.seconds(since: start))
            return response
        } catch let error as any HTTPResponseError {
            metrics.recordRequest(method: request.method.rawValue, route: route(), status: error.status.code, seconds: Self.seconds(since: start))
            throw error
        } catch {
            metrics.recordRequest(method: request.method.rawValue, route: route(), status: 500, seconds: Self.seconds(since: start))
            throw error
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
