public import Foundation
public import Inference
public import Store
#if canImport(Glibc)
import Glibc
#endif

/// Runs models over the curated set or a dataset folder (and a control folder), storing top-5s per
/// image × model. Work is split into chunks leased with `FOR UPDATE SKIP LOCKED`; each chunk's
/// predictions commit with its done mark, so any number of evaluators, interrupted or not, store
/// exactly what one uninterrupted evaluator would.
public struct Evaluator: Sendable {
    /// Which images are evaluated.
    public enum ImageSet: Sendable, Equatable {
        /// The approved photos in the database; their bytes are in the blob store at this root.
        case curated(blobRoot: URL)
        /// A folder with labels.csv.
        case dataset(URL)
    }

    /// What to evaluate and how.
    public struct Options: Sendable {
        /// Model names; empty means every bundled model whose manifest is present.
        public var models: [String] = []
        /// The images.
        public var set: ImageSet
        /// An ImageNet-like folder of the same classes, evaluated in the same run.
        public var control: URL?
        /// What labels.csv holds.
        public var labelSpace: LabelSpace = .objectnet
        /// The protocol of the summaries returned (both are stored and reported).
        public var scoring: ScoringProtocol = .allClasses
        /// Pixels removed from each edge first (2 for ObjectNet's red border).
        public var cropBorder: Int = 0
        /// Inference threads.
        public var threads: Int = 2
        /// Images per chunk (one inference batch). At a chunk's end one thread may wait for the other's
        /// last image; 32 images make that a smaller share than 16 did, and a claim still commits often.
        public var chunkSize: Int = 32
        /// How long a claimed chunk stays reserved for its evaluator.
        public var lease: Duration = .seconds(120)
        /// Start a new run even when an identical one exists.
        public var newRun: Bool = false
        /// Stop after this many chunks (leaving the rest for a later resume); nil runs to the end.
        public var maximumChunks: Int?
        /// Draw progress on standard error.
        public var showProgress: Bool = false
        /// Name recorded on claims; `host:pid:random` by default.
        public var workerName: String?

        /// Options for `set`; the rest keep their defaults.
        public init(set: ImageSet) {
            self.set = set
        }
    }

    /// What a call did.
    public struct Result: Sendable {
        /// The run.
        public var runID: Int
        /// Whether an existing run was resumed (or joined).
        public var resumed: Bool
        /// Whether every chunk of the run is done.
        public var complete: Bool
        /// Chunks this call evaluated.
        public var chunksEvaluated: Int
        /// Images this call could not read (each one sentence); they have no prediction and count wrong.
        public var unreadable: [String]
        /// Per model, in the requested protocol.
        public var summaries: [ModelSummary]
    }

    let catalog: any CatalogRepository
    let evaluations: any EvaluationRepository
    let models: ModelCatalog

    /// An evaluator over the catalog and runs in the database and the bundled models.
    public init(catalog: any CatalogRepository, evaluations: any EvaluationRepository, models: ModelCatalog) {
        self.catalog = catalog
        self.evaluations = evaluations
        self.models = models
    }

