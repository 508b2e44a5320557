import TensorCore

// Performance notes
// - The privacy figures need every synthetic row against every train and holdout row,
//   and every holdout row against every train row: for 30,000-row tables of 15 columns,
//   three passes of 9e8 pairs x 15 columns. `evaluate.py` does this in NumPy, 512 query
//   rows at a time (a 512 x N float32 block per column): 204 s of CPU (117 user, 88
//   system) on Adult-shaped 30,000-row tables, against about 3.5 s here.
// - Columns come prepared by MixedDistanceSpace, scaled ones first: a number column's
//   term is min(|q - r|, 1) on Float32 values pre-scaled by 1/range (a far sentinel for
//   missing), four vector instructions (subtract, and for the absolute value, min, add)
//   per column and 8 reference rows on AVX2; a category's term is an Int32 code compare
//   whose mask is subtracted from an integer count of matches, two instructions. The
//   count is converted to Float32 and added once per panel. No branch, no type switch.
//   Categories through the number path instead cost 1.3x on Adult (6 numbers, 9
//   categories).
// - The standard library's `pointwiseMin`/`pointwiseMax` handle NaN lane by lane and
//   compile to scalar code: the first version, which used them to keep the best rows,
//   ran at 0.2 G column-pairs/s. Compares and `replacing(with:where:)` compile to
//   vcmpps/vblendvps (or vminps), 25x faster.
// - Reference rows are packed in panels of 16 rows, each panel's C column vectors
//   contiguous (one stream per query). Two panels are scored per step with independent
//   accumulators (four ymm add chains): Swift never reassociates float adds, so one
//   accumulator would wait on the add latency at every column, and four panels spill
//   registers on AVX2.
// - Keeping the best two rows per lane and each reference row's closest query costs a
//   dozen blends per panel; past the first panels a row rarely improves either, so both
//   updates sit behind a test of the compare mask (vpmovmskb + branch). That took a pass
//   from 1.05 to 0.97 s of CPU, and with the closest queries from 1.3 to 1.03 s.
// - The reference table is cut into tiles of about 128 KB that stay in L2 while every
//   query row of the thread runs over them; per-query lane state (best, second best and
//   their slots, 16 lanes each) is kept in memory between tiles.
// - Both cores through TensorCore's ThreadPool, split by query rows (each thread keeps
//   its own column minima, merged in thread order, so results do not depend on the
//   thread count).
// - The minima over a prefix of the reference rows (the equal-size subset of
//   share_closer_to_train) are a snapshot of the lane state at a tile boundary, and the
//   closest query of each reference row (membership inference) is a min per panel in the
//   same pass: three passes in all, no extra pass for either.
// - Measured (2026-11-23, release, 2 cores shared with other builds, load average 9 to
//   13, so CPU seconds are the steadier figure): one 30,000 x 30,000 x 15 pass 0.97 s of
//   CPU, about 14 G column-pairs per CPU-second (Adult's rows resampled to 30,000; a
//   scratch executable timing `search` and `PrivacyEvaluation.evaluate`; the synth-bench
//   target has no privacy entry yet).

/// Reference rows packed for ``NearestNeighbourSearch``: G panels of 16 rows, panel g
/// holding C vectors (one per column, 16 rows each, bit patterns of the kernel values of
/// ``MixedDistanceRows``), rows of an optional prefix first.
final class ReferencePanels: @unchecked Sendable {
    /// (G, C) vectors of 16 rows each.
    let panels: UnsafeMutablePointer<SIMD16<UInt32>>
    /// (G): 0 for a real row, +∞ for padding (so padding is never nearest).
    let penalty: UnsafeMutablePointer<SIMD16<Float>>
    /// (G * 16): the row index in the original table of each slot, -1 for padding.
    let rowOfSlot: [Int32]
    let groupCount: Int
    let columnCount: Int
    /// The first `scaledColumnCount` columns are Float32 numbers, the rest Int32 codes.
    let scaledColumnCount: Int
    /// Panels holding the prefix rows (0 when there is no prefix).
    let prefixGroups: Int
    /// The number of real rows.
    let rowCount: Int

