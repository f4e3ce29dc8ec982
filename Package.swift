// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "LocalOSS",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LocalOSS", targets: ["LocalOSS"]),
        .executable(name: "localoss", targets: ["localoss"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CISAL", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CLibSSL", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "LocalOSS",
            dependencies: [
                "CSQLite", "CLibXML2", "COpenSSL", "CISAL", "CEpoll", "CLibSSL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "localoss",
            dependencies: [
                "LocalOSS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "localoss-bench", dependencies: ["COpenSSL", "CISAL"], path: "bench/Sources/LocalOSSBench"),
        .testTarget(name: "LocalOSSTests", dependencies: ["LocalOSS"]),
    ],
    swiftLanguageModes: [.v6]
)
