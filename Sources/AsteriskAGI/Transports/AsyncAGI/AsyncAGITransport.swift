import AsteriskAMI
import NIOConcurrencyHelpers

/// The ``AGITransport`` of one channel in AsyncAGI: commands go out as the `AGI` manager action with
/// a `CommandID`; the reply is the url-encoded `Result` of the `AsyncAGIExec` event with that id.
final class AsyncAGITransport: AGITransport {
    let environment: AGIEnvironment
    /// The channel's name, as AMI knows it.
    let channelName: String
    private let client: AMIClient
    private let state = NIOLockedValueBox(State())

    private struct State {
        var waiting: [String: CheckedContinuation<AGIReply, any Error>] = [:]
        var nextCommand = 0
        var ended: AGIError?
        var hungUp = false
        var closed = false
    }

    init(environment: AGIEnvironment, channelName: String, client: AMIClient) {
        self.environment = environment
        self.channelName = channelName
        self.client = client
    }

    var hangupObserved: Bool { state.withLockedValue { $0.hungUp } }

    func execute(_ command: AGICommand, timeout: Duration?) async throws -> AGIReply {
        try command.validate()
        let commandID: String = try state.withLockedValue { state in
            if let ended = state.ended { throw ended }
            state.nextCommand += 1
            return "\(channelName)-\(state.nextCommand)"
        }
        return try await withThrowingTaskGroup(of: AGIReply?.self) { group in
            group.addTask { [self] in
                try await withCheckedThrowingContinuation { continuation in
                    let error: AGIError? = state.withLockedValue { state in
                        if let ended = state.ended { return ended }
                        state.waiting[commandID] = continuation
                        return nil
                    }
                    if let error { continuation.resume(throwing: error) }
                }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
            }
            do {
                _ = try await client.send(AGIAction(channel: channelName, command: command.description, commandID: commandID))
            } catch let error as AMIError {
                let failure = AGIError(
                    error.serverMessage?.contains("does not exist") == true ? .hangup : .connectionClosed,
                    "the AGI action was refused: \(error.serverMessage ?? error.message)", command: command.name)
                resume(commandID, with: .failure(failure))
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let reply = first else {
                resume(commandID, with: .failure(AGIError(.timeout, "no AsyncAGIExec in time", command: command.name)))
                throw AGIError(.timeout, "no AsyncAGIExec in time", command: command.name)
            }
            return reply
        }
    }

    /// Completes the command waiting for `commandID`.
    func resume(_ commandID: String, with result: Result<AGIReply, AGIError>) {
        let continuation = state.withLockedValue { $0.waiting.removeValue(forKey: commandID) }
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    /// Handles an `AsyncAGIExec` for this channel.
    func received(commandID: String, result: String) {
        let text = AGIPercentDecoding.decode(Substring(result))
        var parser = AGIReplyParser()
        var reply: AGIReply?
        do {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                for output in try parser.feed(line: String(line)) {
                    switch output {
                    case .hangup: state.withLockedValue { $0.hungUp = true }
                    case .reply(let parsed): reply = parsed
                    }
                }
            }
            guard let reply else { throw AGIError(.malformedReply, "AsyncAGIExec carried no reply", replyLine: text) }
            resume(commandID, with: .success(reply))
        } catch let error as AGIError {
            resume(commandID, with: .failure(error))
        } catch {
            resume(commandID, with: .failure(AGIError(.malformedReply, "\(error)")))
        }
    }

    /// The channel left AsyncAGI (`AsyncAGIEnd`), hung up, or the AMI connection was lost: every
    /// waiting command fails at once and later ones fail immediately.
    func end(_ reason: AGIError, hungUp: Bool) {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<AGIReply, any Error>] in
            if state.ended == nil { state.ended = reason }
            if hungUp { state.hungUp = true }
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(throwing: reason) }
    }

    /// Lets the call continue in the dialplan (`ASYNCAGI BREAK`) unless it already left AsyncAGI.
    func close() async {
        let proceed = state.withLockedValue { state -> Bool in
            defer { state.closed = true }
            return !state.closed && state.ended == nil
        }
        if proceed {
            _ = try? await execute(AGICommand("ASYNCAGI BREAK"), timeout: .seconds(5))
        }
        end(AGIError(.connectionClosed, "the AsyncAGI session was closed"), hungUp: false)
    }
}
