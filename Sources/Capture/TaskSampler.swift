/// Designs capture tasks: offered classes weighted toward the least collected, and controls
/// (rotation, viewpoint, room) drawn uniformly and independently of each other and of the classes.
///
/// Deterministic: the same inputs (in the same order) and the same seed give the same plan.
public struct TaskSampler: Sendable {
    /// A class that can be offered and how many accepted photos it already has.
    public struct Candidate: Sendable, Hashable {
        /// Catalog class id.
        public var id: Int
        /// Accepted photos so far.
        public var acceptedCount: Int

        /// Creates a candidate.
        public init(id: Int, acceptedCount: Int) {
            self.id = id
            self.acceptedCount = acceptedCount
        }
    }

    /// A worker to design tasks for and the rooms they can photograph in.
    public struct Assignee: Sendable, Hashable {
        /// Worker id.
        public var workerID: Int
        /// Room ids (non-empty).
        public var roomIDs: [Int]

        /// Creates an assignee.
        public init(workerID: Int, roomIDs: [Int]) {
            self.workerID = workerID
            self.roomIDs = roomIDs
        }
    }

    /// ObjectNet offered ten classes per task.
    public static let standardOfferCount = 10

    /// The candidates, in the order given.
    public let candidates: [Candidate]
    /// Rotation ids to draw from.
    public let rotationIDs: [Int]
    /// Viewpoint ids to draw from.
    public let viewpointIDs: [Int]
    /// Classes offered per task: ten, or all of them when fewer.
    public let offerCount: Int
    private let classTable: AliasTable

    /// Weight of a class: inversely proportional to its accepted photos (plus one, so new classes are finite).
    public static func offerWeight(acceptedCount: Int) -> Double { 1 / Double(1 + max(0, acceptedCount)) }

    /// Creates a sampler; throws when there is nothing to sample.
    public init(candidates: [Candidate], rotationIDs: [Int], viewpointIDs: [Int], offerCount: Int = standardOfferCount) throws {
        guard !candidates.isEmpty else { throw CatalogError("There are no classes to offer; import a catalog first (vantage catalog import objectnet).") }
        guard !rotationIDs.isEmpty else { throw CatalogError("There are no rotations to ask for.") }
        guard !viewpointIDs.isEmpty else { throw CatalogError("There are no active viewpoints to ask for.") }
        guard offerCount > 0 else { throw CatalogError("Each task must offer at least one class.") }
        self.candidates = candidates
        self.rotationIDs = rotationIDs
        self.viewpointIDs = viewpointIDs
        self.offerCount = min(offerCount, candidates.count)
        classTable = AliasTable(weights: candidates.map { Self.offerWeight(acceptedCount: $0.acceptedCount) })
    }

    /// Designs one task per element of `assignments` (an index into `assignees`), in order.
    public func plan(assignees: [Assignee], assignments: [Int], seed: UInt64) throws -> TaskPlan {
        var drawing = try self.drawing(assignees: assignees, assignments: assignments, seed: seed)
        var plan = TaskPlan(offeredPerTask: offerCount)
        drawing.draw(assignments.count, into: &plan)
        return plan
    }

    /// Starts designing one task per element of `assignments` (an index into `assignees`), to be
    /// drawn a chunk at a time; the tasks are those `plan` gives, however the chunks are cut.
    public func drawing(assignees: [Assignee], assignments: [Int], seed: UInt64) throws -> Drawing {
        for assignee in assignees where assignee.roomIDs.isEmpty {
            throw CatalogError("Worker \(assignee.workerID) has no active room to photograph in.")
        }
        guard assignments.allSatisfy({ assignees.indices.contains($0) }) else {
            throw CatalogError("A task is assigned to a worker outside the list of \(assignees.count).")
        }
        return Drawing(sampler: self, assignees: assignees, assignments: assignments, generator: SeededGenerator(seed: seed))
    }

    /// Tasks designed in order, a chunk at a time, so a caller can store the first ones while later
    /// ones are still being drawn: one seeded generator runs through every task in turn.
    public struct Drawing: Sendable {
        let sampler: TaskSampler
        let assignees: [Assignee]
        let assignments: [Int]
        var generator: SeededGenerator
        var chosen: [Int]
        /// Tasks drawn so far.
        public private(set) var drawn = 0

        init(sampler: TaskSampler, assignees: [Assignee], assignments: [Int], generator: SeededGenerator) {
            self.sampler = sampler
            self.assignees = assignees
            self.assignments = assignments
            self.generator = generator
            chosen = Array(repeating: 0, count: sampler.offerCount)
        }

        /// Tasks still to draw.
        public var remaining: Int { assignments.count - drawn }
        /// Classes offered per task.
        public var offerCount: Int { sampler.offerCount }

        /// Replaces the contents of `plan` with the next `count` tasks (fewer at the end), keeping
        /// its storage so a long run of chunks allocates once.
        public mutating func draw(_ count: Int, into plan: inout TaskPlan) {
            precondition(plan.offeredPerTask == sampler.offerCount, "the plan must offer \(sampler.offerCount) classes per task")
            let end = drawn + min(max(0, count), remaining)
            plan.removeAll()
            plan.reserve(end - drawn)
            let candidates = sampler.candidates, rotationIDs = sampler.rotationIDs, viewpointIDs = sampler.viewpointIDs
            for index in assignments[drawn..<end] {
                let assignee = assignees[index]
                plan.workerIDs.append(Int32(assignee.workerID))
                sampler.drawClasses(into: &chosen, using: &generator)
                for position in chosen { plan.offeredClassIDs.append(Int32(candidates[position].id)) }
                plan.rotationIDs.append(Int16(rotationIDs[generator.index(below: rotationIDs.count)]))
                plan.viewpointIDs.append(Int16(viewpointIDs[generator.index(below: viewpointIDs.count)]))
                plan.roomIDs.append(Int16(assignee.roomIDs[generator.index(below: assignee.roomIDs.count)]))
            }
            drawn = end
        }
    }

    /// Draws `offerCount` distinct classes, each with probability proportional to its weight among
    /// those not yet drawn: drawing from the full table and redrawing repeats is exactly that.
    fileprivate func drawClasses(into chosen: inout [Int], using generator: inout SeededGenerator) {
        if offerCount * 2 > candidates.count {
            // Few classes: repeats would be common, so draw from the remaining weights directly.
            var remaining = Array(candidates.indices)
            for slot in 0..<offerCount {
                let weights = remaining.map { Self.offerWeight(acceptedCount: candidates[$0].acceptedCount) }
                var target = generator.unit() * weights.reduce(0, +)
                var pick = remaining.count - 1
                for (i, weight) in weights.enumerated() {
                    target -= weight
                    if target < 0 { pick = i; break }
                }
                chosen[slot] = remaining.remove(at: pick)
            }
            return
        }
        var slot = 0
        while slot < offerCount {
            let candidate = classTable.draw(using: &generator)
            if !chosen[0..<slot].contains(candidate) {
                chosen[slot] = candidate
                slot += 1
            }
        }
    }
}
