import AsteriskAGI
import AsteriskAMI
import AsteriskARI
import AsteriskTesting
import Logging

/// The soak's fakes, clients and server, and the loads it runs against them.
struct SoakRig: Sendable {
    let ami: FakeAMIServer
    let ari: FakeARIServer
    let fastAGI: FastAGIServer
    let amiClient: AMIClient
    let ariClient: ARIClient
    let stasis: StasisApplication
    let stasisRun: Task<Void, any Error>

    static func start(logger: Logger) async throws -> SoakRig {
        let ami = try await FakeAMIServer.start()
        ami.recordActions(false)
        ami.setOriginateOutcome { request in
            switch (request["Channel"] ?? "").last {
            case "7": return .busy
            case "8": return .noAnswer(ringing: .milliseconds(20))
            default: return .answer(ringing: .milliseconds(5), talking: .milliseconds(20))
            }
        }
        let ari = try await FakeARIServer.start()
        ari.recordRequests(false)
        let fastAGI = FastAGIServer(configuration: .init(port: 0, idleTimeout: .seconds(5)), logger: logger) { router in
            router.route("soak") { call in
                try await call.answer()
                _ = try await call.getVariable("CALLERID(num)")
                try await call.streamFile("hello-world")
                try await call.hangup()
            }
        }
        try await fastAGI.start()
        let amiClient = AMIClient(
            configuration: .init(
                port: ami.port, username: "admin", secret: .md5("secret"), actionTimeout: .seconds(5),
                keepAliveInterval: .seconds(2), reconnect: .exponential(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200))),
            logger: logger)
        try await amiClient.connect()
        let ariClient = ARIClient(configuration: .init(baseURL: ari.baseURL, credentials: .basic("app", "secret"), connectTimeout: .seconds(2)), logger: logger)
        let stasis = StasisApplication(
            name: "soak", client: ariClient,
            configuration: .init(reconnect: .exponential(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200))), logger: logger
        ) { call in
            try await call.answer()
            try await call.play("sound:hello-world", timeout: .seconds(5))
            try await call.hangup()
        }
        try await stasis.start()
        let stasisRun = Task { try await stasis.run() }
        return SoakRig(ami: ami, ari: ari, fastAGI: fastAGI, amiClient: amiClient, ariClient: ariClient, stasis: stasis, stasisRun: stasisRun)
    }

    /// Whether `task` finishes by `deadline`.
    static func finishes(_ task: Task<Void, Never>, by deadline: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await task.value; return true }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Counts an AMI failure by its code.
    private static func failure(_ error: any Error, _ prefix: String, _ counters: SoakCounters) async {
        let code = (error as? AMIError)?.code.name ?? (error as? ARIError)?.code.description ?? "other"
        await counters.add("\(prefix)_failed_\(code)")
    }

    func amiActions(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        var index = 0
        while ContinuousClock.now < end {
            index += 1
            do {
                if index % 2 == 0 {
                    _ = try await amiClient.send(PingAction())
                } else {
                    _ = try await amiClient.send(action: "Setvar", ["Variable": "SOAK", "Value": String(index)])
                }
                await counters.add("ami_answered")
            } catch {
                await Self.failure(error, "ami", counters)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func amiCalls(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        var index = 0
        while ContinuousClock.now < end {
            index += 1
            do {
                let call = try await amiClient.originate(OriginateAction(
                    channel: "PJSIP/\(index)", destination: .dialplan(context: "soak", exten: "100")))
                let ended = try await call.ended(timeout: .seconds(10))
                await counters.add("ami_calls_\(ended.reason)")
            } catch {
                await Self.failure(error, "ami_calls", counters)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func amiEvents(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        let subscription = amiClient.subscribe(bufferCapacity: 10_000)
        let stop = Task {
            try? await Task.sleep(until: end)
            subscription.cancel()
        }
        do {
            for try await element in subscription {
                switch element {
                case .event: await counters.add("ami_events")
                case .eventsDropped(let count): await counters.add("ami_events_dropped", count)
                case .connectionLost: await counters.add("ami_connections_lost")
                case .reconnected: await counters.add("ami_reconnects")
                }
            }
        } catch {
            await Self.failure(error, "ami_events", counters)
        }
        stop.cancel()
    }

    func agiCalls(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        while ContinuousClock.now < end {
            do {
                let record = try await FakeAGICaller.call(
                    port: fastAGI.port, script: "soak", dialogue: FakeAGIDialogue(variables: ["CALLERID(num)": "100"]), timeout: .seconds(10))
                await counters.add(record.commands.count == 4 ? "agi_sessions_ok" : "agi_sessions_short")
            } catch {
                await counters.add("agi_sessions_failed")
            }
        }
    }

    func ariRequests(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        while ContinuousClock.now < end {
            do {
                _ = try await ariClient.asterisk.getInfo()
                await counters.add("ari_requests_ok")
            } catch {
                await Self.failure(error, "ari_requests", counters)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func ariCalls(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        while ContinuousClock.now < end {
            let id = ari.simulateCall(app: "soak")
            await counters.add("ari_calls")
            // The app answers, plays and hangs up; a call lost to a fault is hung up here.
            let deadline = ContinuousClock.now + .seconds(5)
            while ari.channelState(id) != nil && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
            if ari.channelState(id) != nil {
                ari.hangUp(id)
                await counters.add("ari_calls_abandoned")
            }
        }
    }

    func ariEvents(until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        guard let subscription = try? await ariClient.events(
            apps: ["soak-watch"], subscribeAll: true, reconnect: .exponential(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200)))
        else { return await counters.add("ari_events_failed_subscribe") }
        let stop = Task {
            try? await Task.sleep(until: end)
            subscription.close()
        }
        do {
            for try await element in subscription {
                switch element {
                case .event: await counters.add("ari_events")
                case .connectionLost: await counters.add("ari_connections_lost")
                case .reconnected: await counters.add("ari_reconnects")
                }
            }
        } catch {
            await Self.failure(error, "ari_events", counters)
        }
        stop.cancel()
    }

    /// Drops AMI connections, closes ARI sockets, and restarts both fakes, in turn.
    func faults(every interval: Double, until end: ContinuousClock.Instant, _ counters: SoakCounters) async {
        guard interval > 0 else { return }
        var round = 0
        while true {
            try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            guard ContinuousClock.now < end else { return }
            switch round % 4 {
            case 0: ami.dropAllConnections()
            case 1: ari.closeEventSockets(abruptly: true)
            case 2:
                await ami.stop()
                try? await Task.sleep(for: .milliseconds(300))
                try? await ami.restart()
            default:
                await ari.stop()
                try? await Task.sleep(for: .milliseconds(300))
                try? await ari.resume()
            }
            await counters.add("faults")
            round += 1
        }
    }

    func stop() async {
        stasis.stop()
        _ = try? await stasisRun.value
        await amiClient.close()
        try? await ariClient.shutdown()
        await fastAGI.shutdown()
        await ami.stop()
        await ari.stop()
    }
}
