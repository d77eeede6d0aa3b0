import FuzzTargets

#if FUZZING
/// libFuzzer's entry point for ``FuzzTarget/nip04`` (built with `-sanitize=fuzzer`, whose `main` drives it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzTarget.nip04.fuzz(bytes, size) }
#else
/// Without the fuzzer: replays the corpus files and folders given as arguments.
@main enum Entry { static func main() { FuzzTarget.nip04.replayArguments() } }
#endif
