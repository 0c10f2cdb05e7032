import ArgumentParser
import AsteriskAGI
import AsteriskAMI
import AsteriskARI
import AsteriskTesting
import Logging

/// `astctl soak`: the AMI client, a FastAGI server and the ARI client under continuous load against
/// the built-in fakes, with faults injected on a schedule; reports throughput, losses, reconnects
/// and resident memory, and fails when a request hung or memory kept growing.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run AMI, FastAGI and ARI under load against the built-in fakes, with periodic faults; report and check.")

    @Option(help: "How long to run, in seconds.") var seconds: Int = 60
    @Option(help: "Seconds between injected faults (0: none).") var faultInterval: Double = 5
    @Option(help: "Seconds between report lines.") var reportInterval: Double = 10
    @Option(help: "The most resident memory may grow after the warm-up, in MiB, before the run fails.") var memoryBound: Int = 128

    func validate() throws {
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
        guard reportInterval > 0 else { throw ValidationError("--report-interval must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "astctl.soak")
        logger.logLevel = .critical
        let counters = SoakCounters()
        let rig = try await SoakRig.start(logger: logger)
        let clock = ContinuousClock()
        let started = clock.now
        let end = started + .seconds(seconds)
        let warmUp = started + .seconds(min(5, max(1, seconds / 5)))
        print("soak: \(seconds) s, a fault every \(faultInterval) s; AMI :\(rig.ami.port), FastAGI :\(rig.fastAGI.port), ARI :\(rig.ari.port)")

        let loads = [
            Task { await rig.amiActions(until: end, counters) },
            Task { await rig.amiCalls(until: end, counters) },
            Task { await rig.amiEvents(until: end, counters) },
            Task { await rig.agiCalls(until: end, counters) },
            Task { await rig.ariRequests(until: end, counters) },
            Task { await rig.ariCalls(until: end, counters) },
            Task { await rig.ariEvents(until: end, counters) },
        ]
        let faults = Task { await rig.faults(every: faultInterval, until: end, counters) }
        var nextReport = clock.now + .milliseconds(Int64(reportInterval * 1000))
        while clock.now < end {
            try? await Task.sleep(for: .milliseconds(100))
            if let resident = ResidentMemory.bytes() { await counters.noteResident(resident, warmedUp: clock.now >= warmUp) }
            if clock.now >= nextReport || clock.now >= end {
                let elapsed = (clock.now - started).components.seconds
                print("t=\(elapsed)s rss_mb=\((ResidentMemory.bytes() ?? 0) >> 20) \(await counters.line())")
                nextReport = clock.now + .milliseconds(Int64(reportInterval * 1000))
            }
        }
        await faults.value
        // Every load stops within a few seconds of the end: nothing waits forever.
        let stopDeadline = clock.now + .seconds(15)
        var hung = 0
        for load in loads {
            let finished = await SoakRig.finishes(load, by: stopDeadline)
            if !finished { hung += 1 }
        }
        await rig.stop()

        let baseline = await counters.baselineResident ?? 0
        let peak = await counters.peakResident
        let growth = max(0, peak - baseline) >> 20
        print("summary: \(await counters.line())")
        print("summary: rss_baseline_mb=\(baseline >> 20) rss_peak_mb=\(peak >> 20) growth_mb=\(growth) hung_loads=\(hung)")
        var failures: [String] = []
        if hung > 0 { failures.append("\(hung) load task(s) did not stop: something waited forever") }
        if growth > memoryBound { failures.append("resident memory grew \(growth) MiB after the warm-up (bound \(memoryBound))") }
        for name in ["ami_answered", "agi_sessions_ok", "ari_requests_ok", "ami_events", "ari_events"] where await counters.value(name) == 0 {
            failures.append("no \(name) at all")
        }
        for failure in failures { printError("soak: FAILED: \(failure)") }
        if !failures.isEmpty { throw ExitCode(1) }
        print("soak: passed")
    }
}
