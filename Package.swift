// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-asterisk",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AsteriskAMI", targets: ["AsteriskAMI"]),
        .library(name: "AsteriskAGI", targets: ["AsteriskAGI"]),
        .library(name: "AsteriskARI", targets: ["AsteriskARI"]),
        .library(name: "AsteriskConfig", targets: ["AsteriskConfig"]),
        .library(name: "AsteriskIVR", targets: ["AsteriskIVR"]),
        .library(name: "AsteriskConsole", targets: ["AsteriskConsole"]),
        .library(name: "AsteriskTesting", targets: ["AsteriskTesting"]),
        .executable(name: "astctl", targets: ["astctl"]),
        .executable(name: "ami-bench", targets: ["ami-bench"]),
        .executable(name: "fastagi-bench", targets: ["fastagi-bench"]),
        .executable(name: "ari-bench", targets: ["ari-bench"]),
        .executable(name: "config-bench", targets: ["config-bench"]),
        .executable(name: "live-model-bench", targets: ["live-model-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "AsteriskAMI",
            dependencies: [
                "AsteriskConfig",
                "AsteriskNIOSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AsteriskAGI",
            dependencies: [
                "AsteriskAMI",
                "AsteriskNIOSupport",
                "AsteriskIVR",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AsteriskARI",
            dependencies: [
                "AsteriskConfig",
                "AsteriskNIOSupport",
                "AsteriskIVR",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AsteriskNIOSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(name: "AsteriskConfig"),
        .target(name: "AsteriskIVR"),
        .target(
            name: "AsteriskConsole",
            dependencies: [
                "AsteriskConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AsteriskTesting",
            dependencies: [
                "AsteriskAMI",
                "AsteriskNIOSupport",
                "AsteriskAGI",
                "AsteriskIVR",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "astctl",
            dependencies: [
                "AsteriskConsole",
                "AsteriskAMI",
                "AsteriskConfig",
                "AsteriskAGI",
                "AsteriskARI",
                "AsteriskIVR",
                "AsteriskTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ami-bench",
            dependencies: [
                "AsteriskAMI",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ami-bench"
        ),
        .executableTarget(
            name: "fastagi-bench",
            dependencies: [
                "AsteriskAGI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/fastagi-bench"
        ),
        .executableTarget(
            name: "ari-bench",
            dependencies: [
                "AsteriskARI", "AsteriskTesting", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/ari-bench"
        ),
        .executableTarget(
            name: "live-model-bench",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Benchmarks/live-model-bench"
        ),
        .executableTarget(
            name: "config-bench",
            dependencies: ["AsteriskConfig"],
            path: "Benchmarks/config-bench"
        ),
        .executableTarget(
            name: "live-model",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Examples/LiveModel"
        ),
        .executableTarget(
            name: "tracked-calls",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Examples/TrackedCalls"
        ),
        .executableTarget(
            name: "config-edit",
            dependencies: ["AsteriskConfig"],
            path: "Examples/ConfigEdit"
        ),
        .executableTarget(
            name: "hello",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Examples/Hello"
        ),
        .executableTarget(
            name: "ami-quickstart",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Examples/AMIQuickstart"
        ),
        .executableTarget(
            name: "ivr-menu",
            dependencies: ["AsteriskAGI", "AsteriskARI", "AsteriskIVR", "AsteriskTesting"],
            path: "Examples/IVRMenu"
        ),
        .executableTarget(
            name: "fastagi-ivr",
            dependencies: ["AsteriskAGI", "AsteriskTesting"],
            path: "Examples/FastAGIIVR"
        ),
        .executableTarget(
            name: "classic-agi-script",
            dependencies: ["AsteriskAGI", .product(name: "Logging", package: "swift-log")],
            path: "Examples/ClassicAGIScript"
        ),
        .executableTarget(
            name: "asyncagi-controller",
            dependencies: ["AsteriskAGI", "AsteriskAMI", "AsteriskTesting"],
            path: "Examples/AsyncAGIController"
        ),
        .executableTarget(
            name: "stasis-ivr",
            dependencies: ["AsteriskARI", "AsteriskTesting"],
            path: "Examples/StasisIVR"
        ),
        .executableTarget(
            name: "ari-modern",
            dependencies: ["AsteriskARI", "AsteriskTesting"],
            path: "Examples/ARIModern"
        ),
        .executableTarget(
            name: "console-commands",
            dependencies: ["AsteriskConsole", "AsteriskTesting"],
            path: "Examples/ConsoleCommands"
        ),
        .executableTarget(
            name: "ami-event-tail",
            dependencies: ["AsteriskAMI", "AsteriskTesting"],
            path: "Examples/AMIEventTail"
        ),
        .target(name: "CProcessSpawn", path: "Tests/CProcessSpawn"),
        .testTarget(
            name: "AsteriskAMITests",
            dependencies: [
                "CProcessSpawn",
                "AsteriskAMI",
                "AsteriskAGI",
                "AsteriskTesting",
                "astctl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AsteriskARITests",
            dependencies: ["AsteriskARI", "AsteriskIVR", "AsteriskTesting", .product(name: "NIOSSL", package: "swift-nio-ssl")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "AsteriskConfigTests", dependencies: ["AsteriskConfig"]),
        .testTarget(name: "AsteriskConsoleTests", dependencies: ["AsteriskConsole", "AsteriskTesting"]),
        .testTarget(
            name: "AsteriskAGITests",
            dependencies: [
                "AsteriskAGI",
                "AsteriskIVR",
                "AsteriskAMI",
                "AsteriskTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
