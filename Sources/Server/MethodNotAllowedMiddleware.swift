import Hummingbird

/// Answers 405 with an `Allow` header for a method the router has no route for on a path it knows;
/// Hummingbird's router answers 404 there, which tells a client the resource does not exist.
///
/// Added after every route, so it wraps only the router's not-found responder: it never runs for a
/// request a route matched.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    private struct Route {
        var path: RouterPath
        var methods: [HTTPRequest.Method]
    }

    private let routes: [Route]

    /// `routes` is the router's own list (`Router.routes`), so the answer follows what is registered.
    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: Route] = [:]
        var order: [String] = []
        for route in routes {
            let key = route.path.description
            if byPath[key] == nil {
                byPath[key] = Route(path: route.path, methods: [])
                order.append(key)
            }
            byPath[key]?.methods.append(route.method)
        }
        self.routes = order.compactMap { byPath[$0] }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        let allowed = routes.filter { Self.matches($0.path, segments) }.flatMap(\.methods)
        guard !allowed.isEmpty, !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        let names = Set(allowed.map(\.rawValue)).sorted().joined(separator: ", ")
        // Answered here rather than thrown: an APIError carries no Allow header.
        var response = try APIError(.methodNotAllowed, "method_not_allowed", "This path allows only \(names).")
            .response(from: request, context: context)
        response.headers[.allow] = names
        return response
    }

    /// The same rule as the router's trie for the route kinds it offers: literal or captured
    /// segments one for one, `**` taking the rest.
    private static func matches(_ path: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in path.components {
            if element == RouterPath.Element.recursiveWildcard { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
