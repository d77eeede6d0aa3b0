/// Why `relays.json` (or a `--relay` list) was refused. Each message names the entry.
public enum RelayListError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(String)
    case empty
    case invalidURL(index: Int, url: String, reason: String)
    case duplicate(index: Int, url: String, firstIndex: Int)
    case noReadRelay
    case noWriteRelay

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read relay list \(path): \(reason)"
        case .malformed(let detail): return "relay list is not {\"relays\": [{\"url\": …, \"read\"?: bool, \"write\"?: bool}, …]}: \(detail)"
        case .empty: return "relay list is empty: add at least one {\"url\": \"wss://…\"}"
        case .invalidURL(let index, let url, let reason): return "relays[\(index)] \"\(url)\": \(reason)"
        case .duplicate(let index, let url, let first): return "relays[\(index)] \"\(url)\" repeats relays[\(first)]"
        case .noReadRelay: return "no relay has \"read\": true, so no direct message could be received"
        case .noWriteRelay: return "no relay has \"write\": true, so no reply could be published"
        }
    }
}
