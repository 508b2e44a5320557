import Foundation
import SynthKit

/// One `synth` subcommand. Later subcommands (tokenizer, train, generate, table, ...)
/// register here by adding their type to ``commands``.
protocol Command {
    /// The word that selects it: `synth NAME ...`.
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full help text, usage line first.
    static var help: String { get }
    /// Runs with the words after the command name; returns the exit status.
    static func run(_ arguments: inout Arguments) throws -> Int32
}

/// Every subcommand, in the order `synth --help` lists them.
let commands: [any Command.Type] = [TokenizerCommand.self, PrepareCommand.self, TrainCommand.self, LossCommand.self,
                                    GenerateCommand.self, TableCommand.self, EvalCommand.self, LogsCommand.self, DialogueCommand.self, ParaphraseCommand.self, InfoCommand.self, VersionCommand.self, HelpCommand.self]

/// Exit statuses: 0 done, 1 the work failed (bad file, bad data), 2 the command line was wrong.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

var overview: String {
    let width = commands.map { $0.name.count }.max() ?? 0
    let list = commands.map { "  " + $0.name.padding(toLength: width + 3, withPad: " ", startingAt: 0) + $0.summary }
    return """
    synth — a synthesis engine for text and sequences: byte-level BPE, a compact GPT
    trained on your corpus, and constrained decoding so every generated record is valid.

    usage: synth COMMAND [options]
           synth --help | --version

    Commands:
    \(list.joined(separator: "\n"))

    Run 'synth help COMMAND' or 'synth COMMAND --help' for a command's options.
    """
}

struct HelpCommand: Command {
    static let name = "help"
    static let summary = "Show the command list, or one command's options"
    static let help = "usage: synth help [COMMAND]"

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let topic = arguments.next() else {
            print(overview)
            return ExitStatus.success
        }
        try arguments.finish()
        guard let command = commands.first(where: { $0.name == topic }) else {
            throw UsageError("unknown command '\(topic)'")
        }
        print(command.help)
        return ExitStatus.success
    }
}

struct VersionCommand: Command {
    static let name = "version"
    static let summary = "Print the version and how the kernels were built"
    static let help = "usage: synth version\n\nPrints the version, the SIMD path compiled in and the thread count."

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        try arguments.finish()
        print(SynthInfo.buildSummary)
        return ExitStatus.success
    }
}
