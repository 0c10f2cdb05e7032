import Foundation
import Testing

@testable import AsteriskARI

/// One synthesized message per event type of ARI's `events.json` (every property filled), written by
/// `scripts/generate-ari-types.py` next to the generated types.
@Suite("A decoding test per ARI event type")
struct ARIEventSampleTests {
    static let samples: [String] = {
        guard let url = Bundle.module.url(forResource: "event-samples", withExtension: "jsonl", subdirectory: "Fixtures"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").map(String.init)
    }()

    static var types: [String] {
        samples.compactMap { line in
            (try? JSONDecoder().decode(ARIJSON.self, from: Data(line.utf8)))?["type"]?.stringValue
        }
    }

    @Test func thereIsASampleForEveryEventTheEnumKnows() {
        #expect(Self.samples.count == 46)
        #expect(Set(Self.types).count == Self.samples.count)
    }

    @Test(arguments: ARIEventSampleTests.samples)
    func everyEventTypeDecodesToItsOwnCase(sample: String) throws {
        let event = try ARIEvent.decode(Data(sample.utf8))
        let type = try #require((try JSONDecoder().decode(ARIJSON.self, from: Data(sample.utf8)))["type"]?.stringValue)
        #expect(event.type == type)
        let payload = try #require(event.payload, "\(type) fell back to .unknown")
        #expect(Swift.type(of: payload).eventType == type)
        // Re-encoding the typed value and decoding it again gives the same event.
        var reencoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(payload)) as! [String: Any]
        reencoded["type"] = type
        let again = try ARIEvent.decode(try JSONSerialization.data(withJSONObject: reencoded))
        #expect(again == event)
    }

    @Test func eventsAboutAChannelNameIt() throws {
        for sample in Self.samples {
            let event = try ARIEvent.decode(Data(sample.utf8))
            let json = try JSONDecoder().decode(ARIJSON.self, from: Data(sample.utf8))
            if json["channel"]?["id"] != nil {
                #expect(event.channelID == "text", "\(event.type)")
            }
        }
    }
}

@Suite("Reading an event's type")
struct ARIEventTypeProbeTests {
    @Test func theLeadingTypeIsReadFromTheBytesAndAnythingElseFallsBack() throws {
        #expect(ARIEventTypeProbe.leadingType(of: Data(#"{"type":"StasisStart","x":1}"#.utf8)) == "StasisStart")
        #expect(ARIEventTypeProbe.leadingType(of: Data(#"{"x":1,"type":"StasisStart"}"#.utf8)) == nil)
        #expect(ARIEventTypeProbe.leadingType(of: Data(#"{"type":"Odd\"Name"}"#.utf8)) == nil)
        #expect(ARIEventTypeProbe.leadingType(of: Data(#"{"type":""}"#.utf8)) == nil)
        #expect(ARIEventTypeProbe.leadingType(of: Data(#"{"type":"Unterminated"#.utf8)) == nil)
        // Both paths give the same type.
        #expect(try ARIEventTypeProbe.type(of: Data(#"{"x":1,"type":"StasisEnd"}"#.utf8)) == "StasisEnd")
        #expect(try ARIEventTypeProbe.type(of: Data(#"{"type":"Odd\"Name"}"#.utf8)) == #"Odd"Name"#)
    }

    @Test func aTypeIsReadAsItsTextWhereverAndHoweverItIsWritten() throws {
        let messages = [
            (#"{"type":"ChannelHangupRequest","cause":16}"#, "ChannelHangupRequest"),
            (#"{"cause":16,"type":"ChannelHangupRequest"}"#, "ChannelHangupRequest"),
            (#"{"cause":16,"ty\u0070e":"Channel\u0048angupRequest"}"#, "ChannelHangupRequest"),
            (#"{"type":"Odd\"Name"}"#, #"Odd"Name"#),
            (#"{"x":1,"type":"Ünïcode"}"#, "Ünïcode"),
            (#"{"type":""}"#, ""),
        ]
        for (message, text) in messages {
            #expect(try ARIEventTypeProbe.type(of: Data(message.utf8)) == text, "\(message)")
        }
        // The typed dispatch goes by the name, escapes or not.
        for message in [
            #"{"ty\u0070e":"Channel\u0048angupRequest","channel":\#(Self.channel)}"#,
            #"{"cause":1,"type":"ChannelHangupRequest","channel":\#(Self.channel)}"#,
        ] {
            guard case .channelHangupRequest = try ARIEvent.decode(Data(message.utf8)) else {
                Issue.record("not dispatched by its type: \(message)")
                continue
            }
        }
    }

    /// A channel as Asterisk writes it.
    static let channel = #"{"id":"c1","name":"PJSIP/1-1","state":"Up","protocol_id":"","accountcode":"","language":"en","caller":{"name":"","number":"1"},"connected":{"name":"","number":""},"dialplan":{"context":"default","exten":"s","priority":1,"app_name":"Stasis","app_data":"x"},"creationtime":"2026-11-23T04:16:33.306+0000"}"#

    @Test func aLaterTypeIsFoundPastMembersOfEveryKind() throws {
        let before = #"{"variable":"X","n":-1.5e3,"soft":true,"none":null,"list":[1,{"type":"Inner"}],"channel":{"type":"Nested"},"#
        #expect(try ARIEventTypeProbe.type(of: Data((before + #""type":"ChannelVarset"}"#).utf8)) == "ChannelVarset")
        // A name written with an escape is still `type`; a null `type` is no type.
        #expect(try ARIEventTypeProbe.type(of: Data(#"{"x":1,"ty\u0070e":"Escaped"}"#.utf8)) == "Escaped")
        #expect(try ARIEventTypeProbe.type(of: Data(#"{"type":null,"x":1,"type":"Second"}"#.utf8)) == "Second")
        // Reading stops at the type: what follows is checked by the decoder, which calls it malformed.
        let truncated = Data(#"{"cause":16,"type":"ChannelHangupRequest","timestamp":"#.utf8)
        #expect(try ARIEventTypeProbe.type(of: truncated) == "ChannelHangupRequest")
        #expect(throws: ARIError.self) { try ARIEvent.decode(truncated) }
        for bad in [#"{"x":1}"#, #"{"type":null}"#, #"{"x":1,"type":7}"#, #"{"x":tru,"type":"A"}"#, #"["type"]"#, #"{"x":"#, ""] {
            #expect(throws: ARIError.self, "\(bad)") { try ARIEventTypeProbe.type(of: Data(bad.utf8)) }
        }
    }
}
