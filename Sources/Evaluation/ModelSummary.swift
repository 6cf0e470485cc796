/// One model's figures for the `--json` file and the command's summary: measured accuracy under one
/// protocol (Wilson 95% intervals), the control and drop when there is a control, and the manifest's
/// published ImageNet top-1, labelled reported.
public struct ModelSummary: Sendable, Equatable, Encodable {
    /// Model name.
    public var model: String
    /// Protocol of the measured figures.
    public var `protocol`: ScoringProtocol
    /// Label space of the run.
    public var labelSpace: LabelSpace
    /// Run id.
    public var runID: Int
    /// Curated (or dataset) accuracy.
    public var curated: Accuracy
    /// Control accuracy over all control images.
    public var control: Accuracy?
    /// Control − curated on the classes both have.
    public var drop: Drop?
    /// Published ImageNet top-1 as a fraction, from the manifest: reported, not measured.
    public var reportedImageNetTop1: Double?

    /// Creates a summary.
    public init(model: String, protocol scoring: ScoringProtocol, labelSpace: LabelSpace, runID: Int, curated: Accuracy,
                control: Accuracy?, drop: Drop?, reportedImageNetTop1: Double?) {
        self.model = model
        self.protocol = scoring
        self.labelSpace = labelSpace
        self.runID = runID
        self.curated = curated
        self.control = control
        self.drop = drop
        self.reportedImageNetTop1 = reportedImageNetTop1
    }

    enum CodingKeys: String, CodingKey {
        case model, `protocol`, interval, n, top1, top5, missing, control, drop
        case labelSpace = "label_space"
        case runID = "run_id"
        case top1Interval = "top1_ci95"
        case top5Interval = "top5_ci95"
        case reported = "reported_imagenet_top1"
    }

    /// The flat shape: `{"model", "protocol", "n", "top1", "top5", "top1_ci95": [lo, hi], ...}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(self.protocol, forKey: .protocol)
        try container.encode(labelSpace, forKey: .labelSpace)
        try container.encode(runID, forKey: .runID)
        try container.encode("wilson-95", forKey: .interval)
        try container.encode(curated.n, forKey: .n)
        try container.encode(curated.top1, forKey: .top1)
        try container.encode(curated.top5, forKey: .top5)
        try container.encode(curated.top1Interval.map { [$0.lowerBound, $0.upperBound] }, forKey: .top1Interval)
        try container.encode(curated.top5Interval.map { [$0.lowerBound, $0.upperBound] }, forKey: .top5Interval)
        try container.encode(curated.missing, forKey: .missing)
        try container.encodeIfPresent(control, forKey: .control)
        try container.encodeIfPresent(drop, forKey: .drop)
        try container.encode(reportedImageNetTop1, forKey: .reported)
    }
}
