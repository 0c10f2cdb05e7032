import NIOConcurrencyHelpers
import NIOCore

/// Runs a task's jobs on one NIO event loop, so that a call handler and its connection share a
/// thread: a reply resumes the handler without a hop to the cooperative pool and back.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    private static let cache = NIOLockedValueBox<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The executor of `eventLoop`, made once per loop.
    static func forLoop(_ eventLoop: any EventLoop) -> EventLoopTaskExecutor {
        let key = ObjectIdentifier(eventLoop as AnyObject)
        return cache.withLockedValue { cache in
            if let existing = cache[key] { return existing }
            let executor = EventLoopTaskExecutor(eventLoop)
            cache[key] = executor
            return executor
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
