import AsteriskTesting
import Foundation
import Testing

/// The ARI URL of a fake server as `ASTERISK_ARI_URL` holds it.
private func ariURL(_ server: FakeARIServer, password: String = "secret") -> String {
    "http://app:\(password)@127.0.0.1:\(server.port)"
}

extension AstctlProcessSuites {
    @Suite("astctl ari")
    struct AstctlARITests {
        @Test func getPostDeletePrintJSONAndTellErrorsApart() async throws {
            let server = try await FakeARIServer.start()
            let environment = ["ASTERISK_ARI_URL": ariURL(server)]
            let info = try await astctl(["ari", "get", "asterisk/info"], url: nil, environment: environment)
            #expect(info.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(info.output.utf8)) as? [String: Any]
            #expect((object?["system"] as? [String: Any])?["version"] as? String == "23.4.1")

            let created = try await astctl(["ari", "post", "channels", "endpoint=PJSIP/100", "app=ivr", "channelId=cli-1"], url: nil, environment: environment)
            #expect(created.status == 0)
            #expect(created.output.contains("\"id\" : \"cli-1\""))
            let answered = try await astctl(["ari", "post", "/ari/channels/cli-1/answer"], url: nil, environment: environment)
            #expect(answered.status == 0)
            #expect(answered.output.isEmpty)
            #expect(server.channelState("cli-1") == "Up")
            let deleted = try await astctl(["ari", "delete", "channels/cli-1"], url: nil, environment: environment)
            #expect(deleted.status == 0)
            #expect(server.channelIDs.isEmpty)

            let put = try await astctl(["ari", "put", "deviceStates/Stasis:desk-1", "deviceState=INUSE"], url: nil, environment: environment)
            #expect(put.status == 0)
            #expect(server.deviceStates == ["Stasis:desk-1": "INUSE"])
            let states = try await astctl(["ari", "get", "deviceStates"], url: nil, environment: environment)
            #expect(states.output.hasPrefix("name           state\nStasis:desk-1  INUSE"))
            let uncontrolled = try await astctl(["ari", "put", "deviceStates/PJSIP:100", "deviceState=BUSY"], url: nil, environment: environment)
            #expect(uncontrolled.status == 1)
            #expect(uncontrolled.output.contains("Uncontrolled device specified"))

            let missing = try await astctl(["ari", "get", "channels/nope"], url: nil, environment: environment)
            #expect(missing.status == 1)
            #expect(missing.output.contains("Channel not found"))
            #expect(missing.error.contains("404"))

            let wrong = try await astctl(["ari", "get", "asterisk/info"], url: nil, environment: ["ASTERISK_ARI_URL": ariURL(server, password: "bad")])
            #expect(wrong.status == 3)
            #expect(!wrong.error.contains("bad"))
            let usage = try await astctl(["ari", "get", "channels", "novalue"], url: nil, environment: environment)
            #expect(usage.status == 64)
            let noURL = try await astctl(["ari", "get", "channels"], url: nil, environment: ["ASTERISK_ARI_URL": ""])
            #expect(noURL.status == 64)
            await server.stop()
            let down = try await astctl(["ari", "get", "channels"], url: nil, environment: environment)
            #expect(down.status == 3)
        }

        @Test func listsPrintAsTablesAndTheConnectionComesFromAriConf() async throws {
            let server = try await FakeARIServer.start()
            let first = server.simulateCall(app: "ivr", channelID: "call-a", callerNumber: "5550001")
            server.simulateCall(app: "ivr", channelID: "call-b", callerNumber: "5550002")
            let environment = ["ASTERISK_ARI_URL": ariURL(server)]
            let table = try await astctl(["ari", "get", "channels"], url: nil, environment: environment)
            #expect(table.status == 0)
            let lines = table.output.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("id      name") == true)
            #expect(lines.first?.contains("caller.number") == true)
            #expect(lines.contains { $0.hasPrefix(first) && $0.contains("5550001") && $0.contains("Ring") })
            #expect(lines.last == "2 items")
            let json = try await astctl(["ari", "get", "channels", "--json"], url: nil, environment: environment)
            #expect((try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [Any])?.count == 2)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("astctl-ari-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try "[general]\nenabled = yes\n\n[app]\ntype = user\npassword = secret\n"
                .write(to: directory.appendingPathComponent("ari.conf"), atomically: true, encoding: .utf8)
            try "[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = \(server.port)\n"
                .write(to: directory.appendingPathComponent("http.conf"), atomically: true, encoding: .utf8)
            let ariConf = directory.appendingPathComponent("ari.conf").path
            let configured = try await astctl(["ari", "get", "channels/\(first)", "--config", ariConf, "--user", "app"], url: nil, environment: ["ASTERISK_ARI_URL": ""])
            #expect(configured.status == 0)
            #expect(configured.output.contains("\"id\" : \"call-a\""))
            let stranger = try await astctl(["ari", "get", "channels", "--config", ariConf, "--user", "eve"], url: nil, environment: ["ASTERISK_ARI_URL": ""])
            #expect(stranger.status == 64)
            let noHTTP = try await astctl(
                ["ari", "get", "channels", "--config", ariConf, "--user", "app", "--http-config", directory.appendingPathComponent("none.conf").path],
                url: nil, environment: ["ASTERISK_ARI_URL": ""])
            #expect(noHTTP.status == 2)
            for result in [table, json, configured, stranger, noHTTP] { #expect(!result.error.contains("secret")) }
            await server.stop()
        }

        @Test func eventsTailsJSONLines() async throws {
            let server = try await FakeARIServer.start()
            let process = try launchAstctl(["ari", "events", "--app", "tail", "--count", "2", "--url", ariURL(server)], url: nil)
            _ = try await TestTiming.eventually(within: .seconds(10), every: .milliseconds(10)) { server.registeredApps == ["tail"] }
            #expect(server.registeredApps == ["tail"])
            let call = server.simulateCall(app: "tail", args: ["x"])
            server.sendDTMF("5", to: call)
            let finished = await process.finish(timeout: 60)
            #expect(finished.status == 0)
            let lines = finished.output.split(separator: "\n")
            #expect(lines.count == 2)
            let types = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["type"] as? String }
            #expect(types == ["StasisStart", "ChannelDtmfReceived"])
            await server.stop()
        }
    }
}
