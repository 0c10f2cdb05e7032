import Foundation
import NIOCore
import Testing

@testable import AsteriskARI

/// The sans-IO side of REST over the WebSocket: what goes out and how answers are read.
@Suite("REST over WebSocket: messages")
struct ARIWebSocketRESTMessageTests {
    private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func aRequestBecomesARESTRequestMessage() throws {
        let request = ARIOperations.Channels.originate(
            endpoint: "PJSIP/100", app: "ivr", callerID: "\"Desk\" <100>", variables: ["A": "1 2"], channelID: "ch 1")
        let message = try object(ARIWebSocketRESTMessage.encode(request, id: "r-7"))
        #expect(message["type"] as? String == "RESTRequest")
        #expect(message["request_id"] as? String == "r-7")
        #expect(message["transaction_id"] as? String == "r-7")
        #expect(message["method"] as? String == "POST")
        #expect(message["uri"] as? String == "channels")
        let query = try #require(message["query_strings"] as? [[String: String]])
        #expect(query.contains(["name": "endpoint", "value": "PJSIP/100"]))
        #expect(query.contains(["name": "callerId", "value": "\"Desk\" <100>"]))
        #expect(query.contains(["name": "channelId", "value": "ch 1"]))
        #expect(message["content_type"] as? String == "application/json")
        let body = try #require((message["message_body"] as? String).map { Data($0.utf8) })
        let variables = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(variables["variables"] as? [String: String] == ["A": "1 2"])
    }

    @Test func pathSegmentsStayEncodedAndBodilessRequestsCarryNoContentType() throws {
        let message = try object(ARIWebSocketRESTMessage.encode(ARIOperations.Channels.answer(channelID: "a/b c"), id: "x"))
        #expect(message["uri"] as? String == "channels/a%2Fb%20c/answer")
        #expect(message["query_strings"] == nil)
        #expect(message["content_type"] == nil)
        #expect(message["message_body"] == nil)
    }

    @Test func responsesAreRecognisedAndRead() throws {
        let text = #"{"type":"RESTResponse","transaction_id":"t","request_id":"r-1","status_code":404,"reason_phrase":"Not Found","uri":"channels/x","content_type":"application/json","message_body":"{\"message\":\"Channel not found\"}","application":"ivr"}"#
        let buffer = ByteBuffer(string: text)
        let response = try buffer.withUnsafeReadableBytes { bytes in
            #expect(ARIWebSocketRESTMessage.isResponse(bytes))
            return try ARIWebSocketRESTMessage.decodeResponse(bytes)
        }
        #expect(response == .init(requestID: "r-1", status: 404, reason: "Not Found", body: Data(#"{"message":"Channel not found"}"#.utf8)))
        // `type` not first: still recognised.
        let late = ByteBuffer(string: #"{"request_id":"r-2","type":"RESTResponse","transaction_id":"","status_code":204,"reason_phrase":"No Content","uri":"u"}"#)
        let noBody = try late.withUnsafeReadableBytes { bytes in
            #expect(ARIWebSocketRESTMessage.isResponse(bytes))
            return try ARIWebSocketRESTMessage.decodeResponse(bytes)
        }
        #expect(noBody.body.isEmpty)
        #expect(noBody.status == 204)
    }

    @Test func eventsAndGarbageAreNotResponses() throws {
        for text in [#"{"type":"StasisStart","channel":{}}"#, "not json", #"{"type":"RESTResponse"}"#, ""] {
            let buffer = ByteBuffer(string: text)
            buffer.withUnsafeReadableBytes { bytes in
                if text.contains("RESTResponse") {
                    #expect(ARIWebSocketRESTMessage.isResponse(bytes))
                    #expect(throws: ARIError.self) { try ARIWebSocketRESTMessage.decodeResponse(bytes) }
                } else {
                    #expect(!ARIWebSocketRESTMessage.isResponse(bytes))
                }
            }
        }
    }
}
