// swift-tools-version:6.0
//
// Synth: a synthesis engine for text and sequences, with no third-party package.
// The module map and the reasons behind it are in README.md; the arrows between
// targets only point "down" (TensorCore knows nothing of models, and so on).

import PackageDescription
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Code generation for the kernels
//
// Compiler settings decide more than any kernel trick (BENCHMARKS.md, "Build flags"):
// with default flags `SIMD8<Float>.addingProduct` becomes a libm `fmaf` call per lane
// (under 1 GFLOP/s) and `a + b * c` stays SSE (about 20 GFLOP/s). With `-target-cpu
// native` the same Swift code compiles to AVX2 (or AVX-512) FMA and the GEMM runs at
// the speed of OpenBLAS. `-target-cpu` takes a CPU name, not a feature level
// (`x86-64-v3` is rejected), so we build for the host, as llama.cpp's GGML_NATIVE does.
//
// `SYNTH_NATIVE_SIMD` tells the code the flag is in force, so a test fails if a build
// ever loses it (a build without it would run tens of times slower, silently).
// `SYNTH_AVX512` selects the wider micro-kernel (SIMD16 panels) when the host has it.
// On arm64, NEON is the baseline and needs no flag.
//
// The kernels are also optimised in debug builds (`swift test`): unoptimised SIMD code
// is hundreds of times slower, and the tests run real GEMMs.
//
// SYNTH_PORTABLE=1 in the environment builds without the host-CPU flag (a binary for
// other x86-64 machines; also how BENCHMARKS.md measures what the flag is worth). The
// BuildTests then fail on purpose: such a build is tens of times slower.
var kernelSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
#if arch(x86_64)
if getenv("SYNTH_PORTABLE") == nil {
    kernelSettings.append(.unsafeFlags(["-target-cpu", "native"]))
    kernelSettings.append(.define("SYNTH_NATIVE_SIMD"))
    if hostHasAVX512() {
        kernelSettings.append(.define("SYNTH_AVX512"))
    }
}
#elseif arch(arm64)
kernelSettings.append(.define("SYNTH_NATIVE_SIMD"))
#endif

/// Whether the build host reports AVX-512F (Linux: /proc/cpuinfo). Elsewhere we
/// assume AVX2, whose kernel is correct (if not the fastest) on any newer CPU.
func hostHasAVX512() -> Bool {
    #if os(Linux)
    guard let file = fopen("/proc/cpuinfo", "r") else { return false }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 8192)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("flags") { return text.contains(" avx512f") }
    }
    #endif
    return false
}

let package = Package(
    name: "Synth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "synth", targets: ["SynthCLI"]),
        .executable(name: "synth-bench", targets: ["SynthBench"]),
        .library(name: "SynthKit", targets: ["SynthKit"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "TensorCore", swiftSettings: kernelSettings),
        .target(name: "BPE", swiftSettings: kernelSettings),
        .target(name: "GPT", dependencies: ["TensorCore"], swiftSettings: kernelSettings),
        .target(name: "Training", dependencies: ["GPT", "BPE"], swiftSettings: kernelSettings),
        .target(name: "Decoding", dependencies: ["TensorCore", "BPE", "GPT"],
                swiftSettings: kernelSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "Records", dependencies: ["BPE", "Decoding"], swiftSettings: kernelSettings),
        .target(name: "Evaluation", dependencies: ["Records", "TensorCore"], swiftSettings: kernelSettings),
        .target(name: "SynthKit", dependencies: ["TensorCore", "BPE", "GPT", "Training", "Decoding", "Records"],
                swiftSettings: kernelSettings),
        .executableTarget(name: "SynthCLI", dependencies: ["SynthKit", "BPE", "GPT", "Training", "Decoding", "Records", "Evaluation"],
                         swiftSettings: kernelSettings),
        .executableTarget(name: "SynthBench", dependencies: ["SynthKit", "TensorCore", "BPE", "GPT", "Decoding"], swiftSettings: kernelSettings),
        .testTarget(
            name: "TensorCoreTests", dependencies: ["TensorCore"], swiftSettings: kernelSettings,
            // Exporting the test binary's symbols lets AllocationCounter.swift count every
            // heap allocation in the process (the "kernels do not allocate" test).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]),
        .testTarget(name: "BPETests", dependencies: ["BPE"], swiftSettings: kernelSettings),
        .testTarget(name: "GPTTests", dependencies: ["GPT"], swiftSettings: kernelSettings),
        .testTarget(name: "DecodingTests", dependencies: ["Decoding", "GPT", "BPE", "TensorCore"], swiftSettings: kernelSettings),
        .testTarget(name: "RecordsTests", dependencies: ["Records"], swiftSettings: kernelSettings),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Records", "TensorCore"], swiftSettings: kernelSettings),
        .testTarget(name: "TrainingTests", dependencies: ["Training"], swiftSettings: kernelSettings),
        .testTarget(name: "SynthCLITests", dependencies: ["SynthCLI", "SynthKit"]),
    ]
)
