import Foundation
import Testing

@testable import AsteriskARI

/// Method, path and query as the capture recorded them.
private struct RecordedCall: Hashable {
    let method: String
    let path: String
    let query: [String: String]
}

private func recordedCalls(_ name: String) throws -> [RecordedCall] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let method = object["method"] as? String, let path = object["path"] as? String
        else { return nil }
        return RecordedCall(method: method, path: path, query: (object["query"] as? [String: String]) ?? [:])
    }
}

private func call<R>(_ request: ARIRequest<R>) -> RecordedCall {
    RecordedCall(
        method: request.method, path: request.path,
        query: Dictionary(uniqueKeysWithValues: request.query.map { ($0.name, $0.value ?? "") }))
}

@Suite("ARI request builders")
struct ARIRequestTests {
    /// The typed operations rebuild every successful call of the recorded session exactly.
    @Test func operationsReproduceTheRecordedCalls() throws {
        let built: [RecordedCall] = [
            call(ARIOperations.Asterisk.getInfo()),
            call(ARIOperations.Asterisk.ping()),
            call(ARIOperations.Channels.list()),
            call(ARIOperations.Endpoints.list()),
            call(ARIOperations.Bridges.list()),
            call(ARIOperations.Sounds.list(lang: "en")),
            call(ARIOperations.Sounds.get(soundID: "hello-world")),
            call(ARIOperations.Applications.list()),
            call(ARIOperations.Asterisk.getGlobalVar(variable: "NO_SUCH_GLOBAL")),
            call(ARIOperations.Channels.originate(
                endpoint: "Local/103@calls/n", app: "labapp", appArgs: "a,b", callerID: "Lab <5550000>", channelID: "lab-ari-1")),
            call(ARIOperations.Channels.answer(channelID: "lab-ari-1")),
            call(ARIOperations.Channels.play(channelID: "lab-ari-1", media: ["sound:hello-world"], playbackID: "lab-pb-1")),
            call(ARIOperations.Channels.get(channelID: "lab-ari-1")),
            call(ARIOperations.Channels.setChannelVar(channelID: "lab-ari-1", variable: "LABVAR", value: "v")),
            call(ARIOperations.Channels.getChannelVar(channelID: "lab-ari-1", variable: "LABVAR")),
            call(ARIOperations.Bridges.create(type: "mixing", bridgeID: "lab-br-1", name: "labbridge")),
            call(ARIOperations.Bridges.addChannel(bridgeID: "lab-br-1", channel: ["lab-ari-1"])),
            call(ARIOperations.Channels.sendDTMF(channelID: "lab-ari-1", dtmf: "12#", between: 100)),
            call(ARIOperations.Bridges.removeChannel(bridgeID: "lab-br-1", channel: ["lab-ari-1"])),
            call(ARIOperations.Bridges.destroy(bridgeID: "lab-br-1")),
            call(ARIOperations.Channels.hangup(channelID: "lab-ari-1", reason: "normal")),
            call(ARIOperations.Channels.originate(endpoint: "Local/104@calls/n", app: "labapp", channelID: "lab-ari-2")),
            call(ARIOperations.Channels.answer(channelID: "lab-ari-2")),
            call(ARIOperations.Channels.continueInDialplan(channelID: "lab-ari-2", context: "calls", extension: "100", priority: 1)),
            call(ARIOperations.Channels.hangup(channelID: "lab-ari-2")),
        ]
        let recorded = Set(try recordedCalls("ari-rest"))
        for request in built {
            #expect(recorded.contains(request), "not in the capture: \(request)")
        }
    }

    @Test func pathParametersArePercentEncodedAndBodiesCarryVariables() {
        let request = ARIOperations.Channels.originate(endpoint: "PJSIP/100", app: "ivr", variables: ["CALLERID(name)": "Alice"])
        #expect(request.body == .object(["variables": .object(["CALLERID(name)": .string("Alice")])]))
        #expect(ARIOperations.Channels.get(channelID: "a b/c?d").path == "/channels/a%20b%2Fc%3Fd")
        #expect(ARIOperations.Channels.answer(channelID: "x").operation == "channels.answer")
    }

    @Test func responsesDecodeToTheOperationsType() throws {
        let channel = try ARIOperations.Channels.get(channelID: "x").decodeResponse(Data(
            #"{"id":"x","name":"PJSIP/1-1","state":"Up","protocol_id":"","caller":{"name":"","number":""},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"c","exten":"s","priority":1,"app_name":"","app_data":""},"creationtime":"2026-11-23T04:16:33.306+0000","language":"en"}"#.utf8))
        #expect(channel.state == "Up")
        #expect(throws: ARIError.self) { _ = try ARIOperations.Channels.get(channelID: "x").decodeResponse(Data("{}".utf8)) }
        _ = try ARIOperations.Channels.answer(channelID: "x").decodeResponse(Data())
    }
}
