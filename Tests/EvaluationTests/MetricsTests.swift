import Capture
import Testing
@testable import Evaluation

/// A catalog small enough to score by hand: "Alarm clock" ← analog clock (409) + digital clock (530),
/// "Banana" ← 954, and "Air freshener" with no ImageNet counterpart.
let handCatalog = LabelCatalog(
    classes: [
        .init(id: 1, name: "Alarm clock", objectnetID: 1, imagenetIndices: [409, 530]),
        .init(id: 2, name: "Banana", objectnetID: 5, imagenetIndices: [954]),
        .init(id: 3, name: "Air freshener", objectnetID: 0, imagenetIndices: []),
    ],
    imagenet: (0..<1000).map { ImageNetClass(index: $0, wnid: String(format: "n%08d", $0), name: "class \($0)") })

func prediction(_ imagenet: [Int], overlap: [Int] = []) -> TopPredictions {
    TopPredictions(imagenet: imagenet, scores: imagenet.map { _ in 0.1 }, overlap: overlap, overlapScores: overlap.map { _ in 0.1 })
}

@Suite struct MetricsTests {
    @Test func tiesGoToTheLowerImageNetIndex() {
        var logits = [Float](repeating: 0, count: 1000)
        logits[7] = 3
        logits[3] = 3
        let top = TopPredictions(logits: logits, catalog: handCatalog)
        #expect(top.imagenet == [3, 7, 0, 1, 2])
        #expect(top.scores[0] == top.scores[1])
        let e3 = Float(20.085537)
        let expected: Float = (2 * e3 + 3) / (2 * e3 + 998)
        let sum: Float = top.scores.reduce(0, +)
        #expect(abs(sum - expected) < 1e-5)
    }

    @Test func overlapTakesEachClassesBestImageNetScoreAndBreaksTiesByIndex() {
        var logits = [Float](repeating: 0, count: 1000)
        logits[409] = 2     // analog clock
        logits[530] = 5     // digital clock: the alarm clock's best
        logits[954] = 5     // banana, tied with the alarm clock
        logits[100] = 9     // outside the overlap: ignored by the restricted top-k
        let top = TopPredictions(logits: logits, catalog: handCatalog)
        #expect(top.imagenet.prefix(4) == [100, 530, 954, 409])
        #expect(top.overlap == [530, 954])   // one entry per class, 409 is not repeated
        #expect(top.overlapScores[0] == top.overlapScores[1])
    }

    @Test func allClassesMapsManyToOneAndCountsMissingAndUnmappedAsWrong() {
        let images = [
            ScoredImage(imageID: 0, split: .curated, file: "a", classID: 1, imagenetIndex: nil),  // alarm clock
            ScoredImage(imageID: 1, split: .curated, file: "b", classID: 2, imagenetIndex: nil),  // banana
            ScoredImage(imageID: 2, split: .curated, file: "c", classID: 3, imagenetIndex: nil),  // air freshener: never right
            ScoredImage(imageID: 3, split: .curated, file: "d", classID: 1, imagenetIndex: nil),  // no prediction
        ]
        let predictions = [
            0: prediction([409, 1, 2, 3, 4]),        // analog clock → Alarm clock: top-1 right
            1: prediction([530, 7, 954, 8, 9]),      // banana third: top-5 only
            2: prediction([954, 530, 409, 1, 2]),
        ]
        let metrics = Metrics(catalog: handCatalog, labelSpace: .objectnet)
        let accuracy = metrics.accuracy(images, predictions: predictions, protocol: .allClasses)
        #expect(accuracy == Accuracy(n: 4, top1Correct: 1, top5Correct: 2, missing: 1))
        #expect(accuracy.top1 == 0.25)
        #expect(accuracy.top5 == 0.5)
    }

    @Test func overlapCountsOnlyImagesOfMappedClasses() {
        let images = [
            ScoredImage(imageID: 0, split: .curated, file: "a", classID: 1, imagenetIndex: nil),
            ScoredImage(imageID: 1, split: .curated, file: "b", classID: 2, imagenetIndex: nil),
            ScoredImage(imageID: 2, split: .curated, file: "c", classID: 3, imagenetIndex: nil),  // left out
            ScoredImage(imageID: 3, split: .curated, file: "d", classID: 2, imagenetIndex: nil),  // missing
        ]
        let predictions = [
            0: prediction([100], overlap: [530, 954]),   // digital clock stands for Alarm clock: right
            1: prediction([100], overlap: [409, 954]),   // banana second: top-5 only
            2: prediction([100], overlap: [954, 409]),
        ]
        let metrics = Metrics(catalog: handCatalog, labelSpace: .objectnet)
        #expect(metrics.accuracy(images, predictions: predictions, protocol: .overlap) == Accuracy(n: 3, top1Correct: 1, top5Correct: 2, missing: 1))
        // The same predictions under all-classes: 100 maps to nothing, so every top-1 is wrong.
        #expect(metrics.accuracy(images, predictions: predictions, protocol: .allClasses) == Accuracy(n: 4, top1Correct: 0, top5Correct: 0, missing: 1))
    }

