import Foundation
import SynthKit

/// Parses the command line, runs the chosen command and returns its exit status.
func synthMain(_ words: [String]) -> Int32 {
    var arguments = Arguments(words)
    guard let first = arguments.remaining.first else {
        print(overview)
        return ExitStatus.success
    }
    if first == "--help" || first == "-h" {
        print(overview)
        return ExitStatus.success
    }
    if first == "--version" {
        print(SynthInfo.buildSummary)
        return ExitStatus.success
    }
    _ = arguments.next()
    guard let command = commands.first(where: { $0.name == first }) else {
        printError("synth: unknown command '\(first)'\nRun 'synth --help' for the list of commands.")
        return ExitStatus.usage
    }
    if arguments.flag("--help") || arguments.flag("-h") {
        print(command.help)
        return ExitStatus.success
    }
    do {
        return try command.run(&arguments)
    } catch let error as UsageError {
        printError("synth \(command.name): \(error)\n\n\(command.help)")
        return ExitStatus.usage
    } catch {
        printError("synth \(command.name): \(error)")
        return ExitStatus.failure
    }
}

exit(synthMain(Array(CommandLine.arguments.dropFirst())))
