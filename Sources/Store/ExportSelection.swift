/// Which classes an export includes.
public enum ExportSelection: String, Sendable, CaseIterable, Codable {
    /// Classes mapped to at least one ImageNet-1k class (ObjectNet's 113).
    case overlap
    /// Every class.
    case all
}
