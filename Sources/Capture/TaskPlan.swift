/// Tasks designed but not yet stored, in flat columns so a million of them stay cheap.
public struct TaskPlan: Sendable, Equatable {
    /// How many classes each task offers (the same for every task of a plan).
    public let offeredPerTask: Int
    /// Worker id per task.
    public internal(set) var workerIDs: [Int32] = []
    /// Offered class ids, `offeredPerTask` per task, task after task.
    public internal(set) var offeredClassIDs: [Int32] = []
    /// Rotation id per task.
    public internal(set) var rotationIDs: [Int16] = []
    /// Viewpoint id per task.
    public internal(set) var viewpointIDs: [Int16] = []
    /// Room id per task.
    public internal(set) var roomIDs: [Int16] = []

    /// An empty plan.
    public init(offeredPerTask: Int) {
        self.offeredPerTask = offeredPerTask
    }

    /// Number of tasks.
    public var count: Int { workerIDs.count }

    /// One task's values.
    public func task(at index: Int) -> PlannedTask {
        let start = index * offeredPerTask
        return PlannedTask(
            workerID: Int(workerIDs[index]),
            offeredClassIDs: offeredClassIDs[start..<start + offeredPerTask].map(Int.init),
            rotationID: Int(rotationIDs[index]), viewpointID: Int(viewpointIDs[index]), roomID: Int(roomIDs[index]))
    }

    mutating func removeAll() {
        workerIDs.removeAll(keepingCapacity: true)
        offeredClassIDs.removeAll(keepingCapacity: true)
        rotationIDs.removeAll(keepingCapacity: true)
        viewpointIDs.removeAll(keepingCapacity: true)
        roomIDs.removeAll(keepingCapacity: true)
    }

    mutating func reserve(_ count: Int) {
        workerIDs.reserveCapacity(count)
        offeredClassIDs.reserveCapacity(count * offeredPerTask)
        rotationIDs.reserveCapacity(count)
        viewpointIDs.reserveCapacity(count)
        roomIDs.reserveCapacity(count)
    }
}

/// One designed task.
public struct PlannedTask: Sendable, Hashable {
    /// Worker id.
    public var workerID: Int
    /// Offered class ids, in order.
    public var offeredClassIDs: [Int]
    /// Rotation id.
    public var rotationID: Int
    /// Viewpoint id.
    public var viewpointID: Int
    /// Room id.
    public var roomID: Int
}