    /// Packs `rows` (row-major, `columnCount` values a row); `prefix`, if given, lists
    /// rows that go first, padded to a whole panel, so minima over them can be read apart.
    init(rows: UnsafeBufferPointer<UInt32>, rowCount: Int, columnCount: Int, scaledColumnCount: Int,
         prefix: [Int]? = nil) {
        var order: [[Int]]
        if let prefix {
            var inPrefix = [Bool](repeating: false, count: rowCount)
            for r in prefix { inPrefix[r] = true }
            order = [prefix, (0..<rowCount).filter { !inPrefix[$0] }]
        } else {
            order = [Array(0..<rowCount)]
        }
        order = order.filter { !$0.isEmpty }
        var slots: [Int32] = []
        var prefixGroups = 0
        for (k, segment) in order.enumerated() {
            slots += segment.map { Int32($0) }
            while slots.count % 16 != 0 { slots.append(-1) }
            if k == 0, prefix != nil { prefixGroups = slots.count / 16 }
        }
        let groups = slots.count / 16
        let c = columnCount
        panels = .allocate(capacity: max(groups * c, 1))
        penalty = .allocate(capacity: max(groups, 1))
        for g in 0..<groups {
            var pad = SIMD16<Float>(repeating: 0)
            for lane in 0..<16 where slots[g * 16 + lane] < 0 { pad[lane] = .infinity }
            penalty[g] = pad
            for j in 0..<c {
                var v = SIMD16<UInt32>(repeating: 0)
                for lane in 0..<16 {
                    let r = Int(slots[g * 16 + lane])
                    if r >= 0 { v[lane] = rows[r * c + j] }
                }
                panels[g * c + j] = v
            }
        }
        rowOfSlot = slots
        groupCount = groups
        self.columnCount = c
        self.scaledColumnCount = scaledColumnCount
        self.prefixGroups = prefixGroups
        self.rowCount = rowCount
    }

    deinit {
        panels.deallocate()
        penalty.deallocate()
    }
}

/// What one search found. Rows are the original tables' indices; sums are the kernel's
/// Float32 sums of column terms (distance × C).
struct NearestNeighbours: Sendable {
    /// Per query: the closest reference row.
    var nearest: [Int]
    /// Per query: its sum of terms.
    var nearestSum: [Float]
    /// Per query: the second closest reference row (-1 with a single reference row).
    var second: [Int]
    /// Per query: its sum of terms (+∞ with a single reference row).
    var secondSum: [Float]
    /// Per query: the closest row among the prefix rows (empty without a prefix).
    var prefixNearest: [Int]
    /// Per reference row: the closest query row (empty unless asked for).
    var closestQuery: [Int]
}

/// The blocked nearest-neighbour kernel of the privacy figures (see the notes at the top
/// of this file); ``MixedDistanceReference/nearest(space:queries:references:)`` is its
/// plain twin. On equal sums the first reference row in panel order wins.
enum NearestNeighbourSearch {
    /// Reference panels per tile: about 128 KB of reference values.
    static func tileGroups(columnCount: Int) -> Int {
        max(4, (128 << 10) / (max(columnCount, 1) * MemoryLayout<SIMD16<UInt32>>.stride)) & ~3
    }

    /// The best two sums of each of 16 lanes and their slots.
    struct Lanes {
        var best = SIMD16<Float>(repeating: .infinity)
        var second = SIMD16<Float>(repeating: .infinity)
        var bestSlot = SIMD16<Int32>(repeating: -1)
        var secondSlot = SIMD16<Int32>(repeating: -1)

        /// The smallest sum of all lanes (the lowest slot on a tie) and the smallest of
        /// the other 31 entries.
        func reduced() -> (slot: Int32, sum: Float, secondSlot: Int32, secondSum: Float) {
            var first = (slot: Int32(-1), sum: Float.infinity), next = (slot: Int32(-1), sum: Float.infinity)
            func consider(_ slot: Int32, _ sum: Float) {
                guard slot >= 0 else { return }
                if sum < first.sum || (sum == first.sum && slot < first.slot) {
                    next = first
                    first = (slot, sum)
                } else if sum < next.sum || (sum == next.sum && slot < next.slot) {
                    next = (slot, sum)
                }
            }
            for lane in 0..<16 {
                consider(bestSlot[lane], best[lane])
                consider(secondSlot[lane], second[lane])
            }
            return (first.slot, first.sum, next.slot, next.sum)
        }
    }

