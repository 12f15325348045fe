// swift-tools-version:6.0
import PackageDescription
import Foundation

/// One adapter per Lua: tag (the build/<tag>/ folder and Makefile name),
/// target, and where that Lua's headers are. The header folder can be
/// overridden by an environment variable, so LuaRocks' LUA_INCDIR can be used.
let luaVersions: [(tag: String, target: String, defaultIncludes: String, env: String)] = [
    ("lua5.1", "AlienLua51", "/usr/include/lua5.1", "ALIEN_INCDIR_LUA51"),
    ("lua5.2", "AlienLua52", "/usr/include/lua5.2", "ALIEN_INCDIR_LUA52"),
    ("lua5.3", "AlienLua53", "/usr/include/lua5.3", "ALIEN_INCDIR_LUA53"),
    ("lua5.4", "AlienLua54", "/usr/include/lua5.4", "ALIEN_INCDIR_LUA54"),
    ("luajit", "AlienLuaJIT", "/usr/include/luajit-2.1", "ALIEN_INCDIR_LUAJIT"),
]

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let environment = ProcessInfo.processInfo.environment

func includes(_ lua: (tag: String, target: String, defaultIncludes: String, env: String)) -> String {
    environment[lua.env] ?? lua.defaultIncludes
}

/// Each alien.so: only luaopen_* exported, never unloaded (callbacks' code and
/// the objects of live Lua states must not go away under them).
let adapterLinkerFlags = [
    "-Xlinker", "--version-script=\(packageRoot)/Sources/AlienAdapter/alien.map",
    "-Xlinker", "-z", "-Xlinker", "nodelete",
    "-Xlinker", "--gc-sections",
]

/// Release builds compile the core as Embedded Swift: no Swift runtime, no
/// C++ runtime, only what the core uses of the standard library, compiled in.
/// Linking with the same flag leaves out the runtime libraries. Debug builds
/// (and `swift test`) use full Swift, with the standard library linked in
/// statically, and exclusivity checks that catch a longjmp over a Swift frame.
let embedded = "Embedded"
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-enable-experimental-feature", embedded], .when(configuration: .release)),
    .unsafeFlags(["-static-stdlib"], .when(configuration: .debug)),
]

let adapterTargets: [Target] = luaVersions.map { lua in
    .target(
        name: lua.target,
        dependencies: ["AlienCore", "AlienBridge"],
        publicHeadersPath: ".",
        cSettings: [.unsafeFlags(["-I", includes(lua), "-I", "\(packageRoot)/Sources/AlienAdapter"])],
        linkerSettings: [.unsafeFlags(adapterLinkerFlags), .linkedLibrary("m")] + releaseLinking
    )
}

let package = Package(
    name: "alien",
    products: luaVersions.map { lua in
        .library(name: "alien_\(lua.target.dropFirst("Alien".count).lowercased())", type: .dynamic, targets: [lua.target])
    },
    targets: [
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        .systemLibrary(name: "CLibc"),
        .target(name: "AlienBridge", dependencies: ["CFFI"]),
        .target(
            name: "AlienCore",
            dependencies: ["AlienBridge", "CFFI", "CLibc"],
            swiftSettings: [
                .enableExperimentalFeature(embedded, .when(configuration: .release)),
                .unsafeFlags(["-wmo", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]
        ),
        // Lua 5.4 itself with the adapter compiled in, for `swift test`.
        .target(
            name: "LuaTestHost",
            dependencies: ["AlienCore", "AlienBridge"],
            cSettings: [.unsafeFlags(["-I", includes(luaVersions[3]), "-I", "\(packageRoot)/Sources/AlienAdapter"])],
            linkerSettings: [.linkedLibrary("lua5.4")]
        ),
        .testTarget(
            name: "AlienCoreTests",
            dependencies: ["AlienCore", "LuaTestHost"]
        ),
    ] + adapterTargets
)
