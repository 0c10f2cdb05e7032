import NIOConcurrencyHelpers

/// Gathers what one connection delivers and lets a task wait for its greeting and for the end of a
/// command's output (the marker's answer, see ``AsteriskConsole``), each with a deadline; output beyond
/// the limit ends the wait with `.outputTooLarge`, a connection closed before the marker with `.connectionLost`.
final class ConsoleCollector: Sendable {
    private struct State {
        var greeting: Result<ConsoleGreeting, ConsoleError>?
        var greetingWaiter: CheckedContinuation<Result<ConsoleGreeting, ConsoleError>, Never>?
        var lines: [ConsoleLine] = []
        var bytes = 0
        var end: Result<[ConsoleLine], ConsoleError>?
        var endWaiter: CheckedContinuation<Result<[ConsoleLine], ConsoleError>, Never>?
    }

    private let limit: Int
    /// The start of the line that ends the output (`No such command '<marker>'`), if any.
    private let endLine: String?
    private let state = NIOLockedValueBox(State())

    init(limit: Int = .max, marker: String? = nil) {
        self.limit = limit
        self.endLine = marker.map { "No such command '\($0)'" }
    }

    /// Takes one output of the connection.
    func take(_ output: ConsoleConnection.Output) {
        var greetingResume: (CheckedContinuation<Result<ConsoleGreeting, ConsoleError>, Never>, Result<ConsoleGreeting, ConsoleError>)?
        var endResume: (CheckedContinuation<Result<[ConsoleLine], ConsoleError>, Never>, Result<[ConsoleLine], ConsoleError>)?
        state.withLockedValue { state in
            switch output {
            case .greeting(let greeting):
                state.greeting = .success(greeting)
                if let waiter = state.greetingWaiter { greetingResume = (waiter, .success(greeting)) }
                state.greetingWaiter = nil
            case .lines(let lines):
                guard state.end == nil else { return }
                for line in lines {
                    if let endLine, case .output(let text) = line, text.hasPrefix(endLine) {
                        state.end = .success(state.lines)
                        break
                    }
                    state.lines.append(line)
                    state.bytes += Self.size(of: line)
                }
                if state.end == nil, state.bytes > limit {
                    state.end = .failure(ConsoleError(.outputTooLarge, "the output exceeded \(limit) bytes"))
                    state.lines = []
                }
            case .closed(let error):
                if state.greeting == nil {
                    let failure = error ?? ConsoleError(.connectionLost, "the connection closed before Asterisk greeted")
                    state.greeting = .failure(failure)
                    if let waiter = state.greetingWaiter { greetingResume = (waiter, .failure(failure)) }
                    state.greetingWaiter = nil
                }
                if state.end == nil {
                    state.end = .failure(error ?? ConsoleError(.connectionLost, "Asterisk closed the console before the command's output ended"))
                }
            }
            if let end = state.end, let waiter = state.endWaiter {
                endResume = (waiter, end)
                state.endWaiter = nil
            }
        }
        if let (waiter, result) = greetingResume { waiter.resume(returning: result) }
        if let (waiter, result) = endResume { waiter.resume(returning: result) }
    }

    private static func size(of line: ConsoleLine) -> Int {
        switch line {
        case .output(let text), .verbose(_, let text): text.utf8.count
        case .log(let log): log.message.utf8.count + 64
        }
    }

    /// Waits for the greeting, at most `timeout`.
    func waitForGreeting(timeout: Duration) async -> Result<ConsoleGreeting, ConsoleError> {
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            let waiter = state.withLockedValue { state -> CheckedContinuation<Result<ConsoleGreeting, ConsoleError>, Never>? in
                defer { state.greetingWaiter = nil }
                return state.greetingWaiter
            }
            waiter?.resume(returning: .failure(ConsoleError(.timeout, "Asterisk did not greet within \(timeout)")))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<ConsoleGreeting, ConsoleError>? in
                if let greeting = state.greeting { return greeting }
                state.greetingWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Waits for the connection's end (the command's output), at most `timeout`.
    func waitForEnd(timeout: Duration) async -> Result<[ConsoleLine], ConsoleError> {
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            let waiter = state.withLockedValue { state -> CheckedContinuation<Result<[ConsoleLine], ConsoleError>, Never>? in
                defer { state.endWaiter = nil }
                return state.endWaiter
            }
            waiter?.resume(returning: .failure(ConsoleError(.timeout, "the command's output did not end within \(timeout)")))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<[ConsoleLine], ConsoleError>? in
                if let end = state.end { return end }
                state.endWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
