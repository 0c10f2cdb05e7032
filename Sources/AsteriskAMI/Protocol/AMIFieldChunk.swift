/// Fixed-capacity storage for the header ranges of many consecutive frames.
///
/// The parser writes each slot once, in order, and hands out messages that reference a run of slots;
/// a slot is never written again after the message that covers it was created, so messages may read
/// it from any thread. Sharing one allocation among hundreds of frames keeps the hot path free of
/// per-frame `malloc`/`free` (which, across the reader and consumer threads, contend on the allocator).
@usableFromInline
final class AMIFieldChunk: @unchecked Sendable {
    /// The slots.
    @usableFromInline let fields: UnsafeMutablePointer<AMIFieldRange>
    /// How many slots there are.
    let capacity: Int

    /// Allocates `capacity` uninitialised slots.
    init(capacity: Int) {
        self.capacity = capacity
        self.fields = .allocate(capacity: capacity)
    }

    /// Copies `ranges` into a chunk of exactly that size.
    convenience init(_ ranges: [AMIFieldRange]) {
        self.init(capacity: max(1, ranges.count))
        for (index, range) in ranges.enumerated() { (fields + index).initialize(to: range) }
    }

    deinit { fields.deallocate() }
}

/// Identifies one parser value: a copied parser sees it shared and moves to a chunk of its own, so two
/// copies never write the same slots.
final class AMIFieldChunkOwner: Sendable {}
