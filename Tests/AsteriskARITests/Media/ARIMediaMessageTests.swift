import Testing

@testable import AsteriskARI

/// chan_websocket's control messages, both formats, without a socket.
@Suite("Media over WebSocket: control messages")
struct ARIMediaMessageTests {
    @Test func mediaStartInBothFormats() {
        let json = ARIMediaEvent.parse(#"{"event":"MEDIA_START","connection_id":"c1","channel":"WebSocket/c1-0001","channel_id":"17.1","format":"slin16","optimal_frame_size":640,"ptime":20,"channel_variables":{"A":"b"}}"#)
        #expect(json == .mediaStart(ARIMediaStart(
            connectionID: "c1", channel: "WebSocket/c1-0001", channelID: "17.1", format: "slin16", optimalFrameSize: 640, ptime: 20,
            variables: ["A": "b"])))
        let plain = ARIMediaEvent.parse("MEDIA_START connection_id:c1 channel:WebSocket/c1-0001 channel_id:17.1 format:ulaw optimal_frame_size:160 ptime:20")
        #expect(plain == .mediaStart(ARIMediaStart(
            connectionID: "c1", channel: "WebSocket/c1-0001", channelID: "17.1", format: "ulaw", optimalFrameSize: 160, ptime: 20)))
    }

    @Test func everyOtherEventInBothFormats() {
        #expect(ARIMediaEvent.parse(#"{"event":"MEDIA_XOFF","channel_id":"1"}"#) == .mediaXoff)
        #expect(ARIMediaEvent.parse("MEDIA_XON") == .mediaXon)
        #expect(ARIMediaEvent.parse("QUEUE_DRAINED") == .queueDrained)
        #expect(ARIMediaEvent.parse(#"{"event":"MEDIA_MARK_PROCESSED","channel_id":"1","correlation_id":"m1"}"#) == .markProcessed(correlationID: "m1"))
        #expect(ARIMediaEvent.parse("MEDIA_BUFFERING_COMPLETED b7") == .bufferingCompleted(correlationID: "b7"))
        #expect(ARIMediaEvent.parse("DTMF_END digit:5 channel_id:1") == .dtmf("5"))
        #expect(ARIMediaEvent.parse(##"{"event":"DTMF_END","channel_id":"1","digit":"#"}"##) == .dtmf("#"))
        #expect(ARIMediaEvent.parse("ERROR channel_id:1 error_text:FLUSH_MEDIA not supported in passthrough mode")
            == .error("FLUSH_MEDIA not supported in passthrough mode"))
        let status = ARIMediaEvent.parse(#"{"event":"STATUS","channel_id":"1","queue_length":3,"xon_level":800,"xoff_level":900,"queue_full":false,"bulk_media":true,"media_paused":false}"#)
        #expect(status == .status(ARIMediaStatus(queueLength: 3, xonLevel: 800, xoffLevel: 900, queueFull: false, bulkMedia: true, mediaPaused: false)))
        #expect(ARIMediaEvent.parse("STATUS channel_id:1 queue_length:0 xon_level:800 xoff_level:900 queue_full:true bulk_media:false media_paused:true")
            == .status(ARIMediaStatus(queueLength: 0, xonLevel: 800, xoffLevel: 900, queueFull: true, bulkMedia: false, mediaPaused: true)))
    }

    @Test func garbageStaysRawAndNeverTraps() {
        for text in ["", "   ", "{", #"{"event":5}"#, #"{"no":"event"}"#, "MEDIA_START", "DTMF_END", "\u{0}\u{1}", String(repeating: "x:", count: 10_000)] {
            if case .unknown = ARIMediaEvent.parse(text) {} else { Issue.record("\(text.prefix(20).debugDescription) was not kept raw") }
        }
    }

    @Test func commandsInBothFormatsAndInjectionRefused() throws {
        #expect(try ARIMediaCommand.answer.encoded(json: false) == "ANSWER")
        #expect(try ARIMediaCommand.mark(correlationID: "m1").encoded(json: false) == "MARK_MEDIA m1")
        #expect(try ARIMediaCommand.mark(correlationID: "m1").encoded(json: true) == #"{"command":"MARK_MEDIA","correlation_id":"m1"}"#)
        #expect(try ARIMediaCommand.resume.encoded(json: true) == #"{"command":"CONTINUE_MEDIA"}"#)
        #expect(try ARIMediaCommand.setDirection("in").encoded(json: true) == #"{"command":"SET_MEDIA_DIRECTION","direction":"in"}"#)
        #expect(throws: ARIError.self) { try ARIMediaCommand.setDirection("in").encoded(json: false) }
        for bad in ["a b", "x\nHANGUP", "x\r", "", "\u{0}"] {
            #expect(throws: ARIError.self) { try ARIMediaCommand.stopBuffering(correlationID: bad).encoded(json: false) }
        }
    }
}
