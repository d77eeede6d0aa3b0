// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "operator-gate",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NostrCore", targets: ["NostrCore"]),
        .library(name: "NostrIngress", targets: ["NostrIngress"]),
        .library(name: "Gate", targets: ["Gate"]),
        .library(name: "GiteaSimulator", targets: ["GiteaSimulator"]),
        .executable(name: "operator-gate", targets: ["operator-gate"]),
        .executable(name: "operator-gate-bench", targets: ["operator-gate-bench"])
    ],
    dependencies: [
        // AES._CBC is underscored API: stay on swift-crypto's major version 4.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Already in the graph through Hummingbird; named here because the bot uses them directly.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The shared ledger for several instances (issue #6).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // AsyncChannel: the inbox's ordered parallel stage hands events to its workers and takes their results back
        // without running ahead. Already in the graph through Hummingbird: no build cost.
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        // The HTTP client for Gitea and NIP-11 (issue #13): on the NIO event loops the relays use, about 1 ms less per
        // request and far less CPU than Foundation's URLSession/libcurl, and FoundationNetworking, libcurl and gnutls
        // no longer load. Already resolved (HummingbirdTesting names it); building it adds NIOHTTP2 and a few NIO
        // modules (measured in the commit that added it).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0")
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // Direct C calls into libsecp256k1, used only by `operator-gate-bench crypto` as the baseline.
        .target(name: "CSecp256k1Bench", dependencies: ["CSecp256k1"]),
        // Pure, dependency-free encodings both the Nostr side and the Gate use: hex, canonical JSON strings (NIP-01's
        // escaping), UTF-8-safe truncation. The Gate depends on this instead of on NostrCore.
        .target(name: "Encoding"),
        .target(
            name: "NostrCore",
            dependencies: [
                "Encoding",
                "CSecp256k1",
                // NIOLockedValueBox: a pthread lock ThreadSanitizer sees (Synchronization.Mutex's futex path on Linux
                // is invisible to it: false race reports under contention). Built with swift-nio anyway.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto")
            ]
        ),
        .target(
            name: "NostrIngress",
            dependencies: [
                "Encoding",
                "NostrCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client")
            ]
        ),
        .target(
            name: "Gate",
            dependencies: [
                "Encoding",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ]
        ),
        // The PostgreSQL ledger: several operator-gate instances on one database.
        .target(
            name: "GatePostgres",
            dependencies: [
                "Gate",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        // The Gitea API simulator (loopback), used by the tests and later by `operator-gate demo`.
        .target(
            name: "GiteaSimulator",
            dependencies: [
                "Gate", "Encoding",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio")
            ]
        ),
        // A small in-process relay for `operator-gate demo` (and tests that need one in process).
        .target(
            name: "LoopbackRelay",
            dependencies: [
                "NostrCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio")
            ]
        ),
        // The bot: configuration, operator policy (and next, the pipeline joining NostrIngress and the Gate).
        .target(
            name: "Bot",
            dependencies: [
                "Encoding", "NostrCore", "NostrIngress", "Gate", "GatePostgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")
            ]
        ),
        // What the two executables share: errors, stdin/stdout, JSON output, "run a client while doing X".
        .target(
            name: "CLISupport",
            dependencies: [
                "Encoding", "Gate", "NostrCore", "NostrIngress", "GiteaSimulator", "LoopbackRelay",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        .executableTarget(
            name: "operator-gate",
            dependencies: [
                "Encoding",
                "NostrCore",
                "NostrIngress",
                "Gate",
                "Bot",
                "GatePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "GiteaSimulator",
                "LoopbackRelay",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "CLISupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            exclude: ["exports.map", "hot-functions.txt"],
            // Idle memory (issue #13): the toolchain's static-stdlib link exports all 54,000 of the executable's own
            // symbols and writes 151,000 relative relocations, and the dynamic loader touches both tables at start
            // (resident for the process's life: 2.5 and 3.4 MB). lld packs the relocations (DT_RELR, glibc 2.36+) and
            // the version script exports nothing; `bench e2e`, idle RSS 49.8–50.4 → 44.6–45.2 MB. The functions the bot
            // runs are placed together (`scripts/hot-functions` lists them), so fewer pages of code are resident.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/operator-gate/exports.map",
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/operator-gate/hot-functions.txt",
                        "-Xlinker", "--no-warn-symbol-ordering"
                    ], .when(platforms: [.linux]))
            ]
        ),
        // The benchmarks (`operator-gate-bench crypto|ledger|pipeline`), apart from the production binary.
        .executableTarget(
            name: "operator-gate-bench",
            dependencies: [
                "Encoding", "NostrCore", "NostrIngress", "Gate", "GatePostgres", "Bot", "GiteaSimulator", "LoopbackRelay",
                "CLISupport", "CSecp256k1Bench",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        // libFuzzer targets, one per decoder of outside bytes (scripts/fuzz builds them with -sanitize=fuzzer,address;
        // the ordinary build makes them corpus replayers). Their checks live in FuzzTargets.
        .target(name: "FuzzTargets", dependencies: ["Encoding", "NostrCore", "NostrIngress", "Gate", "Bot"], path: "Fuzz/FuzzTargets"),
        .executableTarget(name: "fuzz-relay-frame", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-relay-frame"),
        .executableTarget(name: "fuzz-nip04", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-nip04"),
        .executableTarget(name: "fuzz-nip44", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-nip44"),
        .executableTarget(name: "fuzz-gift-wrap", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-gift-wrap"),
        .executableTarget(name: "fuzz-nip19", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-nip19"),
        .executableTarget(name: "fuzz-command", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-command"),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-config"),
        .executableTarget(name: "fuzz-gitea-json", dependencies: ["FuzzTargets"], path: "Fuzz/Entry/fuzz-gitea-json"),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"], path: "Tests/FuzzCorpusTests"),
        // Test peers (rust-nostr, real relay processes) shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "GatePostgres", "NostrCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift")
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "NostrCoreTests",
            dependencies: ["Encoding", "NostrCore", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BotTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), "Bot", "CLISupport", "Gate", "GatePostgres", "NostrCore",
                "NostrIngress", "GiteaSimulator", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
            ]
        ),
        .testTarget(
            name: "GateTests",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), "Gate", "GatePostgres", "GiteaSimulator", "NostrCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]
        ),
        .testTarget(
            name: "NostrIngressTests",
            dependencies: [
                "NostrCore",
                "Bot",
                "LoopbackRelay",
                "TestSupport",
                "NostrIngress",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto")
            ],
            resources: [.copy("Captures")]
        )
    ]
)
