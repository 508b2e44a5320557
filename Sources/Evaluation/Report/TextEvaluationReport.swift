import Foundation

/// The terminal, JSON and HTML faces of a text evaluation: every figure for the
/// generated text beside the same figure for the real held-out text (the ceiling).
extension TextReport {
    /// Figures whose meaning is "higher is closer to real text" are not marked: each is
    /// read against the held-out column, which is what real unseen text scores.
    public func summary() -> String {
        let real = Dictionary(heldout.namedValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        var lines = ["\(mode.rawValue): generated vs real held-out text (\(String(format: "%.2f", seconds)) s)"]
        lines.append("figure".padding(toLength: 40, withPad: " ", startingAt: 0) + "   generated     held-out")
        for (name, value) in generated.namedValues {
            lines.append(name.padding(toLength: 40, withPad: " ", startingAt: 0)
                         + String(format: " %11@ %12@", TextReport.format(value), real[name].map(TextReport.format) ?? "—"))
        }
        if !omitted.isEmpty { lines.append("not computed (need the MiniLM embedding model): " + omitted.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) >= 1 ? String(Int(value)) : String(format: "%.4f", value)
    }

    /// The report as JSON (snake_case keys).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// The report as one HTML page: headline cards, then every figure side by side with a
    /// bar per side for the shares (figures between 0 and 1).
    public func html(title: String? = nil) -> String {
        var page = HTMLPage(title: title ?? "Synth — \(mode.rawValue) evaluation")
        let real = Dictionary(heldout.namedValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let generatedValues = Dictionary(generated.namedValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let headline: [(String, String)] = {
            switch mode {
            case .logs: return [("header_valid", "valid headers"), ("template_validity_gt", "lines matching a template"),
                                ("template_validity_drain", "lines matching a mined template"), ("template_tv_gt", "template distance (0 = same)"),
                                ("content_novelty", "new messages")]
            case .dialogues: return [("well_formed", "well-formed dialogues"), ("turns_tv", "turns distance (0 = same)"),
                                     ("dialogue_novelty", "new dialogues"), ("distinct_2", "distinct bigrams")]
            case .paraphrases: return [("bleu_to_source", "BLEU to the source"), ("identical_to_source", "identical to the source"),
                                       ("distinct_2", "distinct bigrams"), ("self_bleu4", "self-BLEU (lower = diverse)")]
            case .text: return [("novelty", "new lines"), ("distinct_2", "distinct bigrams"), ("self_bleu4", "self-BLEU (lower = diverse)"),
                                ("memorisation_8gram", "8-grams copied from training")]
            }
        }()
        page.cards(headline.compactMap { key, label in
            generatedValues[key].map { (label, TextReport.format($0), "real held-out text: " + (real[key].map(TextReport.format) ?? "—")) }
        })
        page.section("Every figure", note: "Each figure measured on the generated text and, the same way, on the real held-out text against the same training corpus: the held-out column is what real unseen text scores.")
        var categories: [String] = [], generatedShares: [Double] = [], realShares: [Double] = []
        for (name, value) in generated.namedValues where (0...1).contains(value) && real[name].map({ (0...1).contains($0) }) == true {
            categories.append(name)
            generatedShares.append(value)
            realShares.append(real[name]!)
        }
        if !categories.isEmpty {
            page.grid([SVGChart.bars(title: "Figures between 0 and 1", categories: categories, real: realShares,
                                     synthetic: generatedShares, labels: ("real held-out", "generated"), width: 520)])
        }
        page.table(caption: nil, header: ["figure", "generated", "real held-out"], rows: generated.namedValues.map { name, value in
            [name, TextReport.format(value), real[name].map(TextReport.format) ?? "—"]
        })
        if !omitted.isEmpty {
            page.paragraph("Not computed (they need the MiniLM embedding model): " + htmlEscaped(omitted.joined(separator: ", ")) + ".")
        }
        page.paragraph(String(format: "Computed by Synth in %.2f s.", seconds))
        return page.render()
    }
}
