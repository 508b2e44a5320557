import Records

/// SDMetrics' mixed-type row distance, the one `evaluate.py` uses for its DCR figures:
/// the mean over all columns of a per-column term in 0...1.
///
/// - numbers (and dates, as seconds): |a − b| / range, capped at 1, where range is the
///   real train column's max − min (over its finite values);
/// - a number column whose train range is 0 (constant, or no finite value) and
///   categories: 0 when the values are equal, 1 otherwise;
/// - missing on both sides is a match (0); missing on one side only is 1.
///
/// Non-finite numbers, which `evaluate.py` turns into NaN distances, are ours to define:
/// equal infinities match, an infinity against anything else is 1.
struct MixedDistanceRule: Sendable, Equatable {
    /// The train range of a scaled column, or nil for an exact-match column.
    var range: Double?
    /// The train minimum of a scaled column (shifts values before they become Float32).
    var minimum: Double

    static let exact = MixedDistanceRule(range: nil, minimum: 0)

    /// The term of one column, in double precision: the definition itself.
    @inline(__always)
    func term(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : 1 }
        if a == b { return 0 }
        guard let range else { return 1 }
        return min(abs(a - b) / range, 1)
    }
}

/// One table's rows as the distance reads them, row-major with `columnCount` values a row.
struct MixedDistanceRows: Sendable {
    let count: Int
    /// (rows, C): numbers as parsed (NaN when missing), category codes shared by all
    /// tables of a ``MixedDistanceSpace`` (-1 when missing), as Double.
    let values: [Double]
    /// (rows, C): the same in the kernel's form (see ``MixedDistanceSpace``), as bit
    /// patterns: first the scaled columns' Float32 values, then the exact-match columns'
    /// Int32 codes.
    let kernel: [UInt32]
}

/// The train, holdout and synthetic tables encoded once for the mixed-type distance.
///
/// The fast kernel reads each row as the scaled columns, then the exact-match ones:
/// - a scaled column holds the Float32 (x − train min) / range, so its term is
///   `min(|a − b|, 1)`; finite values are clamped to ±1e18 ranges from the minimum
///   (beyond that Float32 cannot tell values apart anyway), infinities become ±1e24 and
///   a missing value 1e30, far from everything else (so its term is 1) and equal to
///   itself (so its term is 0);
/// - an exact-match column holds an Int32 code (the category code, or the index of a
///   distinct number; -1 when missing), and its term is `a != b`, an integer count.
/// Equal values thus give bit-equal kernel values and a term of exactly 0.
struct MixedDistanceSpace: Sendable {
    /// One rule per column, in metadata order.
    let rules: [MixedDistanceRule]
    /// How many columns are scaled: the first `scaledColumnCount` values of a kernel row.
    let scaledColumnCount: Int
    let train: MixedDistanceRows
    let holdout: MixedDistanceRows
    let synthetic: MixedDistanceRows

    var columnCount: Int { rules.count }

    static let missingSentinel: Float = 1e30
    static let infinitySentinel: Float = 1e24
    static let finiteLimit: Double = 1e18

