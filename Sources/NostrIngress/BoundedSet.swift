/// A set that remembers at most `capacity` elements, forgetting the oldest inserted first.
/// Used for in-memory deduplication whose memory must stay bounded however long the bot runs.
public struct BoundedSet<Element: Hashable & Sendable>: Sendable {
    public let capacity: Int
    private var members: Set<Element> = []
    private var order: [Element] = []
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { members.count }

    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Inserts; returns `false` if it was already there.
    @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        order.append(element)
        if members.count > capacity {
            members.remove(order[head])
            head += 1
            if head >= capacity {
                order.removeFirst(head)
                head = 0
            }
        }
        return true
    }
}
