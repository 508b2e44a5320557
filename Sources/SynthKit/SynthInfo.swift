import TensorCore

/// Facts about this build of Synth, for `synth --version` and benchmark records.
public enum SynthInfo {
    /// The release version.
    public static let version = "0.1.0"

    /// One line naming the version, the SIMD code path compiled in and the thread count.
    public static var buildSummary: String {
        "synth \(version) (\(KernelBuild.description), \(ThreadPool.defaultThreadCount) threads)"
    }
}
