/// How many of the poses a class needs: all of them, one per axis direction, or a single one.
public enum Symmetry: String, Sendable, Codable, CaseIterable, Hashable {
    /// No symmetry: every one of the 50 poses looks different.
    case none
    /// Rotationally symmetric about one axis (bottle, can): only the axial-distinct poses.
    case axial
    /// Looks the same from everywhere (ball): one pose.
    case spherical
}
