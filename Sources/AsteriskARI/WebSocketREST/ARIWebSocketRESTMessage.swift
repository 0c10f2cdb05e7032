import Foundation
import NIOCore

/// REST over the events WebSocket (Asterisk 22+) as messages, without I/O: a request becomes a
/// `RESTRequest` text message and a `RESTResponse` message becomes a status and a body.
enum ARIWebSocketRESTMessage {
    /// What a `RESTResponse` message says about one request.
    struct Response: Sendable, Equatable {
        /// The `request_id` the request was sent with.
        var requestID: String
        /// The HTTP status.
        var status: Int
        /// The HTTP reason phrase.
        var reason: String
        /// The `message_body` (empty when there is none).
        var body: Data
    }

    /// The JSON shape of a `RESTRequest` (names as Asterisk reads them).
    private struct Request: Encodable {
        struct QueryString: Encodable {
            let name: String
            let value: String
        }

        let type = "RESTRequest"
        let request_id: String
        let transaction_id: String
        let method: String
        let uri: String
        let query_strings: [QueryString]?
        let content_type: String?
        let message_body: String?
    }

    /// The `RESTRequest` text of `request`, carrying `id` as its request and transaction id.
    ///
    /// The `uri` is the request's path below `/ari` without the leading slash (path segments stay
    /// percent-encoded: Asterisk decodes each one); query parameters travel unencoded in
    /// `query_strings`; a JSON body goes as text in `message_body`.
    static func encode<Response>(_ request: ARIRequest<Response>, id: String) throws(ARIError) -> ByteBuffer {
        var body: String?
        if let json = request.body {
            do {
                body = String(decoding: try JSONEncoder().encode(json), as: UTF8.self)
            } catch {
                throw ARIError(.invalidRequest, "the body could not be encoded: \(error)", operation: request.operation)
            }
        }
        let query = request.query.map { Request.QueryString(name: $0.name, value: $0.value ?? "") }
        let message = Request(
            request_id: id, transaction_id: id, method: request.method,
            uri: request.path.hasPrefix("/") ? String(request.path.dropFirst()) : request.path,
            query_strings: query.isEmpty ? nil : query, content_type: body == nil ? nil : "application/json", message_body: body)
        do {
            return ByteBuffer(bytes: try JSONEncoder().encode(message))
        } catch {
            throw ARIError(.invalidRequest, "the request could not be encoded: \(error)", operation: request.operation)
        }
    }

    /// Whether a message is a `RESTResponse` (read from its leading `type` when Asterisk put it first).
    static func isResponse(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let type = ARIEventTypeProbe.leadingType(of: bytes) { return type == ARIRESTResponseEvent.eventType }
        return (try? ARIEventTypeProbe.type(of: bytes)) == ARIRESTResponseEvent.eventType
    }

    /// Reads a `RESTResponse` message.
    /// - Throws: ``ARIError`` `.malformedEvent` when it lacks the fields Asterisk always sends.
    static func decodeResponse(_ bytes: UnsafeRawBufferPointer) throws(ARIError) -> Response {
        let event: ARIRESTResponseEvent
        do {
            event = try ARIJSONReader.read(ARIRESTResponseEvent.self, from: bytes)
        } catch {
            throw ARIError(.malformedEvent, "a RESTResponse message did not decode: \(error)")
        }
        return Response(
            requestID: event.requestID, status: event.statusCode, reason: event.reasonPhrase,
            body: Data((event.messageBody ?? "").utf8))
    }
}
