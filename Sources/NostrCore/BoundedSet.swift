/// A set that remembers at most `capacity` elements, forgetting the oldest inserted first.
/// Used for in-memory deduplication whose memory must stay bounded however long the bot runs.
public struct BoundedSet<Element: Hashable & Sendable>: Sendable {
    public let capacity: Int
    // Inlinable (as the methods below): callers in other modules (the inbox's seen records, the relay pool's dedup)
    // get a specialized set for their element type instead of the generic one's metadata lookups per call.
    @usableFromInline var members: Set<Element> = []
    @usableFromInline var order: [Element] = []
    @usableFromInline var head = 0

    @inlinable
    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    @inlinable
    public var count: Int { members.count }

    @inlinable
    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Inserts; returns `false` if it was already there.
    @inlinable @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        insertEvicting(element).inserted
    }

    /// Inserts, and says which element (if any) was forgotten to make room, so callers keeping data per element
    /// can drop it too.
    @inlinable
    public mutating func insertEvicting(_ element: Element) -> (inserted: Bool, evicted: Element?) {
        guard members.insert(element).inserted else { return (false, nil) }
        order.append(element)
        var evicted: Element?
        if members.count > capacity {
            evicted = order[head]
            members.remove(order[head])
            head += 1
            if head >= capacity {
                order.removeFirst(head)
                head = 0
            }
        }
        return (true, evicted)
    }
}
