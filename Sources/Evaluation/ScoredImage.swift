/// One image of a run as the metrics see it: its split, its label and its controls.
public struct ScoredImage: Sendable, Equatable {
    /// Which part of the run an image belongs to.
    public enum Split: String, Sendable, Codable, CaseIterable {
        /// The bias-controlled photos (or the `--dataset` folder).
        case curated
        /// The ImageNet-like `--control` folder.
        case control
    }

    /// Id within the run.
    public var imageID: Int
    /// Curated or control.
    public var split: Split
    /// Path relative to its dataset folder (or the photo's name for the curated set).
    public var file: String
    /// Catalog class id: the label (ObjectNet space) or the class its ImageNet label maps to.
    public var classID: Int?
    /// ImageNet index of the label (ImageNet space only).
    public var imagenetIndex: Int?
    /// Controls of a curated photo; nil for dataset folders.
    public var rotationID: Int?
    /// Viewpoint id.
    public var viewpointID: Int?
    /// Room id.
    public var roomID: Int?

    /// Creates an image record.
    public init(imageID: Int, split: Split, file: String, classID: Int?, imagenetIndex: Int?,
                rotationID: Int? = nil, viewpointID: Int? = nil, roomID: Int? = nil) {
        self.imageID = imageID
        self.split = split
        self.file = file
        self.classID = classID
        self.imagenetIndex = imagenetIndex
        self.rotationID = rotationID
        self.viewpointID = viewpointID
        self.roomID = roomID
    }
}
