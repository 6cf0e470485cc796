/// One open task as `GET /v1/tasks` describes it, with the token of the worker who holds it.
struct DemoTask: Sendable, Decodable {
    struct Rotation: Sendable, Decodable {
        var id: Int
    }

    var id: Int64
    var rotation: Rotation
    var viewpoint: String
    var room: String
    /// Set by the demo after decoding: the holder's bearer token.
    var token: String = ""

    private enum CodingKeys: String, CodingKey {
        case id, rotation, viewpoint, room
    }

    var rotationID: Int { rotation.id }

    /// The camera pitch the viewpoint asks for (degrees; negative looks down).
    var pitch: Double {
        switch viewpoint {
        case "top": -90
        case "angled": -45
        default: 0
        }
    }
}

/// The body of `GET /v1/tasks`.
struct DemoTaskList: Sendable, Decodable {
    var tasks: [DemoTask]
}

/// The parts of an upload answer the demo reads: reasons on 201/422, an error otherwise.
struct DemoUploadAnswer: Sendable, Decodable {
    struct Reason: Sendable, Decodable {
        var code: String
    }

    struct ErrorBody: Sendable, Decodable {
        var code: String
    }

    var verdict: String?
    var reasons: [Reason]?
    var error: ErrorBody?
}
