import AsteriskAGI
import AsteriskTesting
import Foundation
import Testing

/// Runs the built `astctl` with `arguments` and returns its exit code, standard output and standard
/// error. The process is waited for off the cooperative thread pool (tests serve it from this process),
/// and terminated if it runs longer than `timeout` seconds (so a hung command fails its test, not CI).
func astctl(
    _ arguments: [String], url: String?, environment extra: [String: String] = [:], timeout: Double = 60
) async throws -> (status: Int32, output: String, error: String) {
    let result = try launchAstctl(arguments, url: url, environment: extra)
    let finished = await result.finish(timeout: timeout)
    return (finished.status, finished.output, finished.error)
}

/// Starts the built `astctl` with `arguments` (and `url` as ASTERISK_AMI_URL) without waiting for it.
func launchAstctl(_ arguments: [String], url: String?, environment extra: [String: String] = [:]) throws -> ChildProcess {
    let directory = Bundle.module.bundleURL.deletingLastPathComponent()
    let binary = directory.appendingPathComponent("astctl")
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "astctl was not built next to the tests")
    var environment = ProcessInfo.processInfo.environment
    environment["ASTERISK_AMI_URL"] = url
    environment.merge(extra) { $1 }
    return try ChildProcess(path: binary.path, arguments: arguments, environment: environment)
}

/// Every suite that runs the astctl binary, one process at a time (each launch costs a core for a
/// moment; several at once starve the timing of the other suites' loopback tests).
@Suite("astctl processes", .serialized)
enum AstctlProcessSuites {}

extension AstctlProcessSuites {
    @Suite("astctl")
    struct AstctlTests {
        @Test func demoRunsAndExitsZero() async throws {
            let result = try await astctl(["demo"], url: nil)
            #expect(result.status == 0)
            #expect(result.output.contains("Ping → Pong"))
            #expect(result.output.contains("live model loaded — 0 channels, [\"support\"] queues"))
            #expect(result.output.contains("call ringing"))
            #expect(result.output.contains("call ended: completed, cause 16 (Normal Clearing), answered: true"))
            #expect(result.output.contains("menu chose 'pin' with input 1234 after keys 1"))
            #expect(result.output.contains("STREAM FILE auth-thankyou"))
            #expect(result.output.contains("AGI action: ASYNCAGI BREAK"))
            #expect(result.output.contains("played sound:enter-pin → done"))
            #expect(result.output.contains("ARI: the call left with PIN 4242"))
            #expect(result.output.contains("Config: manager.conf user [demo] → 127.0.0.1:"))
            #expect(result.output.contains("Config: extensions.conf [office] 100 → 1 Answer, 2(menu) Background, 3 Dial; hint PJSIP/100"))
            #expect(result.output.contains("Config: edited line 7: ' same => n,Dial(PJSIP/100,30)'; 1 line changed, 9 kept byte for byte"))
        }

        @Test func actionPrintsTheResponseAndListEvents() async throws {
            let server = try await FakeAMIServer.start()
            server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u.1"))
            server.addChannel(FakeChannel(name: "PJSIP/2000-00000002", uniqueID: "u.2", callerIDNumber: "5551234"))
            let table = try await astctl(["ami", "action", "CoreShowChannels"], url: server.url())
            #expect(table.status == 0)
            let lines = table.output.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Channel              ChannelStateDesc  CallerIDNum  Context  Exten") == true)
            #expect(lines.dropFirst().first?.hasPrefix("PJSIP/100-00000001   Up                <unknown>    default  s") == true)
            #expect(lines.dropFirst(2).first?.hasPrefix("PJSIP/2000-00000002  Up                5551234      default  s") == true)
            #expect(lines.last == "2 items")
            let chosen = try await astctl(["ami", "action", "CoreShowChannels", "--columns", "Uniqueid,Channel"], url: server.url())
            #expect(chosen.output.split(separator: "\n").prefix(2) == ["Uniqueid  Channel", "u.1       PJSIP/100-00000001"])
            let text = try await astctl(["ami", "action", "CoreShowChannels", "--raw"], url: server.url())
            #expect(text.status == 0)
            #expect(text.output.contains("EventList: start"))
            #expect(text.output.contains("Channel: PJSIP/100-00000001"))
            let json = try await astctl(["ami", "action", "Setvar", "Variable=FOO", "Value=a: b", "--json"], url: server.url())
            #expect(json.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            let response = object?["response"] as? [String: Any]
            #expect(response?["Response"] as? String == "Success")
            #expect(server.receivedActions.contains { $0["Value"] == "a: b" })
            await server.stop()
        }

