/// One image × model's stored top-5 (`predictions`): over all 1000 ImageNet ids and over the overlap ids.
public struct PredictionRecord: Sendable, Equatable {
    /// Image id within the run.
    public var imageID: Int
    /// Model name.
    public var model: String
    /// Best-first ImageNet indices.
    public var topImageNet: [Int]
    /// Their probabilities.
    public var topScores: [Float]
    /// Best-first overlap classes, each as the ImageNet index that scored best for it.
    public var topOverlap: [Int]
    /// Their probabilities.
    public var topOverlapScores: [Float]

    /// Creates a record.
    public init(imageID: Int, model: String, topImageNet: [Int], topScores: [Float], topOverlap: [Int], topOverlapScores: [Float]) {
        self.imageID = imageID
        self.model = model
        self.topImageNet = topImageNet
        self.topScores = topScores
        self.topOverlap = topOverlap
        self.topOverlapScores = topOverlapScores
    }
}
