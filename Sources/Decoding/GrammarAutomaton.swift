// Performance notes
// - A grammar becomes one Thompson NFA per rule (byte-class, special-token, empty and call
//   edges). Running it is a pushdown automaton: a *frame* is (NFA node, the frame to
//   return to), interned, so stacks share their tails; a *configuration* is the set of
//   frames that can read a next symbol, after following empty edges, calls and returns.
// - Configurations are interned too, and each one's transitions are memoised in a flat
//   table (configuration x symbol). The automaton is thus a lazily built DFA over the
//   configurations actually met: after warm-up a step is one table read, whether the
//   grammar is a regex, a JSON Schema or a recursive GBNF grammar. Only a miss does the
//   closure (hashing, sets), and the number of configurations stays small for the
//   bounded outputs we generate.
// - Left recursion would make the closure push forever; it is rejected when compiling,
//   naming the rules, as llama.cpp does.

/// A grammar compiled to a pushdown automaton over symbols (bytes 0...255, then one
/// symbol per special token), with interned configurations and memoised transitions.
final class GrammarAutomaton {
    /// Special token texts; symbol 256 + i is `specials[i]`.
    let specials: [String]
    /// Bytes plus specials.
    let alphabetSize: Int

    // MARK: NFA (built once)
    private var byteEdges: [[(ByteSet, Int32)]] = []
    private var specialEdges: [[(Int32, Int32)]] = []
    private var emptyEdges: [[Int32]] = []
    /// (rule, return node) per node.
    private var callEdges: [[(Int32, Int32)]] = []
    private var isFinal: [Bool] = []
    private var ruleStart: [Int32] = []
    /// Fewest symbols from a node to the end of its rule (Int32.max: never).
    private var distanceToEnd: [Int32] = []

    // MARK: Runtime (grows lazily)
    private var frameNode: [Int32] = []
    private var frameParent: [Int32] = []
    private var frameCost: [Int32] = []
    private var frameIndex: [Int64: Int32] = [:]
    private var configFrames: [[Int32]] = []
    private var configAccepting: [Bool] = []
    private var configMinimum: [Int32] = []
    private var configIndex: [[Int32]: Int32] = [:]
    /// configuration * alphabetSize + symbol → next configuration; -1 dead, -2 not yet known.
    private(set) var transitions: [Int32] = []

    /// The configuration before any symbol.
    private(set) var start: Int32 = -1

    static let dead: Int32 = -1
    private static let unknown: Int32 = -2
    static let unreachable = Int32.max

    /// Compiles `grammar`; throws when a rule is missing, left-recursive or can never end,
    /// or when the grammar matches nothing.
    init(_ grammar: Grammar) throws {
        var specialNames: [String] = []
        var ruleIDs: [String: Int32] = [:]
        let names = [grammar.root] + grammar.rules.keys.filter { $0 != grammar.root }.sorted()
        guard grammar.rules[grammar.root] != nil else { throw DecodingError.undefinedRule(grammar.root) }
        for (index, name) in names.enumerated() { ruleIDs[name] = Int32(index) }
        func collectSpecials(_ expression: GrammarExpression) {
            switch expression {
            case let .special(name): if !specialNames.contains(name) { specialNames.append(name) }
            case let .sequence(parts), let .choice(parts): parts.forEach(collectSpecials)
            case let .repetition(inner, _, _): collectSpecials(inner)
            case .bytes, .rule: break
            }
        }
        for name in names { collectSpecials(grammar.rules[name]!) }
        specials = specialNames
        alphabetSize = 256 + specialNames.count

        let builder = NFABuilder(automaton: self, ruleIDs: ruleIDs, specials: specialNames)
        ruleStart = names.map { _ in builder.newNode() }
        for (index, name) in names.enumerated() {
            let end = builder.newNode()
            isFinal[Int(end)] = true
            try builder.build(grammar.rules[name]!, from: ruleStart[index], to: end, rule: name)
        }
        try checkLeftRecursion(names: names)
        computeDistances()
        for (index, name) in names.enumerated() where distanceToEnd[Int(ruleStart[index])] == GrammarAutomaton.unreachable {
            throw index == 0 ? DecodingError.emptyLanguage : DecodingError.neverFinishes(rule: name)
        }
        start = closure(seeds: [frame(node: ruleStart[0], parent: -1)])
        guard start != GrammarAutomaton.dead else { throw DecodingError.emptyLanguage }
    }

    // MARK: Queries

    /// The configuration after reading `symbol` in `configuration`, or `dead`.
    @inline(__always)
    func step(_ configuration: Int32, _ symbol: Int) -> Int32 {
        let next = transitions[Int(configuration) * alphabetSize + symbol]
        return next != GrammarAutomaton.unknown ? next : computeStep(configuration, symbol)
    }

    /// Whether the input read so far is a whole sentence of the grammar.
    func isAccepting(_ configuration: Int32) -> Bool { configAccepting[Int(configuration)] }

