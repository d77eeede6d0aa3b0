import Logging

extension Logger {
    /// A logger that prints only critical messages: for the servers and clients a tool runs around its own output.
    public static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }

    /// This logger's label and handler, printing only critical messages.
    public var quieted: Logger {
        var logger = self
        logger.logLevel = .critical
        return logger
    }
}
