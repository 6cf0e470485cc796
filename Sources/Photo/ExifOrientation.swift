/// The EXIF Orientation tag (1–8): how stored pixels must be turned to display upright.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left–right.
    case upMirrored = 2
    /// 3: rotated 180°.
    case down = 3
    /// 4: mirrored top–bottom.
    case downMirrored = 4
    /// 5: transposed (mirror across the main diagonal).
    case leftMirrored = 5
    /// 6: needs a 90° clockwise turn to display.
    case right = 6
    /// 7: transversed (mirror across the anti-diagonal).
    case rightMirrored = 7
    /// 8: needs a 90° counter-clockwise turn to display.
    case left = 8

    /// Whether displaying swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// The orientation that undoes this one.
    public var inverse: ExifOrientation {
        switch self {
        case .right: .left
        case .left: .right
        default: self
        }
    }
}
