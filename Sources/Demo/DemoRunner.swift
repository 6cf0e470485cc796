public import Foundation
public import Logging
public import PostgresNIO
import Capture
import Evaluation
import Hummingbird
import Inference
import Photo
import Server
import ServiceLifecycle
import Store
import Validation

/// `vantage demo`, as a library: on a database of its own, imports the catalog, adds workers,
/// generates tasks, uploads photos through the real HTTP endpoint on loopback (good ones, and one of
/// each rejection and flag reason), reviews the flagged ones, evaluates the bundled models on the
/// curated set against a control set, and writes the report.
public struct DemoRunner: Sendable {
    /// Where the demo reads fixtures and writes its blobs, control set and report.
    public struct Configuration: Sendable {
        /// The project's `Fixtures/` folder (catalog, models, demo photo list).
        public var fixtures: URL
        /// The demo's own folder, emptied first (`.vantage/demo/` by default).
        public var work: URL
        /// Tasks per worker.
        public var tasksPerWorker: Int = 16
        /// Seed of the task design and the photo variants.
        public var seed: UInt64 = 2019
        /// Model names to evaluate; empty means every bundled model.
        public var models: [String] = []

        /// A configuration with the defaults above.
        public init(fixtures: URL, work: URL) {
            self.fixtures = fixtures
            self.work = work
        }
    }

    let configuration: Configuration
    let logger: Logger

    /// A runner for `configuration`; progress lines go to `say` as it runs.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Checks what the demo needs before anything is written: the demo photo and the models.
    public func checkInputs() throws {
        let sources = try DemoSources(fixtures: configuration.fixtures)
        for photo in sources.photos { _ = try sources.load(photo) }
        try checkModels()
    }

    /// Runs the demo against `client` (a migrated database the demo may fill); returns where things are.
    public func run(client: PostgresClient, say: @escaping @Sendable (String) -> Void) async throws -> DemoSummary {
        let work = configuration.work
        let sources = try DemoSources(fixtures: configuration.fixtures)
        guard let photo = sources.photos.first else { throw DemoError("The demo's photo list is empty.") }
        let source = try sources.load(photo)
        let models = ModelCatalog(folder: configuration.fixtures.appendingPathComponent("models", isDirectory: true))
        try checkModels()
        try Self.resetFolder(work)
        let blobRoot = work.appendingPathComponent("blobs", isDirectory: true)

        // 1. Catalog, workers, tasks.
        let catalog = PostgresCatalogRepository(client: client, logger: logger)
        let imported = try await catalog.importCatalog(.objectNet, fixtures: configuration.fixtures)
        say("catalog: \(imported.classes) ObjectNet classes, \(imported.imagenetLinks) ImageNet links")
        let workers = PostgresWorkerRepository(client: client, logger: logger)
        var tokens: [(name: String, token: String)] = []
        for (name, rooms) in [("demo-ana", ["kitchen", "living-room"]), ("demo-ben", ["bedroom", "bathroom"]),
                              ("demo-chloe", ["kitchen", "living-room", "bedroom", "bathroom"])] {
            let created = try await workers.add(name: name, rooms: rooms)
            tokens.append((name, created.token))
        }
        say("workers: \(tokens.map(\.name).joined(separator: ", ")) (bearer tokens printed once, kept by the demo)")
        let generated = try await PostgresTaskRepository(client: client, logger: logger).generate(TaskGenerationRequest(
            assignment: .perWorker(count: configuration.tasksPerWorker), classes: .names(sources.photos.map(\.class)),
            seed: configuration.seed, expiresInSeconds: 7 * 86_400))
        say("tasks: \(generated.tasks) generated (seed \(configuration.seed)), rotation, viewpoint and room drawn independently of the class")

        // 2. Uploads through the real endpoint.
        let holders = tokens
        let uploads = try await withServer(client: client, blobRoot: blobRoot) { port in
            try await upload(port: port, tokens: holders, source: source, className: photo.class, say: say)
        }

        // 3. Review.
        let reviews = PostgresReviewRepository(client: client, logger: logger)
        var approved = 0, rejected = 0
        while let item = try await reviews.next() {
            if item.reasons.contains(where: { $0.code == Reason.Code.blurry.rawValue }) {
                _ = try await reviews.reject(.id(item.id), reason: .blurry, reviewer: "demo", note: "Too soft to tell the pose.")
                rejected += 1
            } else {
                _ = try await reviews.approve(.id(item.id), reviewer: "demo", note: nil)
                approved += 1
            }
        }
        say("review: \(approved) flagged photos approved, \(rejected) rejected (blurry)")

        // 4. Control set and evaluation.
        let control = work.appendingPathComponent("control", isDirectory: true)
        try writeControl(source: source, className: photo.class, to: control)
        var options = Evaluator.Options(set: .curated(blobRoot: blobRoot))
        options.control = control
        options.models = configuration.models
        options.newRun = true
        // The summary uses the overlap protocol (as imagenet-testbed does): the models call the demo
        // photo "espresso", an ImageNet id no catalog class maps to; the report shows both protocols.
        options.scoring = .overlap
        let evaluator = Evaluator(
            catalog: catalog, evaluations: PostgresEvaluationRepository(client: client, logger: logger), models: models)
        let result = try await evaluator.run(options)
        say("evaluation: run \(result.runID), \(result.summaries.count) models")

        // 5. Report, saying plainly where the content comes from.
        let report = try await ReportWriter(
            catalog: catalog, evaluations: PostgresEvaluationRepository(client: client, logger: logger),
            controls: PostgresControlRepository(client: client, logger: logger)
        ).write(runID: result.runID, to: work.appendingPathComponent("report", isDirectory: true), chartProtocol: .overlap, notes: [
            "Demo data: every curated and control image is a synthetic variant (crop, quarter turn, tint, blur, re-encode) "
                + "of one real photograph, \(photo.file) (\(photo.class)), from the registry package \(sources.package); "
                + "licence: \(photo.licence). All accuracy figures here come from that synthetic content and say nothing "
                + "about how the models fare on real captures.",
            "Workers, tasks, uploads and reviews were simulated by `vantage demo` through the real HTTP endpoint and database.",
        ])

        return DemoSummary(
            work: work, blobRoot: blobRoot, report: report.folder, runID: result.runID, uploads: uploads, approved: approved,
            reviewRejected: rejected, summaries: result.summaries, sourcePackage: sources.package,
            sourceLicence: photo.licence)
    }

