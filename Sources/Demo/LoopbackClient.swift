import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo's phone: real HTTP requests to the server on the loopback interface.
struct LoopbackClient: Sendable {
    /// An HTTP answer: status and body.
    struct Answer: Sendable {
        var status: Int
        var body: Data

        /// The body decoded as `T`, nil when it is not one.
        func decoded<T: Decodable>(_ type: T.Type) -> T? {
            try? JSONDecoder().decode(T.self, from: body)
        }
    }

    let port: Int

    private var session: URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        return URLSession(configuration: configuration)
    }

    func get(_ path: String, token: String) async throws -> Answer {
        var request = URLRequest(url: url(path))
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return try await send(request)
    }

    func putPhoto(taskID: Int64, bytes: [UInt8], token: String, objectClass: String,
                  pitch: Double?, roll: Double?, contentType: String = "image/jpeg") async throws -> Answer {
        var request = URLRequest(url: url("/v1/tasks/\(taskID)/photo"))
        request.httpMethod = "PUT"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue(objectClass, forHTTPHeaderField: "X-Object-Class")
        if let pitch { request.setValue(String(format: "%.1f", pitch), forHTTPHeaderField: "X-Device-Pitch") }
        if let roll { request.setValue(String(format: "%.1f", roll), forHTTPHeaderField: "X-Device-Roll") }
        request.httpBody = Data(bytes)
        return try await send(request)
    }

    private func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    private func send(_ request: URLRequest) async throws -> Answer {
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                throw DemoError("The demo server gave a non-HTTP answer to \(request.url?.path ?? "?").")
            }
            return Answer(status: http.statusCode, body: data)
        } catch let error as DemoError {
            throw error
        } catch {
            throw DemoError("The demo could not reach its server on port \(port): \(error.localizedDescription).")
        }
    }
}
