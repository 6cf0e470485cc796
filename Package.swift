// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The engine's own kernels (depthwise, epilogues, im2col) are SIMD code: on x86-64 they are compiled
// for Haswell-class CPUs (AVX2, FMA; every x86 server since 2013), twice the vector width of the
// baseline. Set VANTAGE_PORTABLE=1 when building for an older CPU.
#if arch(x86_64)
let inferenceSettings: [SwiftSetting] = swiftSettings
    + (Context.environment["VANTAGE_PORTABLE"] == "1" ? [] : [.unsafeFlags(["-target-cpu", "haswell"])])
#else
let inferenceSettings: [SwiftSetting] = swiftSettings
#endif

let package = Package(
    name: "Vantage",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vantage", targets: ["vantage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // C libraries: a module map and a shim, nothing else.
        .systemLibrary(
            name: "CExif", pkgConfig: "libexif",
            providers: [.apt(["libexif-dev"])]),
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // Swift wrappers of libexif and libjpeg-turbo.
        .target(
            name: "Photo",
            dependencies: ["CExif", "CTurboJPEG", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // Domain values and task-design algorithms.
        .target(name: "Capture", swiftSettings: swiftSettings),
        // Photo bytes + task -> verdict.
        .target(name: "Validation", dependencies: ["Photo", "Capture"], swiftSettings: swiftSettings),
        // ONNX graphs on OpenBLAS, preprocessing.
        .target(
            name: "Inference",
            dependencies: [
                "COpenBLAS", "Photo", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: inferenceSettings),
        // PostgreSQL repositories, migrations, local cluster, blob store.
        .target(
            name: "Store",
            dependencies: [
                "Capture",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        // Models over datasets, metrics, reports.
        .target(name: "Evaluation", dependencies: ["Inference", "Store", "Capture"], swiftSettings: swiftSettings),
        // Review outcomes leave the system: the curated set in ObjectNet's layout or as JPEGs.
        .target(
            name: "Curation",
            dependencies: [
                "Photo", "Capture", "Store",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // HTTP application.
        .target(
            name: "Server",
            dependencies: [
                "Validation", "Store", "Capture",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // `vantage demo`: the whole pipeline end to end on its own database, through real HTTP.
        .target(
            name: "Demo",
            dependencies: [
                "Server", "Store", "Capture", "Validation", "Photo", "Evaluation", "Inference",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The one executable: parse arguments, call a library.
        .executableTarget(
            name: "vantage",
            dependencies: [
                "Store", "Capture", "Validation", "Inference", "Evaluation", "Server", "Curation", "Demo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // Test support: database per suite, fixture lookup.
        .target(
            name: "VantageTestSupport",
            dependencies: ["Store", "Photo", "CZlib", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),

        .testTarget(name: "PhotoTests", dependencies: ["Photo", "CZlib", "VantageTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "VantageTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "VantageTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "VantageTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "VantageTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "VantageTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: ["Server", "VantageTestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CurationTests",
            dependencies: ["Curation", "CZlib", "VantageTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings),
        .testTarget(name: "VantageCLITests", dependencies: ["vantage", "VantageTestSupport"], swiftSettings: swiftSettings),
    ]
)
