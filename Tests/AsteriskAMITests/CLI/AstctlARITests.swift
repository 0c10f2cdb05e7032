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

        @Test func eventsTailsJSONLines() async throws {
            let server = try await FakeARIServer.start()
            let directory = Bundle.module.bundleURL.deletingLastPathComponent()
            let process = Process()
            process.executableURL = directory.appendingPathComponent("astctl")
            process.arguments = ["ari", "events", "--app", "tail", "--count", "2", "--url", ariURL(server)]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = Pipe()
            try process.run()
            for _ in 0..<1000 where server.registeredApps != ["tail"] { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.registeredApps == ["tail"])
            let call = server.simulateCall(app: "tail", args: ["x"])
            server.sendDTMF("5", to: call)
            let output = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: data)
                }
            }
            #expect(process.terminationStatus == 0)
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 2)
            let types = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["type"] as? String }
            #expect(types == ["StasisStart", "ChannelDtmfReceived"])
            await server.stop()
        }
    }
}
