import Foundation
import Testing

@testable import AsteriskARI

@Suite("Reading JSON bytes straight into ARI's types")
struct ARIJSONReaderTests {
    private func json(_ text: String) throws -> ARIJSON {
        try Array(text.utf8).withUnsafeBytes { try ARIJSONReader.read(ARIJSON.self, from: $0) }
    }

    @Test func valuesOfEveryKind() throws {
        let value = try json(#" { "s" : "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -12.5e1, "i": 42, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"k": "v"} } "#)
        #expect(value["s"] == .string("a\"b\\c/d\n\té😀"))
        #expect(value["n"] == .number(-125))
        #expect(value["i"] == .number(42))
        #expect(value["t"] == .bool(true) && value["f"] == .bool(false) && value["z"] == .null)
        #expect(value["a"] == .array([.number(1), .array([]), .object([:])]))
        #expect(value["o"]?["k"] == .string("v"))
        // The same value Foundation reads.
        #expect(value == (try JSONDecoder().decode(ARIJSON.self, from: Data(#" { "s" : "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -12.5e1, "i": 42, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"k": "v"} } "#.utf8))))
    }

    @Test func malformedInputIsAnErrorNeverACrash() {
        let bad = [
            "", "{", "{\"a\"", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "[1,", "[1 2]", "\"open", "\"bad \\x escape\"",
            "\"\\ud83d\"", "\"\\udc00\"", "\"\\u12\"", "\"tab\there\"", "tru", "nul", "-", "{} extra", "{\"a\":1}}", "1e",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ]
        for text in bad {
            #expect(throws: ARIJSONReader.Failure.self, "\(text.debugDescription)") { _ = try json(text) }
        }
    }

    /// Skipping a value (unknown members, the type probe) accepts and refuses exactly what reading it does.
    @Test func skippingChecksWhatReadingChecks() throws {
        func skip(_ text: String) throws -> Int {
            try Array(text.utf8).withUnsafeBytes { bytes throws(ARIJSONReader.Failure) in
                var reader = ARIJSONReader(bytes)
                try reader.skipValue()
                try reader.finish()
                return reader.index
            }
        }
        let good = [
            #" { "s" : "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -12.5e1, "i": 42, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"k": "v"} } "#,
            "[]", "{}", "\"\"", "0", "-1.5E+3", "[[[[{\"a\":[null]}]]]]",
        ]
        for text in good {
            _ = try json(text)
            #expect(try skip(text) == text.utf8.count, "\(text.debugDescription)")
        }
        let bad = [
            "", "{", "{\"a\"", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "[1,", "[1 2]", "\"open", "\"bad \\x escape\"",
            "\"\\ud83d\"", "\"\\udc00\"", "\"\\u12\"", "\"tab\there\"", "tru", "nul", "-", "{} extra", "{\"a\":1}}", "1e",
            "{\"\\ud83d\":1}", String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ]
        for text in bad {
            #expect(throws: ARIJSONReader.Failure.self, "\(text.debugDescription)") { _ = try skip(text) }
        }
    }

    /// Strings are scanned eight bytes at a time: a closing quote, an escape, a control character or a
    /// multi-byte character at every position around those eight-byte steps reads as Foundation reads it.
    @Test func stringsReadTheSameAtEveryPositionOfTheWordScan() throws {
        let specials = [#"\""#, #"\\"#, #"\n"#, #"\u00e9"#, "é", "😀", "~", "\u{7F}"]
        for length in 0..<26 {
            for position in 0...length {
                for special in specials {
                    var body = String(repeating: "a", count: length)
                    body.insert(contentsOf: special, at: body.index(body.startIndex, offsetBy: position))
                    let text = "{\"k\(body)\":\"\(body)\"}"
                    let expected = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
                    let value = try json(text)
                    let key = try #require(expected.keys.first)
                    #expect(value[key] == .string(try #require(expected[key])), "\(text.debugDescription)")
                    // Skipped to its end, and read by a generated reader (member names hashed word by word).
                    let skipped = try Array(text.utf8).withUnsafeBytes { bytes throws(ARIJSONReader.Failure) in
                        var reader = ARIJSONReader(bytes)
                        try reader.skipValue()
                        return reader.index
                    }
                    #expect(skipped == text.utf8.count)
                    let caller = "{\"number\":\"\(body)\",\"name\":\"\(body)\"}"
                    let read = try Array(caller.utf8).withUnsafeBytes { try ARIJSONReader.read(ARICallerID.self, from: $0) }
                    #expect(read == (try JSONDecoder().decode(ARICallerID.self, from: Data(caller.utf8))))
                }
                let control = "\"" + String(repeating: "b", count: position) + "\u{1F}" + String(repeating: "b", count: length) + "\""
                #expect(throws: ARIJSONReader.Failure.self, "\(control.debugDescription)") { _ = try json(control) }
                let open = "\"" + String(repeating: "c", count: length)
                #expect(throws: ARIJSONReader.Failure.self, "\(open.debugDescription)") { _ = try json(open) }
            }
        }
    }

    /// Member names are found and hashed in one pass, eight bytes at a time, when there are eight
    /// bytes left to read; otherwise the general path reads them. Either way a name's hash is the
    /// hash of its text, and a name with an escape or a control character is handled as before.
    @Test func memberNamesHashAsTheirTextAtEveryLengthAndDistanceFromTheEnd() throws {
        let specials = ["", #"\""#, #"\u0041"#, "é", "\u{7F}"]
        for length in 0..<20 {
            for special in specials {
                let name = String(repeating: "n", count: length) + special
                let text = #"{""# + name + #"":1"#
                let decoded = try #require(try JSONDecoder().decode([String: Int].self, from: Data((text + "}").utf8)).keys.first)
                for padding in 0..<10 {
                    let bytes = Array((text + String(repeating: " ", count: padding) + "}").utf8)
                    let (read, next) = try firstMemberKey(bytes)
                    let key = try #require(read)
                    #expect(next == UInt8(ascii: "1"))
                    #expect(key.hash == ARIJSONReader.hash(of: decoded), "\(text.debugDescription) + \(padding)")
                    #expect(bytes[key.end] == UInt8(ascii: "\""), "\(text.debugDescription) + \(padding)")
                }
            }
            // A control character in a name is an error wherever it is.
            let control = Array((#"{""# + String(repeating: "n", count: length) + "\u{1F}" + #"":1}"#).utf8)
            #expect(throws: ARIJSONReader.Failure.self) { _ = try firstMemberKey(control) }
        }
    }

    /// The first member name of an object, and the byte after its `:`.
    private func firstMemberKey(_ bytes: [UInt8]) throws -> (ARIJSONReader.Key?, UInt8?) {
        try bytes.withUnsafeBytes { raw in
            var reader = ARIJSONReader(raw)
            try reader.beginObject()
            let key = try reader.nextMemberKey()
            return (key, reader.peek())
        }
    }

    @Test func wholeNumbersFollowJSONDecoder() throws {
        func int(_ text: String) throws -> Int { try Array(text.utf8).withUnsafeBytes { try ARIJSONReader.read(Int.self, from: $0) } }
        #expect(try int("-9007199254740993") == -9_007_199_254_740_993)
        #expect(try int("1e3") == 1000)
        #expect(throws: ARIJSONReader.Failure.self) { _ = try int("1.5") }
        #expect(throws: ARIJSONReader.Failure.self) { _ = try int("99999999999999999999") }
        #expect(throws: ARIJSONReader.Failure.self) { _ = try int("\"1\"") }
    }

    /// The generated readers agree with the Codable conformances for every event sample and for
    /// messages with members missing, null, reordered, repeated or unknown.
    @Test(arguments: ARIEventSampleTests.samples)
    func generatedReadersAgreeWithCodable(sample: String) throws {
        let event = try ARIEvent.decode(Data(sample.utf8))
        let payload = try #require(event.payload)
        #expect(try codable(like: payload, Data(sample.utf8)) == hashable(payload))
        // Another member order, an unknown member, an optional one null.
        var object = try #require(JSONSerialization.jsonObject(with: Data(sample.utf8)) as? [String: Any])
        object["zz_unknown"] = ["nested": [1, 2, ["x": NSNull()]]]
        object["asterisk_id"] = NSNull()
        let reordered = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let variant = reordered
        let fast = try ARIEvent.decode(variant)
        #expect(fast.payload.map { hashable($0) } == (try? codable(like: payload, variant)), "\(event.type)")
    }

    /// JSON leaves repeated members open; these readers keep the last, as ``ARIJSON`` objects do.
    @Test func aRepeatedMemberKeepsItsLastValue() throws {
        let event = try ARIEvent.decode(Data(#"{"type":"ChannelVarset","variable":"A","value":"1","value":"2","application":"x"}"#.utf8))
        guard case .channelVarset(let varset) = event else { Issue.record("not decoded: \(event)"); return }
        #expect(varset.value == "2")
    }

    /// Member names are matched by hash and bytes; one written with escapes still matches.
    @Test func escapedMemberNamesMatch() throws {
        let event = try ARIEvent.decode(Data(#"{"type":"ChannelVarset","vari\u0061ble":"A","val\u0075e":"1","valuex":"no","valu":"no"}"#.utf8))
        guard case .channelVarset(let varset) = event else { Issue.record("not decoded: \(event)"); return }
        #expect(varset.variable == "A" && varset.value == "1")
    }

    /// A required member missing or null makes a known event `.unknown`, as with Codable.
    @Test func missingRequiredMembersFallBackToUnknown() throws {
        let missing = try ARIEvent.decode(Data(#"{"type":"StasisStart","application":"a","args":[]}"#.utf8))
        guard case .unknown(let type, let json) = missing else { Issue.record("decoded without a channel"); return }
        #expect(type == "StasisStart" && json["application"] == .string("a"))
        let null = try ARIEvent.decode(Data(#"{"type":"ChannelDestroyed","cause":null,"cause_txt":"x","channel":null}"#.utf8))
        #expect(null.payload == nil)
    }

    /// `data` decoded by `JSONDecoder` as the type of `value`.
    private func codable<T: ARITypedEvent>(like value: T, _ data: Data) throws -> AnyHashable {
        AnyHashable(try JSONDecoder().decode(T.self, from: data))
    }

    private func hashable<T: ARITypedEvent>(_ value: T) -> AnyHashable { AnyHashable(value) }
}
