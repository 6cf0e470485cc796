public import Capture
import Foundation
public import Logging
import NIOCore
public import PostgresNIO

/// Evaluation runs in PostgreSQL: registration under an advisory lock, chunk leases claimed with
/// `FOR UPDATE SKIP LOCKED`, and each chunk's predictions stored in the transaction that marks it done.
public struct PostgresEvaluationRepository: EvaluationRepository {
    let client: PostgresClient
    let logger: Logger

    /// Creates a repository on a running client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The ImageNet-1k classes in index order.
    public func imagenetClasses() async throws -> [ImageNetClass] {
        var result: [ImageNetClass] = []
        let rows = try await client.query("SELECT idx, wnid, name FROM imagenet_classes ORDER BY idx", logger: logger)
        for try await (index, wnid, name) in rows.decode((Int32, String, String).self) {
            result.append(ImageNetClass(index: Int(index), wnid: wnid, name: name))
        }
        return result
    }

    /// Approved photos: accepted without needing review, or approved by a reviewer, with their task's controls.
    public func curatedPhotos() async throws -> [CuratedPhotoRecord] {
        var result: [CuratedPhotoRecord] = []
        let rows = try await client.query(
            """
            SELECT p.id, p.public_id, encode(p.blob_sha256, 'hex'), p.class_id, t.rotation_id, t.viewpoint_id, t.room_id
            FROM photos p JOIN tasks t ON t.id = p.task_id
            WHERE p.blob_sha256 IS NOT NULL
              AND ((p.verdict = 'accepted' AND p.review_status = 'not_needed') OR p.review_status = 'approved')
            ORDER BY p.id
            """, logger: logger)
        for try await (id, publicID, blob, classID, rotation, viewpoint, room) in rows.decode(
            (Int64, UUID, String, Int32, Int16, Int16, Int16).self)
        {
            result.append(CuratedPhotoRecord(
                photoID: id, publicID: publicID, blobKey: blob, classID: Int(classID),
                rotationID: Int(rotation), viewpointID: Int(viewpoint), roomID: Int(room)))
        }
        return result
    }

