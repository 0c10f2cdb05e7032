import ArgumentParser
import AsteriskAMI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `astctl monitor`: a refreshing view of channels, bridges and queues from the live model.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Watch channels, bridges and queues live (redrawn as they change); --once prints one snapshot.")

    @OptionGroup var connection: AMIConnectionOptions
    @Flag(help: "Print the current picture once and exit.") var once = false
    @Flag(help: "Print JSON (one object per picture, one per line).") var json = false
    @Option(help: "Redraw at most this often, in seconds.") var interval: Double = 0.5
    @Option(help: "Stop after this many pictures.") var count: Int?

    func validate() throws {
        guard interval >= 0.05 else { throw ValidationError("--interval must be at least 0.05 seconds") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let client = try await connection.connect(events: .on, reconnect: once ? .disabled : .exponential())
        let model = AMILiveModel(client: client)
        do {
            try await model.start()
        } catch {
            printError("astctl: the snapshot failed: \(error)")
            await client.close()
            throw (error as? AMIError)?.code == .actionFailed ? AstctlExit.actionFailed : AstctlExit.connectionFailed
        }
        let title = "Asterisk \(client.configuration.host):\(client.configuration.port)"
        let redraw = isatty(1) == 1 && !json && !once
        var shown = 0
        func show() async {
            let view = await MonitorView(model: model)
            if redraw { print("\u{1B}[H\u{1B}[2J", terminator: "") } else if shown > 0 && !json { print("") }
            print(json ? view.json : view.text(title: title))
            fflush(nil)
            shown += 1
        }
        let changes = await model.changes
        await show()
        if !once && count.map({ shown < $0 }) ?? true {
            // Changes mark the picture stale; it is redrawn at most once per interval, however many came.
            let stale = StaleFlag()
            let watcher = Task {
                for await _ in changes { await stale.mark() }
                await stale.finish()
            }
            let pause = Duration.milliseconds(Int64(interval * 1000))
            while true {
                try? await Task.sleep(for: pause)
                let (isStale, isFinished) = await stale.take()
                if isStale { await show() }
                if isFinished || count.map({ shown >= $0 }) ?? false { break }
            }
            watcher.cancel()
        }
        await model.stop()
        await client.close()
    }
}

/// Whether the monitor's picture is out of date, and whether the changes have ended.
actor StaleFlag {
    private var stale = false
    private var finished = false

    /// Something changed.
    func mark() { stale = true }
    /// The changes ended (the model stopped).
    func finish() { finished = true }
    /// Reads and clears the flag.
    func take() -> (stale: Bool, finished: Bool) {
        defer { stale = false }
        return (stale, finished)
    }
}
