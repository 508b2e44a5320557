// A constraint whose output may also end on an "alias" token: where the base constraint
// may end but does not allow the alias, choosing the alias ends the output (the alias is
// its last token, for the caller to drop).
//
// Why: records with a planned count of parts (a dialogue of exactly n turns) forbid the
// token that opens another part once the count is reached. A model that wants to open one
// more turn then has its choice renormalised over the remaining tokens — mostly more text —
// and the last turn grows until the model happens to pick the end token (on SGD dialogues
// last turns averaged three times the real length). Reading "open another part" as "end
// here" keeps the planned count and the model's sense of where a turn ends.

/// Wraps `base` so that each of `aliases` also ends the output wherever `base` may end
/// and its grammar has no place for that alias.
public final class EndingAliasConstraint: TokenConstraint {
    public let base: TokenConstraint
    public let aliases: [Int32]
    /// The state after an alias ended the output: nothing may follow.
    public static let endedState: Int32 = -1

    public init(base: TokenConstraint, aliases: [Int32]) {
        self.base = base
        self.aliases = aliases
    }

    public var startState: Int32 { base.startState }
    public var endToken: Int32? { base.endToken }

    public func fillMask(_ mask: inout TokenMask, state: Int32, remainingTokens: Int) {
        if state == Self.endedState {
            mask = TokenMask(count: mask.count)
            if let endToken { mask.insert(Int(endToken)) }
            return
        }
        base.fillMask(&mask, state: state, remainingTokens: remainingTokens)
        guard remainingTokens >= 1, base.canFinish(state) else { return }
        // Only where the base's grammar has no place for the alias: where it does (another
        // turn allowed) but the budget left it out of the mask, taking it would lead
        // ``advance`` into the base's state, past the budget.
        for alias in aliases where base.advance(state, token: alias) == nil { mask.insert(Int(alias)) }
    }

    public func advance(_ state: Int32, token: Int32) -> Int32? {
        guard state != Self.endedState else { return nil }
        if let next = base.advance(state, token: token) { return next }
        return aliases.contains(token) && base.canFinish(state) ? Self.endedState : nil
    }

    public func canFinish(_ state: Int32) -> Bool { state == Self.endedState || base.canFinish(state) }
    public func mustFinish(_ state: Int32) -> Bool { state == Self.endedState || base.mustFinish(state) }
    public func minimumTokens(_ state: Int32) -> Int { state == Self.endedState ? 0 : base.minimumTokens(state) }
}
