import Atomics
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Classic AGI: the program Asterisk starts with `AGI(script)`, talking over stdin and stdout.
///
/// ```swift
/// @main struct Script {
///     static func main() async throws {
///         let call = try await ClassicAGI.connect()
///         try await call.answer()
///         try await call.streamFile("hello-world")
///     }
/// }
/// ```
///
/// When the caller hangs up, Asterisk sends `HANGUP` on stdin and, unless `AGISIGHUP=no` is set on
/// the channel, the `SIGHUP` signal, whose default action would end the program: ``connect(input:output:handlesSIGHUP:logger:)``
/// catches it and reports it through ``AGIChannel/isHungUp`` instead. Set `AGIEXITONHANGUP=yes` on
/// the channel if you would rather Asterisk ended the script on hangup.
public enum ClassicAGI {
    /// Reads the environment from `input` and returns the call, ready for commands.
    ///
    /// - Parameters:
    ///   - input: the descriptor Asterisk writes to (standard input).
    ///   - output: the descriptor Asterisk reads (standard output; do not `print` to it yourself).
    ///   - handlesSIGHUP: whether to turn `SIGHUP` into a hangup flag rather than let it end the process.
    ///     The signal is per process, as a classic AGI program serves one call.
    public static func connect(
        input: CInt = 0, output: CInt = 1, handlesSIGHUP: Bool = true, logger: Logger = Logger(label: "asterisk.agi")
    ) async throws -> AGIChannel {
        let hungUp = NIOLockedValueBox(false)
        let ready = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: AGIStreamTransport.self)
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = AGIConnectionHandler(maxLineLength: 16 * 1024, hungUp: hungUp, logger: logger) {
                        environment, channel, handler in
                        ready.succeed(
                            AGIStreamTransport(environment: environment, channel: channel, handler: handler, hungUp: hungUp))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output).get()
        channel.closeFuture.whenComplete { _ in
            ready.fail(AGIError(.malformedEnvironment, "the input ended before the AGI environment was complete"))
        }
        if handlesSIGHUP { SIGHUPWatcher.install() }
        let transport = ClassicAGITransport(base: try await ready.futureResult.get(), watchesSIGHUP: handlesSIGHUP)
        return AGIChannel(transport: transport, logger: logger)
    }

    /// EAGI's audio: what the caller says, read from descriptor 3 (8 kHz signed-linear 16-bit mono
    /// unless the channel's codec says otherwise), cut into frames of `frameSize` bytes (320 = 20 ms).
    /// The descriptor is closed when `body` returns.
    public static func withAudio<Result: Sendable>(
        descriptor: CInt = 3, frameSize: Int = 320, _ body: (EAGIAudioFrames) async throws -> Result
    ) async throws -> Result {
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .takingOwnershipOfDescriptor(input: descriptor) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound in
            try await body(EAGIAudioFrames(inbound: inbound, frameSize: max(1, frameSize)))
        }
    }
}

/// EAGI audio frames as an `AsyncSequence`; it ends when Asterisk closes descriptor 3.
public struct EAGIAudioFrames: AsyncSequence {
    /// One frame of audio bytes.
    public typealias Element = ByteBuffer

    let inbound: NIOAsyncChannelInboundStream<ByteBuffer>
    let frameSize: Int

    /// Starts reading.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: inbound.makeAsyncIterator(), frameSize: frameSize)
    }

    /// Reads frames of exactly `frameSize` bytes (the last one may be shorter).
    public struct Iterator: AsyncIteratorProtocol {
        var base: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let frameSize: Int
        var pending = ByteBuffer()
        var finished = false

        /// The next frame, or nil at the end of the audio.
        public mutating func next() async throws -> ByteBuffer? {
            while pending.readableBytes < frameSize && !finished {
                if var chunk = try await base.next() {
                    if pending.readableBytes == 0 {
                        pending = chunk
                    } else {
                        // Only the start of a frame is left: it and the new bytes go into a buffer of their
                        // own, so no buffer keeps growing with the audio already handed out (appending to
                        // one would keep every byte read, for as long as the call lasts).
                        var joined = ByteBufferAllocator().buffer(capacity: pending.readableBytes + chunk.readableBytes)
                        joined.writeBuffer(&pending)
                        joined.writeBuffer(&chunk)
                        pending = joined
                    }
                } else {
                    finished = true
                }
            }
            guard pending.readableBytes > 0 else { return nil }
            return pending.readSlice(length: Swift.min(frameSize, pending.readableBytes))
        }
    }
}

/// Turns `SIGHUP` into a flag for classic AGI: a handler that only stores to a lock-free atomic
/// (async-signal-safe, and read safely by the transport on another thread). (Ignoring the signal
/// instead would make the kernel discard it, so nothing could notice the hangup.)
enum SIGHUPWatcher {
    /// Set to 1 by the signal handler; lives for the whole process.
    static let received = UnsafeAtomic<Int32>.create(0)
    private static let installed = NIOLockedValueBox(false)

    /// Installs the handler once per process.
    static func install() {
        installed.withLockedValue { installed in
            guard !installed else { return }
            installed = true
            _ = SIGHUPWatcher.received
            signal(SIGHUP) { _ in SIGHUPWatcher.received.store(1, ordering: .releasing) }
        }
    }

    /// Whether `SIGHUP` has arrived.
    static var hasFired: Bool { received.load(ordering: .acquiring) != 0 }
}

/// The classic AGI transport: the stream transport, plus `SIGHUP` as a hangup.
struct ClassicAGITransport: AGITransport {
    let base: AGIStreamTransport
    let watchesSIGHUP: Bool

    var environment: AGIEnvironment { base.environment }
    var hangupObserved: Bool { base.hangupObserved || (watchesSIGHUP && SIGHUPWatcher.hasFired) }

    func execute(_ command: AGICommand, timeout: Duration?) async throws -> AGIReply {
        try await base.execute(command, timeout: timeout)
    }

    func close() async { await base.close() }
}
