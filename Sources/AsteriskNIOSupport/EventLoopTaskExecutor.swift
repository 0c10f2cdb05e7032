import NIOConcurrencyHelpers
import NIOCore

/// Runs a task's jobs on one NIO event loop, so that code and the connections it talks to share a
/// thread: an answer resumes the waiting task without a hop to the cooperative pool and back.
/// (Shared by the modules of this package; not part of any product's API.)
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
package final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The loop the jobs run on.
    package let eventLoop: any EventLoop

    private init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    private static let cache = NIOLockedValueBox<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The executor of `eventLoop`, made once per loop.
    package static func forLoop(_ eventLoop: any EventLoop) -> EventLoopTaskExecutor {
        let key = ObjectIdentifier(eventLoop as AnyObject)
        return cache.withLockedValue { cache in
            if let existing = cache[key] { return existing }
            let executor = EventLoopTaskExecutor(eventLoop)
            cache[key] = executor
            return executor
        }
    }

    /// Runs `job` on the loop.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
