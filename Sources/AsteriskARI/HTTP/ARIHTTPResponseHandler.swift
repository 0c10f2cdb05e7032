import NIOCore
import NIOHTTP1

/// A response as it came off the wire.
struct ARIHTTPResponse: Sendable {
    /// The HTTP status code.
    var status: Int
    /// The whole body.
    var body: ByteBuffer
    /// Whether the server keeps the connection open for another request.
    var keepAlive: Bool
}

/// The request an ``ARIHTTPConnection`` writes: the head's parts and an optional body.
struct ARIHTTPRequest: Sendable {
    /// GET, POST, PUT or DELETE.
    var method: HTTPMethod
    /// The request target: path and query.
    var target: String
    /// Every header, `Host` included.
    var headers: HTTPHeaders
    /// The body, if any.
    var body: ByteBuffer?
}

/// The pipeline end of an ``ARIHTTPConnection``: writes one request at a time and collects its
/// response, bounded by the largest body allowed. Every path ends the waiting request exactly once:
/// the response, the timeout, a cancellation, a protocol error or the connection's end.
final class ARIHTTPResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    typealias Completion = @Sendable (Result<ARIHTTPResponse, ARIError>) -> Void

    /// The request on the wire.
    private struct Pending {
        var number: Int
        var completion: Completion
        var timeout: Scheduled<Void>?
        var status: Int?
        var keepAlive = true
        /// The body so far: the first chunk as it came (usually the only one), later ones appended.
        var body: ByteBuffer?
    }

    private let maxResponseSize: Int
    private var context: ChannelHandlerContext?
    private var pending: Pending?
    /// A request cancelled before it was written (its number).
    private var cancelledBeforeStart: Int?
    private var isClosed = false
    /// Why the connection failed, for a request that comes after (a refused TLS handshake, say).
    private var failure: ARIError?

    init(maxResponseSize: Int) { self.maxResponseSize = maxResponseSize }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes request `number` and calls `completion` once with its outcome; `timeout` bounds the wait.
    func start(_ request: ARIHTTPRequest, number: Int, timeout: Duration, completion: @escaping Completion) {
        if cancelledBeforeStart == number {
            cancelledBeforeStart = nil
            return completion(.failure(ARIError(.cancelled, "the request was cancelled")))
        }
        guard let context, !isClosed, pending == nil else {
            return completion(.failure(failure ?? ARIError(.connectionFailed, "the connection to Asterisk is closed")))
        }
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
            fail(number, ARIError(.timeout, "no answer within \(timeout)"))
        }
        pending = Pending(number: number, completion: completion, timeout: scheduled)
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.target, headers: request.headers)
        if let body = request.body {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        } else {
            if request.method != .GET { head.headers.replaceOrAdd(name: "Content-Length", value: "0") }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Ends request `number` with `error` (and the connection with it: its answer may still come);
    /// a request not yet written is refused when it arrives.
    func fail(_ number: Int, _ error: ARIError) {
        guard let current = pending, current.number == number else {
            if pending == nil, error.code == .cancelled { cancelledBeforeStart = number }
            return
        }
        finish(.failure(error))
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard pending != nil else {
            // Nothing was asked: a server that talks out of turn cannot be trusted with the next request.
            isClosed = true
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status.code >= 200 else { return }  // 1xx: the real answer follows
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxResponseSize {
                return failAndClose(context, ARIError(.malformedResponse, "the answer's body (\(length) bytes) is larger than \(maxResponseSize) bytes"))
            }
            pending?.status = Int(head.status.code)
            pending?.keepAlive = head.isKeepAlive
        case .body(var chunk):
            guard (pending?.body?.readableBytes ?? 0) + chunk.readableBytes <= maxResponseSize else {
                return failAndClose(context, ARIError(.malformedResponse, "the answer's body is larger than \(maxResponseSize) bytes"))
            }
            if pending?.body == nil { pending?.body = chunk } else { pending?.body?.writeBuffer(&chunk) }
        case .end:
            guard let current = pending, let status = current.status else {
                return failAndClose(context, ARIError(.malformedResponse, "the answer ended before its status line"))
            }
            finish(.success(ARIHTTPResponse(status: status, body: current.body ?? ByteBuffer(), keepAlive: current.keepAlive)))
            if !current.keepAlive {
                isClosed = true
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parser = error as? HTTPParserError, !parser.isPrematureEnd {
            failAndClose(context, ARIError(.malformedResponse, "the answer is not HTTP/1.1: \(error)"))
        } else {
            failAndClose(context, ARIError(.connectionFailed, "the connection to Asterisk failed: \(error)"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        finish(.failure(ARIError(.connectionFailed, "Asterisk closed the connection before answering")))
        context.fireChannelInactive()
    }

    private func failAndClose(_ context: ChannelHandlerContext, _ error: ARIError) {
        isClosed = true
        if failure == nil { failure = error }
        finish(.failure(error))
        context.close(promise: nil)
    }

    /// Completes the pending request, if any, exactly once.
    private func finish(_ result: Result<ARIHTTPResponse, ARIError>) {
        guard let current = pending else { return }
        pending = nil
        current.timeout?.cancel()
        current.completion(result)
    }
}

extension HTTPParserError {
    /// Whether the connection ended in the middle of an answer (a lost connection, not a malformed answer).
    fileprivate var isPrematureEnd: Bool {
        if case .invalidEOFState = self { return true }
        return false
    }
}
