import ArgumentParser
import NostrCore

/// Parses a secret key argument, with an error that names the option.
public func parseSecretKey(_ text: String, option: String = "--sec") throws -> SecretKey {
    do { return try SecretKey(parsing: text) } catch { throw CLIError("\(option): \(error.description)") }
}

/// Parses a public key argument, with an error that names the option.
public func parsePublicKey(_ text: String, option: String) throws -> PublicKey {
    do { return try PublicKey(parsing: text) } catch { throw CLIError("\(option): \(error.description)") }
}

/// Runs a tool command body: prints any error as one line on stderr and exits 1.
public func runTool(_ body: () throws -> Void) throws {
    do { try body() } catch let error as CLIError {
        StandardIO.printError("error: \(error.description)")
        throw ExitCode(1)
    }
}

/// Async twin of ``runTool(_:)``.
public func runAsyncTool(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as CLIError {
        StandardIO.printError("error: \(error.description)")
        throw ExitCode(1)
    }
}
