import Records

/// The column types SDMetrics' QualityReport distinguishes (its "sdtypes"). They decide
/// the metric: numbers and dates are compared as distributions (KS), categories by their
/// frequencies (total variation), and pairs by correlation or contingency tables.
public enum StatisticalType: String, Sendable, Codable, CaseIterable {
    case numerical, datetime, categorical

    /// Numbers and dates are continuous, categories discrete (SDMetrics' "shape").
    public var isContinuous: Bool { self != .categorical }
}

/// Which columns to evaluate and as what, in the order SDMetrics would iterate them
/// (its metadata's column order; pairs are every two columns in that order).
public struct QualityMetadata: Sendable, Equatable {
    /// One column: its name, its type and, for dates, its layout.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: StatisticalType
        public var dateFormat: DateFormat?

        public init(name: String, type: StatisticalType, dateFormat: DateFormat? = nil) {
            precondition(type != .datetime || dateFormat != nil, "a datetime column needs its layout")
            self.name = name
            self.type = type
            self.dateFormat = dateFormat
        }
    }

    public var columns: [Column]

    public init(columns: [Column]) { self.columns = columns }

    /// Numbers → numerical, dates → datetime, the rest → categorical.
    ///
    /// Built from a schema inferred with `detectsDates: false` this is exactly the
    /// metadata `evaluate.py` gives SDMetrics (numbers numerical, everything else
    /// categorical).
    public init(schema: TableSchema) {
        columns = schema.columns.map { column in
            switch column.kind {
            case .numerical: return Column(name: column.name, type: .numerical)
            case .datetime(let format): return Column(name: column.name, type: .datetime, dateFormat: format)
            case .categorical: return Column(name: column.name, type: .categorical)
            }
        }
    }
}
