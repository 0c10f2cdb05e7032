import NIOCore
import NIOPosix

/// A reference point, not the library: the harness's script served by a bare NIO channel handler
/// (no AGI parser, no tasks, no continuations), to show what NIO's own per-connection work costs
/// against the C floor. Run with `FASTAGI_BENCH_MODE=nio-floor`.
enum NIOFloorServer {
    /// The script's commands, in order.
    static let script = [
        "ANSWER\n", "GET VARIABLE CALLERID(num)\n", "SET VARIABLE FOO bar\n", "STREAM FILE hello-world \"\"\n",
        "SAY NUMBER 42 \"\"\n", "HANGUP\n",
    ]

    /// One call: skips the environment up to its blank line, then sends a command per reply line.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var inEnvironment = true
        private var step = 0
        private var lineStart = true

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            var sends = 0
            for byte in buffer.readableBytesView {
                if byte == UInt8(ascii: "\n") {
                    if inEnvironment {
                        if lineStart { inEnvironment = false; sends += 1 }
                    } else {
                        sends += 1
                    }
                    lineStart = true
                } else if byte != UInt8(ascii: "\r") {
                    lineStart = false
                }
            }
            for _ in 0..<sends {
                if step == Self.scriptCount {
                    context.close(promise: nil)
                    return
                }
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: NIOFloorServer.script[step])), promise: nil)
                step += 1
            }
        }

        private static let scriptCount = NIOFloorServer.script.count
    }

    /// Serves on 127.0.0.1:`port` until the process is killed.
    static func run(port: Int, group: any EventLoopGroup) async throws {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler())
                    try channel.syncOptions?.setOption(.socketOption(.tcp_nodelay), value: 1)
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }
}
