import Curation
import Foundation
import Testing

@Suite("ObjectNet challenge scorer format")
struct ChallengeScorerTests {
    static let answersJSON = Data(#"{"0a1b2c3d4e5f678.png": 1, "fedcba987654321.png": 312, "00000000000000a.png": 0}"#.utf8)

    @Test func validPairScores() throws {
        let answers = try ChallengeScorer.answers(Self.answersJSON)
        #expect(answers.count == 3)
        let csv = """
            alarm_clock/0a1b2c3d4e5f678.png,1,0.9,5,0.05,7,0.01,,,-1,0
            fedcba987654321.png,3,0.5,312,0.4,,,,,,
            """
        let score = try ChallengeScorer.score(predictionsCSV: csv, answers: answers)
        #expect(score.imagesScored == 2 && score.totalImages == 3)
        #expect(abs(score.top1 - 100.0 / 3) < 1e-9 && abs(score.top5 - 200.0 / 3) < 1e-9)
    }

    @Test func brokenFilesAreRefused() throws {
        let answers = try ChallengeScorer.answers(Self.answersJSON)
        for bad in [#"{"a.png": 313}"#, #"{"a.png": -1}"#, #"{"a.png": "1"}"#, #"{"a.png": 1.5}"#, #"["a.png"]"#, #"{"x/a.png": 1}"#] {
            #expect(throws: CurationError.self, "\(bad)") { try ChallengeScorer.answers(Data(bad.utf8)) }
        }
        for bad in [
            "file,pred1,conf1,pred2,conf2,pred3,conf3,pred4,conf4,pred5,conf5\n0a1b2c3d4e5f678.png,1,0.9",  // header row
            "0a1b2c3d4e5f678.png,313,0.9",
            "0a1b2c3d4e5f678.png,-2,0.9",
            "0a1b2c3d4e5f678.png,one,0.9",
            "0a1b2c3d4e5f678.png,1,high",
            "unknown.png,1,0.9",
            "0a1b2c3d4e5f678.png,1,0.9\n0a1b2c3d4e5f678.png,1,0.9",
        ] {
            #expect(throws: CurationError.self, "\(bad)") { try ChallengeScorer.score(predictionsCSV: bad, answers: answers) }
        }
    }
}
