import Logging
import NIOCore

/// An encoded action on its way to the socket, with the promise its answer completes.
struct AMIOutboundRequest {
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
    typealias OutboundIn = AMIOutboundRequest
    typealias OutboundOut = ByteBuffer

    private var parser: AMIFrameParser
    private var tracker = AMIRequestTracker()
    private var cumulation: ByteBuffer?
    private var promises: [String: (promise: EventLoopPromise<AMIResponse>, timer: Scheduled<Void>?)] = [:]
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
        if cumulation == nil || cumulation!.readableBytes == 0 {
            cumulation = incoming
        } else {
            cumulation!.writeBuffer(&incoming)
        }
        do {
            while let output = try parser.next(from: &cumulation!) {
                handle(output, context: context)
            }
        } catch {
            fatalProtocolError(error, context: context)
            return
        }
        if cumulation!.readableBytes == 0 {
            cumulation = nil
        } else if cumulation!.readerIndex > 64 * 1024 {
            cumulation!.discardReadBytes()
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
            switch tracker.receive(message) {
            case .event(let event):
                eventBatch.append(event)
            case .listItem:
                break
            case .completed(let actionID, _, let result):
                flushEvents()
                guard let entry = promises.removeValue(forKey: actionID) else { return }
                entry.timer?.cancel()
                entry.promise.completeWith(result.mapError { $0 as Error })
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

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        flushEvents()
        let reason = closeReason ?? AMIError(.connectionClosed, "the connection to Asterisk was closed")
        terminationReason.value = reason
        bannerPromise?.fail(reason)
        bannerPromise = nil
        for (actionID, action) in tracker.failAll() {
            if let entry = promises.removeValue(forKey: actionID) {
                entry.timer?.cancel()
                entry.promise.fail(reason.with(action: action, actionID: actionID))
            }
        }
        // Requests written but never registered cannot exist; this only guards against leaks.
        for (_, entry) in promises {
            entry.timer?.cancel()
            entry.promise.fail(reason)
        }
        promises.removeAll()
        context.fireChannelInactive()
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard isActive else {
            let error = (closeReason ?? AMIError(.connectionClosed, "the connection to Asterisk is closed"))
                .with(action: request.action, actionID: request.actionID)
            request.promise.fail(error)
            promise?.fail(error)
            return
        }
        tracker.register(actionID: request.actionID, action: request.action, shape: request.shape)
        var timer: Scheduled<Void>?
        if let timeout = request.timeout {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let actionID = request.actionID
            timer = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.expire(actionID: actionID, timeout: timeout)
            }
        }
        promises[request.actionID] = (request.promise, timer)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    private func expire(actionID: String, timeout: TimeAmount) {
        guard let action = tracker.cancel(actionID: actionID), let entry = promises.removeValue(forKey: actionID) else {
            return
        }
        let millis = timeout.nanoseconds / 1_000_000
        entry.promise.fail(
            AMIError(.timeout, "no answer to \(action) within \(millis) ms", action: action, actionID: actionID))
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
        guard tracker.cancel(actionID: actionID) != nil, let entry = promises.removeValue(forKey: actionID) else {
            return
        }
        entry.timer?.cancel()
        entry.promise.fail(CancellationError())
    }
}
