import Logging
import NIOConcurrencyHelpers

/// A LogHandler that keeps every record, for asserting what reaches the logs.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = NIOLockedValueBox<[String]>([])
        var all: String { lines.withLockedValue { $0.joined(separator: "\n") } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(merged)") }
    }

    /// A trace-level logger writing into a new store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = .trace
        return (logger, store)
    }
}
