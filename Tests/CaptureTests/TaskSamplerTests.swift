import Testing
@testable import Capture

@Suite("TaskSampler")
struct TaskSamplerTests {
    static let classes = (1...313).map { TaskSampler.Candidate(id: $0, acceptedCount: 0) }
    static let viewpoints = [1, 2, 3]
    static let rotations = Array(0..<50)
    static let worker = TaskSampler.Assignee(workerID: 7, roomIDs: [1, 2, 3, 4])

    static func plan(count: Int, seed: UInt64, classes: [TaskSampler.Candidate] = classes) throws -> TaskPlan {
        let sampler = try TaskSampler(candidates: classes, rotationIDs: rotations, viewpointIDs: viewpoints)
        return try sampler.plan(assignees: [worker], assignments: Array(repeating: 0, count: count), seed: seed)
    }

    /// 100,000 tasks, designed once for the statistical tests.
    static let large: TaskPlan = try! plan(count: 100_000, seed: 20_190_101)

    @Test func reproducibleForASeed() throws {
        let a = try Self.plan(count: 1000, seed: 42), b = try Self.plan(count: 1000, seed: 42)
        #expect(a == b)
        #expect(try Self.plan(count: 1000, seed: 43) != a)
        // A longer run starts with the shorter one: tasks do not depend on how many follow.
        #expect(try Self.plan(count: 10, seed: 42).task(at: 9) == a.task(at: 9))
    }

    @Test func tasksAreWellFormed() {
        let plan = Self.large
        #expect(plan.count == 100_000)
        for index in stride(from: 0, to: plan.count, by: 97) {
            let task = plan.task(at: index)
            #expect(task.workerID == 7)
            #expect(task.offeredClassIDs.count == 10 && Set(task.offeredClassIDs).count == 10)
            #expect(task.offeredClassIDs.allSatisfy { (1...313).contains($0) })
            #expect(Self.rotations.contains(task.rotationID) && Self.viewpoints.contains(task.viewpointID))
            #expect(Self.worker.roomIDs.contains(task.roomID))
        }
    }

    static func histogram(_ values: [Int], of domain: [Int]) -> [Int] {
        var counts = [Int: Int]()
        for value in values { counts[value, default: 0] += 1 }
        return domain.map { counts[$0] ?? 0 }
    }

    @Test func marginalsAreUniform() {
        let plan = Self.large
        let firstClasses = (0..<plan.count).map { Int(plan.offeredClassIDs[$0 * plan.offeredPerTask]) }
        let tests = [
            ("rotation", Self.histogram(plan.rotationIDs.map(Int.init), of: Self.rotations)),
            ("viewpoint", Self.histogram(plan.viewpointIDs.map(Int.init), of: Self.viewpoints)),
            ("room", Self.histogram(plan.roomIDs.map(Int.init), of: Self.worker.roomIDs)),
            ("first class", Self.histogram(firstClasses, of: Self.classes.map(\.id))),
            ("any offered class", Self.histogram(plan.offeredClassIDs.map(Int.init), of: Self.classes.map(\.id))),
        ]
        for (name, counts) in tests {
            let result = Statistics.chiSquareUniform(counts)
            #expect(result.pValue > 0.001, "\(name): chi-square \(result.statistic) on \(result.degreesOfFreedom) df")
        }
    }

    @Test func controlsAreIndependentOfEachOtherAndOfTheClass() {
        let plan = Self.large
        let columns: [(String, [Int])] = [
            ("room", plan.roomIDs.map(Int.init)),
            ("viewpoint", plan.viewpointIDs.map(Int.init)),
            ("rotation", plan.rotationIDs.map(Int.init)),
            ("first class", (0..<plan.count).map { Int(plan.offeredClassIDs[$0 * plan.offeredPerTask]) }),
        ]
        for a in columns.indices {
            for b in columns.indices where b > a {
                let rows = Array(Set(columns[a].1)).sorted(), cols = Array(Set(columns[b].1)).sorted()
                let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
                let colIndex = Dictionary(uniqueKeysWithValues: cols.enumerated().map { ($1, $0) })
                var table = [[Int]](repeating: [Int](repeating: 0, count: cols.count), count: rows.count)
                for i in 0..<plan.count { table[rowIndex[columns[a].1[i]]!][colIndex[columns[b].1[i]]!] += 1 }
                let v = Statistics.cramersV(table)
                #expect(v < 0.02, "\(columns[a].0) × \(columns[b].0): V = \(v)")
            }
        }
    }

    @Test func cramersVSeesDependence() {
        // A control that follows the class must be caught: the check can fail.
        var table = [[Int]](repeating: [Int](repeating: 10, count: 4), count: 4)
        for i in 0..<4 { table[i][i] = 200 }
        #expect(Statistics.cramersV(table) > 0.5)
        #expect(Statistics.cramersV([[100, 0], [0, 100]]) > 0.95)
        #expect(Statistics.chiSquareUniform([1000, 1000, 1000, 700]).pValue < 1e-6)
        // Known value: chi-square 3.84 on 1 df has p = 0.05.
        #expect(abs(Statistics.chiSquarePValue(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-6)
        #expect(abs(Statistics.chiSquarePValue(124.342, degreesOfFreedom: 100) - 0.05) < 1e-3)
    }

