/// Every limit the validator applies; defaults follow the issue and can be overridden per deployment.
public struct ValidationThresholds: Sendable, Equatable {
    /// Largest accepted body in bytes.
    public var maxBytes: Int = 30 * 1024 * 1024
    /// Largest accepted frame (width × height) read from the header before decoding.
    public var maxPixels: Int = 50_000_000
    /// Smallest accepted short side in pixels.
    public var minShortSide: Int = 480
    /// Seconds of clock slack on both ends of the task window.
    public var captureSlackSeconds: Double = 15 * 60
    /// Largest accepted |device pitch − viewpoint pitch| in degrees.
    public var maxPitchDeviation: Double = 20
    /// Mean luma (0–255) below which a photo is too dark.
    public var minMeanLuma: Double = 30
    /// Luma standard deviation below which a photo is blank.
    public var minLumaStandardDeviation: Double = 6
    /// Variance of the 4-neighbour Laplacian, measured at `analysisShortSide`, below which a photo is blurry.
    public var minLaplacianVariance: Double = 30
    /// Short side (pixels) of the image the quality checks and the hash run on: fixing it makes the
    /// Laplacian comparable across resolutions.
    public var analysisShortSide: Int = 240
    /// Largest Hamming distance between perceptual hashes counted as a near duplicate.
    public var maxNearDuplicateDistance: Int = 5
    /// Software values (lowercased substrings) that name an image editor.
    public var editorNames: [String] = [
        "photoshop", "gimp", "lightroom", "snapseed", "picsart", "affinity", "pixelmator", "paint.net",
        "facetune", "vsco", "photo editor", "photoscape", "luminar", "capture one", "darktable", "rawtherapee",
        "canva", "fotor", "polarr", "afterlight", "airbrush", "meitu", "picasa", "acdsee", "corel",
    ]

    /// The defaults.
    public init() {}
}
