import Foundation
import Testing

@testable import AsteriskARI

/// Lines of a capture file copied from `shared/asterisk/captures`.
private func captureObjects(_ name: String) throws -> [[String: Any]] {
    let parts = name.split(separator: "/")
    let subdirectory = (["Fixtures"] + parts.dropLast().map(String.init)).joined(separator: "/")
    let url = try #require(
        Bundle.module.url(forResource: String(parts.last!), withExtension: "jsonl", subdirectory: subdirectory))
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }.filter { $0["meta"] == nil }
}

@Suite("ARI models and events from the captures")
struct ARICaptureDecodingTests {
    @Test(arguments: ["ari-events", "asterisk-20/ari-events"])
    func everyCapturedEventDecodesToItsType(name: String) throws {
        let messages = try captureObjects(name).compactMap { $0["data"] as? String }
        #expect(messages.count > 20)
        var types: Set<String> = []
        for text in messages {
            let event = try ARIEvent.decode(Data(text.utf8))
            if case .unknown(let type, _) = event {
                Issue.record("\(type) did not decode to its typed form: \(text.prefix(200))")
            }
            types.insert(event.type)
        }
        #expect(types.contains("StasisStart"))
        #expect(types.contains("ChannelDestroyed"))
    }

    @Test func typedEventsCarryTheirFields() throws {
        let messages = try captureObjects("ari-events").compactMap { $0["data"] as? String }
        for text in messages {
            switch try ARIEvent.decode(Data(text.utf8)) {
            case .stasisStart(let start):
                #expect(start.application == "labapp")
                #expect(!start.channel.id.isEmpty)
                #expect(start.channel.dialplan.context == "calls" || !start.channel.dialplan.context.isEmpty)
            case .channelDestroyed(let destroyed):
                #expect(destroyed.cause >= 0)
                #expect(!destroyed.causeTxt.isEmpty)
            default:
                break
            }
        }
    }

    @Test func unknownAndMalformedMessages() throws {
        let unknown = try ARIEvent.decode(Data(#"{"type":"FutureEvent","application":"a","x":1}"#.utf8))
        guard case .unknown(let type, let json) = unknown else {
            Issue.record("an unknown type was not kept raw")
            return
        }
        #expect(type == "FutureEvent")
        #expect(json["x"] == .number(1))
        // A known type with a missing required field is kept raw rather than failing the stream.
        let broken = try ARIEvent.decode(Data(#"{"type":"StasisStart","application":"a"}"#.utf8))
        #expect(broken.type == "StasisStart")
        if case .stasisStart = broken { Issue.record("an incomplete StasisStart decoded as typed") }
        #expect(throws: ARIError.self) { _ = try ARIEvent.decode(Data("not json".utf8)) }
        #expect(throws: ARIError.self) { _ = try ARIEvent.decode(Data(#"{"no":"type"}"#.utf8)) }
        #expect(throws: ARIError.self) { _ = try ARIEvent.decode(Data("[1,2]".utf8)) }
    }

    @Test(arguments: ["ari-rest", "asterisk-20/ari-rest"])
    func recordedResponseBodiesDecodeToTheirModels(name: String) throws {
        let decoder = JSONDecoder()
        var decoded = 0
        for exchange in try captureObjects(name) {
            guard let path = exchange["path"] as? String, let status = exchange["status"] as? Int,
                let body = exchange["body"] as? String, !body.isEmpty, (200..<300).contains(status)
            else { continue }
            let data = Data(body.utf8)
            let method = exchange["method"] as? String ?? ""
            switch (method, path) {
            case ("GET", "/asterisk/info"): _ = try decoder.decode(ARIAsteriskInfo.self, from: data)
            case ("GET", "/asterisk/ping"): _ = try decoder.decode(ARIAsteriskPing.self, from: data)
            case ("GET", "/channels"): _ = try decoder.decode([ARIChannel].self, from: data)
            case ("GET", "/endpoints"): _ = try decoder.decode([ARIEndpoint].self, from: data)
            case ("GET", "/bridges"): _ = try decoder.decode([ARIBridge].self, from: data)
            case ("GET", "/sounds"): _ = try decoder.decode([ARISound].self, from: data)
            case ("GET", "/applications"): _ = try decoder.decode([ARIApplication].self, from: data)
            case (_, _) where path.hasSuffix("/variable"):
                _ = try decoder.decode(ARIVariable.self, from: data)
            case ("POST", "/channels"):
                #expect(try decoder.decode(ARIChannel.self, from: data).id.hasPrefix("lab-ari"))
            case ("GET", _) where path.hasPrefix("/channels/"):
                #expect(try decoder.decode(ARIChannel.self, from: data).id.hasPrefix("lab-ari"))
            case ("POST", "/bridges"): _ = try decoder.decode(ARIBridge.self, from: data)
            case ("POST", _) where path.hasSuffix("/play"): _ = try decoder.decode(ARIPlayback.self, from: data)
            case ("GET", _) where path.hasPrefix("/sounds/"): _ = try decoder.decode(ARISound.self, from: data)
            default:
                Issue.record("no model for \(method) \(path)")
                continue
            }
            decoded += 1
        }
        #expect(decoded > 10)
    }
}
