import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A channel's audio over a WebSocket (`chan_websocket`, Asterisk 20.18/22.8/23.2 and later): audio
/// frames from Asterisk as an `AsyncSequence`, audio to Asterisk paced in real time, and the control
/// messages in typed form.
///
/// ```swift
/// let (channel, media) = try await ari.externalMedia(app: "bot", format: "slin16")
/// print("audio for \(channel.id): \(media.start.format), \(media.start.optimalFrameSize) bytes every \(media.start.ptime) ms")
/// Task { for await frame in media.audio { recognizer.feed(frame) } }
/// try await media.play(greeting)          // paced, pauses while Asterisk's queue is full
/// try await media.send(.hangup)
/// ```
///
/// Frames from Asterisk wait in a bounded buffer (the oldest are dropped for a consumer that falls
/// behind, counted in ``droppedFrameCount``). ``play(_:)`` writes ``ARIMediaStart/optimalFrameSize``
/// bytes every ``ARIMediaStart/ptime`` milliseconds, waits while Asterisk has said `MEDIA_XOFF`, and
/// waits for each write to reach the socket, so a peer that stops reading holds it back.
public final class ARIMediaSession: Sendable {
    /// The session's description from `MEDIA_START`.
    public let start: ARIMediaStart
    /// Audio frames from Asterisk, in order; ends when the connection does.
    public let audio: AsyncStream<[UInt8]>
    /// Control messages from Asterisk (`MEDIA_XOFF`, `DTMF_END`, `STATUS`, …), in order.
    public let events: AsyncStream<ARIMediaEvent>
    let core: ARIMediaCore

    init(start: ARIMediaStart, core: ARIMediaCore) {
        self.start = start
        self.core = core
        self.audio = core.audioStream
        self.events = core.eventStream
    }

    /// Frames from Asterisk dropped because ``audio`` was not read fast enough.
    public var droppedFrameCount: Int { core.state.withLockedValue { $0.dropped } }

    /// Whether Asterisk has asked to stop sending (`MEDIA_XOFF` without a `MEDIA_XON` since).
    public var isPaused: Bool { core.state.withLockedValue { $0.xoff } }

    /// Sends a control command (in the control format Asterisk uses on this connection).
    public func send(_ command: ARIMediaCommand) async throws(ARIError) {
        let text = try command.encoded(json: core.state.withLockedValue { $0.json })
        try await core.write(.text, ByteBuffer(string: text))
    }

    /// Sends one audio frame as it is, without pacing.
    public func sendFrame(_ bytes: [UInt8]) async throws(ARIError) {
        try await core.write(.binary, ByteBuffer(bytes: bytes))
    }

    /// Sends audio in real time: frames of ``ARIMediaStart/optimalFrameSize`` bytes (the last one
    /// may be shorter), one every ``ARIMediaStart/ptime`` milliseconds, pausing while Asterisk's queue
    /// is full. Returns when all of it has been written.
    /// - Throws: `.connectionFailed` when the connection ends, `.cancelled` when the task is cancelled.
    public func play(_ audio: [UInt8]) async throws(ARIError) {
        let frameSize = start.optimalFrameSize > 0 ? start.optimalFrameSize : 320
        let period = Duration.milliseconds(start.ptime > 0 ? start.ptime : 20)
        var next = ContinuousClock.now
        var offset = 0
        while offset < audio.count {
            try await core.waitUntilSendable()
            let end = min(offset + frameSize, audio.count)
            try await core.write(.binary, ByteBuffer(bytes: audio[offset..<end]))
            offset = end
            guard offset < audio.count else { break }  // no wait after the last frame
            next += period
            do {
                try await Task.sleep(until: next, clock: .continuous)
            } catch {
                throw ARIError(.cancelled, "the playback was cancelled")
            }
        }
    }

    /// Closes the connection (the channel is hung up by Asterisk when its media socket goes away).
    public func close() {
        core.close()
    }
}

/// The shared state of a media session, fed by its handler on the event loop.
final class ARIMediaCore: Sendable {
    struct State {
        var channel: Channel?
        var handler: NIOLoopBound<ARIMediaWebSocketHandler>?
        var context: NIOLoopBound<ChannelHandlerContext>?
        var start: ARIMediaStart?
        var startWaiter: CheckedContinuation<Result<ARIMediaStart, ARIError>, Never>?
        var json = true
        var xoff = false
        var sendWaiters: [CheckedContinuation<Void, Never>] = []
        var ended: ARIError?
        var dropped = 0
    }

    let state = NIOLockedValueBox(State())
    /// Whether frames we write are masked (we opened the socket).
    let masksFrames: Bool
    let audioStream: AsyncStream<[UInt8]>
    let eventStream: AsyncStream<ARIMediaEvent>
    private let audioContinuation: AsyncStream<[UInt8]>.Continuation
    private let eventContinuation: AsyncStream<ARIMediaEvent>.Continuation

