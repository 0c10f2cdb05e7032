import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket

/// The media WebSocket of one external-media channel of the fake (`chan_websocket` in server mode).
struct FakeARIMediaSlot {
    var connectionID: String
    var channelID: String
    var channelName: String
    var format: String
    /// JSON control messages (else the plain format).
    var json: Bool
    var socket: Channel?
    var received: [UInt8] = []
    var frameTimes: [ContinuousClock.Instant] = []
    var commands: [String] = []
    var tone: RepeatedTask?
    /// Whether the fake dialled this socket (then it masks what it writes, as a client must).
    var masked = false

    /// Bytes per 20 ms frame of the format.
    var optimalFrameSize: Int {
        switch format {
        case "slin16": 640
        case "slin", "slin8": 320
        case "slin48": 1920
        default: 160
        }
    }
}

/// What the fake recorded of a media WebSocket.
public struct FakeARIMediaRecord: Sendable {
    /// The audio bytes the client sent.
    public var received: [UInt8]
    /// When each audio frame arrived.
    public var frameTimes: [ContinuousClock.Instant]
    /// The control commands the client sent, as received.
    public var commands: [String]
    /// Whether the client's socket is open.
    public var connected: Bool
}

extension FakeARIServer {
    /// Sets how the fake's media WebSockets behave: how many 20 ms frames of a 440 Hz tone they send
    /// after `MEDIA_START` (0: none), and whether control messages are JSON (else plain text).
    public func setMediaBehaviour(toneFrames: Int = 50, jsonControl: Bool = true) {
        state.withLockedValue {
            $0.mediaToneFrames = toneFrames
            $0.mediaJSON = jsonControl
        }
    }

    /// What the media WebSocket of `connectionID` received.
    public func mediaRecord(_ connectionID: String) -> FakeARIMediaRecord? {
        state.withLockedValue { state in
            state.media[connectionID].map {
                FakeARIMediaRecord(received: $0.received, frameTimes: $0.frameTimes, commands: $0.commands, connected: $0.socket?.isActive == true)
            }
        }
    }

    /// The connection id of the external-media channel `channelID`.
    public func mediaConnectionID(ofChannel channelID: String) -> String? {
        state.withLockedValue { state in state.media.values.first { $0.channelID == channelID }?.connectionID }
    }

    /// Sends a control event on a media WebSocket (`MEDIA_XOFF`, `MEDIA_XON`, `DTMF_END` with `digit`, …).
    public func sendMediaEvent(_ event: String, to connectionID: String, fields: [String: String] = [:]) {
        guard let (socket, text, masked) = state.withLockedValue({ state -> (Channel, String, Bool)? in
            guard let slot = state.media[connectionID], let socket = slot.socket else { return nil }
            return (socket, Self.mediaEvent(event, slot: slot, fields: fields), slot.masked)
        }) else { return }
        socket.writeAndFlush(Self.mediaFrame(.text, ByteBuffer(string: text), masked: masked), promise: nil)
    }

