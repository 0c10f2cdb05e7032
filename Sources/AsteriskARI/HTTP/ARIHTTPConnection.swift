import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One kept-alive HTTP/1.1 connection to Asterisk, carrying one request at a time (the pool sees to that).
final class ARIHTTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ARIHTTPResponseHandler>
    /// Numbers the requests, so a late cancellation cannot reach the next one.
    private let requestCount = NIOLockedValueBox(0)
    /// When the connection last finished a request (idle connections are not kept for ever).
    let lastUsed = NIOLockedValueBox(ContinuousClock.now)

    private init(channel: any Channel, handler: ARIHTTPResponseHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Whether the connection can carry another request.
    var isUsable: Bool { channel.isActive }

    /// Connects on `eventLoop` (with TLS when `sslContext` is given) and sets up the HTTP pipeline.
    static func connect(
        to endpoint: ARIHTTPEndpoint, on eventLoop: any EventLoop, sslContext: NIOSSLContext?, connectTimeout: Duration, maxResponseSize: Int
    ) async throws(ARIError) -> ARIHTTPConnection {
        do {
            return try await ClientBootstrap(group: eventLoop)
                .connectTimeout(TimeAmount(connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let sslContext {
                            try pipeline.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: endpoint.tlsServerName))
                        }
                        let handler = ARIHTTPResponseHandler(maxResponseSize: maxResponseSize)
                        try pipeline.addHandler(handler)
                        return ARIHTTPConnection(channel: channel, handler: handler)
                    }
                }
        } catch {
            throw ARIError(.connectionFailed, "could not connect to \(endpoint.host):\(endpoint.port): \(error)")
        }
    }

    /// Writes `request` and waits at most `timeout` for its response. A timeout or cancellation closes
    /// the connection (the answer could still arrive on it).
    func execute(_ request: ARIHTTPRequest, timeout: Duration) async throws(ARIError) -> ARIHTTPResponse {
        let number = requestCount.withLockedValue { count in
            count += 1
            return count
        }
        let handler = self.handler
        let eventLoop = channel.eventLoop
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<ARIHTTPResponse, ARIError>, Never>) in
                let completion: ARIHTTPResponseHandler.Completion = { continuation.resume(returning: $0) }
                if eventLoop.inEventLoop {
                    handler.value.start(request, number: number, timeout: timeout, completion: completion)
                } else {
                    eventLoop.execute { handler.value.start(request, number: number, timeout: timeout, completion: completion) }
                }
            }
        } onCancel: {
            eventLoop.execute { handler.value.fail(number, ARIError(.cancelled, "the request was cancelled")) }
        }
        lastUsed.withLockedValue { $0 = .now }
        return try result.get()
    }

    /// Closes the connection.
    func close() { channel.close(promise: nil) }
}
