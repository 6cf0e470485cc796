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
        for assignee in assignees where assignee.roomIDs.isEmpty {
            throw CatalogError("Worker \(assignee.workerID) has no active room to photograph in.")
        }
        var generator = SeededGenerator(seed: seed)
        var plan = TaskPlan(offeredPerTask: offerCount)
        plan.reserve(assignments.count)
        var chosen = [Int](repeating: 0, count: offerCount)
        for index in assignments {
            let assignee = assignees[index]
            plan.workerIDs.append(Int32(assignee.workerID))
            drawClasses(into: &chosen, using: &generator)
            for position in chosen { plan.offeredClassIDs.append(Int32(candidates[position].id)) }
            plan.rotationIDs.append(Int16(rotationIDs[generator.index(below: rotationIDs.count)]))
            plan.viewpointIDs.append(Int16(viewpointIDs[generator.index(below: viewpointIDs.count)]))
            plan.roomIDs.append(Int16(assignee.roomIDs[generator.index(below: assignee.roomIDs.count)]))
        }
        return plan
    }

    /// Draws `offerCount` distinct classes, each with probability proportional to its weight among
    /// those not yet drawn: drawing from the full table and redrawing repeats is exactly that.
    private func drawClasses(into chosen: inout [Int], using generator: inout SeededGenerator) {
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