    init(bufferFrames: Int, masksFrames: Bool = true) {
        self.masksFrames = masksFrames
        (audioStream, audioContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(max(1, bufferFrames)))
        (eventStream, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1000))
    }

    /// Puts a media handler feeding this core on an upgraded channel (on its event loop).
    func install(on channel: Channel, maxMessageSize: Int) throws {
        let handler = ARIMediaWebSocketHandler(maxMessageSize: maxMessageSize, masksFrames: masksFrames) { [self] in handle($0) }
        try channel.pipeline.syncOperations.addHandler(handler)
        let context = try channel.pipeline.syncOperations.context(handler: handler)
        state.withLockedValue { state in
            state.channel = channel
            state.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
            state.context = NIOLoopBound(context, eventLoop: channel.eventLoop)
        }
    }

    /// Takes one output of the handler.
    func handle(_ output: ARIMediaWebSocketHandler.Output) {
        switch output {
        case .audio(let buffer):
            if case .dropped = audioContinuation.yield(Array(buffer.readableBytesView)) {
                state.withLockedValue { $0.dropped += 1 }
            }
        case .control(let text):
            let event = ARIMediaEvent.parse(text)
            var waiters: [CheckedContinuation<Void, Never>] = []
            var startWaiter: CheckedContinuation<Result<ARIMediaStart, ARIError>, Never>?
            state.withLockedValue { state in
                switch event {
                case .mediaStart(let start):
                    state.json = text.trimmingCharacters(in: .whitespaces).hasPrefix("{")
                    state.start = start
                    startWaiter = state.startWaiter
                    state.startWaiter = nil
                case .mediaXoff:
                    state.xoff = true
                case .mediaXon:
                    state.xoff = false
                    waiters = state.sendWaiters
                    state.sendWaiters = []
                default:
                    break
                }
            }
            if case .mediaStart(let start) = event { startWaiter?.resume(returning: .success(start)) }
            for waiter in waiters { waiter.resume() }
            eventContinuation.yield(event)
        case .closed(let error):
            let (waiters, startWaiter) = state.withLockedValue { state in
                state.ended = error ?? ARIError(.connectionFailed, "the media WebSocket was closed")
                defer {
                    state.sendWaiters = []
                    state.startWaiter = nil
                }
                return (state.sendWaiters, state.startWaiter)
            }
            for waiter in waiters { waiter.resume() }
            startWaiter?.resume(returning: .failure(error ?? ARIError(.connectionFailed, "the media WebSocket was closed before MEDIA_START")))
            audioContinuation.finish()
            eventContinuation.finish()
        }
    }

    /// Waits for `MEDIA_START`, at most `timeout`.
    func waitForStart(timeout: Duration) async -> Result<ARIMediaStart, ARIError> {
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            let waiter = state.withLockedValue { state -> CheckedContinuation<Result<ARIMediaStart, ARIError>, Never>? in
                defer { state.startWaiter = nil }
                return state.startWaiter
            }
            waiter?.resume(returning: .failure(ARIError(.timeout, "Asterisk sent no MEDIA_START within \(timeout)")))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<ARIMediaStart, ARIError>? in
                if let start = state.start { return .success(start) }
                if let ended = state.ended { return .failure(ended) }
                state.startWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Returns once sending is allowed (no `MEDIA_XOFF` in force); throws when the connection ended.
    func waitUntilSendable() async throws(ARIError) {
        while true {
            if let ended = state.withLockedValue({ $0.ended }) { throw ended }
            if Task.isCancelled { throw ARIError(.cancelled, "the playback was cancelled") }
            let paused = state.withLockedValue { $0.xoff }
            guard paused else { return }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let wait = state.withLockedValue { state -> Bool in
                        guard state.xoff, state.ended == nil else { return false }
                        state.sendWaiters.append(continuation)
                        return true
                    }
                    if !wait { continuation.resume() }
                }
            } onCancel: {
                let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                    defer { state.sendWaiters = [] }
                    return state.sendWaiters
                }
                for waiter in waiters { waiter.resume() }
            }
        }
    }

    /// Writes one frame and waits until it has reached the socket.
    func write(_ opcode: WebSocketOpcode, _ data: ByteBuffer) async throws(ARIError) {
        let (channel, ended) = state.withLockedValue { ($0.channel, $0.ended) }
        if let ended { throw ended }
        guard let channel else { throw ARIError(.connectionFailed, "the media WebSocket is not open") }
        do {
            try await channel.writeAndFlush(WebSocketFrame(fin: true, opcode: opcode, maskKey: masksFrames ? .random() : nil, data: data)).get()
        } catch {
            throw state.withLockedValue { $0.ended } ?? ARIError(.connectionFailed, "the media frame could not be written: \(error)")
        }
    }

    /// Closes the connection on purpose.
    func close() {
        let (handler, context, channel) = state.withLockedValue { ($0.handler, $0.context, $0.channel) }
        guard let handler, let context, let channel else { return }
        channel.eventLoop.execute { handler.value.closeOnPurpose(context: context.value) }
    }
}
