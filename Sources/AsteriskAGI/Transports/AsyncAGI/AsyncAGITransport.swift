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

    /// A command's place: reserved before the action is sent, so a result that arrives before anyone
    /// waits for it is kept rather than lost.
    private enum Slot {
        case reserved
        case waiting(CheckedContinuation<AGIReply, any Error>)
        case arrived(Result<AGIReply, AGIError>)
    }

    private struct State {
        var slots: [String: Slot] = [:]
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
        // AGIChannel.send validated the command; this transport is only reached through it.
        let commandID: String = try state.withLockedValue { state in
            if let ended = state.ended { throw ended }
            state.nextCommand += 1
            let id = "\(channelName)-\(state.nextCommand)"
            state.slots[id] = .reserved
            return id
        }
        return try await withThrowingTaskGroup(of: AGIReply?.self) { group in
            group.addTask { [self] in
                try await withCheckedThrowingContinuation { continuation in
                    let early: Result<AGIReply, AGIError>? = state.withLockedValue { state in
                        switch state.slots[commandID] {
                        case .arrived(let result):
                            state.slots[commandID] = nil
                            return result
                        case .reserved:
                            state.slots[commandID] = .waiting(continuation)
                            return nil
                        case .waiting, nil:
                            return .failure(state.ended ?? AGIError(.connectionClosed, "the command was abandoned"))
                        }
                    }
                    if let early { continuation.resume(with: early.mapError { $0 as any Error }) }
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

    /// Completes the command `commandID`, or keeps the result until its caller waits for it.
    func resume(_ commandID: String, with result: Result<AGIReply, AGIError>) {
        let continuation: CheckedContinuation<AGIReply, any Error>? = state.withLockedValue { state in
            switch state.slots[commandID] {
            case .waiting(let continuation):
                state.slots[commandID] = nil
                return continuation
            case .reserved:
                state.slots[commandID] = .arrived(result)
                return nil
            case .arrived, nil:
                return nil
            }
        }
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
            var continuations: [CheckedContinuation<AGIReply, any Error>] = []
            for (id, slot) in state.slots {
                if case .waiting(let continuation) = slot { continuations.append(continuation) } else { state.slots[id] = .arrived(.failure(reason)) }
            }
            state.slots = state.slots.filter { if case .waiting = $0.value { false } else { true } }
            return continuations
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
