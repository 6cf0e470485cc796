public import Foundation

/// A task with everything needed to show or check it: the controls and the offered classes by name.
public struct TaskAssignment: Sendable, Hashable, Codable {
    /// A class offered by a task.
    public struct OfferedClass: Sendable, Hashable, Codable {
        /// Catalog class id.
        public var id: Int
        /// Its name.
        public var name: String
        /// Its symmetry: which pose to ask for (see `RotationSet.effective`).
        public var symmetry: Symmetry

        /// Creates an offered class.
        public init(id: Int, name: String, symmetry: Symmetry) {
            self.id = id
            self.name = name
            self.symmetry = symmetry
        }
    }

    /// The stored task.
    public var task: CaptureTask
    /// The worker's name.
    public var workerName: String
    /// Where to photograph.
    public var room: Room
    /// From which camera pitch.
    public var viewpoint: Viewpoint
    /// The object's pose (for a class without symmetry; see `RotationSet.effective`).
    public var rotation: Rotation
    /// The classes offered, in order.
    public var offeredClasses: [OfferedClass]

    /// Creates an assignment.
    public init(task: CaptureTask, workerName: String, room: Room, viewpoint: Viewpoint, rotation: Rotation, offeredClasses: [OfferedClass]) {
        self.task = task
        self.workerName = workerName
        self.room = room
        self.viewpoint = viewpoint
        self.rotation = rotation
        self.offeredClasses = offeredClasses
    }

    /// The CSV header of `tasks list --format csv`.
    public static let csvHeader = "id,worker,room,viewpoint,rotation,offered_classes,status,issued_at,expires_at"

    /// One CSV line; fields with commas or quotes are quoted.
    public func csvRow(formatDate: (Date) -> String) -> String {
        [String(task.id), workerName, room.name, viewpoint.name, String(rotation.id),
         offeredClasses.map(\.name).joined(separator: ";"), task.status.rawValue,
         formatDate(task.issuedAt), formatDate(task.expiresAt)]
            .map(Self.quoted).joined(separator: ",")
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
