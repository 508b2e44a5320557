import Foundation

/// The three faces of a table evaluation: a terminal summary, a JSON document for
/// programs, and a self-contained HTML page (inline CSS and SVG; no script, no network).
extension TableEvaluationResult {
    // MARK: Terminal

    /// A few lines for the terminal: every headline figure, and the columns that need work.
    public func summary() -> String {
        var lines: [String] = []
        func score(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "n/a" }
        lines.append("real \(trainFile) (\(trainRows) rows)" + (holdoutFile.map { ", holdout \($0) (\(holdoutRows ?? 0) rows)" } ?? "")
                     + ", synthetic \(syntheticFile) (\(syntheticRows) rows)")
        lines.append("quality    \(score(quality.overall))  column shapes \(score(quality.columnShapes)), pair trends \(score(quality.columnPairTrends)) (all pairs: \(score(qualityAllPairs.overall)))")
        let worst = quality.shapes.filter { $0.score != nil }.sorted { $0.score! < $1.score! }.prefix(3)
        if !worst.isEmpty {
            lines.append("           weakest columns: " + worst.map { "\($0.column) \(score($0.score))" }.joined(separator: ", "))
        }
        lines.append(String(format: "validity   %.2f%% of rows inside every column's domain (%d of %d)",
                            validity.validShare * 100, validity.validRows, validity.rows))
        if let privacy {
            lines.append(String(format: "privacy    closer to train than to holdout %.3f (0.5 ideal; strict %.3f, ties %.3f), exact copies %d (%.2f%%)",
                                privacy.shareCloserToTrain, privacy.shareCloserToTrainStrict, privacy.tieShare,
                                privacy.exactCopies, privacy.exactCopyRate * 100))
            lines.append(String(format: "           median DCR %.4f to train, %.4f to holdout (real holdout rows: %.4f); median NNDR %.3f; membership-inference AUC %.3f",
                                privacy.medianDCRToTrain, privacy.medianDCRToHoldout, privacy.holdoutMedianDCRToTrain,
                                privacy.medianNNDR, privacy.membershipInferenceAUC))
        } else {
            lines.append("privacy    (give --holdout to measure)")
        }
        if let utility {
            lines.append("utility    target \(utility.target): train on synthetic / train on real, tested on the holdout")
            for model in utility.models {
                var figures = [String(format: "accuracy %.3f / %.3f", model.tstr.accuracy, model.trtr.accuracy),
                               String(format: "macro-F1 %.3f / %.3f", model.tstr.macroF1, model.trtr.macroF1)]
                if let s = model.tstr.positiveF1, let r = model.trtr.positiveF1 { figures.append(String(format: "F1 %.3f / %.3f", s, r)) }
                if let s = model.tstr.rocAUC, let r = model.trtr.rocAUC { figures.append(String(format: "AUC %.3f / %.3f", s, r)) }
                lines.append("           " + model.model.padding(toLength: 20, withPad: " ", startingAt: 0) + figures.joined(separator: ", "))
            }
        } else if holdoutFile != nil {
            lines.append("utility    (give --target COLUMN to measure)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// The report as JSON: every figure, per-column and per-pair details, timings (not
    /// the per-row distances; the HTML page draws those).
    public func jsonData() throws -> Data {
        var object: [String: Any] = [
            "files": ["train": trainFile, "holdout": holdoutFile as Any, "synthetic": syntheticFile].compactMapValues { $0 is NSNull ? nil : $0 },
            "rows": ["train": trainRows, "holdout": holdoutRows as Any, "synthetic": syntheticRows].compactMapValues { $0 is NSNull ? nil : $0 },
            "quality": TableEvaluationResult.qualityObject(quality),
            "quality_all_pairs": TableEvaluationResult.qualityObject(qualityAllPairs),
            "validity": try TableEvaluationResult.codableObject(validity),
            "seconds": seconds,
        ]
        if let privacy {
            var figures = try TableEvaluationResult.codableObject(privacy)
            figures.removeValue(forKey: "dcr_to_train")
            figures.removeValue(forKey: "holdout_dcr_to_train")
            object["privacy"] = figures
        }
        if let utility { object["utility"] = try TableEvaluationResult.codableObject(utility) }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    static func qualityObject(_ scores: QualityScores) -> [String: Any] {
        func number(_ value: Double?) -> Any { value.map { $0 as Any } ?? NSNull() }
        return [
            "overall": number(scores.overall),
            "column_shapes": number(scores.columnShapes),
            "column_pair_trends": number(scores.columnPairTrends),
            "shapes": scores.shapes.map { ["column": $0.column, "metric": $0.metric.rawValue, "score": number($0.score)] },
            "pairs": scores.pairs.map { pair -> [String: Any] in
                ["columns": [pair.column1, pair.column2], "metric": pair.metric.rawValue, "score": number(pair.score),
                 "counted": pair.meetsThreshold]
            },
        ]
    }

    /// A Codable report as a JSON object with snake_case keys.
    static func codableObject<T: Encodable>(_ value: T) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any]) ?? [:]
    }

    // MARK: HTML

    /// The report as one HTML page.
    public func html(title: String = "Synth — table evaluation") -> String {
        var page = HTMLPage(title: title)
        page.paragraph("Real <code>\(htmlEscaped(trainFile))</code> (\(trainRows) rows)"
                       + (holdoutFile.map { ", holdout <code>\(htmlEscaped($0))</code> (\(holdoutRows ?? 0) rows)" } ?? "")
                       + ", synthetic <code>\(htmlEscaped(syntheticFile))</code> (\(syntheticRows) rows).")
        var cards: [(String, String, String)] = [
            ("Quality", format(quality.overall), "SDMetrics QualityReport (1 = same distributions)"),
            ("Column shapes", format(quality.columnShapes), "KS / TV complement per column"),
            ("Pair trends", format(quality.columnPairTrends), "correlation / contingency similarity"),
            ("Validity", String(format: "%.1f%%", validity.validShare * 100), "rows inside every column's domain"),
        ]
        if let privacy {
            cards.append(("Closer to train", String(format: "%.3f", privacy.shareCloserToTrain), "share of synthetic rows; 0.5 is ideal"))
            cards.append(("Exact copies", "\(privacy.exactCopies)", "synthetic rows equal to a training row"))
        }
        if let utility, let best = utility.models.first {
            cards.append(("TSTR accuracy", String(format: "%.3f", best.tstr.accuracy),
                          String(format: "%@ on %@; real data: %.3f", best.model, utility.target, best.trtr.accuracy)))
        }
        page.cards(cards)

        page.section("Fidelity: each column", note: "Shares of rows per bin or category: real (train) in blue, synthetic in orange. The score is SDMetrics' KSComplement (numbers) or TVComplement (categories).")
        var charts: [String] = []
        for (distribution, shape) in zip(distributions, quality.shapes) {
            let title = "\(distribution.column) — \(format(shape.score))"
            if distribution.edges.isEmpty {
                charts.append(SVGChart.bars(title: title, categories: distribution.categories,
                                            real: distribution.realShares, synthetic: distribution.syntheticShares))
            } else {
                charts.append(SVGChart.histogram(title: title, edges: distribution.edges,
                                                 real: distribution.realShares, synthetic: distribution.syntheticShares))
            }
        }
        page.grid(charts)

        page.section("Fidelity: column pairs", note: "Association of every two columns (Pearson's r for two numbers, Cramér's V otherwise), real and synthetic, and their difference (synthetic − real).")
        let difference = zip(realAssociations.values, syntheticAssociations.values).map { realRow, syntheticRow in
            zip(realRow, syntheticRow).map { r, s -> Double? in
                guard let r, let s else { return nil }
                return s - r
            }
        }
        page.grid([
            SVGChart.heatmap(title: "Real", names: realAssociations.columns, values: realAssociations.values),
            SVGChart.heatmap(title: "Synthetic", names: syntheticAssociations.columns, values: syntheticAssociations.values),
            SVGChart.heatmap(title: "Difference", names: realAssociations.columns, values: difference),
        ])
        let weakestPairs = quality.pairs.filter { $0.meetsThreshold && $0.score != nil }.sorted { $0.score! < $1.score! }.prefix(10)
        if !weakestPairs.isEmpty {
            page.table(caption: "Weakest scored pairs (the pairs SDMetrics counts)", header: ["columns", "metric", "score"],
                       rows: weakestPairs.map { ["\($0.column1) / \($0.column2)", $0.metric.rawValue, format($0.score)] })
        }

        if let privacy {
            page.section("Privacy", note: "Distance to the closest record (DCR, SDMetrics' mixed-type distance: the mean over columns of |a − b| / range for numbers, 0/1 for categories). Synthetic rows should be as far from the training rows as unseen real rows are.")
            let dcrEdges = (0...20).map { Double($0) / 20 * max(0.05, (privacy.dcrToTrain + privacy.holdoutDCRToTrain).max() ?? 1) }
            page.grid([SVGChart.histogram(title: "Distance to the closest training row", edges: dcrEdges,
                                          real: shares(privacy.holdoutDCRToTrain, edges: dcrEdges),
                                          synthetic: shares(privacy.dcrToTrain, edges: dcrEdges),
                                          labels: ("real holdout", "synthetic"))])
            page.table(caption: "Privacy figures", header: ["figure", "synthetic", "real holdout (reference)"], rows: [
                ["share closer to train than to holdout (ties half; 0.5 ideal)", String(format: "%.3f", privacy.shareCloserToTrain), "—"],
                ["same, strict (ties not closer)", String(format: "%.3f", privacy.shareCloserToTrainStrict), "—"],
                ["exact copies of training rows", "\(privacy.exactCopies) (\(String(format: "%.2f%%", privacy.exactCopyRate * 100)))",
                 String(format: "%.2f%%", privacy.holdoutExactCopyRate * 100)],
                ["median DCR to train", String(format: "%.4f", privacy.medianDCRToTrain), String(format: "%.4f", privacy.holdoutMedianDCRToTrain)],
                ["median DCR to holdout", String(format: "%.4f", privacy.medianDCRToHoldout), "—"],
                ["median nearest-neighbour distance ratio", String(format: "%.3f", privacy.medianNNDR), "—"],
                ["membership-inference AUC (0.5 = no leak)", String(format: "%.3f", privacy.membershipInferenceAUC), "—"],
            ])
        }

        if let utility {
            page.section("Utility", note: "Classifiers trained on the synthetic rows (TSTR) and on the real training rows (TRTR), both tested on the real holdout, predicting \(htmlEscaped(utility.target)).")
            var header = ["model", "accuracy TSTR", "TRTR", "macro-F1 TSTR", "TRTR"]
            let binary = utility.models.contains { $0.tstr.positiveF1 != nil }
            if binary { header += ["F1 (\(utility.positiveClass ?? "positive")) TSTR", "TRTR"] }
            header += ["ROC-AUC TSTR", "TRTR"]
            page.table(caption: nil, header: header, rows: utility.models.map { model in
                var row = [model.model, format(model.tstr.accuracy), format(model.trtr.accuracy),
                           format(model.tstr.macroF1), format(model.trtr.macroF1)]
                if binary { row += [format(model.tstr.positiveF1), format(model.trtr.positiveF1)] }
                return row + [format(model.tstr.rocAUC), format(model.trtr.rocAUC)]
            })
        }

        page.section("Validity", note: "A value is valid when it is a category seen in the real table, or a number inside the real column's range (an integer where the column is), and missing only where the real column has missing values.")
        page.table(caption: nil, header: ["column", "valid"], rows: validity.columns.map { column in
            [column.name, String(format: "%.2f%%", column.validShare * 100)]
        })
        let total = seconds.values.reduce(0, +)
        page.paragraph(String(format: "Computed by Synth in %.2f s (", total)
                       + seconds.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f s", $0.key, $0.value) }.joined(separator: ", ") + ").")
        return page.render()
    }

    private func format(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "n/a" }

    /// Shares of `values` per bin of `edges` (the last bin closed).
    private func shares(_ values: [Double], edges: [Double]) -> [Double] {
        let bins = edges.count - 1
        var counts = [Double](repeating: 0, count: bins)
        let low = edges[0], high = edges[bins]
        for v in values where v.isFinite {
            let bin = Int(((v - low) / (high - low) * Double(bins)).rounded(.down))
            counts[min(bins - 1, max(0, bin))] += 1
        }
        return counts.map { $0 / Double(max(1, values.count)) }
    }
}