    /// Checks every input, registers (or resumes) the run, evaluates claimable chunks, and summarises.
    /// Nothing is written to the database before the models, labels and files have all been checked.
    public func run(_ options: Options) async throws -> Result {
        guard (0...64).contains(options.cropBorder) else { throw EvaluationError(.invalidArgument, "The border crop must be between 0 and 64 pixels.") }
        guard (1...256).contains(options.chunkSize) else { throw EvaluationError(.invalidArgument, "The chunk size must be between 1 and 256 images.") }
        guard (1...64).contains(options.threads) else { throw EvaluationError(.invalidArgument, "The thread count must be between 1 and 64.") }
        let names = try modelNames(options.models)
        var runners: [String: ModelRunner] = [:]
        var modelRecords: [EvaluationModelRecord] = []
        for name in names {
            let loaded = try models.load(named: name)
            runners[name] = ModelRunner(model: loaded, borderCrop: options.cropBorder, threads: options.threads)
            modelRecords.append(try record(for: loaded.manifest))
        }
        let labels = try await LabelCatalog.load(catalog: catalog, evaluations: evaluations)

        // Images: curated (or dataset) first, then control; ids are dense in that order.
        var images: [EvaluationImageRecord] = []
        var files: [URL] = []
        var identity = RunParameters.Identity(
            set: "curated", dataset: nil, imagesSHA256: "", control: nil, controlSHA256: nil, labelSpace: options.labelSpace,
            cropBorder: options.cropBorder,
            models: modelRecords.map { RunParameters.ModelIdentity(name: $0.name, onnxSHA256: $0.onnxSHA256) }.sorted { $0.name < $1.name },
            catalogSHA256: labels.fingerprint)
        switch options.set {
        case .curated(let blobRoot):
            guard options.labelSpace == .objectnet else {
                throw EvaluationError(.invalidArgument, "The curated set is labelled with catalog classes: use --label-space objectnet with it.")
            }
            let photos = try await evaluations.curatedPhotos()
            guard !photos.isEmpty else { throw EvaluationError(.notFound, "There are no approved photos to evaluate yet.") }
            let blobs = BlobStore(root: blobRoot)
            var fingerprint = ""
            for photo in photos {
                let url = blobs.url(forKey: photo.blobKey)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw EvaluationError(.notFound, "The stored file of photo \(photo.publicID) is missing from \(blobRoot.path): run `vantage store check`.")
                }
                images.append(EvaluationImageRecord(
                    imageID: images.count, split: "curated", file: Self.challengeFileName(photo.publicID), photoID: photo.photoID,
                    classID: photo.classID, imagenetIndex: nil, rotationID: photo.rotationID, viewpointID: photo.viewpointID, roomID: photo.roomID))
                files.append(url)
                fingerprint += "\(photo.photoID)\t\(photo.blobKey)\t\(photo.classID)\t\(photo.rotationID)\t\(photo.viewpointID)\t\(photo.roomID)\n"
            }
            identity.imagesSHA256 = BlobStore.key(for: Data(fingerprint.utf8))
        case .dataset(let folder):
            let dataset = try DatasetFolder(folder: folder, labelSpace: options.labelSpace, catalog: labels)
            identity.set = "dataset"
            identity.dataset = dataset.folder.path
            identity.imagesSHA256 = dataset.labelsSHA256
            for item in dataset.items {
                images.append(EvaluationImageRecord(imageID: images.count, split: "curated", file: item.file,
                                                    classID: item.classID, imagenetIndex: item.imagenetIndex))
                files.append(dataset.folder.appendingPathComponent(item.file))
            }
        }
        if let control = options.control {
            let dataset = try DatasetFolder(folder: control, labelSpace: options.labelSpace, catalog: labels)
            identity.control = dataset.folder.path
            identity.controlSHA256 = dataset.labelsSHA256
            for item in dataset.items {
                images.append(EvaluationImageRecord(imageID: images.count, split: "control", file: item.file,
                                                    classID: item.classID, imagenetIndex: item.imagenetIndex))
                files.append(dataset.folder.appendingPathComponent(item.file))
            }
        }

        let parameters = RunParameters(identity: identity, protocol: options.scoring, chunkSize: options.chunkSize)
        let registration = try await evaluations.registerRun(
            identityJSON: try RunParameters.json(identity), parametersJSON: try RunParameters.json(parameters),
            models: modelRecords, images: images, chunkSize: options.chunkSize, reuse: !options.newRun)
        let runID = registration.runID
        try await releaseDeadClaims(runID: runID)

