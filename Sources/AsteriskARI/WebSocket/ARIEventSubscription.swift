import AsteriskNIOSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The queue between the events WebSocket(s) and a subscription's consumer: the undecoded messages of
/// each read burst, and connection markers.
typealias ARIEventQueue = BoundedBatchQueue<ByteBuffer, ARIStreamElement, ARIError>

extension BoundedBatchQueue where Element == ByteBuffer, Marker == ARIStreamElement, Failure == ARIError {
    /// A queue holding at most `capacity` messages and `byteLimit` bytes of them (each message's
    /// length plus a little for its bookkeeping).
    static func messages(capacity: Int, byteLimit: Int) -> ARIEventQueue {
        ARIEventQueue(capacity: capacity, weightLimit: byteLimit, weight: { $0.readableBytes + 64 })
    }
}

/// The events WebSocket of one or more Stasis applications, as an `AsyncSequence` of typed events and
/// connection markers.
///
/// ```swift
/// let subscription = try await ari.events(apps: ["ivr"])
/// for try await element in subscription {
///     switch element {
///     case .event(.stasisStart(let start)): print("call from", start.channel.caller.number)
///     case .event: break
///     case .connectionLost(let error): print("lost:", error)
///     case .reconnected: print("back; re-read state over REST")
///     }
/// }
/// ```
///
/// A lost connection is reconnected with the client's ``ARIReconnectPolicy`` (the applications are
/// registered again by the new connection); the stream ends when ``close()`` is called, when the
/// consuming task is cancelled, or, throwing the last ``ARIError``, when the policy gives up.
/// Messages are decoded by the consumer, a read burst at a time. At most `bufferSize` messages, and
/// ``ARIClientConfiguration/maxBufferedEventBytes`` of them, wait undecoded besides those the consumer
/// has already taken; beyond either bound the oldest are dropped (counted in ``droppedEventCount``), so
/// a consumer that falls behind costs bounded memory (at most twice the bounds) and never delays REST
/// answers. Iterate from one task.
public final class ARIEventSubscription: AsyncSequence, Sendable {
    /// Events and markers.
    public typealias Element = ARIStreamElement

    /// A queued run of messages or a marker.
    typealias Item = ARIEventQueue.Item

    let source: any ARIEventSource
    let queue: ARIEventQueue

    init(source: any ARIEventSource, queue: ARIEventQueue) {
        self.source = source
        self.queue = queue
    }

    /// The applications this subscription registered.
    public var apps: [String] { source.apps }

    /// Messages dropped so far because the consumer fell behind.
    public var droppedEventCount: Int { queue.droppedCount }

    /// Closes the WebSocket and ends the stream.
    public func close() { source.close() }

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator { makeAsyncIterator(onlyType: nil) }

    /// An iterator that, given `onlyType`, skips messages of other types undecoded.
    func makeAsyncIterator(onlyType: String?) -> Iterator {
        Iterator(subscription: self, logger: source.logger, onlyType: onlyType)
    }

    /// The next run of messages or marker; nil when the stream is over. A consumer cancelled while it
    /// waits ends the stream and closes the WebSocket.
    func take(into batch: inout CircularBuffer<Item>, isolation actor: isolated (any Actor)?) async throws -> Bool {
        if try await queue.take(into: &batch, isolation: actor) { return true }
        if Task.isCancelled { source.close() }
        return false
    }

    /// Events only (markers are skipped).
    public var events: ARIEventStream<ARIEvent> { ARIEventStream(subscription: self) { $0 } }

    /// Each message as the JSON text Asterisk sent, undecoded (markers skipped): for logging and tools.
    public var rawMessages: ARIRawMessageStream { ARIRawMessageStream(subscription: self) }

    /// Events of one type only, for example `subscription.events(of: ARIStasisStartEvent.self)`.
    /// Messages of other types are recognised by their `type` and skipped without being decoded.
    public func events<Event: ARITypedEvent>(of type: Event.Type) -> ARIEventStream<Event> {
        ARIEventStream(subscription: self, onlyType: Event.eventType) { $0.payload as? Event }
    }