    @Test func imagenetSpaceIsPlainTopKUnderAllClassesAndClassLevelUnderOverlap() {
        let images = [
            ScoredImage(imageID: 0, split: .curated, file: "a", classID: 1, imagenetIndex: 409),  // analog clock
            ScoredImage(imageID: 1, split: .curated, file: "b", classID: nil, imagenetIndex: 100),  // unmapped label
        ]
        let predictions = [
            0: prediction([530, 409], overlap: [530]),   // said digital clock
            1: prediction([100], overlap: [954]),
        ]
        let metrics = Metrics(catalog: handCatalog, labelSpace: .imagenet)
        #expect(metrics.accuracy(images, predictions: predictions, protocol: .allClasses) == Accuracy(n: 2, top1Correct: 1, top5Correct: 2))
        // Overlap: the label's class (Alarm clock) is what counts, so digital clock is right; label 100 is not in the overlap.
        #expect(metrics.accuracy(images, predictions: predictions, protocol: .overlap) == Accuracy(n: 1, top1Correct: 1, top5Correct: 1))
    }

    @Test func breakdownGroupsByControl() {
        let images = [
            ScoredImage(imageID: 0, split: .curated, file: "a", classID: 1, imagenetIndex: nil, rotationID: 4, viewpointID: 1, roomID: 2),
            ScoredImage(imageID: 1, split: .curated, file: "b", classID: 1, imagenetIndex: nil, rotationID: 4, viewpointID: 2, roomID: 2),
            ScoredImage(imageID: 2, split: .curated, file: "c", classID: 2, imagenetIndex: nil, rotationID: 9, viewpointID: 2, roomID: 1),
        ]
        let predictions = [0: prediction([409]), 1: prediction([954]), 2: prediction([954])]
        let metrics = Metrics(catalog: handCatalog, labelSpace: .objectnet)
        let byRotation = metrics.breakdown(images, predictions: predictions, protocol: .allClasses) { $0.rotationID }
        #expect(byRotation[4] == Accuracy(n: 2, top1Correct: 1, top5Correct: 1))
        #expect(byRotation[9] == Accuracy(n: 1, top1Correct: 1, top5Correct: 1))
        let byClass = metrics.breakdown(images, predictions: predictions, protocol: .allClasses, by: metrics.classKey)
        #expect(byClass[1]?.n == 2)
    }

    @Test func dropIsControlMinusCuratedOnClassesBothHave() throws {
        let images = [
            ScoredImage(imageID: 0, split: .curated, file: "a", classID: 1, imagenetIndex: nil),
            ScoredImage(imageID: 1, split: .curated, file: "b", classID: 1, imagenetIndex: nil),
            ScoredImage(imageID: 2, split: .curated, file: "c", classID: 2, imagenetIndex: nil),  // banana: no control
            ScoredImage(imageID: 3, split: .control, file: "d", classID: 1, imagenetIndex: nil),
            ScoredImage(imageID: 4, split: .control, file: "e", classID: 1, imagenetIndex: nil),
        ]
        let predictions = [0: prediction([409]), 1: prediction([5]), 2: prediction([954]), 3: prediction([530]), 4: prediction([409])]
        let drop = try #require(Metrics(catalog: handCatalog, labelSpace: .objectnet).drop(images, predictions: predictions, protocol: .allClasses))
        #expect(drop.commonClasses == 1)
        #expect(drop.curated == Accuracy(n: 2, top1Correct: 1, top5Correct: 1))
        #expect(drop.control == Accuracy(n: 2, top1Correct: 2, top5Correct: 2))
        #expect(drop.top1 == 0.5)
    }

    @Test func wilsonIntervalsMatchHandComputedValues() throws {
        let zero = try #require(WilsonInterval.interval(successes: 0, trials: 10))
        #expect(zero.lowerBound == 0 && abs(zero.upperBound - 0.277533) < 1e-6)
        let half = try #require(WilsonInterval.interval(successes: 5, trials: 10))
        #expect(abs(half.lowerBound - 0.236593) < 1e-6 && abs(half.upperBound - 0.763407) < 1e-6)
        let high = try #require(WilsonInterval.interval(successes: 89, trials: 100))
        #expect(abs(high.lowerBound - 0.813687) < 1e-6 && abs(high.upperBound - 0.937458) < 1e-6)
        #expect(WilsonInterval.interval(successes: 0, trials: 0) == nil)
        // Newcombe's own worked example (Stat Med 1998, method 10): 56/70 − 48/80 → 0.0524 … 0.3339.
        let difference = try #require(WilsonInterval.difference(successes1: 56, trials1: 70, successes2: 48, trials2: 80))
        #expect(abs(difference.lowerBound - 0.0524) < 1e-4 && abs(difference.upperBound - 0.3339) < 1e-4)
    }
}