        @Test func exitCodesTellErrorsApart() async throws {
            let server = try await FakeAMIServer.start()
            let refused = try await astctl(["ami", "action", "DBGet", "Family=x", "Key=missing"], url: server.url())
            #expect(refused.status == 1)
            #expect(refused.output.contains("Database entry not found"))
            let badLogin = try await astctl(["ami", "action", "Ping"], url: server.url(secret: "wrong"))
            #expect(badLogin.status == 3)
            #expect(!badLogin.error.contains("wrong"))
            let injection = try await astctl(["ami", "action", "Setvar", "Variable=X", "Value=1\r\nAction: Command"], url: server.url())
            #expect(injection.status == 64)
            let usage = try await astctl(["ami", "action", "Ping"], url: nil)
            #expect(usage.status == 64)
            await server.stop()
        }

        @Test func theConnectionComesFromAManagerConfWithoutPrintingTheSecret() async throws {
            let server = try await FakeAMIServer.start(.init(users: [FakeAMIUser(username: "ops", secret: "t0p-s3cret")]))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("astctl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let conf = directory.appendingPathComponent("manager.conf")
            try "[general]\nenabled = yes\nport = \(server.port)\nbindaddr = 0.0.0.0\n\n[ops]\nsecret = t0p-s3cret\nread = all\nwrite = all\n"
                .write(to: conf, atomically: true, encoding: .utf8)
            let ping = try await astctl(["ami", "action", "Ping", "--config", conf.path, "--user", "ops"], url: nil)
            #expect(ping.status == 0)
            #expect(ping.output.contains("Ping: Pong"))
            let unknown = try await astctl(["ami", "action", "Ping", "--config", conf.path, "--user", "nobody"], url: nil)
            #expect(unknown.status == 64)
            #expect(unknown.error.contains("nobody"))
            let lonely = try await astctl(["ami", "action", "Ping", "--config", conf.path], url: nil)
            #expect(lonely.status == 64)
            let broken = directory.appendingPathComponent("broken.conf")
            try "[general\nenabled = yes\n".write(to: broken, atomically: true, encoding: .utf8)
            let invalid = try await astctl(["ami", "action", "Ping", "--config", broken.path, "--user", "ops"], url: nil)
            #expect(invalid.status == 2)
            await server.stop()
            let down = try await astctl(["ami", "action", "Ping", "--config", conf.path, "--user", "ops"], url: nil)
            #expect(down.status == 3)
            for result in [ping, unknown, lonely, invalid, down] {
                #expect(!result.output.contains("t0p-s3cret") && !result.error.contains("t0p-s3cret"))
            }
        }

        @Test func monitorShowsChannelsBridgesAndQueuesOnceOrLive() async throws {
            let server = try await FakeAMIServer.start()
            server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u1", callerIDNumber: "100"))
            server.addChannel(FakeChannel(name: "PJSIP/200-00000002", uniqueID: "u2", callerIDNumber: "200"))
            let bridge = server.createBridge(id: "b-1")
            server.bridge("u1", into: bridge)
            server.bridge("u2", into: bridge)
            server.addQueue("support", strategy: "ringall", members: [FakeQueueMember(interface: "PJSIP/400", isPaused: true)])

            let once = try await astctl(["monitor", "--once"], url: server.url())
            #expect(once.status == 0)
            #expect(once.output.hasPrefix("Asterisk 127.0.0.1:\(server.port) — 2 channels, 1 bridge, 1 queue"))
            #expect(once.output.contains("PJSIP/100-00000001  Up     100"))
            #expect(once.output.contains("b-1     basic  simple_bridge  PJSIP/100-00000001, PJSIP/200-00000002"))
            #expect(once.output.contains("support  ringall   1        1"))

            let json = try await astctl(["monitor", "--once", "--json"], url: server.url())
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect((object?["channels"] as? [[String: Any]])?.map { $0["bridge"] as? String } == ["b-1", "b-1"])
            #expect(((object?["queues"] as? [[String: Any]])?.first?["members"] as? [[String: Any]])?.first?["paused"] as? Bool == true)

            // Live: the first picture, then one more after a change. The change is one event (a new
            // channel): a hangup in a bridge is two (BridgeLeave, Hangup), and a redraw may fall
            // between them on a slow machine, which would be a correct picture but not this one.
            let live = Task { try await astctl(["monitor", "--count", "2", "--interval", "0.1"], url: server.url()) }
            try await server.waitForLoggedInSessions(1)
            for _ in 0..<100 where !server.receivedActions.contains(where: { $0["Action"] == "QueueStatus" }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))
            server.addChannel(FakeChannel(name: "PJSIP/300-00000003", uniqueID: "u3", callerIDNumber: "300"))
            let watched = try await live.value
            #expect(watched.status == 0)
            #expect(watched.output.contains("2 channels, 1 bridge"))
            #expect(watched.output.contains("3 channels, 1 bridge"))
            #expect(watched.output.contains("PJSIP/300-00000003"))

            let usage = try await astctl(["monitor", "--interval", "0"], url: server.url())
            #expect(usage.status == 64)
            await server.stop()
            let down = try await astctl(["monitor", "--once"], url: server.url())
            #expect(down.status == 3)
        }

