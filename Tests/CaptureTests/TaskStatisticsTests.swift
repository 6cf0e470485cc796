import Testing
@testable import Capture

@Suite("TaskStatistics")
struct TaskStatisticsTests {
    @Test func marginalsAndAssociations() {
        let rows: [(ids: [Int], count: Int)] = [([1, 1], 50), ([1, 2], 50), ([2, 1], 50), ([2, 2], 50)]
        let stats = TaskStatistics(variables: ["room", "viewpoint"], rows: rows, labels: [[1: "kitchen", 2: "bedroom"], [1: "top"]])
        #expect(stats.total == 200)
        #expect(stats.marginals[0].counts == [.init(value: "kitchen", count: 100), .init(value: "bedroom", count: 100)])
        #expect(stats.marginals[1].counts.map(\.value) == ["top", "2"])
        #expect(stats.associations.count == 1 && stats.associations[0].cramersV < 0.01)
        #expect(stats.text.contains("room × viewpoint"))

        let dependent = TaskStatistics(variables: ["a", "b"], rows: [([1, 1], 100), ([2, 2], 100)], labels: [[:], [:]])
        #expect(dependent.associations[0].cramersV > 0.9)
    }
}
