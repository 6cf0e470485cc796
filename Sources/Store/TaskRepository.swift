public import Capture
public import Foundation

/// What `tasks generate` asks for.
public struct TaskGenerationRequest: Sendable {
    /// Who gets tasks.
    public enum Assignment: Sendable, Equatable {
        /// `count` tasks spread round-robin over every active worker (in id order).
        case roundRobin(count: Int)
        /// `count` tasks for one worker.
        case worker(name: String, count: Int)
        /// `count` tasks for each active worker.
        case perWorker(count: Int)
    }

    /// Which classes may be offered.
    public enum Classes: Sendable, Equatable {
        /// Every active class.
        case all
        /// Active classes with an ImageNet-1k mapping.
        case overlap
        /// These class names (unknown names are refused).
        case names([String])

        /// `overlap`, `all`, or a file of class names (one per line).
        public init(parsing text: String) throws {
            switch text {
            case "all": self = .all
            case "overlap": self = .overlap
            default:
                let url = URL(fileURLWithPath: text)
                self = .names(try CatalogCSV.classNames(try PostgresCatalogRepository.read(url), file: url.lastPathComponent))
            }
        }
    }

    /// Most tasks one call may create.
    public static let maximumCount = 10_000_000

    /// Who gets tasks.
    public var assignment: Assignment
    /// Which classes may be offered.
    public var classes: Classes
    /// The seed: same seed and same database state give the same tasks.
    public var seed: UInt64
    /// Seconds from issue to expiry.
    public var expiresInSeconds: Int
    /// Issue time of every task of the batch.
    public var issuedAt: Date

    /// Creates a request.
    public init(assignment: Assignment, classes: Classes = .all, seed: UInt64, expiresInSeconds: Int = 7 * 86_400, issuedAt: Date = Date()) {
        self.assignment = assignment
        self.classes = classes
        self.seed = seed
        self.expiresInSeconds = expiresInSeconds
        self.issuedAt = issuedAt
    }
}

/// What one `tasks generate` call stored.
public struct TaskGenerationResult: Sendable, Equatable, Codable {
    /// The batch id (`task_batches`).
    public var batchID: Int
    /// Tasks stored.
    public var tasks: Int
    /// Workers who got tasks.
    public var workers: Int
    /// Classes that could be offered.
    public var classes: Int
}

/// Capture tasks: design, listing, statistics, and the lookups the upload server needs.
public protocol TaskRepository: Sendable {
    /// Designs and stores a batch of tasks in one transaction.
    func generate(_ request: TaskGenerationRequest) async throws -> TaskGenerationResult
    /// A worker's open, unexpired tasks with their controls and offered classes, oldest first.
    func openTasks(workerID: Int, now: Date) async throws -> [TaskAssignment]
    /// One task by id, any status.
    func task(id: Int64) async throws -> TaskAssignment?
    /// Tasks filtered by worker name and status, by id.
    func list(workerName: String?, status: CaptureTask.Status?, now: Date) async throws -> [TaskAssignment]
    /// Marginals and pairwise Cramér's V over all tasks.
    func statistics() async throws -> TaskStatistics
}
