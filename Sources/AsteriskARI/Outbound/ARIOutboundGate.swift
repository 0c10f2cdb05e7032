import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Decides whether an upgrade request from Asterisk is accepted: its path, its basic credentials,
/// and the subprotocol (`ari`, or `media` for media sockets) when it names subprotocols.
struct ARIOutboundGate: Sendable {
    /// The outcome of the checks.
    enum Verdict: Equatable {
        /// Accepted, with the headers of the `101` answer.
        case accept(HTTPHeaders)
        /// Refused with an HTTP status and a reason.
        case refuse(HTTPResponseStatus, String)

        /// The headers to upgrade with, or nil (refused).
        var upgradeHeaders: HTTPHeaders? {
            if case .accept(let headers) = self { return headers }
            return nil
        }
    }

    let path: String?
    let credentials: ARICredentials?
    var subprotocol = "ari"

    /// Checks one request head.
    func check(_ head: HTTPRequestHead) -> Verdict {
        let requestPath = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if let path, requestPath != path { return .refuse(.notFound, "no WebSocket is served at \(requestPath)") }
        if let credentials {
            guard let header = head.headers.first(name: "Authorization"), header.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                String(decoding: decoded, as: UTF8.self) == "\(credentials.username):\(credentials.password)"
            else { return .refuse(.unauthorized, "the credentials are missing or wrong") }
        }
        var headers = HTTPHeaders()
        let offered = head.headers[canonicalForm: "Sec-WebSocket-Protocol"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !offered.isEmpty {
            let names = offered.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard names.contains(subprotocol) else { return .refuse(.badRequest, "only the \(subprotocol) subprotocol is served") }
            headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
        }
        return .accept(headers)
    }
}

/// Answers the requests that were not upgraded (refused by the gate, or plain HTTP) with their
/// status, and closes the connection.
final class ARIOutboundRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gate: ARIOutboundGate
    private let logger: Logger
    private var verdict: ARIOutboundGate.Verdict?

    init(gate: ARIOutboundGate, logger: Logger) {
        self.gate = gate
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let isUpgrade = head.headers[canonicalForm: "Upgrade"].contains { $0.lowercased() == "websocket" }
            verdict = isUpgrade ? gate.check(head) : .refuse(.badRequest, "only WebSocket upgrades are served")
        case .body:
            break
        case .end:
            let (status, reason): (HTTPResponseStatus, String)
            if case .refuse(let refusedStatus, let refusedReason) = verdict {
                (status, reason) = (refusedStatus, refusedReason)
            } else {
                (status, reason) = (.badRequest, "the WebSocket upgrade was not acceptable")
            }
            logger.warning("Refused a connection to the ARI outbound server", metadata: ["asterisk.reason": "\(reason)"])
            let body = #"{"message":"\#(reason)"}"#
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "Connection", value: "close")
            if status == .unauthorized { headers.add(name: "WWW-Authenticate", value: #"Basic realm="asterisk""#) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