    private func checkModels() throws {
        let names = configuration.models.isEmpty ? ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"] : configuration.models
        for name in names {
            let manifest = configuration.fixtures.appendingPathComponent("models/\(name).json")
            guard FileManager.default.fileExists(atPath: manifest.path) else {
                throw DemoError("There is no bundled model named \(name) (see vantage models list).")
            }
            guard FileManager.default.fileExists(atPath: configuration.fixtures.appendingPathComponent("models/\(name).onnx").path) else {
                throw DemoError("The model \(name) is not prepared; run scripts/prepare-models.sh (the README's setup command does).")
            }
        }
    }

    /// Empties the demo's own folder; refuses anything that does not look like one.
    static func resetFolder(_ folder: URL) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.path) {
            guard folder.lastPathComponent == "demo" else {
                throw DemoError("The demo folder \(folder.path) must be named demo; it is emptied on every run.")
            }
            try manager.removeItem(at: folder)
        }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs the HTTP application on a free loopback port for the duration of `body`.
    private func withServer<T: Sendable>(client: PostgresClient, blobRoot: URL,
                                         _ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var server = ServerConfiguration(host: "127.0.0.1", port: 0, blobRoot: blobRoot)
        // The demo is not a latency test; on a busy machine a 5 s database deadline would turn into 503s.
        server.databaseTimeoutSeconds = 60
        let app = buildApplication(configuration: server, client: client, logger: logger, runsClient: false) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that fails to bind ends the port stream too, so the wait below cannot hang.
                defer { continuation.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw DemoError("The demo server did not start on the loopback interface.")
            }
            do {
                let value = try await body(port)
                // Graceful: stop accepting, let in-flight requests finish, as on SIGTERM.
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return value
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    private func upload(port: Int, tokens: [(name: String, token: String)], source: PixelImage, className: String,
                        say: @escaping @Sendable (String) -> Void) async throws -> DemoUploads {
        let client = LoopbackClient(port: port)
        var maker = DemoPhotoMaker(source: source, seed: configuration.seed)
        var tasks: [DemoTask] = []
        for (_, token) in tokens {
            let answer = try await client.get("/v1/tasks", token: token)
            guard answer.status == 200, let list = answer.decoded(DemoTaskList.self) else {
                throw DemoError("GET /v1/tasks answered \(answer.status).")
            }
            tasks += list.tasks.map { task in
                var task = task
                task.token = token
                return task
            }
        }
        let cases = DemoCase.all
        guard tasks.count >= cases.count + 4 else {
            throw DemoError("The demo needs at least \(cases.count + 4) tasks; it has \(tasks.count).")
        }
        let pitchJitter: [Double] = [-4, -2, 0, 2, 4]
        var uploads = DemoUploads()

        func good(_ task: DemoTask, index: Int) async throws -> [UInt8] {
            let bytes = try maker.goodVariant(rotationID: task.rotationID, viewpoint: task.viewpoint, room: task.room,
                                              capturedAt: Date().addingTimeInterval(-30))
            let answer = try await client.putPhoto(
                taskID: task.id, bytes: bytes, token: task.token, objectClass: className,
                pitch: task.pitch + pitchJitter[index % pitchJitter.count], roll: Double(index % 3) - 1)
            uploads.record(answer)
            guard answer.status == 201 else {
                throw DemoError("A good demo photo for task \(task.id) was answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self)).")
            }
            return bytes
        }

        // Good photos first, so the duplicate cases have something to match.
        let goodTasks = tasks[cases.count...]
        var firstGood: [UInt8] = []
        for (index, task) in goodTasks.enumerated() {
            let bytes = try await good(task, index: index)
            if firstGood.isEmpty { firstGood = bytes }
        }
        say("uploads: \(goodTasks.count) good photos (201), each a synthetic variant of the real photograph")

        // One of each reason; a rejected task stays open, so a good retake completes it.
        for (index, (demoCase, task)) in zip(cases, tasks).enumerated() {
            let made = try demoCase.make(maker, task, firstGood)
            let answer = try await client.putPhoto(
                taskID: task.id, bytes: made.bytes, token: task.token, objectClass: className,
                pitch: made.pitch ?? (demoCase.sendsAttitude ? task.pitch : nil), roll: demoCase.sendsAttitude ? 0 : nil,
                contentType: made.contentType)
            uploads.record(answer)
            let body = answer.decoded(DemoUploadAnswer.self)
            let codes = body?.reasons?.map(\.code) ?? []
            let errorCode = body?.error?.code
            let ok = answer.status == demoCase.status && (codes.contains(demoCase.code) || errorCode == demoCase.code)
            uploads.cases.append(DemoUploads.CaseResult(
                name: demoCase.code, expectedStatus: demoCase.status, status: answer.status,
                codes: codes.isEmpty ? [errorCode ?? "?"] : codes, asExpected: ok))
            let answered = codes.isEmpty ? (errorCode ?? "") : codes.joined(separator: ",")
            say("  " + demoCase.code.padding(toLength: 30, withPad: " ", startingAt: 0) + "HTTP \(answer.status)  \(answered)"
                + (ok ? "" : "  (expected \(demoCase.status) \(demoCase.code))"))
            if answer.status != 201 { _ = try await good(task, index: index) }
        }
        let unexpected = uploads.cases.filter { !$0.asExpected }
        if !unexpected.isEmpty {
            throw DemoError("The server answered \(unexpected.count) demo cases unexpectedly: \(unexpected.map(\.name).joined(separator: ", ")).")
        }
        return uploads
    }

    /// An ImageNet-like control set of the same class: upright, centred, untinted crops of the photograph.
    private func writeControl(source: PixelImage, className: String, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let maker = DemoPhotoMaker(source: source, seed: configuration.seed)
        var labels = "file,label\n"
        for (index, fraction) in [1.0, 0.95, 0.9, 0.85, 0.8, 0.75].enumerated() {
            let image = maker.crop(source, fraction: fraction, dx: Double(index % 3 - 1) * 0.3)
            let name = String(format: "control-%02d.jpg", index)
            try Data(try JPEGCodec.encode(image, quality: 92)).write(to: folder.appendingPathComponent(name), options: .atomic)
            labels += "\(name),\(className)\n"
        }
        try Data(labels.utf8).write(to: folder.appendingPathComponent("labels.csv"), options: .atomic)
    }
}
