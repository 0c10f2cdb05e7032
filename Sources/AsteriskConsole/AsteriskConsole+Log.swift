import NIOConcurrencyHelpers

/// What the live console log delivers.
public enum ConsoleLogElement: Sendable {
    /// A verbose or log line (command output sent to the console shows up as `.output`).
    case line(ConsoleLine)
    /// The console connection was lost; it is being re-established.
    case disconnected(ConsoleError)
    /// Connected again (Asterisk may have restarted: see its greeting).
    case reconnected(ConsoleGreeting)
}

extension AsteriskConsole {
    /// The live console log: verbose lines up to `verbosity` and log lines, as they happen, on a
    /// connection of its own that is re-established when Asterisk restarts (`.disconnected`, then
    /// `.reconnected`). At most `bufferLines` lines wait for a slow reader; the oldest are dropped.
    /// The stream ends when the consuming task stops iterating it.
    public func log(verbosity: Int = 3, bufferLines: Int = 10_000, retryInterval: Duration = .seconds(1)) -> AsyncStream<ConsoleLogElement> {
        let (stream, continuation) = AsyncStream<ConsoleLogElement>.makeStream(bufferingPolicy: .bufferingNewest(max(1, bufferLines)))
        let socketPath = self.socketPath
        let logger = self.logger
        let task = Task {
            var connectedBefore = false
            while !Task.isCancelled {
                let collector = ConsoleLogFeed(continuation: continuation, verbosity: verbosity)
                do {
                    let connection = try await ConsoleConnection.connect(socketPath: socketPath, maximumLineLength: 64 * 1024) { collector.take($0) }
                    let greeting = try await collector.waitForGreeting()
                    if connectedBefore { continuation.yield(.reconnected(greeting)) }
                    connectedBefore = true
                    try await connection.send(ConsoleCommand.encode("core set verbose atleast \(max(0, verbosity)) silent"))
                    try await connection.send(ConsoleCommand.encode("logger mute silent"))
                    let lost = await withTaskCancellationHandler {
                        await collector.waitForEnd()
                    } onCancel: {
                        connection.close()
                    }
                    if Task.isCancelled { break }
                    logger.debug("Asterisk console log connection lost", metadata: ["asterisk.error": "\(lost)"])
                    continuation.yield(.disconnected(lost))
                } catch {
                    if Task.isCancelled { break }
                    if !connectedBefore {
                        continuation.yield(.disconnected(error as? ConsoleError ?? ConsoleError(.connectionFailed, "\(error)")))
                        connectedBefore = true
                    }
                }
                try? await Task.sleep(for: retryInterval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// Feeds one log connection's lines into the stream and lets the loop wait for its greeting and end.
final class ConsoleLogFeed: Sendable {
    private let continuation: AsyncStream<ConsoleLogElement>.Continuation
    private let verbosity: Int
    private let greeting = NIOLockedValueBox<(Result<ConsoleGreeting, ConsoleError>?, CheckedContinuation<Result<ConsoleGreeting, ConsoleError>, Never>?)>((nil, nil))
    private let end = NIOLockedValueBox<(ConsoleError?, CheckedContinuation<ConsoleError, Never>?)>((nil, nil))

    init(continuation: AsyncStream<ConsoleLogElement>.Continuation, verbosity: Int) {
        self.continuation = continuation
        self.verbosity = verbosity
    }

    func take(_ output: ConsoleConnection.Output) {
        switch output {
        case .greeting(let value):
            settleGreeting(.success(value))
        case .lines(let lines):
            for line in lines {
                if case .verbose(let level, _) = line, level > verbosity { continue }
                continuation.yield(.line(line))
            }
        case .closed(let error):
            let failure = error ?? ConsoleError(.connectionLost, "Asterisk closed the console connection")
            settleGreeting(.failure(failure))
            let waiter = end.withLockedValue { state -> CheckedContinuation<ConsoleError, Never>? in
                guard state.0 == nil else { return nil }
                state.0 = failure
                defer { state.1 = nil }
                return state.1
            }
            waiter?.resume(returning: failure)
        }
    }

    private func settleGreeting(_ result: Result<ConsoleGreeting, ConsoleError>) {
        let waiter = greeting.withLockedValue { state -> CheckedContinuation<Result<ConsoleGreeting, ConsoleError>, Never>? in
            guard state.0 == nil else { return nil }
            state.0 = result
            defer { state.1 = nil }
            return state.1
        }
        waiter?.resume(returning: result)
    }

    func waitForGreeting() async throws(ConsoleError) -> ConsoleGreeting {
        let result = await withCheckedContinuation { continuation in
            let ready = greeting.withLockedValue { state -> Result<ConsoleGreeting, ConsoleError>? in
                if let result = state.0 { return result }
                state.1 = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }

    func waitForEnd() async -> ConsoleError {
        await withCheckedContinuation { continuation in
            let ready = end.withLockedValue { state -> ConsoleError? in
                if let error = state.0 { return error }
                state.1 = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