        let worker = options.workerName ?? Self.defaultWorkerName()
        var progress = try await evaluations.progress(runID: runID)
        let reporter = options.showProgress ? ProgressReporter(initialDone: progress.done) : nil
        reporter?.update(done: progress.done, total: progress.total, force: true)
        var evaluated = 0, claimed = 0
        var unreadable: [String] = []
        // Claims the next chunk; called while the previous chunk is evaluated, so the database round trip
        // overlaps decoding and inference (two leases are held for that moment).
        func claimNext() async throws -> Claimed? {
            if let limit = options.maximumChunks, claimed >= limit { return nil }
            guard let chunk = try await evaluations.claimChunk(runID: runID, worker: worker, lease: options.lease) else { return nil }
            guard let runner = runners[chunk.model], chunk.firstImage >= 0, chunk.lastImage < files.count else {
                throw EvaluationError(.invalidArgument, "Run \(runID) holds work this evaluator cannot do (model \(chunk.model)); it was registered with other parameters.")
            }
            claimed += 1
            return Claimed(chunk: chunk, runner: runner, files: Array(files[chunk.firstImage...chunk.lastImage]))
        }
        while true {
            var current = try await claimNext()
            if current == nil {
                if let limit = options.maximumChunks, claimed >= limit { break }
                progress = try await evaluations.progress(runID: runID)
                if progress.pendingChunks == 0 { break }
                // Others hold the rest: wait for them, or for a dead one's lease to run out.
                try await Task.sleep(for: .milliseconds(500))
                reporter?.update(done: progress.done, total: progress.total)
                continue
            }
            // Each chunk's results are stored while the next chunk is decoded and inferred, so the cores
            // do not wait for the database.
            var finished: (work: Claimed, result: ModelRunner.Outcome)?
            while current != nil || finished != nil {
                let work = current
                async let outcome = Self.evaluate(work)
                if case let (done, result)? = finished {
                    unreadable += result.failures
                    var predictions: [PredictionRecord] = []
                    for (offset, values) in result.logits.enumerated() {
                        guard let values else { continue }
                        let top = TopPredictions(logits: values, catalog: labels)
                        predictions.append(PredictionRecord(imageID: done.chunk.firstImage + offset, model: done.chunk.model, topImageNet: top.imagenet,
                                                            topScores: top.scores, topOverlap: top.overlap, topOverlapScores: top.overlapScores))
                    }
                    _ = try await evaluations.completeChunk(done.chunk, worker: worker, predictions: predictions)
                    evaluated += 1
                    if reporter != nil {
                        progress = try await evaluations.progress(runID: runID)
                        reporter?.update(done: progress.done, total: progress.total)
                    }
                }
                let next = work == nil ? nil : try await claimNext()
                if let work, let result = try await outcome {
                    finished = (work, result)
                } else {
                    finished = nil
                }
                current = next
            }
        }
        let complete = try await evaluations.finishIfComplete(runID: runID)
        if let reporter {
            progress = try await evaluations.progress(runID: runID)
            reporter.update(done: progress.done, total: progress.total, force: true)
            reporter.finish()
        }
        let results = try await RunResults.load(runID: runID, evaluations: evaluations, catalog: catalog)
        let summaries = results.models.map { results.summary(model: $0, protocol: options.scoring) }
        return Result(runID: runID, resumed: registration.resumed, complete: complete, chunksEvaluated: evaluated,
                      unreadable: unreadable, summaries: summaries)
    }

    /// Decodes and infers a claimed chunk; nil for none.
    static func evaluate(_ work: Claimed?) async throws -> ModelRunner.Outcome? {
        guard let work else { return nil }
        return try await work.runner.evaluate(work.files)
    }

    /// A claimed chunk with its files.
    struct Claimed: Sendable {
        var chunk: EvaluationChunk
        var runner: ModelRunner
        var files: [URL]
    }

    /// "all" or empty → every bundled model with a manifest; otherwise the names, checked and de-duplicated.
    func modelNames(_ requested: [String]) throws -> [String] {
        if requested.isEmpty || requested == ["all"] {
            let names = try models.list().map(\.manifest.name)
            guard !names.isEmpty else { throw EvaluationError(.modelUnavailable, "No model manifests were found in \(models.folder.path).") }
            return names
        }
        var seen = Set<String>()
        return requested.filter { seen.insert($0).inserted }
    }

    func record(for manifest: ModelManifest) throws -> EvaluationModelRecord {
        let url = models.folder.appendingPathComponent("\(manifest.name).json")
        let json = (try? String(contentsOf: url, encoding: .utf8)) ?? "{}"
        return EvaluationModelRecord(name: manifest.name, onnxSHA256: manifest.onnxSHA256.lowercased(), inputSize: manifest.inputSize,
                                     labelSpace: manifest.labelSpace, reportedTop1: manifest.reportedImageNetTop1, manifestJSON: json)
    }

    /// Claims by a process of this host that no longer exists are released at once instead of waiting out the lease.
    func releaseDeadClaims(runID: Int) async throws {
        let host = Self.hostName
        let dead = try await evaluations.claimants(runID: runID).filter { claimant in
            let parts = claimant.split(separator: ":")
            guard parts.count >= 2, String(parts[0]) == host, let pid = Int32(parts[1]) else { return false }
            return kill(pid, 0) == -1 && errno == ESRCH
        }
        try await evaluations.releaseClaims(runID: runID, claimants: dead)
    }

    /// The name `vantage export --format objectnet` gives the photo (15 hex characters of SHA-256 over a
    /// fixed prefix and the public id, then .png), so predictions CSVs match that export's answers.json.
    public static func challengeFileName(_ publicID: UUID) -> String {
        String(BlobStore.key(for: Data("vantage-export-v1:\(publicID.uuidString.lowercased())".utf8)).prefix(15)) + ".png"
    }

    static var hostName: String { ProcessInfo.processInfo.hostName.replacingOccurrences(of: ":", with: "_") }

    static func defaultWorkerName() -> String {
        "\(hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }
}
