extension Duration {
    /// The duration in whole nanoseconds (attoseconds below a nanosecond are dropped), for APIs that count in them:
    /// NIO's `TimeAmount`, swift-metrics' timers.
    public var inNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
