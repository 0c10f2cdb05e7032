import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import AsteriskARI

/// The REST connection's one lazily re-armed timer, on a virtual clock.
@Suite("ARI HTTP request timeouts")
struct ARIHTTPTimeoutTests {
    private final class Harness {
        let handler = ARIHTTPResponseHandler(maxResponseSize: 1 << 20)
        let channel: EmbeddedChannel
        let outcomes = NIOLockedValueBox<[Int: Result<ARIHTTPResponse, ARIError>]>([:])

        init() throws {
            channel = EmbeddedChannel(handler: handler)
            try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8088)).wait()
        }

        func start(_ number: Int, timeout: Duration) {
            let request = ARIHTTPRequest(method: .GET, target: "/ari/asterisk/ping", headers: ["Host": "pbx"], body: nil)
            let outcomes = self.outcomes
            handler.start(request, number: number, timeout: timeout) { result in outcomes.withLockedValue { $0[number] = result } }
        }

        func answer() throws {
            try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        }

        func advance(to seconds: Double) {
            let target = NIODeadline.uptimeNanoseconds(UInt64(seconds * 1e9))
            channel.embeddedEventLoop.advanceTime(to: target)
        }

        /// "pending", "ok" or the error code of request `number`.
        func outcome(_ number: Int) -> String {
            switch outcomes.withLockedValue({ $0[number] }) {
            case nil: return "pending"
            case .success: return "ok"
            case .failure(let error): return error.code.name
            }
        }
    }

    @Test func eachRequestTimesOutAtItsOwnDeadlineNotTheTimersFirst() throws {
        let harness = try Harness()
        harness.start(1, timeout: .seconds(10))  // deadline 10: the timer is armed for it
        harness.advance(to: 5)
        try harness.answer()
        #expect(harness.outcome(1) == "ok")
        harness.start(2, timeout: .seconds(10))  // deadline 15: the timer armed for 10 stays
        harness.advance(to: 10)
        #expect(harness.outcome(2) == "pending", "timed out at the first request's deadline")
        harness.advance(to: 14.9)
        #expect(harness.outcome(2) == "pending")
        harness.advance(to: 15)
        #expect(harness.outcome(2) == "timeout")
        #expect(!harness.channel.isActive, "a timed-out request closes its connection")
    }

    @Test func aShorterTimeoutAfterALongerOneEndsOnTime() throws {
        let harness = try Harness()
        harness.start(1, timeout: .seconds(60))
        harness.advance(to: 1)
        try harness.answer()
        harness.start(2, timeout: .seconds(2))  // deadline 3, before the armed 61
        harness.advance(to: 2.9)
        #expect(harness.outcome(2) == "pending")
        harness.advance(to: 3)
        #expect(harness.outcome(2) == "timeout")
    }

    @Test func answeredRequestsLeaveNoTimeoutBehind() throws {
        let harness = try Harness()
        for number in 1...50 {
            harness.start(number, timeout: .seconds(5))
            try harness.answer()
            harness.advance(to: Double(number) * 0.5)
        }
        harness.advance(to: 100)
        #expect((1...50).allSatisfy { harness.outcome($0) == "ok" })
        #expect(harness.channel.isActive)
        _ = try harness.channel.finish(acceptAlreadyClosed: true)
    }
}
