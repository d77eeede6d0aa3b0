import Encoding

/// Times as Gitea's API takes them.
enum GiteaTime {
    /// RFC 3339 in UTC (`2026-12-02T17:14:23Z`), as the `since` parameter of the issue and comment lists takes it.
    static func rfc3339(_ seconds: Int64) -> String {
        RFC3339.utc(seconds)
    }
}
