import Foundation
import Records

// Performance notes
// - Tokens are interned to Int32 once (exact code points), so the tree's child tables
//   and the similarity loop compare integers. Masking goes through ICU
//   (NSRegularExpression) and is the costliest step of mining.

/// The masks the judge gives Drain3, in order: IPv4 addresses (with an optional port),
/// hexadecimal numbers, then signed decimal numbers, each only where it is not glued to
/// a letter or digit. A match becomes `<IP>`, `<HEX>` or `<NUM>`.
struct DrainMasker {
    private let masks: [(NSRegularExpression, String)]

    init() {
        let instructions = [
            (#"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(:\d+)?((?=[^A-Za-z0-9])|$)"#, "<IP>"),
            (#"((?<=[^A-Za-z0-9])|^)(0x[a-fA-F0-9]+)((?=[^A-Za-z0-9])|$)"#, "<HEX>"),
            (#"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+(\.\d+)?)((?=[^A-Za-z0-9])|$)"#, "<NUM>"),
        ]
        masks = instructions.map { (try! NSRegularExpression(pattern: $0.0, options: [.useUnixLineSeparators]), $0.1) }
    }

    /// `re.sub` of each mask in turn.
    func mask(_ content: String) -> String {
        var text = content
        for (regex, replacement) in masks {
            let length = (text as NSString).length
            text = regex.stringByReplacingMatches(in: text, options: [], range: NSRange(location: 0, length: length),
                                                  withTemplate: replacement)
        }
        return text
    }
}

/// A Drain log-template miner that behaves as Drain3 0.9.11 does with the judge's
/// configuration: similarity threshold 0.4, depth 4 (the tree keys on the token count,
/// then on the first token), at most 100 children per node, tokens holding a digit sent
/// to the `<*>` child, no cluster limit, the masks of ``DrainMasker``.
///
/// - `add` masks a message, splits it on whitespace and either joins the most similar
///   cluster of its leaf (similarity = equal non-`<*>` positions over length, at least
///   0.4; ties go to the cluster with more `<*>`, then the older), turning differing
///   positions of the template into `<*>`, or starts a new cluster.
/// - `match` is Drain3's `match(…, full_search_strategy="fallback")`: a tree search that
///   needs every position equal or `<*>`, then, failing that, the same test over every
///   cluster of that length in tree order.
struct DrainMiner {
    private struct Node {
        var childKeys: [Int32] = []
        var children: [Int32: Int] = [:]
        var clusterIDs: [Int] = []
    }

    private let masker = DrainMasker()
    private let similarityThreshold = 0.4
    private let maxNodeDepth = 2  // depth - 2
    private let maxChildren = 100
    private var nodes = [Node()]  // nodes[0] is the root; its children key on token counts
    private var lengthNodes: [Int: Int] = [:]
    private var tokenIDs: [ExactText: Int32] = [:]
    private var hasDigit: [Bool] = []
    /// The templates, cluster id = index + 1.
    private(set) var templates: [[Int32]] = []
    private var tokenTexts: [String] = []
    private let wildcard: Int32

    init() {
        wildcard = 0
        tokenIDs["<*>".exactKey] = 0
        hasDigit = [false]
        tokenTexts = ["<*>"]
    }

    init(mining contents: some Sequence<String>) {
        self.init()
        for content in contents { add(content) }
    }

    var clusterCount: Int { templates.count }

    /// The template of a cluster (1-based id) as text, tokens joined by spaces.
    func template(_ id: Int) -> String { templates[id - 1].map { tokenTexts[Int($0)] }.joined(separator: " ") }

    private mutating func intern(_ token: String) -> Int32 {
        let key = token.exactKey
        if let id = tokenIDs[key] { return id }
        let id = Int32(tokenTexts.count)
        tokenIDs[key] = id
        tokenTexts.append(token)
        hasDigit.append(token.unicodeScalars.contains(where: PythonCharacter.isDigit))
        return id
    }

    /// Adds a message (header already cut off); returns its cluster id.
    @discardableResult
    mutating func add(_ content: String) -> Int {
        let words = masker.mask(content).pythonWords
        let tokens = words.map { intern($0) }
        if let id = treeSearch(tokens, threshold: similarityThreshold, includeParameters: false) {
            var template = templates[id - 1]
            for i in template.indices where template[i] != tokens[i] { template[i] = wildcard }
            templates[id - 1] = template
            return id
        }
        templates.append(tokens)
        let id = templates.count
        addToTree(id, tokens)
        return id
    }

    /// The cluster whose template matches the message exactly (`<*>` matching any one
    /// token), or nil.
    func match(_ content: String) -> Int? {
        let tokens = masker.mask(content).pythonWords.map { tokenIDs[$0.exactKey] ?? -1 }
        if let id = treeSearch(tokens, threshold: 1, includeParameters: true) { return id }
        guard let start = lengthNodes[tokens.count] else { return nil }
        var ids: [Int] = []
        collect(start, into: &ids)
        return fastMatch(ids, tokens, threshold: 1, includeParameters: true)
    }

    private func collect(_ node: Int, into ids: inout [Int]) {
        ids.append(contentsOf: nodes[node].clusterIDs)
        for key in nodes[node].childKeys { collect(nodes[node].children[key]!, into: &ids) }
    }

    private func treeSearch(_ tokens: [Int32], threshold: Double, includeParameters: Bool) -> Int? {
        guard var node = lengthNodes[tokens.count] else { return nil }
        if tokens.isEmpty { return nodes[node].clusterIDs.first }
        var depth = 1
        for token in tokens {
            if depth >= maxNodeDepth || depth == tokens.count { break }
            guard let next = nodes[node].children[token] ?? nodes[node].children[wildcard] else { return nil }
            node = next
            depth += 1
        }
        return fastMatch(nodes[node].clusterIDs, tokens, threshold: threshold, includeParameters: includeParameters)
    }

    private func fastMatch(_ ids: [Int], _ tokens: [Int32], threshold: Double, includeParameters: Bool) -> Int? {
        var bestSimilarity = -1.0, bestParameters = -1, best: Int?
        for id in ids {
            let template = templates[id - 1]
            var similar = 0, parameters = 0
            for (a, b) in zip(template, tokens) {
                if a == wildcard { parameters += 1 } else if a == b { similar += 1 }
            }
            if includeParameters { similar += parameters }
            let similarity = template.isEmpty ? 1.0 : Double(similar) / Double(template.count)
            if similarity > bestSimilarity || (similarity == bestSimilarity && parameters > bestParameters) {
                bestSimilarity = similarity
                bestParameters = parameters
                best = id
            }
        }
        return bestSimilarity >= threshold ? best : nil
    }

    private mutating func child(of node: Int, _ key: Int32) -> Int {
        nodes.append(Node())
        nodes[node].childKeys.append(key)
        nodes[node].children[key] = nodes.count - 1
        return nodes.count - 1
    }

    private mutating func addToTree(_ id: Int, _ tokens: [Int32]) {
        var node: Int
        if let existing = lengthNodes[tokens.count] {
            node = existing
        } else {
            nodes.append(Node())
            node = nodes.count - 1
            lengthNodes[tokens.count] = node
        }
        if tokens.isEmpty {
            nodes[node].clusterIDs = [id]
            return
        }
        var depth = 1
        for token in tokens {
            if depth >= maxNodeDepth || depth >= tokens.count {
                nodes[node].clusterIDs.append(id)
                break
            }
            let children = nodes[node].children
            if let next = children[token] {
                node = next
            } else if hasDigit[Int(token)] {
                node = children[wildcard] ?? child(of: node, wildcard)
            } else if children[wildcard] != nil {
                node = children.count < maxChildren ? child(of: node, token) : children[wildcard]!
            } else if children.count + 1 < maxChildren {
                node = child(of: node, token)
            } else if children.count + 1 == maxChildren {
                node = child(of: node, wildcard)
            } else {
                node = children[wildcard]!
            }
            depth += 1
        }
    }
}

/// loghub's ground-truth templates (`*_templates.csv`, columns EventId and EventTemplate,
/// `<*>` for any text) as the judge turns them into regexes: whitespace normalised, each
/// `<*>` a lazy `(.*?)`, each space any run of whitespace, surrounding whitespace
/// allowed, the whole content matched. Templates with more literal text are tried first
/// (file order among equals); a content takes the first that matches.
struct GroundTruthTemplates {
    let eventIDs: [String]
    private let regexes: [NSRegularExpression]
    /// For each template, the first template with the same EventId (the judge counts by id).
    private let canonical: [Int]

    init(csv path: String) throws(TextEvaluationError) {
        let reader: CSVReader
        do {
            reader = try CSVReader(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(path, reason: error.description)
        }
        var header: [String] = []
        var rows: [(id: String, template: String, literal: Int, order: Int)] = []
        var missing: String?
        do {
            try reader.forEachRecord { fields, line in
                if header.isEmpty {
                    header = fields
                    if !fields.contains("EventId") { missing = "EventId" }
                    if !fields.contains("EventTemplate") { missing = "EventTemplate" }
                    return
                }
                guard missing == nil else { return }
                let id = fields[header.firstIndex(of: "EventId")!]
                let template = fields[header.firstIndex(of: "EventTemplate")!].pythonWhitespaceNormalized
                let literal = template.replacingOccurrences(of: "<*>", with: "").pythonLength
                rows.append((id, template, literal, rows.count))
            }
        } catch {
            throw .malformedTemplates(path, reason: error.description)
        }
        if let missing { throw .malformedTemplates(path, reason: "no column '\(missing)'") }
        rows.sort { $0.literal != $1.literal ? $0.literal > $1.literal : $0.order < $1.order }
        eventIDs = rows.map(\.id)
        let ids = rows.map(\.id)
        canonical = ids.map { id in ids.firstIndex(of: id)! }
        regexes = rows.map { row in
            let space = "[\(pythonSpaceClass)]"
            let parts = row.template.components(separatedBy: "<*>").map { part in
                part.components(separatedBy: " ").map(NSRegularExpression.escapedPattern(for:)).joined(separator: "\(space)+")
            }
            let pattern = "\\A\(space)*" + parts.joined(separator: "(.*?)") + "\(space)*\\z"
            return try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators, .useUnixLineSeparators])
        }
    }

    var count: Int { eventIDs.count }

    /// The index (into ``eventIDs``) of the first template matching the content, or nil;
    /// templates sharing an EventId give the same index.
    func match(_ content: String) -> Int? {
        let range = NSRange(location: 0, length: (content as NSString).length)
        return regexes.firstIndex { $0.firstMatch(in: content, options: [], range: range) != nil }.map { canonical[$0] }
    }
}