    /// Whether some symbol can follow.
    func canContinue(_ configuration: Int32) -> Bool { !configFrames[Int(configuration)].isEmpty }

    /// Fewest symbols still needed to reach an accepting configuration.
    func minimumToAccept(_ configuration: Int32) -> Int32 { configMinimum[Int(configuration)] }

    /// Configurations interned so far.
    var configurationCount: Int { configFrames.count }

    // MARK: Building

    fileprivate func addNode() -> Int32 {
        byteEdges.append([]); specialEdges.append([]); emptyEdges.append([]); callEdges.append([]); isFinal.append(false)
        return Int32(byteEdges.count - 1)
    }
    fileprivate func addByteEdge(_ from: Int32, _ set: ByteSet, _ to: Int32) { byteEdges[Int(from)].append((set, to)) }
    fileprivate func addSpecialEdge(_ from: Int32, _ special: Int32, _ to: Int32) { specialEdges[Int(from)].append((special, to)) }
    fileprivate func addEmptyEdge(_ from: Int32, _ to: Int32) { emptyEdges[Int(from)].append(to) }
    fileprivate func addCallEdge(_ from: Int32, _ rule: Int32, _ to: Int32) { callEdges[Int(from)].append((rule, to)) }

    /// Fewest symbols from each node to its rule's end, calls costing their rule's minimum
    /// (a fixed point: rules refer to each other).
    private func computeDistances() {
        let unreachable = GrammarAutomaton.unreachable
        distanceToEnd = isFinal.map { $0 ? 0 : unreachable }
        var changed = true
        while changed {
            changed = false
            for node in (0..<byteEdges.count).reversed() {
                var best = distanceToEnd[node]
                for (_, target) in byteEdges[node] where distanceToEnd[Int(target)] < unreachable {
                    best = min(best, distanceToEnd[Int(target)] + 1)
                }
                for (_, target) in specialEdges[node] where distanceToEnd[Int(target)] < unreachable {
                    best = min(best, distanceToEnd[Int(target)] + 1)
                }
                for target in emptyEdges[node] { best = min(best, distanceToEnd[Int(target)]) }
                for (rule, back) in callEdges[node] {
                    let inner = distanceToEnd[Int(ruleStart[Int(rule)])], after = distanceToEnd[Int(back)]
                    if inner < unreachable && after < unreachable { best = min(best, inner + after) }
                }
                if best < distanceToEnd[node] { distanceToEnd[node] = best; changed = true }
            }
        }
    }

    /// Rejects rules that can call themselves before reading a symbol.
    private func checkLeftRecursion(names: [String]) throws {
        // Nullable rules: the end reachable from the start by empty edges and nullable calls.
        var nullable = [Bool](repeating: false, count: names.count)
        func reachesEnd(_ rule: Int) -> Bool {
            var seen = Set<Int32>(), work = [ruleStart[rule]]
            while let node = work.popLast() {
                guard seen.insert(node).inserted else { continue }
                if isFinal[Int(node)] { return true }
                work.append(contentsOf: emptyEdges[Int(node)])
                for (callee, back) in callEdges[Int(node)] where nullable[Int(callee)] { work.append(back) }
            }
            return false
        }
        var changed = true
        while changed {
            changed = false
            for rule in names.indices where !nullable[rule] && reachesEnd(rule) { nullable[rule] = true; changed = true }
        }
        // Rules each rule can call at its start.
        var leftCalls = [[Int]](repeating: [], count: names.count)
        for rule in names.indices {
            var seen = Set<Int32>(), work = [ruleStart[rule]]
            while let node = work.popLast() {
                guard seen.insert(node).inserted else { continue }
                work.append(contentsOf: emptyEdges[Int(node)])
                for (callee, back) in callEdges[Int(node)] {
                    leftCalls[rule].append(Int(callee))
                    if nullable[Int(callee)] { work.append(back) }
                }
            }
        }
        // A cycle in the left-call graph is left recursion.
        var state = [UInt8](repeating: 0, count: names.count)  // 0 new, 1 on path, 2 done
        var path: [Int] = []
        func visit(_ rule: Int) throws {
            state[rule] = 1
            path.append(rule)
            for callee in leftCalls[rule] {
                if state[callee] == 1 {
                    let cycle = path[path.firstIndex(of: callee)!...].map { names[$0] } + [names[callee]]
                    throw DecodingError.leftRecursion(cycle: cycle)
                }
                if state[callee] == 0 { try visit(callee) }
            }
            path.removeLast()
            state[rule] = 2
        }
        for rule in names.indices where state[rule] == 0 { try visit(rule) }
    }

    // MARK: Running

    private func frame(node: Int32, parent: Int32) -> Int32 {
        let key = Int64(node) << 32 | Int64(UInt32(bitPattern: parent))
        if let existing = frameIndex[key] { return existing }
        let id = Int32(frameNode.count)
        frameNode.append(node)
        frameParent.append(parent)
        let own = distanceToEnd[Int(node)]
        let rest = parent < 0 ? 0 : frameCost[Int(parent)]
        frameCost.append(own == GrammarAutomaton.unreachable || rest == GrammarAutomaton.unreachable
                         ? GrammarAutomaton.unreachable : own + rest)
        frameIndex[key] = id
        return id
    }

