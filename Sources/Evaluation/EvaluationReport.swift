public import Foundation

/// The content of report.json: every measured figure of a run under both protocols, per group,
/// and the reported (published) figures kept apart.
public struct EvaluationReport: Sendable, Encodable {
    /// One group of a breakdown (a rotation, a viewpoint, a room or a class).
    public struct Group: Sendable, Encodable {
        /// Group id (rotation/viewpoint/room id, class id, or ImageNet index in ImageNet space).
        public var id: Int
        /// Human label.
        public var label: String
        /// ObjectNet id for classes, when known.
        public var objectnetID: Int?
        /// Accuracy of the curated images in the group.
        public var curated: Accuracy
        /// Accuracy of the control images in the group (classes only).
        public var control: Accuracy?

        enum CodingKeys: String, CodingKey {
            case id, label, curated, control
            case objectnetID = "objectnet_id"
        }
    }

    /// One model under one protocol.
    public struct ProtocolResult: Sendable, Encodable {
        /// Curated (or dataset) images.
        public var curated: Accuracy
        /// Control images.
        public var control: Accuracy?
        /// Control − curated on shared classes.
        public var drop: Drop?
        /// Per rotation (curated photos only).
        public var byRotation: [Group]
        /// Per viewpoint.
        public var byViewpoint: [Group]
        /// Per room.
        public var byRoom: [Group]
        /// Per class.
        public var byClass: [Group]

        enum CodingKeys: String, CodingKey {
            case curated, control, drop
            case byRotation = "by_rotation"
            case byViewpoint = "by_viewpoint"
            case byRoom = "by_room"
            case byClass = "by_class"
        }
    }

    /// Published figures: never measured here.
    public struct Reported: Sendable, Encodable {
        /// ImageNet validation top-1 as a fraction.
        public var imagenetTop1: Double?
        /// Where it comes from.
        public var source: String

        enum CodingKeys: String, CodingKey {
            case source
            case imagenetTop1 = "imagenet_top1"
        }
    }

    /// One model.
    public struct ModelResult: Sendable, Encodable {
        /// Name.
        public var model: String
        /// SHA-256 of the prepared file evaluated.
        public var onnxSHA256: String
        /// Reported figures, labelled.
        public var reported: Reported
        /// Measured figures per protocol ("all-classes", "overlap").
        public var results: [String: ProtocolResult]

        enum CodingKeys: String, CodingKey {
            case model, reported, results
            case onnxSHA256 = "onnx_sha256"
        }
    }

    /// The run.
    public struct RunInfo: Sendable, Encodable {
        /// Id.
        public var id: Int
        /// running / finished / failed.
        public var status: String
        /// Registration time.
        public var createdAt: Date
        /// Completion time.
        public var finishedAt: Date?
        /// Stored parameters.
        public var parameters: RunParameters
        /// Curated (or dataset) images.
        public var curatedImages: Int
        /// Control images.
        public var controlImages: Int

        enum CodingKeys: String, CodingKey {
            case id, status, parameters
            case createdAt = "created_at"
            case finishedAt = "finished_at"
            case curatedImages = "curated_images"
            case controlImages = "control_images"
        }
    }

    /// The run.
    public var run: RunInfo
    /// How intervals are computed.
    public var intervals = "Wilson score 95% for top-1/top-5; Newcombe hybrid score 95% for drops"
    /// What each protocol means.
    public var protocols: [String: String] = Dictionary(uniqueKeysWithValues: ScoringProtocol.allCases.map { ($0.rawValue, $0.summary) })
    /// The protocol the charts show.
    public var chartProtocol: ScoringProtocol
    /// Free-form notes (for instance which figures come from synthetic content).
    public var notes: [String]
    /// Per model.
    public var models: [ModelResult]

    enum CodingKeys: String, CodingKey {
        case run, intervals, protocols, notes, models
        case chartProtocol = "chart_protocol"
    }

    /// Control labels by id, for breakdown names.
    public struct ControlNames: Sendable {
        /// Rotation descriptions.
        public var rotations: [Int: String] = [:]
        /// Viewpoint names.
        public var viewpoints: [Int: String] = [:]
        /// Room names.
        public var rooms: [Int: String] = [:]

        /// Empty names (groups are then labelled by id).
        public init() {}
    }

