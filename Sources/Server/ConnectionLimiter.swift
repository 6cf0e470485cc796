import NIOCore
import Synchronization

/// Counts the server's open connections across event loops and admits a new one only below `maximum`.
final class ConnectionLimiter: Sendable {
    /// Connections allowed open at once.
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Connections admitted and not yet closed.
    var openConnections: Int { open.load(ordering: .relaxed) }

    /// Admits `channel` if there is room, counting it until it closes; false when the server is full.
    func admit(_ channel: any Channel) -> Bool {
        guard open.wrappingAdd(1, ordering: .relaxed).newValue <= maximum else {
            open.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        channel.closeFuture.whenComplete { _ in self.open.wrappingSubtract(1, ordering: .relaxed) }
        return true
    }
}
