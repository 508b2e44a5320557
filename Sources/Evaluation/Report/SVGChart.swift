import Foundation

/// Small charts drawn as inline SVG, for reports that open anywhere: no script, no
/// network, no fonts beyond the browser's sans-serif. Real data is drawn in blue,
/// synthetic in orange, everywhere.
public enum SVGChart {
    /// The colour of the real data.
    public static let realColor = "#3b6ea8"
    /// The colour of the synthetic data.
    public static let syntheticColor = "#e07b39"

    /// Two distributions over the same bins as overlaid translucent bars (shares of each
    /// side's rows, so sides of different sizes compare).
    public static func histogram(title: String, edges: [Double], real: [Double], synthetic: [Double],
                                 labels: (String, String) = ("real", "synthetic"),
                                 width: Double = 360, height: Double = 200) -> String {
        precondition(edges.count == real.count + 1 && real.count == synthetic.count, "one share per bin")
        let plot = Frame(width: width, height: height)
        let top = max(real.max() ?? 0, synthetic.max() ?? 0, 1e-12)
        var svg = plot.open(title: title)
        svg += plot.axes(yMax: top, percent: true)
        let binWidth = plot.innerWidth / Double(max(1, real.count))
        for (side, (shares, color)) in [(real, realColor), (synthetic, syntheticColor)].enumerated() {
            for (bin, share) in shares.enumerated() where share > 0 {
                let h = share / top * plot.innerHeight
                let x = plot.left + Double(bin) * binWidth + (side == 0 ? 0.5 : binWidth * 0.25)
                svg += rect(x: x, y: plot.bottom - h, width: side == 0 ? binWidth - 1 : binWidth * 0.5, height: h,
                            fill: color, opacity: side == 0 ? 0.55 : 0.85)
            }
        }
        svg += text(x: plot.left, y: plot.bottom + 14, number(edges.first ?? 0), anchor: "start")
        svg += text(x: plot.right, y: plot.bottom + 14, number(edges.last ?? 0), anchor: "end")
        svg += legend(plot, labels)
        return svg + "</svg>"
    }

