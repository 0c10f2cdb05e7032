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
    /// Header lines already checked and encoded (``ARIHTTPRequestEncoder/headerBlock(_:)``), written
    /// before ``headers``.
    var headerBlock: ByteBuffer? = nil
}

/// The pipeline end of an ``ARIHTTPConnection``: writes one request at a time (``ARIHTTPRequestEncoder``)
/// and reads its response from the connection's bytes (``ARIHTTPResponseParser``), bounded by the
/// largest body allowed. Every path ends the waiting request exactly once: the response, the timeout,
/// a cancellation, a protocol error or the connection's end.
final class ARIHTTPResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Completion = @Sendable (Result<ARIHTTPResponse, ARIError>) -> Void

    /// The request on the wire.
    private struct Pending {
        var number: Int
        var completion: Completion
        /// When it times out, and the timeout it was given (for the message).
        var deadline: NIODeadline
        var timeout: Duration
    }

    private var parser: ARIHTTPResponseParser
    private var context: ChannelHandlerContext?
    private var pending: Pending?
    /// A request cancelled before it was written (its number).
    private var cancelledBeforeStart: Int?
    private var isClosed = false
    /// Why the connection failed, for a request that comes after (a refused TLS handshake, say).
    private var failure: ARIError?
    /// One timer per connection, re-armed lazily: a request only records its deadline, so most
    /// requests neither schedule nor cancel anything.
    private var timer: (task: Scheduled<Void>, deadline: NIODeadline)?

    init(maxResponseSize: Int) { self.parser = ARIHTTPResponseParser(maxBodyBytes: maxResponseSize) }

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
        var bytes = context.channel.allocator.buffer(capacity: 256 + (request.body?.readableBytes ?? 0))
        do {
            try ARIHTTPRequestEncoder.encode(request, into: &bytes)
        } catch {
            return completion(.failure(error))
        }
        let deadline = context.eventLoop.now + TimeAmount(timeout)
        pending = Pending(number: number, completion: completion, deadline: deadline, timeout: timeout)
        if let timer, timer.deadline <= deadline {
            // Armed already, for no later than this request's deadline: it re-arms when it fires.
        } else {
            arm(at: deadline, context: context)
        }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    private func arm(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in timerFired() }
        timer = (task, deadline)
    }

    /// Fails the waiting request if it is overdue; otherwise waits on for its deadline.
    private func timerFired() {
        timer = nil
        guard let current = pending, let context else { return }
        if current.deadline <= context.eventLoop.now {
            fail(current.number, ARIError(.timeout, "no answer within \(current.timeout)"))
        } else {
            arm(at: current.deadline, context: context)
        }
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
        parser.append(unwrapInboundIn(data))
        do {
            guard let response = try parser.next() else { return }
            finish(.success(response))
            if !response.keepAlive || parser.isInsideResponse {
                // Closed by the server's wish, or bytes beyond the answer: nothing more is read from it.
                isClosed = true
                context.close(promise: nil)
            }
        } catch {
            failAndClose(context, ARIError(.malformedResponse, error.isTooLarge ? error.reason : "the answer is not HTTP/1.1: \(error.reason)"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAndClose(context, ARIError(.connectionFailed, "the connection to Asterisk failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        timer?.task.cancel()
        timer = nil
        if pending != nil, let response = parser.endOfInput() { finish(.success(response)) }
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
        current.completion(result)
    }
}
