// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "operator-gate",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NostrCore", targets: ["NostrCore"]),
        .executable(name: "operator-gate", targets: ["operator-gate"]),
    ],
    dependencies: [
        // AES._CBC is underscored API: stay on swift-crypto's major version 4.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // Direct C calls into libsecp256k1, used only by `operator-gate bench crypto` as the baseline.
        .target(name: "CSecp256k1Bench", dependencies: ["CSecp256k1"]),
        .target(
            name: "NostrCore",
            dependencies: [
                "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "operator-gate",
            dependencies: [
                "NostrCore",
                "CSecp256k1Bench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "NostrCoreTests",
            dependencies: ["NostrCore"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
