import Logging
import NIOCore

/// An encoded action on its way to the socket, with the promise its answer completes.
struct AMIOutboundRequest: Sendable {
    let bytes: ByteBuffer
    let actionID: String
    let action: String
    let shape: AMIResponseShape
    let timeout: TimeAmount?
    let promise: EventLoopPromise<AMIResponse>
}

/// The NIO edge of one AMI connection: moves bytes through ``AMIFrameParser`` and ``AMIRequestTracker``
/// and carries out what they decide. It never interprets frames itself.
///
/// Events are batched per socket read and handed to the ``AMIEventHub`` when the read completes (or
/// before a response is completed, so that order is kept); responses go straight to their waiters, so
/// a slow event consumer never delays them.
final class AMIConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser: AMIFrameParser
    /// What the handler keeps per pending action.
    struct PendingContext {
        let promise: EventLoopPromise<AMIResponse>
        let deadline: NIODeadline?
    }

    private var tracker = AMIRequestTracker<PendingContext>()
    private var cumulation: ByteBuffer?
    /// One timer for all pending requests, set for the earliest deadline.
    private var sweepTimer: (deadline: NIODeadline, task: Scheduled<Void>)?
    private var eventBatch: [AMIEvent] = []
    private var bannerPromise: EventLoopPromise<AMIBanner>?
    private var closeReason: AMIError?
    private var isActive = true
    private let hub: AMIEventHub
    private let logger: Logger
    /// Where the reason the connection ended is left for its owner.
    private let terminationReason: NIOLoopBoundBox<AMIError?>

    init(
        limits: AMIFrameParser.Limits, hub: AMIEventHub, bannerPromise: EventLoopPromise<AMIBanner>,
        terminationReason: NIOLoopBoundBox<AMIError?>, logger: Logger
    ) {
        self.parser = AMIFrameParser(limits: limits, expectsBanner: true)
        self.hub = hub
        self.logger = logger
        self.bannerPromise = bannerPromise
        self.terminationReason = terminationReason
        eventBatch.reserveCapacity(64)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var pending = cumulation, pending.readableBytes > 0 {
            // A frame straddles two reads. Copy only the pending bytes and the start of the new read up to
            // its first blank line into a fresh buffer: the pending storage is shared with events already
            // handed out, and appending to it would copy the whole previous read.
            let cut = AMIConnectionHandler.firstBlankLineEnd(in: incoming, after: pending) ?? incoming.readableBytes
            var head = incoming.readSlice(length: cut)!
            var joined = context.channel.allocator.buffer(capacity: pending.readableBytes + cut)
            joined.writeBuffer(&pending)
            joined.writeBuffer(&head)
            cumulation = joined
            guard parseCumulation(context: context) else { return }
            if cumulation != nil {
                // Still mid-frame (a legacy command body can hold blank lines): keep accumulating.
                if incoming.readableBytes > 0 { cumulation!.writeBuffer(&incoming) }
                _ = parseCumulation(context: context)
                return
            }
            guard incoming.readableBytes > 0 else { return }
        }
        cumulation = incoming
        _ = parseCumulation(context: context)
    }

    /// Parses every complete frame in `cumulation`; returns false when the connection is being closed.
    ///
    /// The parser and the buffer are moved into locals for the loop, so that the per-frame calls do
    /// not pay for exclusive access to the handler's stored properties.
    private func parseCumulation(context: ChannelHandlerContext) -> Bool {
        var parser = AMIFrameParser.placeholder
        swap(&parser, &self.parser)
        var buffer = cumulation.take()!
        defer {
            swap(&parser, &self.parser)
        }
        do {
            while let output = try parser.next(from: &buffer) {
                handle(output, context: context)
            }
        } catch {
            fatalProtocolError(error, context: context)
            return false
        }
        if buffer.readableBytes > 0 {
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            cumulation = buffer
        }
        return true
    }

    /// The offset just past the first blank line in `incoming`, taking the end of `pending` into account.
    static func firstBlankLineEnd(in incoming: ByteBuffer, after pending: ByteBuffer) -> Int? {
        let tail = pending.readableBytesView.suffix(2)
        let previous1 = tail.last ?? 0
        let previous2 = tail.count == 2 ? tail.first! : 0
        return incoming.withUnsafeReadableBytes { raw -> Int? in
            var index = 0
            while index < raw.count {
                if raw[index] == AMIASCII.lf {
                    let before1 = index >= 1 ? raw[index - 1] : previous1
                    let before2 = index >= 2 ? raw[index - 2] : (index == 1 ? previous1 : previous2)
                    if before1 == AMIASCII.lf || (before1 == AMIASCII.cr && before2 == AMIASCII.lf) {
                        return index + 1
                    }
                }
                index += 1
            }
            return nil
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushEvents()
        context.fireChannelReadComplete()
    }

    private func handle(_ output: AMIFrameParser.Output, context: ChannelHandlerContext) {
        switch output {
        case .banner(let banner):
            guard banner.isAsteriskManager else {
                fatalProtocolError(
                    AMIError(.protocolViolation, "the peer greeted with '\(banner.line)', not an AMI banner"),
                    context: context)
                return
            }
            bannerPromise?.succeed(banner)
            bannerPromise = nil
        case .message(let message):
            if message.kind == .event && !tracker.isCollectingLists {
                eventBatch.append(AMIEvent(message: message))
                return
            }
            switch tracker.receive(message) {
            case .event(let event):
                eventBatch.append(event)
            case .listItem:
                break
            case .completed(_, _, let pending, let result):
                flushEvents()
                pending.promise.completeWith(result.mapError { $0 as Error })
            case .unmatchedResponse(let message):
                logger.debug(
                    "AMI response for no pending action dropped",
                    metadata: ["asterisk.action_id": "\(message["ActionID"] ?? "-")"])
            }
        }
    }

    private func flushEvents() {
        guard !eventBatch.isEmpty else { return }
        hub.deliver(eventBatch)
        eventBatch.removeAll(keepingCapacity: true)
    }

    private func fatalProtocolError(_ error: AMIError, context: ChannelHandlerContext) {
        logger.warning("AMI protocol error, closing the connection", metadata: ["asterisk.error": "\(error)"])
        if closeReason == nil { closeReason = error }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if closeReason == nil {
            closeReason = (error as? AMIError)
                ?? AMIError(.connectionClosed, "the connection failed: \(error)")
        }
        context.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The handler's context while it is in the pipeline, for direct submission.
    private(set) var context: ChannelHandlerContext?

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        flushEvents()
        let reason = closeReason ?? AMIError(.connectionClosed, "the connection to Asterisk was closed")
        terminationReason.value = reason
        bannerPromise?.fail(reason)
        bannerPromise = nil
        sweepTimer?.task.cancel()
        sweepTimer = nil
        for (actionID, action, pending) in tracker.failAll() {
            pending.promise.fail(reason.with(action: action, actionID: actionID))
        }
        context.fireChannelInactive()
    }

    // MARK: outbound

    /// Writes a batch of requests from the connection's outbox as one buffer and flushes once (on the event loop).
    func submit(_ requests: [AMIOutboundRequest]) {
        guard isActive, let context else {
            let error = closeReason ?? AMIError(.connectionClosed, "the connection to Asterisk is closed")
            for request in requests { request.promise.fail(error.with(action: request.action, actionID: request.actionID)) }
            return
        }
        if requests.count == 1 {
            register(requests[0], context: context)
            context.writeAndFlush(wrapOutboundOut(requests[0].bytes), promise: nil)
            return
        }
        var combined = context.channel.allocator.buffer(capacity: requests.reduce(0) { $0 + $1.bytes.readableBytes })
        for request in requests {
            register(request, context: context)
            combined.writeImmutableBuffer(request.bytes)
        }
        context.writeAndFlush(wrapOutboundOut(combined), promise: nil)
    }

    private func register(_ request: AMIOutboundRequest, context: ChannelHandlerContext) {
        var deadline: NIODeadline?
        if let timeout = request.timeout {
            let due = NIODeadline.now() + timeout
            deadline = due
            armSweep(for: due, context: context)
        }
        tracker.register(
            actionID: request.actionID, action: request.action, shape: request.shape,
            context: PendingContext(promise: request.promise, deadline: deadline))
    }

    /// Makes sure the sweep timer fires no later than `deadline`.
    private func armSweep(for deadline: NIODeadline, context: ChannelHandlerContext) {
        if let current = sweepTimer, current.deadline <= deadline { return }
        sweepTimer?.task.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.sweep(context: contextBound.value)
        }
        sweepTimer = (deadline, task)
    }

    /// Fails every request whose deadline has passed and re-arms the timer for the next one.
    private func sweep(context: ChannelHandlerContext) {
        sweepTimer = nil
        let now = NIODeadline.now()
        var next: NIODeadline?
        var expired: [String] = []
        for (actionID, entry) in tracker.pendingRequests {
            guard let deadline = entry.deadline else { continue }
            if deadline <= now {
                expired.append(actionID)
            } else if next == nil || deadline < next! {
                next = deadline
            }
        }
        for actionID in expired {
            guard let (action, entry) = tracker.cancel(actionID: actionID) else { continue }
            entry.promise.fail(AMIError(.timeout, "no answer to \(action) in time", action: action, actionID: actionID))
        }
        if let next, isActive { armSweep(for: next, context: context) }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event {
        case let request as AMICancelRequest:
            cancel(actionID: request.actionID)
            promise?.succeed(())
        case let request as AMICloseRequest:
            if closeReason == nil { closeReason = request.reason }
            context.close(promise: promise)
        default:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    /// Abandons a pending request because its caller was cancelled; a late answer is dropped.
    private func cancel(actionID: String) {
        guard let (_, entry) = tracker.cancel(actionID: actionID) else { return }
        entry.promise.fail(CancellationError())
    }
}