    /// Category shares side by side, one row per category (long labels stay readable).
    public static func bars(title: String, categories: [String], real: [Double], synthetic: [Double],
                            labels: (String, String) = ("real", "synthetic"), width: Double = 360) -> String {
        precondition(categories.count == real.count && real.count == synthetic.count, "one share per category")
        let rowHeight = 16.0, labelWidth = 120.0
        let height = 44 + Double(categories.count) * rowHeight
        let plot = Frame(width: width, height: height, left: labelWidth + 8, bottom: 24)
        let top = max(real.max() ?? 0, synthetic.max() ?? 0, 1e-12)
        var svg = plot.open(title: title)
        for (row, category) in categories.enumerated() {
            let y = plot.top + Double(row) * rowHeight
            svg += text(x: plot.left - 4, y: y + 11, truncated(category, 20), anchor: "end")
            for (side, (share, color)) in [(real[row], realColor), (synthetic[row], syntheticColor)].enumerated() {
                let w = share / top * plot.innerWidth
                svg += rect(x: plot.left, y: y + 1 + Double(side) * 7, width: max(w, share > 0 ? 1 : 0), height: 6,
                            fill: color, opacity: 0.9)
            }
        }
        svg += line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: "#888")
        svg += text(x: plot.right, y: plot.bottom + 12, percent(top), anchor: "end")
        svg += legend(plot, labels)
        return svg + "</svg>"
    }

    /// A square matrix of values in `range` as coloured cells (diverging around 0 when the
    /// range includes negatives), with column names on both axes; nil cells are grey.
    public static func heatmap(title: String, names: [String], values: [[Double?]],
                               range: ClosedRange<Double> = -1...1, cell: Double = 18) -> String {
        let labelWidth = 110.0
        let n = Double(names.count)
        let width = labelWidth + n * cell + 16, height = labelWidth + n * cell + 36
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(htmlEscaped(title))\" font-family=\"sans-serif\" font-size=\"10\">"
        svg += "<title>\(htmlEscaped(title))</title>"
        svg += text(x: 4, y: 14, title, anchor: "start", size: 12, weight: "bold")
        let originX = labelWidth, originY = labelWidth + 20
        for (i, name) in names.enumerated() {
            let y = originY + Double(i) * cell
            svg += text(x: originX - 4, y: y + cell * 0.7, truncated(name, 18), anchor: "end")
            let x = originX + Double(i) * cell + cell * 0.7
            svg += "<text x=\"\(f(x))\" y=\"\(f(originY - 4))\" transform=\"rotate(-60 \(f(x)) \(f(originY - 4)))\" fill=\"#333\">\(htmlEscaped(truncated(name, 18)))</text>"
            for (j, value) in values[i].enumerated() {
                let fill = value.map { color(for: $0, range: range) } ?? "#e5e5e5"
                let label = value.map { String(format: "%@ / %@: %.2f", names[i], names[j], $0) } ?? "\(names[i]) / \(names[j]): none"
                svg += "<rect x=\"\(f(originX + Double(j) * cell))\" y=\"\(f(y))\" width=\"\(f(cell - 1))\" height=\"\(f(cell - 1))\" fill=\"\(fill)\"><title>\(htmlEscaped(label))</title></rect>"
            }
        }
        svg += text(x: originX, y: originY + n * cell + 14,
                    "colour scale \(number(range.lowerBound)) (blue) … \(number(range.upperBound)) (red)", anchor: "start")
        return svg + "</svg>"
    }

    /// A cell colour: white at 0 (or at the bottom of an all-positive range), red for
    /// positive, blue for negative.
    static func color(for value: Double, range: ClosedRange<Double>) -> String {
        let span = max(abs(range.lowerBound), abs(range.upperBound), 1e-12)
        let t = max(-1, min(1, value / span))
        let (r, g, b): (Double, Double, Double) = t >= 0
            ? (255, 255 - 175 * t, 255 - 185 * t)
            : (255 + 195 * t, 255 + 125 * t, 255 + 20 * t)
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }

    // MARK: Drawing pieces

    /// A plot area inside an SVG of `width` x `height`, with margins for the title,
    /// the axis labels and the legend.
    struct Frame {
        let width: Double, height: Double
        let left: Double, right: Double, top: Double, bottom: Double

        init(width: Double, height: Double, left: Double = 44, bottom: Double = 30) {
            self.width = width
            self.height = height
            self.left = left
            self.right = width - 10
            self.top = 34
            self.bottom = height - bottom
        }

        var innerWidth: Double { right - left }
        var innerHeight: Double { bottom - top }

        func open(title: String) -> String {
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(htmlEscaped(title))\" font-family=\"sans-serif\" font-size=\"10\">"
                + "<title>\(htmlEscaped(title))</title>"
                + SVGChart.text(x: 4, y: 14, truncated(title, 48), anchor: "start", size: 12, weight: "bold")
        }

        func axes(yMax: Double, percent: Bool) -> String {
            var svg = SVGChart.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#888")
            svg += SVGChart.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#888")
            svg += SVGChart.text(x: left - 4, y: top + 8, percent ? SVGChart.percent(yMax) : number(yMax), anchor: "end")
            svg += SVGChart.text(x: left - 4, y: bottom, "0", anchor: "end")
            return svg
        }
    }

    static func legend(_ plot: Frame, _ labels: (String, String)) -> String {
        let y = 22.0
        var svg = rect(x: plot.right - 150, y: y, width: 9, height: 9, fill: realColor, opacity: 0.8)
        svg += text(x: plot.right - 137, y: y + 8, labels.0, anchor: "start")
        svg += rect(x: plot.right - 75, y: y, width: 9, height: 9, fill: syntheticColor, opacity: 0.9)
        svg += text(x: plot.right - 62, y: y + 8, labels.1, anchor: "start")
        return svg
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(0, width)))\" height=\"\(f(max(0, height)))\" fill=\"\(fill)\" fill-opacity=\"\(f(opacity))\"/>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\"/>"
    }

    static func text(x: Double, y: Double, _ content: String, anchor: String, size: Int = 10, weight: String = "normal") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"#333\">\(htmlEscaped(content))</text>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func percent(_ share: Double) -> String { String(format: share < 0.1 ? "%.1f%%" : "%.0f%%", share * 100) }

    /// A compact number for axis ends: integers plainly, others with 3 significant digits.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.3g", value)
    }

    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

/// Text made safe inside HTML or SVG elements and attribute values.
public func htmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
