// What every `fit` command shares: the model options, Ctrl-C, and the progress display.

import Foundation
import SynthKit
import Training

/// The options of the model part of every `fit` (for the help texts).
let modelFitHelp = """
    --preset auto|tiny|char|small  model size (auto: sized to the data)
    --steps N            optimizer steps (default: sized to the data and the time limit)
    --time-limit MIN     minutes of training at most (default 8)
    --batch N            sequences per step (default 32)
    --seed S             seed of the split, the shuffles and the model (default 1)
    --threads N          threads (default: every core)
"""

/// Reads `--preset`, `--steps`, `--time-limit`, `--batch`, `--seed` and `--threads` over
/// the kind's `defaults`.
func modelFitOptions(_ arguments: inout Arguments, defaults: ModelFitOptions = ModelFitOptions()) throws -> ModelFitOptions {
    var options = defaults
    options.preset = try arguments.value("--preset") ?? options.preset
    guard ModelFitOptions.presets.contains(options.preset) else {
        throw UsageError("--preset expects \(ModelFitOptions.presets.joined(separator: ", ")), got '\(options.preset)'")
    }
    options.steps = try arguments.integer("--steps", in: 1...10_000_000)
    if let minutes = try arguments.value("--time-limit") {
        guard let value = Double(minutes), value.isFinite, value > 0 else {
            throw UsageError("--time-limit expects minutes (a positive number), got '\(minutes)'")
        }
        options.timeLimit = value * 60
    }
    options.batch = try arguments.integer("--batch", default: options.batch, in: 1...4096)!
    options.seed = UInt64(try arguments.integer("--seed", default: Int(options.seed), in: 0...Int.max)!)
    options.threads = try arguments.integer("--threads", in: 1...256)
    return options
}

/// Runs a fit with Ctrl-C ending training early and progress on standard error (a line
/// per validation, the current step redrawn in place on a terminal); prints the outcome
/// and returns the exit status (130 when interrupted).
func runFit(out: String, _ fit: (_ events: (FitEvent) -> Void, _ shouldStop: () -> Bool) throws -> SequenceFitReport,
            seconds: () -> Double) throws -> Int32 {
    onInterrupt { _ in stopRequested.store(true, ordering: .relaxed) }
    let interactive = isatty(2) != 0
    var pendingLine = false
    let report = try fit({ event in
        switch event {
        case let .message(text):
            printError(text)
        case let .step(report, best):
            let validation = report.validationLoss.map { String(format: " val %.4f%@", $0, best ? " *" : "") } ?? ""
            let line = String(format: "step %d/%d loss %.4f%@ lr %.2e %.0f tok/s ETA %.0fs", report.step, report.steps,
                              report.loss, validation, report.learningRate, report.tokensPerSecond, report.secondsLeft)
            if interactive {
                FileHandle.standardError.write(Data(("\r" + line + (report.validationLoss != nil ? "\n" : "")).utf8))
                pendingLine = report.validationLoss == nil
            } else if report.validationLoss != nil {
                printError(line)
            }
        }
    }, { stopRequested.load(ordering: .relaxed) })
    if pendingLine { printError("") }
    let loss = report.bestValidationLoss.map { String(format: ", best validation loss %.4f at step %d", $0, report.bestStep) } ?? ""
    printError(String(format: "wrote %@ in %.1f s: %d of %d steps (%@)%@", out, seconds(), report.stepsRun,
                      report.plannedSteps, report.stopReason, loss))
    return report.stopReason == "interrupted" ? 130 : ExitStatus.success
}
