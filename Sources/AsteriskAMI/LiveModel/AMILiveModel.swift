/// A live picture of the PBX from AMI: the current channels, bridges and queues, loaded from a
/// snapshot (`CoreShowChannels`, `BridgeList`, `QueueStatus`) at ``start()`` and again after every reconnect, and kept up to
/// date by events in between. Queries answer from memory; ``changes`` streams what changed.
///
/// ```swift
/// let model = AMILiveModel(client: ami)
/// try await model.start()
/// print(await model.channels.map(\.name))
/// for await change in model.changes { print(change) }
/// ```
public actor AMILiveModel {
    private let client: AMIClient
    private var state = AMILiveModelState()
    private var observers: [UInt64: AsyncStream<AMILiveChange>.Continuation] = [:]
    private var nextObserver: UInt64 = 0
    private var follower: Task<Void, Never>?
    /// How many snapshots have been loaded (1 after ``start()``, one more per reconnect).
    public private(set) var snapshotCount = 0

    /// The events that change the model.
    static let events = [
        "Newchannel", "Newstate", "NewCallerid", "NewConnectedLine", "Newexten", "Rename", "VarSet", "Hangup", "DialBegin",
        "DialState", "DialEnd", "BridgeCreate", "BridgeDestroy", "BridgeEnter", "BridgeLeave", "QueueMemberAdded",
        "QueueMemberRemoved", "QueueMemberStatus", "QueueMemberPause", "QueueMemberPenalty", "QueueMemberRinginuse",
        "QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon",
    ]

    /// A model fed by `client` (connected or not yet).
    public init(client: AMIClient) {
        self.client = client
    }

    /// Subscribes to the events, loads the first snapshot, and follows the events from then on.
    /// - Throws: ``AMIError`` when the snapshot cannot be loaded (not connected, action refused).
    public func start() async throws {
        guard follower == nil else { return }
        let subscription = client.subscribe(.names(Self.events))
        do {
            try await resynchronize()
        } catch {
            subscription.cancel()
            throw error
        }
        follower = Task { [weak self] in
            do {
                for try await element in subscription {
                    guard let self else { return }
                    await self.handle(element)
                }
            } catch {}
            await self?.finishObservers()
        }
    }

    /// Stops following events; the model keeps its last picture.
    public func stop() {
        follower?.cancel()
        follower = nil
        finishObservers()
    }

    /// The channels, ordered by unique id.
    public var channels: [AMILiveChannel] { state.channels.values.sorted { $0.uniqueID < $1.uniqueID } }
    /// The channel with this unique id.
    public func channel(_ uniqueID: String) -> AMILiveChannel? { state.channels[uniqueID] }
    /// The channel with this name.
    public func channel(named name: String) -> AMILiveChannel? { state.channels.values.first { $0.name == name } }
    /// The bridges, ordered by id.
    public var bridges: [AMILiveBridge] { state.bridges.values.sorted { $0.id < $1.id } }
    /// The bridge with this id.
    public func bridge(_ id: String) -> AMILiveBridge? { state.bridges[id] }
    /// The call queues, ordered by name.
    public var queues: [AMILiveQueue] { state.queues.values.sorted { $0.name < $1.name } }
    /// The queue called `name`.
    public func queue(_ name: String) -> AMILiveQueue? { state.queues[name] }

    /// Every change from now on (finishing when the model stops).
    public var changes: AsyncStream<AMILiveChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: AMILiveChange.self, bufferingPolicy: .bufferingNewest(100_000))
        nextObserver += 1
        let id = nextObserver
        observers[id] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.removeObserver(id) } }
        return stream
    }

    private func removeObserver(_ id: UInt64) { observers[id] = nil }

    private func handle(_ element: AMIStreamElement<AMIEvent>) async {
        switch element {
        case .event(let event): publish(state.apply(event))
        case .reconnected, .eventsDropped:
            do {
                try await resynchronize()
            } catch {
                // The picture stays as it was until the next reconnect; say so rather than hide it.
                client.logger.warning("live model: the snapshot after a reconnect failed", metadata: ["asterisk.error": "\(error)"])
            }
        case .connectionLost: break
        }
    }

    /// Loads a snapshot and publishes the differences.
    private func resynchronize() async throws {
        let channels = try await client.send(action: "CoreShowChannels")
        var bridges: [AMIEvent] = []
        do {
            bridges = try await client.send(action: "BridgeList").events
        } catch let error as AMIError where error.code == .actionFailed {
            // No bridges (Asterisk answers an empty BridgeList with an error on some versions).
        }
        var queues: [AMIEvent] = []
        do {
            queues = try await client.send(action: "QueueStatus").events
        } catch let error as AMIError where error.code == .actionFailed {
            // app_queue is not loaded: no queues.
        }
        publish(state.load(channels: channels.events, bridges: bridges, queues: queues))
        snapshotCount += 1
    }

    private func publish(_ changes: [AMILiveChange]) {
        for change in changes {
            for observer in observers.values { observer.yield(change) }
        }
    }

    private func finishObservers() {
        for observer in observers.values { observer.finish() }
        observers.removeAll()
    }
}
