import AsteriskIVR
import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("IVR menus on Stasis channels")
struct StasisIVRTests {
    /// Waits until the fake server has received a request matching `condition` (bounded: 10 s).
    private func awaitRequest(_ server: FakeARIServer, _ condition: (FakeARIRequest) -> Bool) async throws {
        for _ in 0..<2000 {
            if server.requests.contains(where: condition) { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the expected request never arrived")
    }

    private func plays(_ media: String) -> (FakeARIRequest) -> Bool {
        { $0.method == "POST" && $0.path.hasSuffix("/play") && $0.query["media"] == media }
    }

    @Test func keysInterruptPlaybacksChooseAndCollect() async throws {
        let log = StepLog()
        let menu = Menu(
            prompts: [.sound("welcome"), .digits("123")],
            options: [
                "1": .choose("sales"),
                "2": .collect("account", CollectDigits(prompts: [.number(42), .sound("never-heard")], minimumLength: 3, maximumLength: 6)),
            ])
        let harness = try await StasisHarness.start { call in
            try await call.answer()
            let result = try await menu.run(on: call)
            log.note("result:\(result.outcome):\(result.path)")
        }
        harness.server.setMediaDurations(playback: .seconds(60), recording: .milliseconds(10))
        let id = harness.server.simulateCall(app: "ivr")
        try await awaitRequest(harness.server, plays("sound:welcome"))
        harness.server.sendDTMF("92", to: id)
        try await awaitRequest(harness.server, plays("number:42"))
        harness.server.sendDTMF("456#", to: id)
        await log.reached(#"result:chosen("account", input: Optional("456")):["2"]"#)
        let media = harness.server.requests.filter { $0.path.hasSuffix("/play") }.compactMap { $0.query["media"] }
        #expect(media == ["sound:welcome", "number:42"])
        #expect(harness.server.requests.filter { $0.method == "DELETE" && $0.path.hasPrefix("/playbacks/") }.count == 2)
        try await harness.finish()
    }

    @Test func silenceEndsOnAnOptionKeyAndIgnoresOthers() async throws {
        let log = StepLog()
        let menu = Menu(prompts: [.silence(.seconds(30))], options: ["3": .choose("three")], timeout: .milliseconds(100), maximumAttempts: 1)
        let harness = try await StasisHarness.start { call in
            log.note("result:\(try await menu.run(on: call).outcome)")
        }
        let id = harness.server.simulateCall(app: "ivr")
        harness.server.sendDTMF("73", to: id)
        await log.reached(#"result:chosen("three", input: nil)"#)
        #expect(!harness.server.requests.contains { $0.path.hasSuffix("/play") })
        try await harness.finish()
    }

    @Test func aHangupDuringAPromptEndsTheMenuWithChannelGone() async throws {
        let log = StepLog()
        let menu = Menu(prompts: [.sound("welcome")], options: ["1": .choose("one")])
        let harness = try await StasisHarness.start { call in
            do {
                _ = try await menu.run(on: call)
                log.note("finished")
            } catch let error as ARIError {
                log.note("error:\(error.code)")
            }
        }
        harness.server.setMediaDurations(playback: .seconds(60), recording: .milliseconds(10))
        let id = harness.server.simulateCall(app: "ivr")
        try await awaitRequest(harness.server, plays("sound:welcome"))
        harness.server.hangUp(id)
        await log.reached("error:\(ARIError.Code.channelGone)")
        try await harness.finish()
    }

    @Test func promptsBecomeARIMedia() {
        let utc = TimeZone(identifier: "UTC")!
        #expect(StasisChannel.media(for: .sound("welcome")) == ["sound:welcome"])
        #expect(StasisChannel.media(for: .digits("0815")) == ["digits:0815"])
        #expect(StasisChannel.media(for: .number(-7)) == ["number:-7"])
        // 1970-01-02 is a Friday (day-5) in January (mon-0), as Asterisk's English SAY DATE says it.
        #expect(StasisChannel.media(for: .date(86_400), timeZone: utc) == ["sound:digits/day-5", "sound:digits/mon-0", "number:2", "number:1970"])
        #expect(StasisChannel.media(for: .date(1_700_000_000), timeZone: utc) == [
            "sound:digits/day-2", "sound:digits/mon-10", "number:14", "number:2023",
        ])
    }

    @Test func typedAheadKeysAreTakenOrIgnoredLikeEscapeDigits() throws {
        let mailbox = StasisChannelMailbox()
        for digit in "9283" { mailbox.receive(try dtmf(digit)) }
        #expect(mailbox.takeTypedAhead(among: "5") == nil)
        #expect(mailbox.takeTypedAhead(among: "23") == "2")
        mailbox.consumeDigits(through: "8")
        #expect(mailbox.flushDigits() == "3")
    }

    private func dtmf(_ digit: Character) throws -> ARIEvent {
        let json = #"{"type":"ChannelDtmfReceived","application":"ivr","timestamp":"2026-11-23T10:00:00.000+0000","digit":"\#(digit)","duration_ms":100,"channel":{"id":"c1","name":"PJSIP/1-1","state":"Up","protocol_id":"","caller":{"name":"","number":"1"},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"default","exten":"s","priority":1,"app_name":"","app_data":""},"creationtime":"2026-11-23T10:00:00.000+0000","language":"en"}}"#
        return try ARIEvent.decode(Data(json.utf8))
    }
}
