import Foundation
import Testing
@testable import Capture

@Suite("RotationSet")
struct RotationSetTests {
    let set = RotationSet.standard

    @Test func fiftyUnitQuaternions() {
        #expect(set.rotations.count == 50)
        #expect(set.rotations.map(\.id) == Array(0..<50))
        for rotation in set.rotations {
            #expect(abs(rotation.quaternion.norm - 1) < 1e-12)
            #expect(!rotation.description.isEmpty)
        }
        #expect(set.rotations[0].description == "upright")
        #expect(set.rotations[49].description == "upside down")
    }

    @Test func deterministic() {
        #expect(RotationSet(count: 50).rotations == set.rotations)
    }

    @Test func separatedAndCoveringTheSphere() {
        let tops = set.rotations.map(\.topDirection)
        var closest = Double.infinity
        for i in tops.indices { for j in tops.indices where j > i { closest = min(closest, tops[i].angle(to: tops[j])) } }
        #expect(closest * 180 / .pi >= RotationSet.minimumSeparationDegrees)
        // Covering: a dense deterministic probe of the sphere finds no direction farther than the bound.
        var generator = SeededGenerator(seed: 1)
        var farthest = 0.0
        for _ in 0..<20_000 {
            let z = 2 * generator.unit() - 1, phi = 2 * Double.pi * generator.unit(), r = (1 - z * z).squareRoot()
            let probe = Vector3(r * cos(phi), r * sin(phi), z)
            farthest = max(farthest, tops.map { $0.angle(to: probe) }.min()!)
        }
        #expect(farthest * 180 / .pi <= RotationSet.coveringRadiusDegrees)
        // Balanced: as many tops above the equator as below.
        #expect(tops.filter { $0.z > 1e-9 }.count == tops.filter { $0.z < -1e-9 }.count)
    }

    @Test func snappedToPolesAndEquator() {
        let tops = set.rotations.map(\.topDirection)
        #expect(tops.filter { abs(abs($0.z) - 1) < 1e-12 }.count == 2)
        let onEquator = tops.filter { abs($0.z) < 1e-9 }
        #expect(onEquator.count >= 4)
        #expect(set.rotations.filter { $0.description.hasPrefix("lying on its side") }.count == onEquator.count)
        // Nothing left just off a pole or the equator.
        for top in tops {
            let elevation = asin(max(-1, min(1, top.z))) * 180 / .pi
            #expect(abs(elevation) == 90 || abs(elevation) <= 90 - RotationSet.poleSnapDegrees)
            #expect(abs(elevation) < 1e-9 || abs(elevation) > RotationSet.equatorSnapDegrees)
        }
    }

    @Test func symmetricClassesGetOnlyTheirDistinctPoses() {
        let axial = Set(set.axialDistinct.map(\.id))
        #expect(axial.count < 50 && axial.count >= 25)
        for rotation in set.rotations {
            let forAxial = set.effective(rotation, for: .axial)
            #expect(axial.contains(forAxial.id))
            if rotation.axialDistinct {
                #expect(forAxial == rotation)
            } else {
                // The stand-in is the mirror image of the pose, up to the lattice spacing.
                let top = rotation.topDirection
                let mirrored = Vector3(-top.x, top.y, top.z)
                #expect(forAxial.topDirection.angle(to: mirrored) * 180 / .pi <= RotationSet.coveringRadiusDegrees)
            }
            #expect(set.effective(rotation, for: .spherical).id == set.spherical.id)
            #expect(set.effective(rotation, for: .none) == rotation)
        }
        #expect(set.rotations.filter(\.spherical).count == 1)
    }

    @Test func quaternionAlgebra() {
        let quarter = Quaternion(axis: Vector3(0, 0, 1), angle: .pi / 2)
        let v = quarter.rotate(Vector3(1, 0, 0))
        #expect(abs(v.x) < 1e-12 && abs(v.y - 1) < 1e-12)
        #expect(abs(quarter.angle(to: Quaternion(w: 1, x: 0, y: 0, z: 0)) - .pi / 2) < 1e-12)
    }
}
