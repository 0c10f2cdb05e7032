import AsteriskAMI
import NIOConcurrencyHelpers
import NIOCore

/// One client connection to the fake server: login state, event mask, filters, and a serial action queue.
final class FakeAMISession: Sendable {
    struct SessionState {
        var user: FakeAMIUser?
        var challenge: String?
        var eventsOn = true
        var filters: [String] = []
    }

    let server: FakeAMIServer
    let channel: Channel
    let local = NIOLockedValueBox(SessionState())
    private let queue: AsyncStream<AMIMessage>.Continuation
    private let worker: NIOLockedValueBox<Task<Void, Never>?> = NIOLockedValueBox(nil)

    init(server: FakeAMIServer, channel: Channel) {
        self.server = server
        self.channel = channel
        let (stream, continuation) = AsyncStream.makeStream(of: AMIMessage.self)
        self.queue = continuation
        let task = Task { [self] in
            for await message in stream { await process(message) }
        }
        worker.withLockedValue { $0 = task }
    }

    var isLoggedIn: Bool { local.withLockedValue { $0.user != nil } }

    func opened() {
        server.state.withLockedValue { $0.sessions[ObjectIdentifier(self)] = self }
        writeRaw(Array("Asterisk Call Manager/\(server.configuration.amiVersion)\r\n".utf8))
    }

    func closed() {
        server.state.withLockedValue { _ = $0.sessions.removeValue(forKey: ObjectIdentifier(self)) }
        queue.finish()
    }

    func enqueue(_ message: AMIMessage) { queue.yield(message) }

    // MARK: - writing

    func writeRaw(_ bytes: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Writes bytes and waits until the socket took them; false when the connection is gone.
    func writeRawAndWait(_ bytes: [UInt8]) async -> Bool {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try await channel.writeAndFlush(buffer).get()
            return true
        } catch {
            return false
        }
    }

    /// Stops (or resumes) reading from the client, as a server that hangs would.
    func setReading(_ reading: Bool) {
        channel.setOption(ChannelOptions.autoRead, value: reading).whenComplete { _ in }
        if reading { channel.read() }
    }

    func write(frames: [[AMIHeader]]) {
        var buffer = channel.allocator.buffer(capacity: 256 * frames.count)
        for frame in frames {
            do {
                try AMIActionEncoder.encode(frame: frame, into: &buffer)
            } catch {
                server.logger.error("fake AMI server refused to write a frame", metadata: ["error": "\(error)"])
            }
        }
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Writes an event if this session is logged in, has events on, and its filters pass it.
    func deliver(_ event: AMIEvent) {
        let wanted = local.withLockedValue { state -> Bool in
            guard state.user != nil, state.eventsOn else { return false }
            return FakeAMISession.passes(event, filters: state.filters)
        }
        if wanted { write(frames: [event.headers]) }
    }

    /// Writes `count` copies of an event in large chunks, waiting for each chunk to be taken by the socket.
    func flood(_ events: [AMIEvent], count: Int) async {
        guard !events.isEmpty else { return }
        let encoded = events.map { event -> ByteBuffer in
            var one = ByteBuffer()
            try? AMIActionEncoder.encode(frame: event.headers, into: &one)
            return one
        }
        var sent = 0
        while sent < count {
            let batch = min(count - sent, 1000)
            var buffer = channel.allocator.buffer(capacity: encoded[0].readableBytes * batch)
            for index in sent..<(sent + batch) { buffer.writeImmutableBuffer(encoded[index % encoded.count]) }
            sent += batch
            do {
                try await channel.writeAndFlush(buffer).get()
            } catch {
                return
            }
        }
    }

    /// Asterisk's filter semantics, simplified: `Header: value` must appear (or, with `!`, must not).
    static func passes(_ event: AMIEvent, filters: [String]) -> Bool {
        guard !filters.isEmpty else { return true }
        let lines = event.headers.map { "\($0.name): \($0.value)" }
        let includes = filters.filter { !$0.hasPrefix("!") }
        let excludes = filters.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        if !includes.isEmpty && !includes.contains(where: { pattern in lines.contains { $0.contains(pattern) } }) {
            return false
        }
        return !excludes.contains(where: { pattern in lines.contains { $0.contains(pattern) } })
    }

    // MARK: - processing

    private func process(_ message: AMIMessage) async {
        let action = message["Action"] ?? ""
        let (delay, silenced, handler) = server.state.withLockedValue { state in
            if state.recordsActions { state.received.append(message) }
            let key = action.lowercased()
            return (state.delays[key], state.silenced.contains(key), state.handlers[key])
        }
        if silenced { return }
        if let delay { try? await Task.sleep(for: delay) }
        let user = local.withLockedValue { $0.user }
        let request = FakeAMIRequest(action: action, message: message, username: user?.username)
        let reply: FakeAMIReply
        if action.isEmpty {
            reply = .error(message: "Missing action in request")
        } else if user == nil && !["login", "challenge"].contains(action.lowercased()) {
            reply = .error(message: "Permission denied")
        } else if let user, !user.may(action) {
            reply = .error(message: "Permission denied")
        } else if let handler {
            do {
                reply = try await handler(request)
            } catch {
                reply = .error(message: "\(error)")
            }
        } else {
            reply = await builtin(request)
        }
        send(reply, to: request)
        afterReply(request)
    }

    private func send(_ reply: FakeAMIReply, to request: FakeAMIRequest) {
        let actionID = request.actionID.map { [AMIHeader(name: "ActionID", value: $0)] } ?? []
        switch reply {
        case .success(let message, let headers):
            let text = message.map { [AMIHeader(name: "Message", value: $0)] } ?? []
            write(frames: [[AMIHeader(name: "Response", value: "Success")] + actionID + text + headers])
        case .error(let message):
            write(frames: [[AMIHeader(name: "Response", value: "Error")] + actionID + [AMIHeader(name: "Message", value: message)]])
        case .list(let message, let items, let completeEvent, let completeHeaders):
            var frames: [[AMIHeader]] = [
                [AMIHeader(name: "Response", value: "Success")] + actionID + [
                    AMIHeader(name: "EventList", value: "start"), AMIHeader(name: "Message", value: message),
                ]
            ]
            for item in items { frames.append(item.headers + actionID) }
            frames.append(
                [AMIHeader(name: "Event", value: completeEvent)] + actionID + [
                    AMIHeader(name: "EventList", value: "Complete"), AMIHeader(name: "ListItems", value: String(items.count)),
                ] + completeHeaders)
            write(frames: frames)
        case .frames(let frames):
            write(frames: frames)
        case .none:
            break
        }
    }
}

/// Feeds a session's connection into its parser and queue.
final class FakeAMISessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let session: FakeAMISession
    private var parser = AMIFrameParser(expectsBanner: false)
    private var buffer: ByteBuffer?

    init(session: FakeAMISession) { self.session = session }

    func channelActive(context: ChannelHandlerContext) {
        session.opened()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.closed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer == nil { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        do {
            while case .message(let message)? = try parser.next(from: &buffer!) {
                session.enqueue(message)
            }
        } catch {
            context.close(promise: nil)
        }
        if buffer!.readableBytes == 0 { buffer = nil }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
