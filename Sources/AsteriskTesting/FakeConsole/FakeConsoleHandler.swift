import NIOCore

/// One console connection of the fake: greets, splits NUL-terminated commands and answers them.
final class FakeConsoleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: FakeConsoleServer
    private var pending: [UInt8] = []
    private var stalled = false

    init(server: FakeConsoleServer) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        server.state.withLockedValue { $0.consoles[ObjectIdentifier(channel)] = .init(channel: channel) }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: server.greeting)), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let key = ObjectIdentifier(context.channel)
        server.state.withLockedValue { _ = $0.consoles.removeValue(forKey: key) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += unwrapInboundIn(data).readableBytesView
        while let end = pending.firstIndex(of: 0) {
            let command = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeSubrange(...end)
            guard !stalled else { continue }
            handle(command, context: context)
        }
        if pending.count > 4096 { context.close(promise: nil) }
    }

    private func handle(_ command: String, context: ChannelHandlerContext) {
        let key = ObjectIdentifier(context.channel)
        let (custom, stall) = server.state.withLockedValue { state in
            state.received.append(command)
            return (state.commands[command], state.stalls[command])
        }
        if let closes = stall {
            stalled = true
            if closes {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "partial output of \(command)\n")), promise: nil)
                context.close(promise: nil)
            }
            return
        }
        if command.hasPrefix("cli quit after ") {
            handle(String(command.dropFirst("cli quit after ".count)), context: context)
            context.close(promise: nil)
            return
        }
        var lines: [String]
        if let custom {
            lines = custom
        } else if command.hasPrefix("core set verbose atleast "), let level = Int(command.split(separator: " ")[4]) {
            server.state.withLockedValue { $0.consoles[key]?.verbosity = level }
            lines = command.hasSuffix(" silent") ? [] : ["Console verbose is now \(level)."]
        } else if command == "logger mute silent" || command == "logger mute" {
            let muted = server.state.withLockedValue { state -> Bool in
                state.consoles[key]?.muted.toggle()
                return state.consoles[key]?.muted ?? true
            }
            lines = command.hasSuffix("silent") ? [] : ["Console is \(muted ? "muted" : "unmuted")"]
        } else {
            lines = builtin(command)
        }
        let text = lines.map { $0 + "\n" }.joined()
        if !text.isEmpty { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil) }
    }

    private func builtin(_ command: String) -> [String] {
        switch command {
        case "core show version":
            return ["Asterisk \(server.version) built by fake @ \(server.hostname) on a x86_64 running Linux on 2026-11-23 04:13:10 UTC"]
        case "core show channels":
            return [
                "Channel              Location             State   Application(Data)             ",
                "PJSIP/100-00000001   100@office:1         Up      Dial(PJSIP/200,30)             ",
                "1 active channel", "1 active call", "7 calls processed",
            ]
        case "core show uptime":
            return ["System uptime: 1 hour, 2 minutes, 3 seconds", "Last reload: 4 minutes, 5 seconds"]
        default:
            let first = command.split(separator: " ").first.map(String.init) ?? command
            return ["No such command '\(command)' (type 'core show help \(first)' for other possible commands)"]
        }
    }
}
