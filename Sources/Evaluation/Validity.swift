import Records

/// How many synthetic rows lie entirely inside the real train table's domain
/// (``ValidityEvaluation`` has the rules).
public struct ValidityReport: Sendable, Codable, Equatable {
    /// Synthetic rows.
    public var rows: Int
    /// Rows whose every value is valid.
    public var validRows: Int
    /// `validRows` over `rows`: `evaluate.py`'s `valid_row_share`.
    public var validShare: Double
    /// One entry per evaluated column, in metadata order.
    public var columns: [ColumnValidity]
}

/// The validity of one synthetic column.
public struct ColumnValidity: Sendable, Codable, Equatable {
    /// A synthetic cell that is not valid, where to find it and why.
    public struct InvalidCell: Sendable, Codable, Equatable {
        /// The 1-based line of the synthetic CSV file on which the row starts.
        public var line: Int
        /// The cell's text.
        public var text: String
        /// What is wrong, e.g. "above the train maximum 90".
        public var reason: String

        public init(line: Int, text: String, reason: String) {
            self.line = line
            self.text = text
            self.reason = reason
        }
    }

    public var name: String
    public var validCount: Int
    /// `validCount` over the synthetic rows: `evaluate.py`'s `per_column_valid_share`.
    public var validShare: Double
    /// The first few invalid cells (at most ``ValidityEvaluation/examplesPerColumn``).
    public var invalidExamples: [InvalidCell]
}

/// Validity as `evaluate.py` (the judge of issue 7) defines it: a synthetic value is valid
/// when it lies in its real train column's domain.
///
/// - categorical: a text seen (non-missing) in the train column;
/// - numerical: a cell that parses as a number, within the train column's min...max, and
///   a whole number when every train value is (`evaluate.py`'s integer columns);
/// - datetime (ours: `evaluate.py` reads dates as categories): a cell that parses in the
///   column's layout, within the train column's earliest...latest;
/// - missing (a ``MissingValues/pandasDefault`` marker): valid only where the train
///   column has missing values.
public enum ValidityEvaluation {
    /// How many invalid cells each column reports.
    public static let examplesPerColumn = 5

    /// Checks every synthetic cell of the columns `metadata` names against `train`.
    public static func evaluate(train: Table, synthetic: Table,
                                metadata: QualityMetadata) throws(EvaluationError) -> ValidityReport {
        let missing = MissingValues.pandasDefault
        let tables = try EncodedTables(real: train, synthetic: synthetic, metadata: metadata, missing: missing)
        let rows = synthetic.rowCount
        var rowValid = [Bool](repeating: true, count: rows)
        var columns: [ColumnValidity] = []
        for (column, spec) in zip(tables.columns, metadata.columns) {
            let cells = synthetic.columns[synthetic.columnIndex(named: column.name)!]
            // Why each cell is invalid, or nil when it is valid.
            let reasons: (Int) -> String?
            switch (column.real, column.synthetic) {
            case let (.categorical(real), .categorical(values)):
                let realHasMissing = real.contains(-1)
                // Codes below this were seen in the train column (EncodedTables numbers them first).
                let seen = Int32((real.max() ?? -1) + 1)
                reasons = { r in
                    let code = values[r]
                    if code < 0 { return realHasMissing ? nil : "missing (the train column has no missing value)" }
                    return code < seen ? nil : "not a value of the train column"
                }
            case let (.continuous(real), .continuous(values)):
                let realHasMissing = real.contains { $0.isNaN }
                let present = real.filter { !$0.isNaN }
                let low = present.min(), high = present.max()
                let integer = spec.type == .numerical && present.allSatisfy { $0.rounded(.down) == $0 }
                // The bounds as the train file spells them.
                let trainCells = train.columns[train.columnIndex(named: column.name)!]
                let lowText = low.flatMap { real.firstIndex(of: $0) }.map { trainCells[$0].trimmingSpaces } ?? ""
                let highText = high.flatMap { real.firstIndex(of: $0) }.map { trainCells[$0].trimmingSpaces } ?? ""
                let unit = spec.type == .numerical ? "a number" : "a date in the layout \(spec.dateFormat?.pattern ?? "")"
                reasons = { r in
                    let x = values[r]
                    if x.isNaN {  // missing, or not parseable
                        if !missing.contains(cells[r]) { return "not \(unit)" }
                        return realHasMissing ? nil : "missing (the train column has no missing value)"
                    }
                    guard let low, let high else { return "the train column has no value" }
                    if x < low { return "below the train minimum \(lowText)" }
                    if x > high { return "above the train maximum \(highText)" }
                    if integer && x.rounded(.down) != x { return "not a whole number (the train column has only whole numbers)" }
                    return nil
                }
            default:
                preconditionFailure("a column is encoded the same way in both tables")
            }
            var valid = 0
            var examples: [ColumnValidity.InvalidCell] = []
            for r in 0..<rows {
                if let reason = reasons(r) {
                    rowValid[r] = false
                    if examples.count < examplesPerColumn {
                        examples.append(.init(line: synthetic.rowLines[r], text: cells[r], reason: reason))
                    }
                } else {
                    valid += 1
                }
            }
            columns.append(ColumnValidity(name: column.name, validCount: valid,
                                          validShare: Double(valid) / Double(rows), invalidExamples: examples))
        }
        let validRows = rowValid.filter { $0 }.count
        return ValidityReport(rows: rows, validRows: validRows, validShare: Double(validRows) / Double(rows),
                              columns: columns)
    }
}

private extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