    /// Serialised per identity by an advisory lock, so two evaluators started together share one run.
    public func registerRun(identityJSON: String, parametersJSON: String, models: [EvaluationModelRecord],
                            images: [EvaluationImageRecord], chunkSize: Int, reuse: Bool) async throws -> EvaluationRegistration {
        guard !images.isEmpty, !models.isEmpty else { throw StoreError(.invalidInput, "A run needs at least one image and one model.") }
        guard (1...100_000).contains(chunkSize) else { throw StoreError(.invalidInput, "The chunk size must be between 1 and 100000.") }
        return try await inTransaction(client, logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(identityJSON), 7023))", logger: logger)
            if reuse {
                let rows = try await connection.query(
                    """
                    SELECT id FROM evaluation_runs WHERE parameters -> 'identity' = \(identityJSON)::jsonb AND status <> 'failed'
                    ORDER BY id DESC LIMIT 1
                    """, logger: logger)
                for try await id in rows.decode(Int32.self) { return EvaluationRegistration(runID: Int(id), resumed: true) }
            }
            for model in models {
                try await connection.query(
                    """
                    INSERT INTO models (name, onnx_sha256, input_size, label_space, reported_top1, manifest)
                    VALUES (\(model.name), \(model.onnxSHA256), \(Int32(model.inputSize)), \(model.labelSpace),
                            \(model.reportedTop1.map(Float.init)), \(model.manifestJSON)::jsonb)
                    ON CONFLICT (name) DO UPDATE SET onnx_sha256 = EXCLUDED.onnx_sha256, input_size = EXCLUDED.input_size,
                        label_space = EXCLUDED.label_space, reported_top1 = EXCLUDED.reported_top1, manifest = EXCLUDED.manifest
                    """, logger: logger)
            }
            var runID = 0
            let inserted = try await connection.query(
                "INSERT INTO evaluation_runs (parameters) VALUES (\(parametersJSON)::jsonb) RETURNING id", logger: logger)
            for try await id in inserted.decode(Int32.self) { runID = Int(id) }
            try await Self.copyImages(images, runID: runID, on: connection, logger: logger)
            let names = models.map(\.name)
            let count = Int32(images.count), size = Int32(chunkSize)
            try await connection.query(
                """
                INSERT INTO evaluation_chunks (run_id, model, chunk, first_image, last_image)
                SELECT \(Int32(runID)), m, c, c * \(size), least((c + 1) * \(size) - 1, \(count) - 1)
                FROM unnest(\(names)::text[]) AS m, generate_series(0, (\(count) - 1) / \(size)) AS c
                """, logger: logger)
            return EvaluationRegistration(runID: runID, resumed: false)
        }
    }

    static func copyImages(_ images: [EvaluationImageRecord], runID: Int, on connection: PostgresConnection, logger: Logger) async throws {
        func field(_ value: Int?) -> String { value.map(String.init) ?? "\\N" }
        func escaped(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        try await connection.copyFrom(
            table: "evaluation_images",
            columns: ["run_id", "image_id", "split", "file", "photo_id", "class_id", "imagenet_idx", "rotation_id", "viewpoint_id", "room_id"],
            logger: logger
        ) { writer in
            var start = 0
            while start < images.count {
                let end = min(images.count, start + 4096)
                var text = ""
                for image in images[start..<end] {
                    text += "\(runID)\t\(image.imageID)\t\(image.split)\t\(escaped(image.file))\t\(image.photoID.map(String.init) ?? "\\N")\t"
                    text += "\(field(image.classID))\t\(field(image.imagenetIndex))\t\(field(image.rotationID))\t\(field(image.viewpointID))\t\(field(image.roomID))\n"
                }
                try await writer.write(ByteBuffer(string: text))
                start = end
            }
        }
    }

    /// One short statement: the row lock of `FOR UPDATE SKIP LOCKED` lasts only while the lease is written.
    public func claimChunk(runID: Int, worker: String, lease: Duration) async throws -> EvaluationChunk? {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let rows = try await client.query(
            """
            UPDATE evaluation_chunks c SET claimed_by = \(worker), claimed_until = now() + make_interval(secs => \(seconds))
            FROM (SELECT run_id, model, chunk FROM evaluation_chunks
                  WHERE run_id = \(Int32(runID)) AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                  ORDER BY model, chunk LIMIT 1 FOR UPDATE SKIP LOCKED) s
            WHERE c.run_id = s.run_id AND c.model = s.model AND c.chunk = s.chunk
            RETURNING c.model, c.chunk, c.first_image, c.last_image
            """, logger: logger)
        for try await (model, chunk, first, last) in rows.decode((String, Int32, Int32, Int32).self) {
            return EvaluationChunk(runID: runID, model: model, chunk: Int(chunk), firstImage: Int(first), lastImage: Int(last))
        }
        return nil
    }

    /// The done mark and the rows commit together, so a chunk is either wholly stored or still pending.
    public func completeChunk(_ chunk: EvaluationChunk, worker: String, predictions: [PredictionRecord]) async throws -> Bool {
        try await inTransaction(client, logger: logger) { connection in
            let marked = try await connection.query(
                """
                UPDATE evaluation_chunks SET done_at = now(), done_by = \(worker), claimed_by = NULL, claimed_until = NULL
                WHERE run_id = \(Int32(chunk.runID)) AND model = \(chunk.model) AND chunk = \(Int32(chunk.chunk)) AND done_at IS NULL
                RETURNING chunk
                """, logger: logger)
            var won = false
            for try await _ in marked.decode(Int32.self) { won = true }
            guard won else { return false }
            for start in stride(from: 0, to: predictions.count, by: 500) {
                var sql = PostgresQuery.StringInterpolation(literalCapacity: 200, interpolationCount: 6 * 500)
                sql.appendLiteral("INSERT INTO predictions (run_id, image_id, model, top_imagenet, top_scores, top_overlap, top_overlap_scores) VALUES ")
                for (offset, p) in predictions[start..<min(predictions.count, start + 500)].enumerated() {
                    sql.appendLiteral(offset == 0 ? "(" : ", (")
                    sql.appendInterpolation(Int32(chunk.runID))
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(Int32(p.imageID))
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(p.model)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(p.topImageNet.map(Int32.init))
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(p.topScores)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(p.topOverlap.isEmpty ? nil : p.topOverlap.map(Int32.init))
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(p.topOverlapScores.isEmpty ? nil : p.topOverlapScores)
                    sql.appendLiteral(")")
                }
                try await connection.query(PostgresQuery(stringInterpolation: sql), logger: logger)
            }
            return true
        }
    }

    /// Frees the leases of evaluators known to be gone, so their chunks need not wait for expiry.
    public func releaseClaims(runID: Int, claimants: [String]) async throws {
        guard !claimants.isEmpty else { return }
        try await client.query(
            """
            UPDATE evaluation_chunks SET claimed_by = NULL, claimed_until = NULL
            WHERE run_id = \(Int32(runID)) AND done_at IS NULL AND claimed_by = ANY(\(claimants)::text[])
            """, logger: logger)
    }

    /// Distinct claimants of pending chunks.
    public func claimants(runID: Int) async throws -> [String] {
        var result: [String] = []
        let rows = try await client.query(
            """
            SELECT DISTINCT claimed_by FROM evaluation_chunks
            WHERE run_id = \(Int32(runID)) AND done_at IS NULL AND claimed_by IS NOT NULL ORDER BY 1
            """, logger: logger)
        for try await name in rows.decode(String.self) { result.append(name) }
        return result
    }

    /// Counts in image × model pairs and chunks.
    public func progress(runID: Int) async throws -> EvaluationProgress {
        let rows = try await client.query(
            """
            SELECT COALESCE(sum(last_image - first_image + 1), 0)::bigint,
                   COALESCE(sum(last_image - first_image + 1) FILTER (WHERE done_at IS NOT NULL), 0)::bigint,
                   count(*) FILTER (WHERE done_at IS NULL),
                   count(*) FILTER (WHERE done_at IS NULL AND claimed_until > now())
            FROM evaluation_chunks WHERE run_id = \(Int32(runID))
            """, logger: logger)
        for try await (total, done, pending, leased) in rows.decode((Int64, Int64, Int64, Int64).self) {
            return EvaluationProgress(total: Int(total), done: Int(done), pendingChunks: Int(pending), leasedChunks: Int(leased))
        }
        return EvaluationProgress(total: 0, done: 0, pendingChunks: 0, leasedChunks: 0)
    }

    /// Marks the run finished once nothing is pending.
    public func finishIfComplete(runID: Int) async throws -> Bool {
        try await client.query(
            """
            UPDATE evaluation_runs SET status = 'finished', finished_at = now()
            WHERE id = \(Int32(runID)) AND status = 'running'
              AND NOT EXISTS (SELECT 1 FROM evaluation_chunks WHERE run_id = \(Int32(runID)) AND done_at IS NULL)
            """, logger: logger)
        let rows = try await client.query("SELECT status FROM evaluation_runs WHERE id = \(Int32(runID))", logger: logger)
        for try await status in rows.decode(String.self) { return status == "finished" }
        return false
    }

    /// A run by id, or the newest.
    public func run(id: Int?) async throws -> EvaluationRunRecord? {
        let rows: PostgresRowSequence
        if let id {
            rows = try await client.query(
                "SELECT id, parameters::text, status, created_at, finished_at FROM evaluation_runs WHERE id = \(Int32(clamping: id))",
                logger: logger)
        } else {
            rows = try await client.query(
                "SELECT id, parameters::text, status, created_at, finished_at FROM evaluation_runs ORDER BY id DESC LIMIT 1",
                logger: logger)
        }
        for try await (runID, parameters, status, created, finished) in rows.decode((Int32, String, String, Date, Date?).self) {
            return EvaluationRunRecord(id: Int(runID), parametersJSON: parameters, status: status, createdAt: created, finishedAt: finished)
        }
        return nil
    }

    /// A run's images in id order.
    public func images(runID: Int) async throws -> [EvaluationImageRecord] {
        var result: [EvaluationImageRecord] = []
        let rows = try await client.query(
            """
            SELECT image_id, split, file, photo_id, class_id, imagenet_idx, rotation_id, viewpoint_id, room_id
            FROM evaluation_images WHERE run_id = \(Int32(runID)) ORDER BY image_id
            """, logger: logger)
        for try await (id, split, file, photo, classID, index, rotation, viewpoint, room) in rows.decode(
            (Int32, String, String, Int64?, Int32?, Int32?, Int16?, Int16?, Int16?).self)
        {
            result.append(EvaluationImageRecord(
                imageID: Int(id), split: split, file: file, photoID: photo, classID: classID.map(Int.init),
                imagenetIndex: index.map(Int.init), rotationID: rotation.map(Int.init), viewpointID: viewpoint.map(Int.init),
                roomID: room.map(Int.init)))
        }
        return result
    }

    /// A run's predictions, by model then image.
    public func predictions(runID: Int) async throws -> [PredictionRecord] {
        var result: [PredictionRecord] = []
        let rows = try await client.query(
            """
            SELECT image_id, model, top_imagenet, top_scores, top_overlap, top_overlap_scores
            FROM predictions WHERE run_id = \(Int32(runID)) ORDER BY model, image_id
            """, logger: logger)
        for try await (id, model, top, scores, overlap, overlapScores) in rows.decode(
            (Int32, String, [Int32], [Float], [Int32]?, [Float]?).self)
        {
            result.append(PredictionRecord(
                imageID: Int(id), model: model, topImageNet: top.map(Int.init), topScores: scores,
                topOverlap: overlap?.map(Int.init) ?? [], topOverlapScores: overlapScores ?? []))
        }
        return result
    }

    /// The models a run's chunks name.
    public func models(runID: Int) async throws -> [EvaluationModelRecord] {
        var result: [EvaluationModelRecord] = []
        let rows = try await client.query(
            """
            SELECT name, onnx_sha256, input_size, label_space, reported_top1, manifest::text FROM models
            WHERE name IN (SELECT DISTINCT model FROM evaluation_chunks WHERE run_id = \(Int32(runID))) ORDER BY name
            """, logger: logger)
        for try await (name, sha, size, space, reported, manifest) in rows.decode((String, String, Int32, String, Float?, String).self) {
            result.append(EvaluationModelRecord(
                name: name, onnxSHA256: sha, inputSize: Int(size), labelSpace: space,
                reportedTop1: reported.map { (Double($0) * 10).rounded() / 10 }, manifestJSON: manifest))
        }
        return result
    }
}
