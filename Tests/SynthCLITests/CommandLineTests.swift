import Foundation
import XCTest

/// Runs the built `synth` executable as a user would: text in, text and exit status out.
final class CommandLineTests: XCTestCase {
    private func synth(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, output: String, error: String) {
        // The executable is built beside the test bundle (Linux: the bundle's directory
        // is the products directory; macOS: the .xctest bundle sits inside it).
        let bundle = Bundle(for: Self.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("synth") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            XCTFail("synth executable not found at \(candidates.map(\.path))")
            return (-1, "", "")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testHelpListsCommands() throws {
        for flags in [[], ["--help"], ["help"]] {
            let result = try synth(flags)
            XCTAssertEqual(result.status, 0, "\(flags)")
            XCTAssertTrue(result.output.contains("usage: synth COMMAND"), result.output)
            XCTAssertTrue(result.output.contains("info"), result.output)
        }
        let info = try synth(["help", "info"])
        XCTAssertEqual(info.status, 0)
        XCTAssertTrue(info.output.hasPrefix("usage: synth info"), info.output)
        XCTAssertEqual(try synth(["info", "--help"]).output, info.output)
    }

    func testVersionNamesTheKernels() throws {
        for flags in [["--version"], ["version"]] {
            let result = try synth(flags)
            XCTAssertEqual(result.status, 0)
            XCTAssertTrue(result.output.hasPrefix("synth 0."), result.output)
            XCTAssertTrue(result.output.contains("native SIMD"), result.output)
        }
        let threads = try synth(["--version"], environment: ["SYNTH_THREADS": "3"])
        XCTAssertTrue(threads.output.contains("3 threads"), threads.output)
    }

    func testMistakesExitWithUsageStatus() throws {
        let unknown = try synth(["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.error.contains("unknown command 'frobnicate'"), unknown.error)
        let badOption = try synth(["version", "--bogus"])
        XCTAssertEqual(badOption.status, 2)
        XCTAssertTrue(badOption.error.contains("unknown option '--bogus'"), badOption.error)
        let badTopic = try synth(["help", "nothing"])
        XCTAssertEqual(badTopic.status, 2)
    }

    func testInfoSelfTestPasses() throws {
        let result = try synth(["info", "--json"], environment: ["SYNTH_THREADS": "2"])
        XCTAssertEqual(result.status, 0, result.error)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["threads"] as? Int, 2)
        XCTAssertLessThan(object?["gemm_max_error"] as? Double ?? 1, 1e-3)
    }
}
