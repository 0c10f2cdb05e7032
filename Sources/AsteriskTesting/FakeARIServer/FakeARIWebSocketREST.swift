import Foundation
import NIOCore
import NIOHTTP1

extension FakeARIServer {
    /// Stops (or resumes) answering `RESTRequest` messages on events WebSockets (they are still
    /// recorded), as an Asterisk that hangs mid-request would.
    public func silenceWebSocketREST(_ silent: Bool) {
        state.withLockedValue { $0.silentWebSocketREST = silent }
    }

    /// Answers one text message from a client: a `RESTRequest` is routed like the HTTP request it
    /// stands for and answered with a `RESTResponse` (after the events it causes); malformed requests get
    /// Asterisk's `400` answers. The socket was authenticated by its upgrade.
    func answerRESTMessage(_ text: ByteBuffer, on channel: Channel) {
        guard let message = (try? JSONSerialization.jsonObject(with: Data(text.readableBytesView))) as? [String: Any] else { return }
        let requestID = message["request_id"] as? String ?? ""
        let transactionID = message["transaction_id"] as? String ?? ""
        let uri = message["uri"] as? String ?? ""
        var response: FakeARIResponse
        if let refusal = Self.refusal(of: message) {
            response = refusal
        } else {
            var (path, query) = FakeARIServer.split("/" + uri)
            for item in message["query_strings"] as? [[String: Any]] ?? [] {
                if let name = item["name"] as? String { query[name] = item["value"] as? String ?? "" }
            }
            var body = message["message_body"] as? String ?? ""
            if message["content_type"] as? String == "application/x-www-form-urlencoded" {
                query.merge(FakeARIServer.split("/?" + body).1) { $1 }
                body = ""
            }
            var request = FakeARIRequest(method: (message["method"] as? String ?? "").uppercased(), path: path, query: query, body: body)
            request.overWebSocket = true
            response = respond(to: request, authorized: true)
        }
        let (silent, delay) = state.withLockedValue { ($0.silentWebSocketREST, $0.delay) }
        if silent { return }
        var reply: [String: Any] = [
            "transaction_id": transactionID, "request_id": requestID,
            "status_code": response.status, "reason_phrase": HTTPResponseStatus(statusCode: response.status).reasonPhrase,
            "uri": uri, "timestamp": FakeARIServer.timestamp(), "asterisk_id": "02:fc:00:00:00:01",
        ]
        if !response.body.isEmpty {
            reply["content_type"] = "application/json"
            reply["message_body"] = response.body
        }
        guard let data = try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys]) else { return }
        // Asterisk writes `type` first; so does the fake (sorted keys would not).
        let text = ByteBuffer(string: #"{"type":"RESTResponse","# + String(decoding: data.dropFirst(), as: UTF8.self))
        if let delay {
            channel.eventLoop.scheduleTask(in: TimeAmount(delay)) { [self] in send(text: text, on: channel) }
        } else {
            send(text: text, on: channel)
        }
    }

    /// Asterisk's answer to a message that is not a usable `RESTRequest`, or nil.
    private static func refusal(of message: [String: Any]) -> FakeARIResponse? {
        guard let type = message["type"] as? String, !type.isEmpty else { return .error(400, "No 'type' property.") }
        guard type == "RESTRequest" else { return .error(400, "Unknown request type.") }
        guard let uri = message["uri"] as? String, !uri.isEmpty else { return .error(400, "Empty or missing 'uri' property.") }
        let methods: Set = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]
        guard let method = message["method"] as? String, methods.contains(method.uppercased()) else {
            return .error(400, "Unknown or missing 'method' property.")
        }
        if let body = message["message_body"] as? String, !body.isEmpty {
            switch message["content_type"] as? String {
            case nil, "": return .error(400, "No 'content_type' for 'message_body'.")
            case "application/json":
                if (try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])) == nil {
                    return .error(400, "Unable to parse 'message_body' as 'application/json'.")
                }
            case "application/x-www-form-urlencoded": break
            default: return .error(400, "Unknown content type.")
            }
        }
        return nil
    }
}
