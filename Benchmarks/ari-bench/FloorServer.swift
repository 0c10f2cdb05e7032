import AsteriskARI
import AsteriskTesting
import Foundation
import NIOCore
import NIOPosix

/// `ari-bench serve-floor PORT`: the least a server can do for the REST measurement — one event loop,
/// one handler that answers every request head with the same prebuilt `GET /asterisk/info` response
/// (no routing, no authentication, no HTTP library) — so a client's own ceiling shows, as
/// `fastagi-bench`'s `nio-floor` mode does for FastAGI. Requests must carry no body.
enum FloorServer {
    /// Serves on 127.0.0.1:`port` until killed.
    static func run(port: Int) async throws {
        let answer = try await prebuiltAnswer()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FloorHandler(answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }

    /// The fake server's own `/asterisk/info` (fetched once from an in-process fake), as a whole
    /// HTTP/1.1 response.
    private static func prebuiltAnswer() async throws -> ByteBuffer {
        let fake = try await FakeARIServer.start(username: "bench", password: "bench")
        let ari = ARIClient(configuration: .init(baseURL: fake.baseURL, credentials: .basic("bench", "bench")))
        let info = try await ari.asterisk.getInfo()
        try await ari.shutdown()
        await fake.stop()
        let body = try JSONEncoder().encode(info)
        var answer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        answer.writeBytes(body)
        return answer
    }
}

/// Answers each complete request head (up to its blank line) with `answer`, one flush per read.
private final class FloorHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A head longer than this is not a benchmark request: the connection is closed.
    private static let maximumHead = 64 * 1024
    private let answer: ByteBuffer
    private var pending = ByteBuffer()

    init(answer: ByteBuffer) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        var answered = false
        while let end = Self.headEnd(in: pending) {
            pending.moveReaderIndex(forwardBy: end)
            context.write(wrapOutboundOut(answer), promise: nil)
            answered = true
        }
        if answered { context.flush() }
        if pending.readableBytes == 0 {
            pending.clear()
        } else if pending.readableBytes > Self.maximumHead {
            context.close(promise: nil)
        }
    }

    /// How many bytes the first complete head takes (through `\r\n\r\n`), or nil.
    private static func headEnd(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            var index = 3
            while index < bytes.count {
                if bytes[index] == 0x0A, bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A, bytes[index - 3] == 0x0D {
                    return index + 1
                }
                index += 1
            }
            return nil
        }
    }
}