    /// Interns the configuration reached from `seeds` by empty edges, calls and returns.
    private func closure(seeds: [Int32]) -> Int32 {
        var seen = Set<Int32>()
        var work = seeds
        var kept: [Int32] = []
        var accepting = false
        while let current = work.popLast() {
            guard seen.insert(current).inserted else { continue }
            let node = Int(frameNode[Int(current)]), parent = frameParent[Int(current)]
            if !byteEdges[node].isEmpty || !specialEdges[node].isEmpty { kept.append(current) }
            for target in emptyEdges[node] { work.append(frame(node: target, parent: parent)) }
            for (rule, back) in callEdges[node] {
                work.append(frame(node: ruleStart[Int(rule)], parent: frame(node: back, parent: parent)))
            }
            if isFinal[node] {
                if parent < 0 { accepting = true } else { work.append(parent) }
            }
        }
        guard !kept.isEmpty || accepting else { return GrammarAutomaton.dead }
        kept.sort()
        let key = kept + [accepting ? -1 : -2]
        if let existing = configIndex[key] { return existing }
        let id = Int32(configFrames.count)
        configFrames.append(kept)
        configAccepting.append(accepting)
        configMinimum.append(accepting ? 0 : kept.map { frameCost[Int($0)] }.min() ?? GrammarAutomaton.unreachable)
        configIndex[key] = id
        transitions.append(contentsOf: repeatElement(GrammarAutomaton.unknown, count: alphabetSize))
        return id
    }

    private func computeStep(_ configuration: Int32, _ symbol: Int) -> Int32 {
        var seeds: [Int32] = []
        for current in configFrames[Int(configuration)] {
            let node = Int(frameNode[Int(current)]), parent = frameParent[Int(current)]
            if symbol < 256 {
                for (set, target) in byteEdges[node] where set.contains(UInt8(symbol)) {
                    seeds.append(frame(node: target, parent: parent))
                }
            } else {
                for (special, target) in specialEdges[node] where Int(special) == symbol - 256 {
                    seeds.append(frame(node: target, parent: parent))
                }
            }
        }
        let next = seeds.isEmpty ? GrammarAutomaton.dead : closure(seeds: seeds)
        transitions[Int(configuration) * alphabetSize + symbol] = next
        return next
    }
}

/// Thompson construction of one rule body between two nodes.
private struct NFABuilder {
    let automaton: GrammarAutomaton
    let ruleIDs: [String: Int32]
    let specials: [String]

    func newNode() -> Int32 { automaton.addNode() }

    func build(_ expression: GrammarExpression, from: Int32, to: Int32, rule: String) throws {
        switch expression {
        case let .bytes(set):
            if !set.isEmpty { automaton.addByteEdge(from, set, to) }
        case let .special(name):
            automaton.addSpecialEdge(from, Int32(specials.firstIndex(of: name)!), to)
        case let .sequence(parts):
            var current = from
            for (index, part) in parts.enumerated() {
                let next = index == parts.count - 1 ? to : newNode()
                try build(part, from: current, to: next, rule: rule)
                current = next
            }
            if parts.isEmpty { automaton.addEmptyEdge(from, to) }
        case let .choice(alternatives):
            for alternative in alternatives {
                let start = newNode(), end = newNode()
                automaton.addEmptyEdge(from, start)
                try build(alternative, from: start, to: end, rule: rule)
                automaton.addEmptyEdge(end, to)
            }
        case let .repetition(inner, minimum, maximum):
            guard minimum >= 0, maximum.map({ $0 >= minimum }) ?? true else {
                throw DecodingError.invalidRepetition(rule: rule, minimum: minimum, maximum: maximum)
            }
            var current = from
            for _ in 0..<minimum {
                let next = newNode()
                try build(inner, from: current, to: next, rule: rule)
                current = next
            }
            if let maximum {
                // Each optional copy may be skipped straight to the end.
                for _ in minimum..<maximum {
                    let next = newNode()
                    automaton.addEmptyEdge(current, to)
                    try build(inner, from: current, to: next, rule: rule)
                    current = next
                }
                automaton.addEmptyEdge(current, to)
            } else {
                // A loop through a fresh node, so the loop cannot re-enter `current`'s other edges.
                let loop = newNode(), body = newNode()
                automaton.addEmptyEdge(current, loop)
                automaton.addEmptyEdge(loop, to)
                try build(inner, from: loop, to: body, rule: rule)
                automaton.addEmptyEdge(body, loop)
            }
        case let .rule(name):
            guard let callee = ruleIDs[name] else { throw DecodingError.undefinedRule(name) }
            automaton.addCallEdge(from, callee, to)
        }
    }
}
