/// A report page assembled from a few kinds of blocks — headline cards, sections,
/// tables, chart grids — into one self-contained HTML file: inline CSS, inline SVG, no
/// script and no network, so it opens from a mail attachment or an air-gapped machine.
public struct HTMLPage {
    public let title: String
    private var body: [String] = []

    public init(title: String) { self.title = title }

    /// A paragraph of HTML (escape plain text with ``htmlEscaped(_:)`` first).
    public mutating func paragraph(_ html: String) {
        body.append("<p>\(html)</p>")
    }

    /// Headline figures: (label, value, explanation).
    public mutating func cards(_ cards: [(String, String, String)]) {
        body.append("<div class=\"cards\">" + cards.map { label, value, note in
            "<div class=\"card\"><div class=\"label\">\(htmlEscaped(label))</div><div class=\"value\">\(htmlEscaped(value))</div><div class=\"note\">\(htmlEscaped(note))</div></div>"
        }.joined() + "</div>")
    }

    /// A section heading with a sentence saying what it shows.
    public mutating func section(_ heading: String, note: String? = nil) {
        body.append("<h2>\(htmlEscaped(heading))</h2>")
        if let note { body.append("<p class=\"note\">\(htmlEscaped(note))</p>") }
    }

    /// Charts (SVG elements) side by side, wrapping.
    public mutating func grid(_ charts: [String]) {
        body.append("<div class=\"grid\">" + charts.map { "<figure>\($0)</figure>" }.joined() + "</div>")
    }

    /// A table of plain-text cells.
    public mutating func table(caption: String?, header: [String], rows: [[String]]) {
        var html = "<table>"
        if let caption { html += "<caption>\(htmlEscaped(caption))</caption>" }
        html += "<thead><tr>" + header.map { "<th>\(htmlEscaped($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.enumerated().map { index, cell in
                index == 0 ? "<td>\(htmlEscaped(cell))</td>" : "<td class=\"num\">\(htmlEscaped(cell))</td>"
            }.joined() + "</tr>"
        }
        body.append(html + "</tbody></table>")
    }

    /// The whole document.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(htmlEscaped(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 16px; line-height: 1.45; }
        h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        p.note { color: #555; font-size: 13px; margin-top: 0; } code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; font-size: 12px; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 150px; flex: 1; background: #fafbfc; }
        .card .label { font-size: 12px; color: #555; text-transform: uppercase; letter-spacing: .04em; }
        .card .value { font-size: 26px; font-weight: 600; margin: 2px 0; } .card .note { font-size: 11px; color: #777; }
        .grid { display: flex; flex-wrap: wrap; gap: 8px; } figure { margin: 0; border: 1px solid #eee; border-radius: 4px; background: #fff; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 13px; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 10px; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f5f6f8; }
        </style></head><body>
        <h1>\(htmlEscaped(title))</h1>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }
}