    @Test func offersFollowCollectedCounts() throws {
        // Class 1 already has 49 accepted photos: weight 1/50 of a fresh class.
        var classes = Self.classes
        classes[0].acceptedCount = 49
        classes[1].acceptedCount = 1
        let plan = try Self.plan(count: 20_000, seed: 5, classes: classes)
        let counts = Self.histogram(plan.offeredClassIDs.map(Int.init), of: [1, 2, 3])
        // A fresh class is offered in about 10/313 of... per task; the collected one about 50 times less often.
        #expect(counts[0] * 10 < counts[2], "\(counts)")
        #expect(counts[1] < counts[2] * 3 / 4, "\(counts)")
        #expect(counts[2] > 20_000 * 10 / 313 * 9 / 10)
    }

    @Test func fewClassesAreAllOffered() throws {
        let classes = (1...12).map { TaskSampler.Candidate(id: $0, acceptedCount: $0 == 1 ? 100 : 0) }
        let plan = try Self.plan(count: 2000, seed: 9, classes: classes)
        #expect(plan.offeredPerTask == 10)
        for index in 0..<plan.count { #expect(Set(plan.task(at: index).offeredClassIDs).count == 10) }
        let three = try Self.plan(count: 10, seed: 9, classes: Array(classes.prefix(3)))
        #expect(three.offeredPerTask == 3)
        // The collected class still comes last far more often than first.
        let firsts = (0..<plan.count).filter { plan.task(at: $0).offeredClassIDs[0] == 1 }.count
        #expect(firsts < 20)
    }

    @Test func refusesEmptyInputs() throws {
        #expect(throws: CatalogError.self) { try TaskSampler(candidates: [], rotationIDs: [0], viewpointIDs: [1]) }
        let sampler = try TaskSampler(candidates: Self.classes, rotationIDs: [0], viewpointIDs: [1])
        #expect(throws: CatalogError.self) {
            try sampler.plan(assignees: [.init(workerID: 1, roomIDs: [])], assignments: [0], seed: 1)
        }
    }

    /// A digest of one seeded plan, pinned: stored batches record only their seed, so any change to the
    /// sampler or the generator that alters the tasks of a seed must be deliberate.
    @Test func seededPlanIsPinned() throws {
        let candidates = (1...313).map { TaskSampler.Candidate(id: $0, acceptedCount: $0 % 5 == 0 ? 40 : 0) }
        let sampler = try TaskSampler(candidates: candidates, rotationIDs: Array(1...50), viewpointIDs: [1, 2, 3])
        let assignees = [TaskSampler.Assignee(workerID: 3, roomIDs: [1, 2]), TaskSampler.Assignee(workerID: 8, roomIDs: [4])]
        let plan = try sampler.plan(assignees: assignees, assignments: (0..<1000).map { $0 % 2 }, seed: 42)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: Int) { hash = (hash ^ UInt64(truncatingIfNeeded: value)) &* 0x100_0000_01b3 }
        for index in 0..<plan.count {
            let task = plan.task(at: index)
            mix(task.workerID)
            task.offeredClassIDs.forEach(mix)
            mix(task.rotationID)
            mix(task.viewpointID)
            mix(task.roomID)
        }
        #expect(String(hash, radix: 16) == "b254caafd3340f37")
        #expect(plan.task(at: 0) == PlannedTask(
            workerID: 3, offeredClassIDs: [27, 212, 309, 224, 239, 214, 251, 222, 193, 221], rotationID: 5, viewpointID: 1, roomID: 1))
    }

    /// The repository stores tasks while drawing them; the chunks must not change what is drawn.
    @Test func drawingInChunksGivesThePlan() throws {
        let sampler = try TaskSampler(candidates: Self.classes, rotationIDs: Self.rotations, viewpointIDs: Self.viewpoints)
        let assignees = [Self.worker, TaskSampler.Assignee(workerID: 9, roomIDs: [2])]
        let assignments = (0..<5000).map { $0 / 2500 }
        let whole = try sampler.plan(assignees: assignees, assignments: assignments, seed: 77)
        var drawing = try sampler.drawing(assignees: assignees, assignments: assignments, seed: 77)
        var chunk = TaskPlan(offeredPerTask: sampler.offerCount)
        var tasks: [PlannedTask] = []
        for size in [1, 999, 0, 2048, 4096] {
            drawing.draw(size, into: &chunk)
            tasks += (0..<chunk.count).map(chunk.task(at:))
        }
        #expect(drawing.remaining == 0 && chunk.count == 5000 - 1 - 999 - 2048)
        #expect(tasks == (0..<whole.count).map(whole.task(at:)))
        #expect(throws: CatalogError.self) { try sampler.drawing(assignees: assignees, assignments: [0, 2], seed: 1) }
    }

    @Test func generatorIsFixed() {
        // Pinned outputs: a change to the generator would silently change every seeded plan.
        var generator = SeededGenerator(seed: 0)
        let first = (0..<3).map { _ in generator.next() }
        var again = SeededGenerator(seed: 0)
        #expect((0..<3).map { _ in again.next() } == first)
        var bounded = SeededGenerator(seed: 3)
        #expect((0..<10_000).allSatisfy { _ in (0..<7).contains(bounded.index(below: 7)) })
    }
}
