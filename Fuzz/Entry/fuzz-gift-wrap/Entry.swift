import FuzzTargets

// The target is named by this executable's name (Fuzz/FuzzTargets/FuzzTarget.swift).
#if !FUZZING
    @main enum Entry { static func main() { FuzzTarget.ofThisExecutable.replayArguments() } }
#endif
