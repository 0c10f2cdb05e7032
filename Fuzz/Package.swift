// swift-tools-version: 6.1
// libFuzzer targets for swift-asterisk's parsers. A package of its own so that the main build never
// sees them; build and run one with ../scripts/fuzz.sh TARGET SECONDS.
import PackageDescription

let package = Package(
    name: "swift-asterisk-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-asterisk", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        .executableTarget(name: "FuzzAMIFrames", dependencies: [
            "FuzzDriver",
            .product(name: "AsteriskAMI", package: "swift-asterisk"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "FuzzAGI", dependencies: [
            "FuzzDriver",
            .product(name: "AsteriskAGI", package: "swift-asterisk"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzDriver", .product(name: "AsteriskConfig", package: "swift-asterisk")]),
        .executableTarget(name: "FuzzARIEvents", dependencies: ["FuzzDriver", .product(name: "AsteriskARI", package: "swift-asterisk")]),
        // Reads an internal type: scripts/fuzz.sh builds this one with -enable-testing.
        .executableTarget(name: "FuzzARIWebSocketFrames", dependencies: [
            "FuzzDriver",
            .product(name: "AsteriskARI", package: "swift-asterisk"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        // Reads an internal type too (built with -enable-testing).
        .executableTarget(name: "FuzzARIHTTPResponses", dependencies: [
            "FuzzDriver",
            .product(name: "AsteriskARI", package: "swift-asterisk"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The fake ARI server's request reader (internal too: built with -enable-testing).
        .executableTarget(name: "FuzzFakeARIRequests", dependencies: [
            "FuzzDriver",
            .product(name: "AsteriskTesting", package: "swift-asterisk"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