    /// Finds, for each of `queryCount` query rows (row-major, C kernel values a row, from
    /// ``MixedDistanceRows/kernel``), its nearest and second-nearest reference rows, and,
    /// when `closestQueries`, each reference row's nearest query row. `tileGroups` (panels
    /// per tile) is for the tests, which need several tiles on small tables.
    static func search(queries: UnsafeBufferPointer<UInt32>, queryCount: Int, references: ReferencePanels,
                       closestQueries: Bool, pool: ThreadPool = .shared, tileGroups: Int? = nil) -> NearestNeighbours {
        let c = references.columnCount
        precondition(queries.count >= queryCount * c, "query rows of C values each")
        let groups = references.groupCount
        let threads = max(1, min(pool.threadCount, queryCount))
        let hasPrefix = references.prefixGroups > 0
        // (queryCount): per-query results, each written by the thread owning the query.
        let results = UnsafeMutablePointer<(slot: Int32, sum: Float, secondSlot: Int32, secondSum: Float)>
            .allocate(capacity: max(queryCount, 1))
        let prefixSlot = UnsafeMutablePointer<Int32>.allocate(capacity: max(queryCount, 1))
        // (threads, G): each thread's closest query per reference slot.
        let columnBest = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: closestQueries ? threads * max(groups, 1) : 1)
        let columnArg = UnsafeMutablePointer<SIMD16<Int32>>.allocate(capacity: closestQueries ? threads * max(groups, 1) : 1)
        defer { results.deallocate(); prefixSlot.deallocate(); columnBest.deallocate(); columnArg.deallocate() }
        if closestQueries {
            columnBest.initialize(repeating: .init(repeating: .infinity), count: threads * max(groups, 1))
            columnArg.initialize(repeating: .init(repeating: -1), count: threads * max(groups, 1))
        }
        let tile = max(1, tileGroups ?? Self.tileGroups(columnCount: c))
        let body = { (thread: Int, _: Int) in
            guard thread < threads else { return }
            let range = splitRange(queryCount, parts: threads, part: thread)
            // (range.count): lane state between tiles, and its snapshot after the prefix.
            let state = UnsafeMutablePointer<Lanes>.allocate(capacity: max(range.count, 1))
            state.initialize(repeating: Lanes(), count: max(range.count, 1))
            let prefixState = UnsafeMutablePointer<Lanes>.allocate(capacity: max(range.count, 1))
            defer { state.deallocate(); prefixState.deallocate() }
            let minima = closestQueries ? columnBest + thread * groups : nil
            let arguments = closestQueries ? columnArg + thread * groups : nil
            var start = 0
            while start < groups {
                var end = min(start + tile, groups)
                if references.prefixGroups > start && references.prefixGroups < end { end = references.prefixGroups }
                for q in range {
                    scan(query: queries.baseAddress! + q * c, queryIndex: Int32(q), columnCount: c,
                         scaledColumnCount: references.scaledColumnCount, panels: references.panels,
                         penalty: references.penalty, groups: start..<end, lanes: &state[q - range.lowerBound],
                         columnBest: minima, columnArg: arguments)
                }
                if end == references.prefixGroups { prefixState.initialize(from: state, count: range.count) }
                start = end
            }
            for q in range {
                results[q] = state[q - range.lowerBound].reduced()
                if hasPrefix { prefixSlot[q] = prefixState[q - range.lowerBound].reduced().slot }
            }
        }
        if threads == 1 { body(0, 1) } else { pool.run(body) }