    /// Encodes the columns `metadata` names, with `EncodedTables`' parsing (cells in
    /// `missing` are missing). Unparseable numbers are an error in the train and holdout
    /// tables and missing in the synthetic one, as in `evaluate.py`.
    init(train: Table, holdout: Table, synthetic: Table, metadata: QualityMetadata,
         missing: MissingValues = .pandasDefault) throws(EvaluationError) {
        for table in [train, holdout, synthetic] where table.rowCount == 0 { throw .noRows(file: table.source) }
        let trainNames = Set(train.columnNames), holdoutNames = Set(holdout.columnNames)
        if trainNames != holdoutNames {
            throw .columnsDiffer(real: train.source, synthetic: holdout.source,
                                 missing: train.columnNames.filter { !holdoutNames.contains($0) },
                                 unexpected: holdout.columnNames.filter { !trainNames.contains($0) })
        }
        // One encoding of train against the synthetic rows followed by the holdout rows,
        // so that train is parsed once and category codes agree across the three tables.
        let syntheticNames = Set(synthetic.columnNames)
        let both = Table(source: synthetic.source, columnNames: synthetic.columnNames,
                         columns: synthetic.columnNames.map { name in
                             synthetic.columns[synthetic.columnIndex(named: name)!]
                                 + (syntheticNames == holdoutNames ? holdout.columns[holdout.columnIndex(named: name)!] : [])
                         },
                         rowLines: synthetic.rowLines + (syntheticNames == holdoutNames ? holdout.rowLines : []))
        let encoded = try EncodedTables(real: train, synthetic: both, metadata: metadata, missing: missing)
        let split = synthetic.rowCount
        let columnCount = metadata.columns.count
        var trainColumns: [[Double]] = [], holdoutColumns: [[Double]] = [], syntheticColumns: [[Double]] = []
        var rules: [MixedDistanceRule] = []
        for (index, column) in encoded.columns.enumerated() {
            switch (column.real, column.synthetic) {
            case let (.continuous(t), .continuous(ys)):
                let y = Array(ys[..<split]), o = Array(ys[split...])
                let cells = holdout.columns[holdout.columnIndex(named: column.name)!]
                if let row = o.indices.first(where: { o[$0].isNaN && !missing.contains(cells[$0]) }) {
                    let format = metadata.columns[index].dateFormat
                    throw .unparseableCell(file: holdout.source, column: column.name, line: holdout.rowLines[row],
                                           text: cells[row],
                                           expected: format.map { "a date in the layout \($0.pattern)" } ?? "a number")
                }
                let finite = t.filter(\.isFinite)
                let low = finite.min() ?? 0, high = finite.max() ?? 0
                let range = high - low
                rules.append(range > 0 && range.isFinite ? MixedDistanceRule(range: range, minimum: low) : .exact)
                trainColumns.append(t); holdoutColumns.append(o); syntheticColumns.append(y)
            case let (.categorical(t), .categorical(ys)):
                rules.append(.exact)
                trainColumns.append(t.map(Double.init))
                syntheticColumns.append(ys[..<split].map(Double.init))
                holdoutColumns.append(ys[split...].map(Double.init))
            default:
                preconditionFailure("a column is encoded the same way in both tables")
            }
        }
        // Kernel columns: the scaled ones, then the exact-match ones; exact-match number
        // columns get one code per distinct value over all three tables.
        let order = (0..<columnCount).filter { rules[$0].range != nil } + (0..<columnCount).filter { rules[$0].range == nil }
        var kernelColumns: [([UInt32], [UInt32], [UInt32])] = []
        for c in order {
            let rule = rules[c]
            if let range = rule.range {
                let scale = { (x: Double) in Self.scaledValue(x, minimum: rule.minimum, range: range).bitPattern }
                kernelColumns.append((trainColumns[c].map(scale), holdoutColumns[c].map(scale), syntheticColumns[c].map(scale)))
            } else if metadata.columns[c].type == .categorical {
                let code = { (x: Double) in UInt32(bitPattern: Int32(x)) }
                kernelColumns.append((trainColumns[c].map(code), holdoutColumns[c].map(code), syntheticColumns[c].map(code)))
            } else {
                var codes: [Double: Int32] = [:]
                let code = { (x: Double) -> UInt32 in
                    if x.isNaN { return UInt32(bitPattern: -1) }
                    if let known = codes[x] { return UInt32(bitPattern: known) }
                    let new = Int32(codes.count)
                    codes[x] = new
                    return UInt32(bitPattern: new)
                }
                let t = trainColumns[c].map(code), h = holdoutColumns[c].map(code), y = syntheticColumns[c].map(code)
                kernelColumns.append((t, h, y))
            }
        }
        func rows(_ columns: [[Double]], _ kernelColumns: [[UInt32]]) -> MixedDistanceRows {
            let count = columns.first?.count ?? 0
            var values = [Double](repeating: 0, count: count * columnCount)
            var kernel = [UInt32](repeating: 0, count: count * columnCount)
            for c in 0..<columnCount {
                for r in 0..<count {
                    values[r * columnCount + c] = columns[c][r]
                    kernel[r * columnCount + c] = kernelColumns[c][r]
                }
            }
            return MixedDistanceRows(count: count, values: values, kernel: kernel)
        }
        self.rules = rules
        scaledColumnCount = rules.filter { $0.range != nil }.count
        self.train = rows(trainColumns, kernelColumns.map(\.0))
        self.holdout = rows(holdoutColumns, kernelColumns.map(\.1))
        self.synthetic = rows(syntheticColumns, kernelColumns.map(\.2))
    }

