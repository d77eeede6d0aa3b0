import ArgumentParser

/// `--config FILE`: the bot's configuration file, for the commands that run or check the bot (`run`, `doctor`,
/// `replay`).
struct ConfigFileOption: ParsableArguments {
    @Option(name: .customLong("config"), help: "The configuration file (see README: operator-gate.json).") var path = "operator-gate.json"
}
