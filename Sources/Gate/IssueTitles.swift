/// The titles and states of issues and pull requests the Gate saw lately (created, read, edited), so that an
/// answer can name its target without a request made only for that (`add_comment` used to GET the issue for its
/// title alone). Bounded: at most ``capacity`` entries, the oldest forgotten first. A miss is fine: the answer then
/// goes without a title.
struct IssueTitles: Sendable {
    struct Entry: Sendable, Equatable {
        let title: String
        let state: AckState?
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var start = 0

    init(capacity: Int = 1024) { self.capacity = max(1, capacity) }

    static func key(_ repository: Repository, _ number: Int) -> String { "\(repository.description.lowercased())#\(number)" }

    func entry(_ repository: Repository, _ number: Int) -> Entry? { entries[Self.key(repository, number)] }

    /// Remembers (or refreshes) one issue's title and state.
    mutating func note(_ repository: Repository, _ number: Int, title: String, state: AckState?) {
        let key = Self.key(repository, number)
        if entries.updateValue(Entry(title: title, state: state), forKey: key) != nil { return }
        order.append(key)
        if order.count - start > capacity {
            entries[order[start]] = nil
            start += 1
            if start > capacity {
                order.removeFirst(start)
                start = 0
            }
        }
    }
}
