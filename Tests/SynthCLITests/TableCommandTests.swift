import Foundation
import XCTest

/// `synth table fit` and `synth table sample` end to end on a small table with a real
/// dependency (the plan decides the price range): a tiny model fitted once for the class,
/// then samples checked against schema.json with an independent checker written here.
final class TableCommandTests: XCTestCase {
    nonisolated(unsafe) private static var directory: URL!
    nonisolated(unsafe) private static var model = ""
    nonisolated(unsafe) private static var csv = ""
    nonisolated(unsafe) private static var setupError: String?
    static let header = "city,plan,price,age,member,score"

    /// 200 rows: price 10...20 for basic and 50...60 for pro, score missing now and then.
    static func tableText() -> String {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var lines = [header]
        let cities = ["Paris", "Lyon", "Nice", "Saint-Denis, Réunion"]
        for _ in 0..<200 {
            let pro = next(3) == 0
            let city = cities[next(cities.count)]
            let price = pro ? 50 + next(11) : 10 + next(11)
            let age = 18 + next(53)
            let member = next(2) == 0 ? "yes" : "no"
            let score = next(10) == 0 ? "" : "\(next(5)).\(next(10))"
            lines.append("\"\(city)\",\(pro ? "pro" : "basic"),\(price),\(age),\(member),\(score)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    override class func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-table-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        csv = directory.appendingPathComponent("plans.csv").path
        try? Data(tableText().utf8).write(to: URL(fileURLWithPath: csv))
        model = directory.appendingPathComponent("model").path
        let fit = try? runSynthText(["table", "fit", "--input", csv, "--out", model, "--preset", "tiny", "--steps", "60",
                                 "--orders", "4", "--batch", "16", "--seed", "3"])
        if fit?.status != 0 { setupError = "could not fit the test model: \(fit?.error ?? "synth did not run")" }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { throw SharedSetupFailure(description: error) }
    }

    func testFitWritesACompleteBundle() throws {
        for file in ["model.safetensors", "config.json", "tokenizer.json", "schema.json", "fingerprints.bin", "table.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.model + "/" + file), file)
        }
        let schema = try Self.schema(Self.model)
        XCTAssertEqual(schema.map { $0["name"] as? String }, ["city", "plan", "price", "age", "member", "score"])
        XCTAssertEqual(schema.map { $0["type"] as? String }, ["categorical", "categorical", "integer", "integer", "boolean", "decimal"])
        // No working directory is left beside the bundle.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [])
    }

    func testSampledRowsAreValidAndNotCopies() throws {
        let out = Self.directory.appendingPathComponent("rows.csv").path
        let result = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "300", "--out", out, "--seed", "5"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("rows/s"), result.error)
        let rows = try Self.readCSV(out)
        XCTAssertEqual(rows.first?.joined(separator: ","), Self.header)
        XCTAssertEqual(rows.count, 301)
        let schema = try Self.schema(Self.model)
        let training = Set(try Self.readCSV(Self.csv).dropFirst().map(Self.canonical))
        for row in rows.dropFirst() {
            XCTAssertNil(Self.violation(row, schema: schema), "\(row)")
            XCTAssertFalse(training.contains(Self.canonical(row)), "a copy of a training row: \(row)")
        }
    }

    func testConditionsHoldOnEveryRow() throws {
        let out = Self.directory.appendingPathComponent("pro.csv").path
        let result = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "120", "--out", out,
                                        "--where", "plan=pro", "--where", "age>=40", "--where", "city in (Lyon, \"Saint-Denis, Réunion\")",
                                        "--where", "score<2.5"])
        XCTAssertEqual(result.status, 0, result.error)
        let rows = try Self.readCSV(out)
        XCTAssertEqual(rows.count, 121)
        let schema = try Self.schema(Self.model)
        for row in rows.dropFirst() {
            XCTAssertNil(Self.violation(row, schema: schema), "\(row)")
            XCTAssertEqual(row[1], "pro")
            XCTAssertGreaterThanOrEqual(Int(row[3]) ?? 0, 40, "\(row)")
            XCTAssertTrue(["Lyon", "Saint-Denis, Réunion"].contains(row[0]), "\(row)")
            XCTAssertLessThan(Double(row[5]) ?? 99, 2.5, "\(row)")
        }
    }

    func testJSONLOutputToStandardOutput() throws {
        let result = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "20", "--format", "jsonl", "--seed", "9"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            XCTAssertEqual(Set(object.keys), ["city", "plan", "price", "age", "member", "score"])
            XCTAssertNotNil(object["price"] as? Int, String(line))
        }
        // Same seed, same rows.
        let again = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "20", "--format", "jsonl", "--seed", "9"])
        XCTAssertEqual(again.output, result.output)
    }

    func testPrivacyGuardDropsCopiesAndGivesUpClearly() throws {
        // Every combination of two small columns is a training row: every sample is a copy.
        let small = Self.directory.appendingPathComponent("small.csv").path
        var lines = ["a,b"]
        for i in 0..<90 { lines.append("x\(i % 3),y\(i / 3 % 3)") }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: small))
        let bundle = Self.directory.appendingPathComponent("small-model").path
        let fit = try runSynthText(["table", "fit", "--input", small, "--out", bundle, "--preset", "tiny", "--steps", "5",
                                     "--orders", "8", "--batch", "4"])
        XCTAssertEqual(fit.status, 0, fit.error)
        let out = Self.directory.appendingPathComponent("small-rows.csv").path
        let guarded = try runSynthText(["table", "sample", "--model", bundle, "--rows", "10", "--max-attempts", "50", "--out", out])
        XCTAssertEqual(guarded.status, 1)
        XCTAssertTrue(guarded.error.contains("exact copies of training rows"), guarded.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is half-written")
        let allowed = try runSynthText(["table", "sample", "--model", bundle, "--rows", "10", "--allow-copies", "--out", out])
        XCTAssertEqual(allowed.status, 0, allowed.error)
        XCTAssertEqual(try Self.readCSV(out).count, 11)
    }

    func testBadConditionsNameTheColumn() throws {
        let unknown = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "5", "--where", "colour=red"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.error.contains("no column 'colour'"), unknown.error)
        XCTAssertTrue(unknown.error.contains("city, plan, price"), unknown.error)
        let contradictory = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "5",
                                               "--where", "age>=60", "--where", "age<30"])
        XCTAssertEqual(contradictory.status, 1)
        XCTAssertTrue(contradictory.error.contains("no value of column 'age'"), contradictory.error)
        let outside = try runSynthText(["table", "sample", "--model", Self.model, "--rows", "5", "--where", "plan=gold"])
        XCTAssertEqual(outside.status, 1)
        XCTAssertTrue(outside.error.contains("'gold' is never a value of column 'plan'"), outside.error)
        XCTAssertEqual(unknown.output, "", "nothing written before the error")
    }

    func testBadTablesNameTheFileAndLine() throws {
        let ragged = Self.directory.appendingPathComponent("ragged.csv").path
        try Data("a,b,c\n1,2,3\n4,5\n".utf8).write(to: URL(fileURLWithPath: ragged))
        let bundle = Self.directory.appendingPathComponent("never").path
        let raggedRun = try runSynthText(["table", "fit", "--input", ragged, "--out", bundle])
        XCTAssertEqual(raggedRun.status, 1)
        XCTAssertTrue(raggedRun.error.contains("ragged.csv:3: expected 3 fields"), raggedRun.error)

        let empty = Self.directory.appendingPathComponent("empty.csv").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let emptyRun = try runSynthText(["table", "fit", "--input", empty, "--out", bundle])
        XCTAssertEqual(emptyRun.status, 1)
        XCTAssertTrue(emptyRun.error.contains("empty.csv: empty file"), emptyRun.error)

        let headerOnly = Self.directory.appendingPathComponent("header.csv").path
        try Data("a,b\n".utf8).write(to: URL(fileURLWithPath: headerOnly))
        let headerRun = try runSynthText(["table", "fit", "--input", headerOnly, "--out", bundle])
        XCTAssertEqual(headerRun.status, 1)
        XCTAssertTrue(headerRun.error.contains("header.csv: no data rows"), headerRun.error)

        let reserved = Self.directory.appendingPathComponent("reserved.csv").path
        try Data("a,b\n1,x\n2,<|row|>\n".utf8).write(to: URL(fileURLWithPath: reserved))
        let reservedRun = try runSynthText(["table", "fit", "--input", reserved, "--out", bundle])
        XCTAssertEqual(reservedRun.status, 1)
        XCTAssertTrue(reservedRun.error.contains("reserved.csv:3: column 'b'"), reservedRun.error)

        let missing = try runSynthText(["table", "sample", "--model", bundle, "--rows", "5"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("no such model directory"), missing.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: bundle), "no bundle from a failed fit")
        let usage = try runSynthText(["table", "sample", "--model", Self.model])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.error.contains("--rows N is required"), usage.error)
    }

    // MARK: helpers

    /// The columns of a bundle's schema.json.
    static func schema(_ bundle: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/schema.json"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["columns"] as? [[String: Any]])
    }

    /// Why a row (CSV cells) is outside the schema, or nil. Written from schema.json's
    /// documented keys, independently of the Records module.
    static func violation(_ row: [String], schema: [[String: Any]]) -> String? {
        guard row.count == schema.count else { return "\(row.count) cells" }
        for (cell, column) in zip(row, schema) {
            let name = column["name"] as? String ?? "?"
            if cell.isEmpty {
                if column["nullable"] as? Bool != true { return "\(name) is empty" }
                continue
            }
            switch column["type"] as? String {
            case "categorical":
                guard (column["values"] as? [String] ?? []).contains(cell) else { return "\(name): \(cell)" }
            case "integer":
                guard let value = Int(cell), String(value) == cell, let low = (column["minimum"] as? NSNumber)?.intValue,
                      let high = (column["maximum"] as? NSNumber)?.intValue, value >= low, value <= high else {
                    return "\(name): \(cell)"
                }
            case "decimal":
                let digits = cell.split(separator: ".").dropFirst().first?.count ?? 0
                guard let value = Double(cell), let low = (column["minimum"] as? NSNumber)?.doubleValue,
                      let high = (column["maximum"] as? NSNumber)?.doubleValue,
                      value >= low - 1e-9, value <= high + 1e-9, digits <= (column["precision"] as? Int ?? 0) else {
                    return "\(name): \(cell)"
                }
            case "boolean":
                guard cell == column["true"] as? String || cell == column["false"] as? String else { return "\(name): \(cell)" }
            default:
                return "\(name): unexpected type"
            }
        }
        return nil
    }

    /// A row with numbers compared as numbers (`2.0` is `2`).
    static func canonical(_ row: [String]) -> String {
        row.map { cell in Double(cell).map { String($0) } ?? cell }.joined(separator: "\u{1F}")
    }

    /// A CSV file's records (quoted fields with commas and doubled quotes; no newlines inside).
    static func readCSV(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            var fields: [String] = [], field = "", quoted = false
            var characters = Array(line)[...]
            while let character = characters.popFirst() {
                if quoted {
                    if character == "\"" {
                        if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                    } else {
                        field.append(character)
                    }
                } else if character == "\"" {
                    quoted = true
                } else if character == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
            }
            fields.append(field)
            return fields
        }
    }
}
