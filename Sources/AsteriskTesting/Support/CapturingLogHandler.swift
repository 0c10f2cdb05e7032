import Logging
import NIOConcurrencyHelpers

/// A `LogHandler` that keeps every record, for asserting what reaches the logs (for example that a
/// secret never does).
public struct CapturingLogHandler: LogHandler {
    /// Where the records go: one line per record, level, message and metadata.
    public final class Store: Sendable {
        let lines = NIOLockedValueBox<[String]>([])
        /// Every record so far, one per line.
        public var all: String { lines.withLockedValue { $0.joined(separator: "\n") } }
        /// How many records were kept.
        public var count: Int { lines.withLockedValue { $0.count } }
    }

    let store: Store
    /// The handler's metadata.
    public var metadata: Logger.Metadata = [:]
    /// The handler's level.
    public var logLevel: Logger.Level = .trace

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Keeps the record.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(merged)") }
    }

    /// A trace-level logger writing into a new store.
    public static func logger() -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = .trace
        return (logger, store)
    }
}