        @Test func aShortSoakPassesWithFaultsInjected() async throws {
            let result = try await astctl(["soak", "--seconds", "5", "--fault-interval", "1", "--report-interval", "5"], url: nil, timeout: 90)
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("soak: passed"))
            let summary = result.output.split(separator: "\n").first { $0.hasPrefix("summary: agi_sessions_ok=") } ?? ""
            func count(_ name: String) -> Int {
                let field = summary.split(separator: " ").first { $0.hasPrefix(name + "=") }
                return field.flatMap { Int($0.dropFirst(name.count + 1)) } ?? 0
            }
            #expect(count("faults") >= 3)
            #expect(count("ami_reconnects") >= 1)
            #expect(count("ari_reconnects") >= 1)
            #expect(count("agi_sessions_ok") > 0 && count("ami_answered") > 0 && count("ari_requests_ok") > 0)
            #expect(result.output.contains("hung_loads=0"))
        }

        @Test func shellCompletionScriptsAreGenerated() async throws {
            for shell in ["bash", "zsh", "fish"] {
                let script = try await astctl(["--generate-completion-script", shell], url: nil)
                #expect(script.status == 0)
                #expect(script.output.contains("monitor") && script.output.contains("config"))
            }
        }

        @Test func commandPrintsOutputLines() async throws {
            let server = try await FakeAMIServer.start()
            server.addCLICommand("core show uptime", output: ["System uptime: 1 hour", "Last reload: 5 minutes"])
            let result = try await astctl(["ami", "command", "core show uptime"], url: server.url())
            #expect(result.status == 0)
            #expect(result.output == "System uptime: 1 hour\nLast reload: 5 minutes\n")
            let unknown = try await astctl(["ami", "command", "no such thing"], url: server.url())
            #expect(unknown.status == 1)
            #expect(unknown.output.contains("No such command"))
            await server.stop()
        }