    /// Iterates a subscription, decoding each message as it is taken.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: ARIEventSubscription
        let logger: Logger
        var batch = CircularBuffer<Item>()
        var pending = ArraySlice<ByteBuffer>()
        /// When set, messages whose `type` is another are skipped undecoded.
        let onlyType: String?

        init(subscription: ARIEventSubscription, logger: Logger, onlyType: String? = nil) {
            self.subscription = subscription
            self.logger = logger
            self.onlyType = onlyType
        }

        /// The next event or marker; nil when the stream ended; throws the error that ended it.
        public mutating func next() async throws -> ARIStreamElement? {
            try await next(isolation: nil)
        }

        /// ``next()`` on the caller's actor: a `for try await` loop reads buffered events without
        /// hopping to another executor for each one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> ARIStreamElement? {
            while true {
                if let event = nextBufferedEvent() { return .event(event) }
                if let item = batch.popFirst() {
                    switch item {
                    case .marker(let marker): return marker
                    case .elements(let buffers): pending = buffers
                    }
                    continue
                }
                guard try await subscription.take(into: &batch, isolation: actor) else { return nil }
            }
        }

        /// The next event among the messages already taken from the stream (skipping those of another
        /// type, and those that do not decode, with a warning); nil when none is left. Synchronous, so
        /// the iterators built on this one read a burst without an `async` call per event.
        mutating func nextBufferedEvent() -> ARIEvent? {
            while let buffer = pending.popFirst() {
                do {
                    let event = try buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(ARIError) -> ARIEvent? in
                        guard let onlyType else { return try ARIEvent.decode(bytes: bytes) }
                        let type = try ARIEventTypeProbe.type(of: bytes)
                        return type == onlyType ? try ARIEvent.decode(bytes: bytes, type: type) : nil
                    }
                    if let event { return event }
                } catch {
                    logger.warning("ARI message skipped", metadata: ["asterisk.error": "\(error)"])
                }
            }
            return nil
        }
    }
}

/// Events of an ``ARIEventSubscription`` (markers skipped), optionally narrowed to one type.
public struct ARIEventStream<Event: Sendable>: AsyncSequence, Sendable {
    let subscription: ARIEventSubscription
    /// The only `type` worth decoding, when the stream is narrowed to one.
    var onlyType: String? = nil
    let transform: @Sendable (ARIEvent) -> Event?

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: subscription.makeAsyncIterator(onlyType: onlyType), transform: transform)
    }

    /// Iterates the events.
    public struct Iterator: AsyncIteratorProtocol {
        var base: ARIEventSubscription.Iterator
        let transform: @Sendable (ARIEvent) -> Event?

        /// The next matching event; nil when the stream ended.
        public mutating func next() async throws -> Event? {
            try await next(isolation: nil)
        }

        /// ``next()`` on the caller's actor, without a hop per event.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Event? {
            while true {
                while let event = base.nextBufferedEvent() {
                    if let value = transform(event) { return value }
                }
                guard let element = try await base.next(isolation: actor) else { return nil }
                if case .event(let event) = element, let value = transform(event) { return value }
            }
        }
    }
}

/// The messages of an ``ARIEventSubscription`` as JSON text, undecoded.
public struct ARIRawMessageStream: AsyncSequence, Sendable {
    let subscription: ARIEventSubscription

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator { Iterator(subscription: subscription) }

    /// Iterates the messages.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: ARIEventSubscription
        var batch = CircularBuffer<ARIEventSubscription.Item>()
        var pending = ArraySlice<ByteBuffer>()

        /// The next message's text; nil when the stream ended.
        public mutating func next() async throws -> String? {
            try await next(isolation: nil)
        }

        /// ``next()`` on the caller's actor, without a hop per message.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> String? {
            while true {
                if let buffer = pending.popFirst() { return String(buffer: buffer) }
                if let item = batch.popFirst() {
                    if case .elements(let buffers) = item { pending = buffers }
                    continue
                }
                guard try await subscription.take(into: &batch, isolation: actor) else { return nil }
            }
        }
    }
}