    /// A scaled column's Float32 value (see the type's notes).
    static func scaledValue(_ x: Double, minimum: Double, range: Double) -> Float {
        if x.isNaN { return missingSentinel }
        if x.isInfinite { return x > 0 ? infinitySentinel : -infinitySentinel }
        return Float(min(max((x - minimum) / range, -finiteLimit), finiteLimit))
    }

    /// The distance between row `a` of `first` and row `b` of `second`, in double
    /// precision: the scaled columns' terms summed in column order, then the number of
    /// exact-match columns that differ added at once (as `evaluate.py` adds its numbers
    /// first, then its categories), over the column count. Adding the count at once keeps
    /// ties: two rows that differ from a third in different categories only are exactly as
    /// far from it.
    @inline(__always)
    func distance(_ first: MixedDistanceRows, _ a: Int, _ second: MixedDistanceRows, _ b: Int) -> Double {
        let c = columnCount
        guard c > 0 else { return 0 }
        var sum = 0.0
        var mismatches = 0
        first.values.withUnsafeBufferPointer { x in
            second.values.withUnsafeBufferPointer { y in
                rules.withUnsafeBufferPointer { rules in
                    for j in 0..<c where rules[j].range != nil { sum += rules[j].term(x[a * c + j], y[b * c + j]) }
                    for j in 0..<c where rules[j].range == nil && rules[j].term(x[a * c + j], y[b * c + j]) != 0 {
                        mismatches += 1
                    }
                }
            }
        }
        return (sum + Double(mismatches)) / Double(c)
    }

    /// A key equal for two rows exactly when their distance is 0 (NaN and signed zeros
    /// made canonical), to find exact copies by hashing rather than through Float32.
    func rowKeys(_ rows: MixedDistanceRows) -> [[UInt64]] {
        let c = columnCount
        return (0..<rows.count).map { r in
            (0..<c).map { j in
                let x = rows.values[r * c + j]
                return x.isNaN ? Double.nan.bitPattern : (x == 0 ? 0 : x.bitPattern)
            }
        }
    }
}

/// The nearest-neighbour search written the plain way, in double precision, straight from
/// ``MixedDistanceRule``: the documentation of ``NearestNeighbourSearch`` and what the
/// tests compare it with. Quadratic and single-threaded; never used by the reports.
enum MixedDistanceReference {
    /// For each query row: the index of its closest reference row (the first one on a
    /// tie), that distance, and the second smallest distance (+∞ with one reference row).
    static func nearest(space: MixedDistanceSpace, queries: MixedDistanceRows,
                        references: MixedDistanceRows) -> [(index: Int, distance: Double, second: Double)] {
        (0..<queries.count).map { q in
            var best = (index: -1, distance: Double.infinity, second: Double.infinity)
            for r in 0..<references.count {
                let d = space.distance(queries, q, references, r)
                if d < best.distance {
                    best = (r, d, best.distance)
                } else if d < best.second {
                    best.second = d
                }
            }
            return best
        }
    }
}
