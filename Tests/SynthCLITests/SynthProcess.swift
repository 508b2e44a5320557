import Foundation

/// The built `synth` executable: beside the test bundle (Linux: the bundle's directory is
/// the products directory; macOS: the .xctest bundle sits inside it).
func synthExecutable() -> URL? {
    let bundle = Bundle(for: SynthProcessAnchor.self).bundleURL
    return [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("synth") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

private final class SynthProcessAnchor {}

/// Runs `synth` as a user would: arguments and standard input in; exit status, standard
/// output and standard error out.
func runSynth(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws
    -> (status: Int32, output: Data, error: String) {
    guard let executable = synthExecutable() else { return (-1, Data(), "synth executable not found beside the tests") }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    // Read standard error on another thread so neither pipe can fill up and block.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1_000) }
    return (process.terminationStatus, outData, String(decoding: errData, as: UTF8.self))
}

/// ``runSynth(_:input:environment:)`` with standard output as text.
func runSynthText(_ arguments: [String], environment: [String: String] = [:]) throws
    -> (status: Int32, output: String, error: String) {
    let result = try runSynth(arguments, environment: environment)
    return (result.status, String(decoding: result.output, as: UTF8.self), result.error)
}

/// The failure of a test class's shared setup (fitting the models its tests sample from),
/// thrown by every test of the class: a fixture that cannot be made fails the tests, it
/// never skips them.
struct SharedSetupFailure: Error, CustomStringConvertible {
    var description: String
}