        @Test func eventsPrintsOneJSONObjectPerLine() async throws {
            let server = try await FakeAMIServer.start()
            let emitter = Task {
                try await server.waitForLoggedInSessions(1)
                try await Task.sleep(for: .milliseconds(100))
                server.emit(event: "Other", ["X": "0"])
                server.emit(event: "PeerStatus", ["Peer": "PJSIP/1", "PeerStatus": "Reachable"])
                server.emit(event: "PeerStatus", ["Peer": "PJSIP/2", "PeerStatus": "Unreachable"])
            }
            let result = try await astctl(["ami", "events", "--name", "PeerStatus", "--json", "--count", "2"], url: server.url())
            try await emitter.value
            #expect(result.status == 0)
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 2)
            let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            #expect(first?["Event"] as? String == "PeerStatus")
            #expect(first?["Peer"] as? String == "PJSIP/1")
            await server.stop()
        }

        @Test func agiTryPlaysAsteriskAgainstAServer() async throws {
            let server = FastAGIServer(configuration: .init(port: 0)) { router in
                router.route("ivr") { call in
                    try await call.answer()
                    let pin = try await call.getData("enter-pin", timeout: .seconds(2), maxDigits: 4)
                    try await call.setVariable("PIN", pin.digits)
                    _ = try await call.getVariable("LANG")
                }
            }
            try await server.start()
            let result = try await astctl(
                ["agi", "try", "agi://127.0.0.1:\(server.port)/ivr?x=1", "--digits", "1234", "--var", "LANG=de"], url: nil)
            #expect(result.status == 0)
            #expect(result.output.contains("> GET DATA enter-pin 2000 4\n< 200 result=1234"))
            #expect(result.output.contains("< 200 result=1 (de)"))
            #expect(result.output.contains("call ended after 4 commands"))
            let json = try await astctl(
                ["agi", "try", "agi://127.0.0.1:\(server.port)/ivr", "--digits", "42", "--json"], url: nil)
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            let steps = object?["dialogue"] as? [[String: String]]
            #expect(steps?.map { $0["command"] ?? "" }.prefix(2) == ["ANSWER", "GET DATA enter-pin 2000 4"])
            #expect(steps?.dropFirst().first?["reply"] == "200 result=42")
            let refused = try await astctl(["agi", "try", "agi://127.0.0.1:1/ivr"], url: nil)
            #expect(refused.status == 3)
            await server.shutdown()
        }

        @Test func agiServeRunsTheScriptedDialogue() async throws {
            let probe = FastAGIServer(configuration: .init(port: 0)) { _ in }
            try await probe.start()
            let port = probe.port
            await probe.shutdown()
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("agi-serve-\(port).txt")
            try "# comments and blank lines are skipped\n\nSTREAM FILE hello \"\"\n".write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            async let served = Task.detached {
                try await astctl(["agi", "serve", "--port", "\(port)", "--count", "1", "--command", "ANSWER", "--script", script.path], url: nil)
            }.value
            var record: FakeAGICallRecord?
            for _ in 0..<200 where record == nil {
                record = try? await FakeAGICaller.call(port: port, script: "anything?a=1", timeout: TestTiming.scaled(.seconds(5)))
                if record == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let result = try await served
            #expect(result.status == 0)
            #expect(record?.commands.map(\.line) == ["ANSWER", "STREAM FILE hello \"\""])
            #expect(result.output.contains("agi_network_script: anything?a=1"))
            #expect(result.output.contains("< 200 result=0 endpos=8000"))
            #expect(result.error.contains("FastAGI listening on 127.0.0.1:\(port)"))

            async let servedJSON = Task.detached {
                try await astctl(["agi", "serve", "--port", "\(port)", "--count", "1", "--command", "ANSWER", "--json"], url: nil)
            }.value
            var second: FakeAGICallRecord?
            for _ in 0..<200 where second == nil {
                second = try? await FakeAGICaller.call(port: port, script: "json", timeout: TestTiming.scaled(.seconds(5)))
                if second == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let jsonResult = try await servedJSON
            let call = try JSONSerialization.jsonObject(with: Data(jsonResult.output.utf8)) as? [String: Any]
            #expect((call?["environment"] as? [String: String])?["agi_network_script"] == "json")
            #expect((call?["dialogue"] as? [[String: Any]])?.first?["reply"] as? [String] == ["200 result=0"])
        }
    }
}
