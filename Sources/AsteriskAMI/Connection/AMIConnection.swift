import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Asks the connection handler to abandon a pending request.
struct AMICancelRequest: Sendable {
    let actionID: String
}

/// Asks the connection handler to close, failing pending requests with `reason`.
struct AMICloseRequest: Sendable {
    let reason: AMIError
}

/// One TCP (or TLS) connection to a manager, greeted but not necessarily logged in.
final class AMIConnection: Sendable {
    let channel: Channel
    let banner: AMIBanner
    private let terminationReason: NIOLoopBoundBox<AMIError?>
    /// Requests waiting to be written; drained by one event-loop task per batch, so concurrent
    /// senders share one wake-up and one flush (one write syscall) instead of one each.
    private let outbox = NIOLockedValueBox(Outbox())

    private struct Outbox {
        var requests: [AMIOutboundRequest] = []
        var drainScheduled = false
    }

    /// The connection's handler, reachable from the event loop for direct submission.
    private let handler: NIOLoopBound<AMIConnectionHandler>

    private init(
        channel: Channel, banner: AMIBanner, terminationReason: NIOLoopBoundBox<AMIError?>,
        handler: NIOLoopBound<AMIConnectionHandler>
    ) {
        self.channel = channel
        self.banner = banner
        self.terminationReason = terminationReason
        self.handler = handler
    }

    /// Connects, installs the handlers and waits for the banner.
    static func connect(
        configuration: AMIClientConfiguration, eventLoop: EventLoop, hub: AMIEventHub, logger: Logger
    ) async throws -> AMIConnection {
        let sslContext: NIOSSLContext?
        do {
            sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        } catch {
            throw AMIError(.connectionFailed, "the TLS configuration is unusable: \(error)")
        }
        let bannerPromise = eventLoop.makePromise(of: AMIBanner.self)
        let handlerPromise = eventLoop.makePromise(of: NIOLoopBound<AMIConnectionHandler>.self)
        let reasonBox = NIOLoopBoundBox<AMIError?>.makeEmptyBox(valueType: AMIError.self, eventLoop: eventLoop)
        let serverHostname = configuration.tlsServerHostname ?? configuration.host
        let limits = configuration.limits
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: AMIConnection.writeBufferWaterMark)
            .channelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 * 1024, maximum: 256 * 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let isAddress = serverHostname.contains(":") || serverHostname.allSatisfy { $0.isNumber || $0 == "." }
                        let tlsHandler = try NIOSSLClientHandler(
                            context: sslContext, serverHostname: isAddress ? nil : serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    let handler = AMIConnectionHandler(
                        limits: limits, hub: hub, bannerPromise: bannerPromise, terminationReason: reasonBox,
                        logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    handlerPromise.succeed(NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            bannerPromise.fail(error)
            handlerPromise.fail(error)
            throw AMIError(
                .connectionFailed,
                "could not connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let timer = eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9))) {
            channel.triggerUserOutboundEvent(
                AMICloseRequest(reason: AMIError(.timeout, "no AMI banner within the connect timeout")), promise: nil)
        }
        defer { timer.cancel() }
        do {
            let banner = try await bannerPromise.futureResult.get()
            let handler = try await handlerPromise.futureResult.get()
            logger.debug("AMI connected", metadata: ["asterisk.banner": "\(banner.line)"])
            return AMIConnection(channel: channel, banner: banner, terminationReason: reasonBox, handler: handler)
        } catch {
            channel.close(promise: nil)
            if let error = error as? AMIError { throw error }
            throw AMIError(.connectionFailed, "the connection ended before the banner: \(error)")
        }
    }

    /// How much may wait to be written before actions are refused with `.peerNotReading` (beyond
    /// what the kernel's socket buffer holds): a manager that stops reading cannot make the client's
    /// memory grow without bound.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 * 1024, high: 4 * 1024 * 1024)

    /// Writes an encoded action and waits for its complete answer.
    /// - Throws: `.peerNotReading` at once when the write buffer is full.
    func send(
        bytes: ByteBuffer, action: String, actionID: String, shape: AMIResponseShape, timeout: Duration?
    ) async throws -> AMIResponse {
        // (A closed channel is not writable either; its requests fail as connectionClosed below.)
        guard channel.isWritable || !channel.isActive else {
            throw AMIError(.peerNotReading, "Asterisk is not reading what is sent to it; \(action) was not queued", action: action)
        }
        let promise = channel.eventLoop.makePromise(of: AMIResponse.self)
        let request = AMIOutboundRequest(
            bytes: bytes, actionID: actionID, action: action, shape: shape,
            timeout: timeout.map { .nanoseconds(Int64($0.seconds * 1e9)) }, promise: promise)
        let channel = self.channel
        return try await withTaskCancellationHandler {
            enqueue(request)
            return try await promise.futureResult.get()
        } onCancel: {
            channel.triggerUserOutboundEvent(AMICancelRequest(actionID: actionID), promise: nil)
        }
    }

    private func enqueue(_ request: AMIOutboundRequest) {
        let schedule = outbox.withLockedValue { outbox -> Bool in
            outbox.requests.append(request)
            if outbox.drainScheduled { return false }
            outbox.drainScheduled = true
            return true
        }
        if schedule {
            channel.eventLoop.execute { self.drainOutbox() }
        }
    }

    /// Writes every queued request and flushes once (runs on the event loop).
    private func drainOutbox() {
        let requests = outbox.withLockedValue { outbox -> [AMIOutboundRequest] in
            defer {
                outbox.requests.removeAll(keepingCapacity: true)
                outbox.drainScheduled = false
            }
            return outbox.requests
        }
        handler.value.submit(requests)
    }

    /// Closes the connection; pending requests fail with `reason`.
    func close(reason: AMIError) {
        channel.triggerUserOutboundEvent(AMICloseRequest(reason: reason), promise: nil)
    }

    /// Waits until the connection has ended and returns why.
    func waitUntilClosed() async -> AMIError {
        try? await channel.closeFuture.get()
        let box = terminationReason
        let reason = try? await channel.eventLoop.submit { box.value }.get()
        return (reason ?? nil) ?? AMIError(.connectionClosed, "the connection to Asterisk was closed")
    }
}