    /// Computes every figure from a loaded run.
    public init(results: RunResults, controls: ControlNames, chartProtocol: ScoringProtocol?, notes: [String]) {
        let metrics = results.metrics
        let curatedImages = results.images.filter { $0.split == .curated }
        let controlImages = results.images.filter { $0.split == .control }
        let space = results.parameters.identity.labelSpace
        run = RunInfo(id: results.run.id, status: results.run.status, createdAt: results.run.createdAt, finishedAt: results.run.finishedAt,
                      parameters: results.parameters, curatedImages: curatedImages.count, controlImages: controlImages.count)
        self.chartProtocol = chartProtocol ?? results.parameters.protocol
        self.notes = notes
        let catalog = results.catalog
        func classLabel(_ key: Int) -> (String, Int?) {
            if space == .imagenet {
                let info = key < catalog.imagenet.count ? catalog.imagenet[key] : nil
                return (info.map { "\($0.wnid) \($0.name)" } ?? "ImageNet \(key)", catalog.classOfImageNet[key].flatMap { catalog.classes[$0]?.objectnetID })
            }
            let info = catalog.classes[key]
            return (info?.name ?? "class \(key)", info?.objectnetID)
        }
        models = results.models.map { model in
            let predicted = results.predictions[model.name] ?? [:]
            var perProtocol: [String: ProtocolResult] = [:]
            for scoring in ScoringProtocol.allCases {
                // Each image's outcome once; every figure below is a sum over these.
                let outcomes = results.images.map { metrics.outcome($0, predicted[$0.imageID], protocol: scoring) }
                func sum(_ include: (ScoredImage) -> Bool) -> Accuracy {
                    var total = Accuracy()
                    for (image, outcome) in zip(results.images, outcomes) where outcome.eligible && include(image) { total.add(outcome) }
                    return total
                }
                func grouped(_ split: ScoredImage.Split, _ key: (ScoredImage) -> Int?) -> [Int: Accuracy] {
                    var groups: [Int: Accuracy] = [:]
                    for (image, outcome) in zip(results.images, outcomes) where outcome.eligible && image.split == split {
                        if let group = key(image) { groups[group, default: Accuracy()].add(outcome) }
                    }
                    return groups
                }
                func groups(_ key: (ScoredImage) -> Int?, names: [Int: String], prefix: String) -> [Group] {
                    grouped(.curated, key).sorted { $0.key < $1.key }
                        .map { Group(id: $0.key, label: names[$0.key] ?? "\(prefix) \($0.key)", objectnetID: nil, curated: $0.value, control: nil) }
                }
                let curatedByClass = grouped(.curated, metrics.classKey)
                let controlByClass = grouped(.control, metrics.classKey)
                let classKeys = Set(curatedByClass.keys).union(controlByClass.keys)
                let byClass = classKeys.map { key -> Group in
                    let (label, objectnetID) = classLabel(key)
                    return Group(id: key, label: label, objectnetID: objectnetID, curated: curatedByClass[key] ?? Accuracy(), control: controlByClass[key])
                }.sorted { ($0.label, $0.id) < ($1.label, $1.id) }
                var drop: Drop?
                let common = Set(curatedByClass.keys).intersection(controlByClass.keys)
                if !common.isEmpty {
                    drop = Drop(commonClasses: common.count,
                                curated: common.reduce(into: Accuracy()) { $0.merge(curatedByClass[$1]) },
                                control: common.reduce(into: Accuracy()) { $0.merge(controlByClass[$1]) })
                }
                perProtocol[scoring.rawValue] = ProtocolResult(
                    curated: sum { $0.split == .curated },
                    control: controlImages.isEmpty ? nil : sum { $0.split == .control },
                    drop: drop,
                    byRotation: groups(\.rotationID, names: controls.rotations, prefix: "rotation"),
                    byViewpoint: groups(\.viewpointID, names: controls.viewpoints, prefix: "viewpoint"),
                    byRoom: groups(\.roomID, names: controls.rooms, prefix: "room"),
                    byClass: byClass)
            }
            return ModelResult(
                model: model.name, onnxSHA256: model.onnxSHA256,
                reported: Reported(imagenetTop1: model.reportedTop1.map { ($0 * 10).rounded() / 1000 },
                                   source: "model manifest: published ImageNet validation top-1 (reported, not measured here)"),
                results: perProtocol)
        }
    }
}