    /// A frame of a media socket, masked when the fake is the client.
    static func mediaFrame(_ opcode: WebSocketOpcode, _ data: ByteBuffer, masked: Bool) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: masked ? .random() : nil, data: data)
    }

    /// Closes the media WebSocket of a channel abruptly (Asterisk gone or the channel destroyed).
    public func closeMediaSocket(ofChannel channelID: String) {
        let socket = state.withLockedValue { state in state.media.values.first { $0.channelID == channelID }?.socket }
        socket?.close(promise: nil)
    }

    /// Sends `count` audio frames at once, as fast as the socket takes them (to test a slow reader).
    public func blastMedia(to connectionID: String, frames count: Int) {
        guard let (socket, size, masked) = state.withLockedValue({ state -> (Channel, Int, Bool)? in
            guard let slot = state.media[connectionID], let socket = slot.socket else { return nil }
            return (socket, slot.optimalFrameSize, slot.masked)
        }) else { return }
        socket.eventLoop.execute {
            let frame = ByteBuffer(repeating: 0x55, count: size)
            for _ in 0..<count { socket.write(Self.mediaFrame(.binary, frame, masked: masked), promise: nil) }
            socket.flush()
        }
    }

    /// A control event in the slot's format.
    static func mediaEvent(_ event: String, slot: FakeARIMediaSlot, fields: [String: String]) -> String {
        if slot.json {
            var object: [String: Any] = ["event": event, "channel_id": slot.channelID]
            for (key, value) in fields {
                if let number = Int(value) {
                    object[key] = number
                } else if value == "true" || value == "false" {
                    object[key] = value == "true"
                } else {
                    object[key] = value
                }
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        if event == "MEDIA_BUFFERING_COMPLETED" || event == "MEDIA_MARK_PROCESSED" {
            return fields["correlation_id"].map { "\(event) \($0)" } ?? event
        }
        let rest = fields.keys.sorted().map { "\($0):\(fields[$0]!)" }.joined(separator: " ")
        return rest.isEmpty ? event : "\(event) \(rest)"
    }

    /// `MEDIA_START` for a slot.
    static func mediaStart(_ slot: FakeARIMediaSlot) -> String {
        if slot.json {
            let object: [String: Any] = [
                "event": "MEDIA_START", "connection_id": slot.connectionID, "channel": slot.channelName, "channel_id": slot.channelID,
                "format": slot.format, "optimal_frame_size": slot.optimalFrameSize, "ptime": 20,
                "channel_variables": ["MEDIA_WEBSOCKET_CONNECTION_ID": slot.connectionID],
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        return "MEDIA_START connection_id:\(slot.connectionID) channel:\(slot.channelName) channel_id:\(slot.channelID) "
            + "format:\(slot.format) optimal_frame_size:\(slot.optimalFrameSize) ptime:20"
    }

    /// One 20 ms frame of a 440 Hz tone (16-bit little-endian samples for slin formats, μ-law-ish bytes otherwise).
    static func toneFrame(_ slot: FakeARIMediaSlot, index: Int) -> ByteBuffer {
        let rate = slot.format == "slin16" ? 16_000 : slot.format == "slin48" ? 48_000 : 8_000
        let samples = rate / 50
        var buffer = ByteBuffer()
        for n in 0..<samples {
            let t = Double(index * samples + n) / Double(rate)
            let value = sin(2 * Double.pi * 440 * t)
            if slot.format.hasPrefix("slin") {
                buffer.writeInteger(Int16(value * 8000), endianness: .little)
            } else {
                buffer.writeInteger(UInt8(truncatingIfNeeded: Int(value * 64) + 128))
            }
        }
        return buffer
    }

    /// Starts a slot's session on an upgraded channel: `MEDIA_START`, then the tone.
    func startMedia(_ connectionID: String, on channel: Channel) {
        guard let (slot, toneFrames) = state.withLockedValue({ state -> (FakeARIMediaSlot, Int)? in
            state.media[connectionID]?.socket = channel
            return state.media[connectionID].map { ($0, state.mediaToneFrames) }
        }) else { return }
        channel.writeAndFlush(Self.mediaFrame(.text, ByteBuffer(string: Self.mediaStart(slot)), masked: slot.masked), promise: nil)
        guard toneFrames > 0 else { return }
        let sent = NIOLockedValueBox(0)
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { [self] task in
            let index = sent.withLockedValue { count -> Int in
                count += 1
                return count - 1
            }
            guard index < toneFrames, channel.isActive else {
                task.cancel()
                return
            }
            channel.writeAndFlush(Self.mediaFrame(.binary, Self.toneFrame(slot, index: index), masked: slot.masked), promise: nil)
            _ = self
        }
        state.withLockedValue { $0.media[connectionID]?.tone = task }
    }

    /// Takes one frame from a client's media socket.
    func receiveMedia(_ frame: WebSocketFrame, connectionID: String, on channel: Channel) {
        let masked = state.withLockedValue { $0.media[connectionID]?.masked ?? false }
        switch frame.opcode {
        case .binary:
            let bytes = frame.unmaskedData.readableBytesView
            state.withLockedValue { state in
                state.media[connectionID]?.received += bytes
                state.media[connectionID]?.frameTimes.append(.now)
            }
        case .text:
            let text = String(buffer: frame.unmaskedData)
            answerMediaCommand(text, connectionID: connectionID, on: channel)
        case .ping:
            channel.writeAndFlush(Self.mediaFrame(.pong, frame.unmaskedData, masked: masked), promise: nil)
        case .connectionClose:
            channel.writeAndFlush(Self.mediaFrame(.connectionClose, ByteBuffer(), masked: masked)).whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
    }

    /// Answers a control command as chan_websocket does.
    private func answerMediaCommand(_ text: String, connectionID: String, on channel: Channel) {
        var command = text
        var argument: String?
        if text.hasPrefix("{"), let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            command = object["command"] as? String ?? ""
            argument = object["correlation_id"] as? String ?? object["direction"] as? String
        } else if let space = text.firstIndex(of: " ") {
            command = String(text[..<space])
            argument = String(text[text.index(after: space)...])
        }
        guard let slot = state.withLockedValue({ state -> FakeARIMediaSlot? in
            state.media[connectionID]?.commands.append(text)
            return state.media[connectionID]
        }) else { return }
        var reply: String?
        switch command {
        case "GET_STATUS":
            reply = Self.mediaEvent("STATUS", slot: slot, fields: [
                "queue_length": "0", "xon_level": "800", "xoff_level": "900", "queue_full": "false", "bulk_media": "false", "media_paused": "false",
            ])
        case "MARK_MEDIA": reply = Self.mediaEvent("MEDIA_MARK_PROCESSED", slot: slot, fields: ["correlation_id": argument ?? ""])
        case "STOP_MEDIA_BUFFERING": reply = Self.mediaEvent("MEDIA_BUFFERING_COMPLETED", slot: slot, fields: ["correlation_id": argument ?? ""])
        case "REPORT_QUEUE_DRAINED": reply = Self.mediaEvent("QUEUE_DRAINED", slot: slot, fields: [:])
        case "HANGUP":
            hangUp(slot.channelID)
            channel.close(promise: nil)
        case "ANSWER", "FLUSH_MEDIA", "START_MEDIA_BUFFERING", "PAUSE_MEDIA", "CONTINUE_MEDIA", "SET_MEDIA_DIRECTION":
            break
        default:
            reply = Self.mediaEvent("ERROR", slot: slot, fields: ["error_text": "Unknown command \(command)"])
        }
        if let reply { channel.writeAndFlush(Self.mediaFrame(.text, ByteBuffer(string: reply), masked: slot.masked), promise: nil) }
    }
}

/// Feeds a fake media WebSocket's frames to the server.
final class FakeARIMediaHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    private let server: FakeARIServer
    private let connectionID: String
    private let startsWhenAdded: Bool

    /// `startsWhenAdded`: send `MEDIA_START` at once (server side); a client-side socket starts once its
    /// upgrade has finished (NIO refuses writes while a client upgrade is in progress).
    init(server: FakeARIServer, connectionID: String, startsWhenAdded: Bool = true) {
        self.server = server
        self.connectionID = connectionID
        self.startsWhenAdded = startsWhenAdded
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if startsWhenAdded { server.startMedia(connectionID, on: context.channel) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        server.receiveMedia(unwrapInboundIn(data), connectionID: connectionID, on: context.channel)
    }
}

extension FakeARIServer {
    /// `POST /channels/externalMedia`: a channel in `app`; with `transport=websocket` and
    /// `connection_type=server`, its media WebSocket waits at `/media/<MEDIA_WEBSOCKET_CONNECTION_ID>`.
    func externalMedia(query: [String: String], state: inout FakeARIState, events: inout [FakeARIPendingEvent]) -> FakeARIResponse {
        guard let app = query["app"], !app.isEmpty else { return .error(400, "app is required") }
        guard let format = query["format"], !format.isEmpty else { return .error(400, "format is required") }
        let id = query["channelId"] ?? "media-\(state.nextID)"
        state.nextID += 1
        guard state.channels[id] == nil else { return .error(409, "Channel with this ID already exists") }
        let connectionID = UUID().uuidString.lowercased()
        var channel = FakeARIChannel(
            id: id, name: "WebSocket/\(connectionID)-\(String(format: "%08x", state.nextID))", state: "Up", callerNumber: "", app: app)
        if query["transport"] == "websocket" && (query["connection_type"] ?? "client") == "server" {
            channel.channelvars = ["MEDIA_WEBSOCKET_CONNECTION_ID": connectionID]
            state.media[connectionID] = FakeARIMediaSlot(
                connectionID: connectionID, channelID: id, channelName: channel.name, format: format, json: state.mediaJSON)
        }
        state.channels[id] = channel
        events.append(.init(event: ["type": "StasisStart", "args": [String](), "channel": channel.json], app: app))
        return Self.okJSON(channel.json)
    }
}

extension FakeARIServer {
    /// A call's media goes out to the application, as `Dial(WebSocket/<client>)` does: the fake creates
    /// a channel, opens a media WebSocket to `target` (offer `protocols: "media"`), sends `MEDIA_START`
    /// and its tone, and answers commands. Returns the channel's id (its media is ``mediaRecord(_:)`` of
    /// ``mediaConnectionID(ofChannel:)``).
    @discardableResult
    public func dialMedia(to target: FakeARIOutboundTarget, format: String = "slin16") async throws -> String {
        let connectionID = UUID().uuidString.lowercased()
        let id = state.withLockedValue { state -> String in
            defer { state.nextID += 1 }
            let id = "media-out-\(state.nextID)"
            var channel = FakeARIChannel(id: id, name: "WebSocket/\(connectionID)-\(String(format: "%08x", state.nextID))", state: "Up", callerNumber: "")
            channel.channelvars = ["MEDIA_WEBSOCKET_CONNECTION_ID": connectionID]
            state.channels[id] = channel
            var slot = FakeARIMediaSlot(connectionID: connectionID, channelID: id, channelName: channel.name, format: format, json: state.mediaJSON)
            slot.masked = true
            state.media[connectionID] = slot
            return id
        }
        do {
            let channel = try await dialWebSocket(target) { [self] channel in
                try channel.pipeline.syncOperations.addHandler(FakeARIMediaHandler(server: self, connectionID: connectionID, startsWhenAdded: false))
            }
            channel.eventLoop.execute { [self] in startMedia(connectionID, on: channel) }
        } catch {
            state.withLockedValue { state in
                state.media[connectionID] = nil
                state.channels[id] = nil
            }
            throw error
        }
        return id
    }
}
