import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One connection to the control socket (the NIO edge): reads the greeting, then hands every line to
/// `deliver`, and reports the end once.
final class ConsoleConnection: Sendable {
    /// What the connection reports, on its event loop.
    enum Output: Sendable {
        case greeting(ConsoleGreeting)
        case lines([ConsoleLine])
        /// The connection ended (an error when it was not greeted properly).
        case closed(ConsoleError?)
    }

    let channel: Channel

    private init(channel: Channel) { self.channel = channel }

    /// Connects to `socketPath`.
    static func connect(
        socketPath: String, maximumLineLength: Int, deliver: @escaping @Sendable (Output) -> Void
    ) async throws(ConsoleError) -> ConsoleConnection {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConsoleHandler(maximumLineLength: maximumLineLength, deliver: deliver))
                    }
                }
                .connect(unixDomainSocketPath: socketPath).get()
            return ConsoleConnection(channel: channel)
        } catch {
            throw ConsoleError(.connectionFailed, "could not connect to \(socketPath): \(error)")
        }
    }

    /// Writes bytes (a NUL-terminated command).
    func send(_ bytes: [UInt8]) async throws(ConsoleError) {
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        } catch {
            throw ConsoleError(.connectionLost, "the command could not be written: \(error)")
        }
    }

    /// Closes the connection.
    func close() { channel.close(promise: nil) }
}

/// Splits the socket's bytes: the first line is the greeting, the rest go through a ``ConsoleLineParser``.
final class ConsoleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var parser: ConsoleLineParser
    private var greeting: [UInt8]? = []
    private let deliver: @Sendable (ConsoleConnection.Output) -> Void
    private var failure: ConsoleError?

    init(maximumLineLength: Int, deliver: @escaping @Sendable (ConsoleConnection.Output) -> Void) {
        self.parser = ConsoleLineParser(maximumLineLength: maximumLineLength)
        self.deliver = deliver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var bytes = buffer.readableBytesView[...]
        if greeting != nil {
            if let newline = bytes.firstIndex(of: 0x0A) {
                greeting! += bytes[..<newline]
                bytes = bytes[bytes.index(after: newline)...]
                let text = String(decoding: greeting!, as: UTF8.self)
                greeting = nil
                do {
                    deliver(.greeting(try ConsoleGreeting.parse(text)))
                } catch {
                    failure = error
                    context.close(promise: nil)
                    return
                }
            } else {
                greeting! += bytes
                if greeting!.count > 4096 {
                    failure = ConsoleError(.malformedGreeting, "the greeting exceeded 4096 bytes")
                    context.close(promise: nil)
                }
                return
            }
        }
        let lines = parser.feed(bytes)
        if !lines.isEmpty { deliver(.lines(lines)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if greeting != nil && failure == nil {
            failure = ConsoleError(.malformedGreeting, "the connection closed before Asterisk greeted")
        }
        if let last = parser.finish() { deliver(.lines([last])) }
        deliver(.closed(failure))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if failure == nil && greeting != nil { failure = ConsoleError(.connectionLost, "the control socket failed: \(error)") }
        context.close(promise: nil)
    }
}
