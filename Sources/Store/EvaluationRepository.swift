public import Capture
public import Foundation

/// A model as the `models` table records it.
public struct EvaluationModelRecord: Sendable, Equatable {
    /// Model name.
    public var name: String
    /// SHA-256 of its prepared ONNX file.
    public var onnxSHA256: String
    /// Square input size.
    public var inputSize: Int
    /// Output label space, such as imagenet-1k.
    public var labelSpace: String
    /// Published ImageNet top-1 in percent (reported, never measured here).
    public var reportedTop1: Double?
    /// The manifest as JSON.
    public var manifestJSON: String

    /// Creates a model record.
    public init(name: String, onnxSHA256: String, inputSize: Int, labelSpace: String, reportedTop1: Double?, manifestJSON: String) {
        self.name = name
        self.onnxSHA256 = onnxSHA256
        self.inputSize = inputSize
        self.labelSpace = labelSpace
        self.reportedTop1 = reportedTop1
        self.manifestJSON = manifestJSON
    }
}

/// One image of a run (`evaluation_images`).
public struct EvaluationImageRecord: Sendable, Equatable {
    /// Id within the run, 0-based and dense.
    public var imageID: Int
    /// "curated" or "control".
    public var split: String
    /// Path relative to the split's folder, or the photo's name.
    public var file: String
    /// The photo, for the curated set from the database.
    public var photoID: Int64?
    /// Catalog class id of the label.
    public var classID: Int?
    /// ImageNet index of the label.
    public var imagenetIndex: Int?
    /// Rotation control.
    public var rotationID: Int?
    /// Viewpoint control.
    public var viewpointID: Int?
    /// Room control.
    public var roomID: Int?

    /// Creates an image record.
    public init(imageID: Int, split: String, file: String, photoID: Int64? = nil, classID: Int?, imagenetIndex: Int?,
                rotationID: Int? = nil, viewpointID: Int? = nil, roomID: Int? = nil) {
        self.imageID = imageID
        self.split = split
        self.file = file
        self.photoID = photoID
        self.classID = classID
        self.imagenetIndex = imagenetIndex
        self.rotationID = rotationID
        self.viewpointID = viewpointID
        self.roomID = roomID
    }
}

/// A run as stored.
public struct EvaluationRunRecord: Sendable, Equatable {
    /// Run id.
    public var id: Int
    /// Its parameters as JSON (an object with an `identity` member).
    public var parametersJSON: String
    /// running, finished or failed.
    public var status: String
    /// When it was registered.
    public var createdAt: Date
    /// When its last chunk was done.
    public var finishedAt: Date?
}

/// A unit of work: a contiguous range of image ids for one model.
public struct EvaluationChunk: Sendable, Equatable {
    /// Run id.
    public var runID: Int
    /// Model name.
    public var model: String
    /// Chunk number within the run and model.
    public var chunk: Int
    /// First image id, inclusive.
    public var firstImage: Int
    /// Last image id, inclusive.
    public var lastImage: Int

    /// Creates a chunk.
    public init(runID: Int, model: String, chunk: Int, firstImage: Int, lastImage: Int) {
        self.runID = runID
        self.model = model
        self.chunk = chunk
        self.firstImage = firstImage
        self.lastImage = lastImage
    }
}

/// How far a run has come, counted in image × model pairs.
public struct EvaluationProgress: Sendable, Equatable {
    /// Image × model pairs in the run.
    public var total: Int
    /// Pairs whose chunk is done.
    public var done: Int
    /// Chunks not done.
    public var pendingChunks: Int
    /// Of those, chunks whose lease is still running (another evaluator is on them).
    public var leasedChunks: Int
}

/// An approved photo with its controls, as the curated set takes it.
public struct CuratedPhotoRecord: Sendable, Equatable {
    /// Photo row id.
    public var photoID: Int64
    /// Public id (names the image in reports).
    public var publicID: UUID
    /// Blob key (hex SHA-256) of the stored bytes.
    public var blobKey: String
    /// Catalog class photographed.
    public var classID: Int
    /// Requested rotation.
    public var rotationID: Int
    /// Requested viewpoint.
    public var viewpointID: Int
    /// Requested room.
    public var roomID: Int
}

/// What `registerRun` did.
public struct EvaluationRegistration: Sendable, Equatable {
    /// The run.
    public var runID: Int
    /// True when an existing run with the same identity was picked up instead of a new one.
    public var resumed: Bool
}

/// Evaluation runs, their images, chunks and predictions.
public protocol EvaluationRepository: Sendable {
    /// The ImageNet-1k classes in index order.
    func imagenetClasses() async throws -> [ImageNetClass]
    /// The curated set: photos accepted without review or approved by a reviewer, with their task's controls.
    func curatedPhotos() async throws -> [CuratedPhotoRecord]
    /// Finds the newest unfailed run with this identity (when `reuse`) or creates one with its images and chunks, atomically.
    func registerRun(identityJSON: String, parametersJSON: String, models: [EvaluationModelRecord],
                     images: [EvaluationImageRecord], chunkSize: Int, reuse: Bool) async throws -> EvaluationRegistration
    /// Claims one pending chunk whose lease is free or expired, for `lease`; nil when none is claimable now.
    func claimChunk(runID: Int, worker: String, lease: Duration) async throws -> EvaluationChunk?
    /// Stores a chunk's predictions and marks it done in one transaction; false when another evaluator did it first.
    func completeChunk(_ chunk: EvaluationChunk, worker: String, predictions: [PredictionRecord]) async throws -> Bool
    /// Releases leases held by these claimants (evaluators known to be dead).
    func releaseClaims(runID: Int, claimants: [String]) async throws
    /// Current claimants of pending chunks.
    func claimants(runID: Int) async throws -> [String]
    /// Progress of a run.
    func progress(runID: Int) async throws -> EvaluationProgress
    /// Marks the run finished when no chunk is pending; returns whether it is finished.
    func finishIfComplete(runID: Int) async throws -> Bool
    /// A run by id, or the newest when nil.
    func run(id: Int?) async throws -> EvaluationRunRecord?
    /// A run's images by id.
    func images(runID: Int) async throws -> [EvaluationImageRecord]
    /// A run's predictions.
    func predictions(runID: Int) async throws -> [PredictionRecord]
    /// The models evaluated in a run, from the `models` table.
    func models(runID: Int) async throws -> [EvaluationModelRecord]
}
