/// Whether this instance answers a message.
public enum MessageClaim: Sendable, Equatable {
    /// This instance answers it.
    case won
    /// Another instance answered it (or this one did, earlier).
    case handledElsewhere
    /// Another instance holds it, alive; it answers, or its lease runs out and someone takes it over.
    case busyElsewhere(instance: String)
}
