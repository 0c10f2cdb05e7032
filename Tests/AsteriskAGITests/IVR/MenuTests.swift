import AsteriskAGI
import AsteriskIVR
import AsteriskTesting
import Testing

@Suite("Declarative IVR menus")
struct MenuTests {
    private let support = Menu(
        prompts: [.sound("support-menu")],
        options: ["1": .choose("hardware"), "2": .choose("software"), "*": .back])
    private var main: Menu {
        Menu(
            prompts: [.sound("welcome"), .sound("main-menu")],
            options: [
                "1": .choose("sales"), "2": .submenu(support), "0": .exit,
                "4": .collect("account", CollectDigits(prompts: [.sound("enter-account")], minimumLength: 4, maximumLength: 8)),
            ],
            invalidPrompts: [.sound("invalid")], timeoutPrompts: [.sound("are-you-there")])
    }

    @Test func aKeyInterruptsThePromptsAndChooses() async throws {
        let caller = IVRScriptedCaller(keys: "1")
        let result = try await main.run(on: caller)
        #expect(result == IVRResult(outcome: .chosen("sales", input: nil), path: ["1"]))
        #expect(caller.heard == [.sound("welcome")])
    }

    @Test func subMenusAndBack() async throws {
        let caller = IVRScriptedCaller([.silence, .press("2"), .press("*"), .press("2"), .press("2")])
        let result = try await main.run(on: caller)
        #expect(result == IVRResult(outcome: .chosen("software", input: nil), path: ["2", "*", "2", "2"]))
        #expect(caller.heard.filter { $0 == .sound("support-menu") }.count == 2)
        #expect(caller.heard.contains(.sound("are-you-there")))
    }

    @Test func wrongKeysAndSilenceGiveUpAfterTheAttempts() async throws {
        let caller = IVRScriptedCaller([.press("9"), .silence, .press("8"), .press("1")])
        let result = try await main.run(on: caller)
        #expect(result == IVRResult(outcome: .gaveUp, path: []))
        #expect(caller.heard.filter { $0 == .sound("invalid") }.count == 1)
        #expect(caller.remaining == [.press("1")])
        let exit = try await main.run(on: IVRScriptedCaller(keys: "0"))
        #expect(exit.outcome == .exited)
    }

    @Test func collectingDigitsWithTerminatorMinimumAndRetry() async throws {
        let result = try await main.run(on: IVRScriptedCaller(keys: "41234#"))
        #expect(result == IVRResult(outcome: .chosen("account", input: "1234"), path: ["4"]))
        let retried = IVRScriptedCaller(keys: "412#5678")
        #expect(try await main.run(on: retried).outcome == .chosen("account", input: "5678"))
        #expect(retried.heard.filter { $0 == .sound("invalid") }.count == 1)
        let full = try await main.run(on: IVRScriptedCaller(keys: "4123456789"))
        #expect(full.outcome == .chosen("account", input: "12345678"))
        let never = try await main.run(on: IVRScriptedCaller(keys: "41#2#3#"))
        #expect(never.outcome == .gaveUp)
    }
}

@Suite("IVR menus over FastAGI")
struct MenuOverFastAGITests {
    @Test func aMenuRunsOnAnAGIChannel() async throws {
        let results = Collected<IVRResult>()
        let menu = Menu(
            prompts: [.sound("main-menu")],
            options: ["1": .choose("sales"), "2": .submenu(Menu(prompts: [.sound("support")], options: ["1": .choose("hardware")]))])
        let server = FastAGIServer(configuration: .init(port: 0, idleTimeout: TestTiming.scaled(.seconds(5)), shutdownGracePeriod: .seconds(2))) { router in
            router.route("ivr") { call in
                results.append(try await menu.run(on: call))
                try await call.hangup()
            }
        }
        try await server.start()
        let record = try await FakeAGICaller.call(port: server.port, script: "ivr", dialogue: FakeAGIDialogue(keys: ["2", "1"]))
        #expect(results.values == [IVRResult(outcome: .chosen("hardware", input: nil), path: ["2", "1"])])
        #expect(record.commands.map(\.line).prefix(4) == [
            #"STREAM FILE main-menu 12"#, "WAIT FOR DIGIT 5000", #"STREAM FILE support 1"#, "WAIT FOR DIGIT 5000",
        ])
        await server.shutdown()
    }
}

@Suite("IVR prompts on the AGI wire")
struct IVRPromptWireTests {
    /// Runs `menu` over FastAGI against a fake caller answering with `dialogue`; returns the result and the commands sent.
    private func run(_ menu: Menu, _ dialogue: FakeAGIDialogue) async throws -> (IVRResult?, [String]) {
        let results = Collected<IVRResult>()
        let server = FastAGIServer(configuration: .init(port: 0, idleTimeout: TestTiming.scaled(.seconds(5)), shutdownGracePeriod: .seconds(2))) { router in
            router.route("ivr") { call in
                results.append(try await menu.run(on: call))
                try await call.hangup()
            }
        }
        try await server.start()
        let record = try await FakeAGICaller.call(port: server.port, script: "ivr", dialogue: dialogue)
        await server.shutdown()
        return (results.values.first, record.commands.map(\.line))
    }

    @Test func everyPromptKindBecomesItsCommandWithTheOptionKeysAsEscapeDigits() async throws {
        let menu = Menu(
            prompts: [.digits("123"), .number(42), .date(86_400), .silence(.milliseconds(1500))],
            options: ["1": .choose("one"), "2": .choose("two")], timeout: .seconds(2), maximumAttempts: 1)
        let (result, lines) = try await run(menu, FakeAGIDialogue(keys: [nil, "2"]))
        #expect(result == IVRResult(outcome: .chosen("two", input: nil), path: ["2"]))
        #expect(lines.prefix(6) == [
            "SAY DIGITS 123 12", "SAY NUMBER 42 12", "SAY DATE 86400 12", "WAIT FOR DIGIT 1500", "WAIT FOR DIGIT 2000", "HANGUP",
        ])
    }

    @Test func aKeyDuringASayCommandInterruptsTheRemainingPrompts() async throws {
        let menu = Menu(prompts: [.digits("123"), .number(42), .sound("never-heard")], options: ["1": .choose("one"), "2": .choose("two")])
        let interrupting = FakeAGIDialogue(override: { command in
            command.isCommand("say number") ? "200 result=50" : nil
        })
        let (result, lines) = try await run(menu, interrupting)
        #expect(result == IVRResult(outcome: .chosen("two", input: nil), path: ["2"]))
        #expect(lines.prefix(3) == ["SAY DIGITS 123 12", "SAY NUMBER 42 12", "HANGUP"])
    }

    @Test func aKeyDuringSilenceThatIsNoOptionDoesNotChoose() async throws {
        let menu = Menu(prompts: [.silence(.seconds(1))], options: ["1": .choose("one")], invalidPrompts: [], timeout: .seconds(1), maximumAttempts: 2)
        let (result, lines) = try await run(menu, FakeAGIDialogue(keys: ["7", nil, "1"]))
        #expect(result == IVRResult(outcome: .chosen("one", input: nil), path: ["1"]))
        #expect(lines.prefix(4) == ["WAIT FOR DIGIT 1000", "WAIT FOR DIGIT 1000", "WAIT FOR DIGIT 1000", "HANGUP"])
    }
}