        let rowOfSlot = references.rowOfSlot
        func row(_ slot: Int32) -> Int { slot < 0 ? -1 : Int(rowOfSlot[Int(slot)]) }
        var closest: [Int] = []
        if closestQueries {
            closest = [Int](repeating: -1, count: references.rowCount)
            for g in 0..<groups {
                var best = columnBest[g], arg = columnArg[g]
                for t in 1..<threads {
                    let b = columnBest[t * groups + g]
                    let closer = b .< best
                    best.replace(with: b, where: closer)
                    arg.replace(with: columnArg[t * groups + g], where: closer)
                }
                for lane in 0..<16 {
                    let r = rowOfSlot[g * 16 + lane]
                    if r >= 0 { closest[Int(r)] = Int(arg[lane]) }
                }
            }
        }
        let found = UnsafeBufferPointer(start: results, count: queryCount)
        return NearestNeighbours(
            nearest: found.map { row($0.slot) }, nearestSum: found.map(\.sum),
            second: found.map { row($0.secondSlot) }, secondSum: found.map(\.secondSum),
            prefixNearest: hasPrefix ? (0..<queryCount).map { row(prefixSlot[$0]) } : [],
            closestQuery: closest)
    }

    /// One query row over the panels `groups`: updates its lane state and, when given,
    /// the reference rows' closest-query minima.
    @inline(__always)
    private static func scan(query: UnsafePointer<UInt32>, queryIndex: Int32, columnCount c: Int,
                             scaledColumnCount scaled: Int, panels: UnsafePointer<SIMD16<UInt32>>,
                             penalty: UnsafePointer<SIMD16<Float>>, groups: Range<Int>, lanes: inout Lanes,
                             columnBest: UnsafeMutablePointer<SIMD16<Float>>?,
                             columnArg: UnsafeMutablePointer<SIMD16<Int32>>?) {
        let one = SIMD16<Float>(repeating: 1)
        let laneIndex = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let queryVector = SIMD16<Int32>(repeating: queryIndex)
        let exactCount = SIMD16<Int32>(repeating: Int32(c - scaled))
        var b = lanes.best, s2 = lanes.second, bs = lanes.bestSlot, ss = lanes.secondSlot

        // The standard library's pointwiseMin/Max handle NaN lane by lane (scalar code);
        // a compare and a blend stay vector instructions (no NaN reaches this kernel).
        @inline(__always) func term(_ q: SIMD16<Float>, _ bits: SIMD16<UInt32>) -> SIMD16<Float> {
            let d = q - unsafeBitCast(bits, to: SIMD16<Float>.self)
            let magnitude = unsafeBitCast(unsafeBitCast(d, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
            return magnitude.replacing(with: one, where: magnitude .> one)
        }
        @inline(__always) func update(_ numbers: SIMD16<Float>, _ matches: SIMD16<Int32>, _ g: Int) {
            let acc = numbers + SIMD16<Float>(exactCount &- matches)
            // Past the first panels a row rarely beats a lane's second best: test first.
            let closerThanSecond = acc .< s2
            if any(closerThanSecond) {
                let slots = laneIndex &+ Int32(truncatingIfNeeded: g &* 16)
                let closer = acc .< b
                s2 = s2.replacing(with: acc, where: closerThanSecond).replacing(with: b, where: closer)
                ss = ss.replacing(with: slots, where: closerThanSecond).replacing(with: bs, where: closer)
                b = b.replacing(with: acc, where: closer)
                bs = bs.replacing(with: slots, where: closer)
            }
            if let columnBest, let columnArg {
                let m = columnBest[g]
                let better = acc .< m
                if any(better) {
                    columnBest[g] = m.replacing(with: acc, where: better)
                    columnArg[g] = columnArg[g].replacing(with: queryVector, where: better)
                }
            }
        }

        // Two panels per step: four independent ymm add chains on AVX2 (eight on
        // AVX-512), enough to hide the add latency without spilling registers.
        var g = groups.lowerBound
        while g &+ 2 <= groups.upperBound {
            var a0 = penalty[g], a1 = penalty[g &+ 1]
            var m0 = SIMD16<Int32>(repeating: 0), m1 = SIMD16<Int32>(repeating: 0)
            let p0 = panels + g &* c, p1 = p0 + c
            for j in 0..<scaled {
                let q = SIMD16<Float>(repeating: Float(bitPattern: query[j]))
                a0 += term(q, p0[j])
                a1 += term(q, p1[j])
            }
            for j in scaled..<c {
                let q = SIMD16<UInt32>(repeating: query[j])
                m0 = m0.replacing(with: m0 &+ 1, where: p0[j] .== q)
                m1 = m1.replacing(with: m1 &+ 1, where: p1[j] .== q)
            }
            update(a0, m0, g)
            update(a1, m1, g &+ 1)
            g &+= 2
        }
        if g < groups.upperBound {
            var a = penalty[g]
            var m = SIMD16<Int32>(repeating: 0)
            let p = panels + g &* c
            for j in 0..<scaled { a += term(SIMD16<Float>(repeating: Float(bitPattern: query[j])), p[j]) }
            for j in scaled..<c { m = m.replacing(with: m &+ 1, where: p[j] .== SIMD16<UInt32>(repeating: query[j])) }
            update(a, m, g)
        }
        lanes = Lanes(best: b, second: s2, bestSlot: bs, secondSlot: ss)
    }
}
