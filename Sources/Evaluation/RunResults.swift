import Foundation
public import Store

/// Everything about a stored run the metrics need: its parameters, images, models and predictions.
public struct RunResults: Sendable {
    /// The run row.
    public var run: EvaluationRunRecord
    /// Decoded parameters.
    public var parameters: RunParameters
    /// Images by id order.
    public var images: [ScoredImage]
    /// Models of the run, by name.
    public var models: [EvaluationModelRecord]
    /// Predictions per model, by image id.
    public var predictions: [String: [Int: TopPredictions]]
    /// Classes and the ImageNet map.
    public var catalog: LabelCatalog

    /// Metrics in the run's label space.
    public var metrics: Metrics { Metrics(catalog: catalog, labelSpace: parameters.identity.labelSpace) }

    /// Loads run `id` (the newest when nil).
    public static func load(runID id: Int?, evaluations: any EvaluationRepository, catalog: any CatalogRepository) async throws -> RunResults {
        guard let run = try await evaluations.run(id: id) else {
            throw EvaluationError(.notFound, id.map { "There is no evaluation run \($0)." } ?? "There is no evaluation run yet: run `vantage evaluate` first.")
        }
        let parameters = try RunParameters.decode(run.parametersJSON)
        let labels = try await LabelCatalog.load(catalog: catalog, evaluations: evaluations)
        let images = try await evaluations.images(runID: run.id).map { record in
            ScoredImage(imageID: record.imageID, split: ScoredImage.Split(rawValue: record.split) ?? .curated, file: record.file,
                        classID: record.classID, imagenetIndex: record.imagenetIndex, rotationID: record.rotationID,
                        viewpointID: record.viewpointID, roomID: record.roomID)
        }
        let models = try await evaluations.models(runID: run.id)
        var predictions: [String: [Int: TopPredictions]] = [:]
        for model in models { predictions[model.name] = Dictionary(minimumCapacity: images.count) }
        for record in try await evaluations.predictions(runID: run.id) {
            predictions[record.model, default: [:]][record.imageID] = TopPredictions(
                imagenet: record.topImageNet, scores: record.topScores, overlap: record.topOverlap, overlapScores: record.topOverlapScores)
        }
        return RunResults(run: run, parameters: parameters, images: images, models: models, predictions: predictions, catalog: labels)
    }

    /// One model's summary under `scoring`.
    public func summary(model: EvaluationModelRecord, protocol scoring: ScoringProtocol) -> ModelSummary {
        let metrics = self.metrics
        let predicted = predictions[model.name] ?? [:]
        let curated = metrics.accuracy(images, predictions: predicted, protocol: scoring) { $0.split == .curated }
        let hasControl = images.contains { $0.split == .control }
        let control = hasControl ? metrics.accuracy(images, predictions: predicted, protocol: scoring) { $0.split == .control } : nil
        let drop = hasControl ? metrics.drop(images, predictions: predicted, protocol: scoring) : nil
        return ModelSummary(model: model.name, protocol: scoring, labelSpace: parameters.identity.labelSpace, runID: run.id,
                            curated: curated, control: control, drop: drop, reportedImageNetTop1: model.reportedTop1.map { ($0 * 10).rounded() / 1000 })
    }
}
