// Performance notes
// - Blocking after BLIS: for each NC-wide block of columns and KC-deep slice of K, B is
//   packed into NR-wide panels; the micro-kernel then walks them with six rows of A
//   (6 x KC, in L1) read in place with their strides, B's panels streaming past. KC = 256
//   and NC = 2048 measured best on Zen 3 (32 KiB L1, 512 KiB L2); BLIS's own order (B's
//   micro-panel in L1, A's panels from L2) ran 20% slower here. Packing A as well, BLIS's
//   way, cost 8-10% of training time on the 128-wide model (a scalar transpose for
//   nothing: six rows of A are already in L1 for the whole walk) and was dropped.
// - Threads never share a C element: the pool's threads take disjoint row or column
//   ranges (whichever dimension has more tiles) and pack their own panels, so there is
//   no barrier inside a GEMM. Every element of C is computed by the same sequence of
//   operations whatever the thread count, so results are bit-identical across counts.
// - M <= 64 (decoding, batched or not): packing B would cost as much as the product
//   (batch-32 decoding: 41-52 GFLOP/s packed against 51-64 unpacked, hot caches). With B stored (k, n)
//   and M >= 3, only A is packed and the micro-kernel reads B's rows in place, one 16-wide
//   strip per step, A read in place too, every row panel reusing the strip; the micro-kernel is
//   compiled for each row count, so 8 rows cost 6 + 2, not 6 + 6 (packing B into 128-wide
//   L2 blocks, or copying each strip contiguously for the second panel, measured slower).
//   With M <= 2, C's rows take in four rows of B at a
//   time in two short FMA chains, B streaming once in order. Tried and dropped: eight rows
//   at a time (with rows 12 KiB apart, nine streams share one L1 set: 30% slower), one
//   chain of dependent FMAs (50% slower), narrow strips walked down all of K (5-10x
//   slower: a new page every step defeats the prefetcher), a scalar C initialisation
//   (it cost a third of a 1x128x512 product). With B stored (n, k) each element is a dot
//   product of contiguous rows.
// - B is packed row by row (long contiguous reads), not panel by panel (a 64-byte read
//   from each of kc rows, strided), and for M <= 8 the packed block is 256 wide so it
//   stays in L2.
// - Products under ~64K multiply-adds run on the calling thread: waking a worker costs
//   more than it saves.

/// Whether an operand of ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:bias:pool:)``
/// is used as stored or transposed.
public typealias Transpose = Bool

/// Depth of one packed slice of K.
let gemmKC = 256
/// Columns of B packed at a time.
let gemmNC = 2048
/// Columns of C updated at a time on the small-M path: wide for one row (long runs of B
/// for the prefetcher), narrower as rows are added (C's block stays in L1).
func gemmRowBlock(rows: Int) -> Int { max(512, 4096 >> max(0, rows - 1)) }

/// General matrix multiply on row-major Float32: `C = alpha * op(A) * op(B) + beta * C`,
/// plus `bias[j]` added to every row of C when given.
///
/// op(A) is (m, k): `A` is stored (m, k) with row stride `lda`, or (k, m) when `transA`.
/// op(B) is (k, n): `B` is stored (k, n) with row stride `ldb`, or (n, k) when `transB`.
/// C is (m, n) with row stride `ldc`. With `beta == 0` C is not read. These are the four
/// products a linear layer needs: forward `X W`, backward `dY Wᵀ` and `Xᵀ dY`.
///
/// Runs on `pool`; allocates nothing (packing buffers are the pool's scratch memory).
public func gemm(transA: Transpose, transB: Transpose, m: Int, n: Int, k: Int,
                 alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                 bias: UnsafePointer<Float>? = nil, pool: ThreadPool = .shared) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size (m \(m), n \(n), k \(k))")
    precondition(ldc >= n, "gemm: ldc \(ldc) < n \(n)")
    precondition(lda >= (transA ? m : k), "gemm: lda \(lda) too small")
    precondition(ldb >= (transB ? k : n), "gemm: ldb \(ldb) too small")
    guard m > 0, n > 0 else { return }
    let problem = GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias)
    if k == 0 || alpha == 0 {
        problem.scaleOnly(rows: 0..<m)
        return
    }
    // B stored (n, k) is read in place by dot products for a few rows; from eight rows
    // on, packing it once pays (a 64-sequence decode step's logits fell from 8.7% of a
    // table sampling profile to about 3%).
    let path: GEMMPath = m > 64 ? .blocked
        : transB ? (transA || m >= 8 ? .blocked : .dotProducts)
        : m <= 2 && k >= 256 && m * n * MemoryLayout<Float>.stride <= ThreadPool.scratchBytesPerThread ? .splitDepth
        : m <= 2 || n < gemmNR ? .rowStream : .unpackedB
    let share = GEMMShare(problem: problem, path: path, scratch: pool.scratch(thread: 0))
    if m * n * k < 65_536 || pool.threadCount == 1 {
        share.run(thread: 0, threadCount: 1)
    } else {
        pool.run(share)
    }
    if path == .splitDepth {
        // C holds the first half of the depth; add the second, kept in thread 0's scratch.
        let upper = share.scratch.assumingMemoryBound(to: Float.self)
        for i in 0..<m { addInPlace(c + i * ldc, upper + i * n, count: n) }
    }
}

/// One thread's part of a GEMM, as the pool runs it.
struct GEMMShare: ParallelTask {
    let problem: GEMMProblem
    let path: GEMMPath
    /// Thread 0's scratch; thread i's follows at i * ThreadPool.scratchBytesPerThread.
    let scratch: UnsafeMutableRawPointer

    func run(thread: Int, threadCount: Int) {
        problem.runShare(path: path, thread: thread, threadCount: threadCount,
                         scratch: path == .splitDepth ? scratch : scratch + thread * ThreadPool.scratchBytesPerThread)
    }
}

/// The algorithms; the choice depends on the shape only, never on the thread count.
/// `splitDepth` is the row stream over each half of K: with one or two rows of A the
/// product streams B once from memory, and two threads each reading one contiguous half
/// of B reach 25 GB/s here where splitting B's columns reaches 19 (both threads then read
/// every page).
enum GEMMPath { case blocked, rowStream, dotProducts, unpackedB, splitDepth }

/// One GEMM call's operands, and the serial algorithms each thread runs on its share.
struct GEMMProblem {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Float
    let a: UnsafePointer<Float>, lda: Int
    let b: UnsafePointer<Float>, ldb: Int
    let beta: Float
    let c: UnsafeMutablePointer<Float>, ldc: Int
    let bias: UnsafePointer<Float>?

    /// Thread `thread`'s fixed share of the product.
    func runShare(path: GEMMPath, thread: Int, threadCount count: Int, scratch: UnsafeMutableRawPointer) {
        switch path {
        case .rowStream:
            let columns = splitRange(n, parts: count, part: thread, granule: 64)
            if !columns.isEmpty { runRowStream(columns: columns) }
        case .splitDepth:
            // The lower half of K goes into C, the upper half into `scratch` (thread 0's, the
            // same for every thread); the caller adds them. Even threads take the lower half.
            let half = k / 2
            let lower = GEMMProblem(transA: transA, transB: false, m: m, n: n, k: half, alpha: alpha, a: a, lda: lda,
                                    b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias)
            let upper = GEMMProblem(transA: transA, transB: false, m: m, n: n, k: k - half, alpha: alpha,
                                    a: transA ? a + half * lda : a + half, lda: lda, b: b + half * ldb, ldb: ldb,
                                    beta: 0, c: scratch.assumingMemoryBound(to: Float.self), ldc: n, bias: nil)
            if count == 1 {
                lower.runRowStream(columns: 0..<n)
                upper.runRowStream(columns: 0..<n)
            } else {
                let groupSize = thread % 2 == 0 ? (count + 1) / 2 : count / 2
                let columns = splitRange(n, parts: groupSize, part: thread / 2, granule: 64)
                if !columns.isEmpty { (thread % 2 == 0 ? lower : upper).runRowStream(columns: columns) }
            }
        case .dotProducts:
            let columns = splitRange(n, parts: count, part: thread, granule: 16)
            if !columns.isEmpty { runDotProducts(columns: columns) }
        case .unpackedB:
            let columns = splitRange(n, parts: count, part: thread, granule: gemmNR)
            if !columns.isEmpty { runUnpackedB(columns: columns, scratch: scratch) }
        case .blocked:
            let rowTiles = (m + gemmMR - 1) / gemmMR, columnTiles = (n + gemmNR - 1) / gemmNR
            if rowTiles >= columnTiles {
                let rows = splitRange(m, parts: count, part: thread, granule: gemmMR)
                if !rows.isEmpty { runBlocked(rows: rows, columns: 0..<n, scratch: scratch) }
            } else {
                let columns = splitRange(n, parts: count, part: thread, granule: gemmNR)
                if !columns.isEmpty { runBlocked(rows: 0..<m, columns: columns, scratch: scratch) }
            }
        }
    }

    /// `C = beta * C + bias` on `rows`, for the degenerate products (k == 0, alpha == 0).
    func scaleOnly(rows: Range<Int>) {
        for i in rows {
            let row = c + i * ldc
            for j in 0..<n {
                let old = beta == 0 ? 0 : beta * row[j]
                row[j] = old + (bias?[j] ?? 0)
            }
        }
    }

    /// The blocked algorithm on C[rows, columns]: B packed, A read in place.
    func runBlocked(rows: Range<Int>, columns: Range<Int>, scratch: UnsafeMutableRawPointer) {
        let packedB = scratch.assumingMemoryBound(to: Float.self)
        let tile = packedB + gemmKC * (gemmNC + gemmNR)
        let aPacked = tile + gemmMR * gemmNR
        // A stored (k, m) is copied six floats per depth into a contiguous panel: read in
        // place, its rows (often a multiple of 4 KiB apart) would all fall in one L1 set.
        let aRowStride = transA ? 1 : lda, aStepStride = transA ? gemmMR : 1
        // Few rows reuse each packed block little: keep it in L2 instead.
        let blockWidth = m <= 8 ? 256 : gemmNC
        var jc = columns.lowerBound
        while jc < columns.upperBound {
            let nc = min(blockWidth, columns.upperBound - jc)
            var pc = 0
            while pc < k {
                let kc = min(gemmKC, k - pc)
                packB(into: packedB, column: jc, width: nc, depth: pc, count: kc)
                let store = pc == 0
                    ? TileStore(alpha: alpha, beta: beta, bias: bias.map { $0 + jc })
                    : TileStore(alpha: alpha, beta: 1, bias: nil)
                // A's micro-panel (6 rows of kc) stays in L1 while the inner loop walks B's
                // panels (measured faster here than BLIS's order, B's micro-panel in L1).
                var ir = rows.lowerBound
                while ir < rows.upperBound {
                    let mr = min(gemmMR, rows.upperBound - ir)
                    let aPanel: UnsafePointer<Float>
                    if transA {
                        if mr == gemmMR && gemmMR == 6 {
                            // A full panel: six contiguous floats per depth, in two moves.
                            for p in 0..<kc {
                                let source = UnsafeRawPointer(a + (pc + p) * lda + ir)
                                let target = UnsafeMutableRawPointer(aPacked + p * gemmMR)
                                target.storeBytes(of: source.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                                target.storeBytes(of: source.loadUnaligned(fromByteOffset: 16, as: SIMD2<Float>.self),
                                                  toByteOffset: 16, as: SIMD2<Float>.self)
                            }
                        } else {
                            for p in 0..<kc {
                                let source = a + (pc + p) * lda + ir, target = aPacked + p * gemmMR
                                for r in 0..<mr { target[r] = source[r] }
                            }
                        }
                        aPanel = UnsafePointer(aPacked)
                    } else {
                        aPanel = a + ir * lda + pc
                    }
                    var jr = 0
                    while jr < nc {
                        let nr = min(gemmNR, nc - jr)
                        let bPanel = UnsafePointer(packedB + jr * kc)
                        let out = c + ir * ldc + jc + jr
                        var tileStore = store
                        tileStore.bias = store.bias.map { $0 + jr }
                        if nr == gemmNR {
                            gemmMicroKernel(rows: mr, kc: kc, a: aPanel, aRowStride: aRowStride, aStepStride: aStepStride,
                                            b: bPanel, out: out, ldo: ldc, store: tileStore)
                        } else {
                            gemmMicroKernel(rows: mr, kc: kc, a: aPanel, aRowStride: aRowStride, aStepStride: aStepStride,
                                            b: bPanel, out: tile, ldo: gemmNR, store: TileStore(alpha: 1, beta: 0, bias: nil))
                            storeEdge(tile, rows: mr, columns: nr, out: out, store: tileStore)
                        }
                        jr += gemmNR
                    }
                    ir += gemmMR
                }
                pc += gemmKC
            }
            jc += blockWidth
        }
    }

    /// Sets C[rows, columns] to `beta * C + bias` (no read of C when beta is 0): the start
    /// of the small-M paths, which then accumulate `alpha * op(A) op(B)` into C.
    private func initialise(rows: Range<Int>, columns: Range<Int>) {
        let w = GEMMVector.scalarCount
        for i in rows {
            let row = c + i * ldc
            var j = columns.lowerBound
            if beta == 0 && bias == nil {
                (row + j).update(repeating: 0, count: columns.count)
                continue
            }
            let betaVector = GEMMVector(repeating: beta)
            while j + w <= columns.upperBound {
                var value = beta == 0 ? GEMMVector() : loadVector(row + j) * betaVector
                if let bias { value += loadVector(bias + j) }
                storeVector(value, row + j)
                j += w
            }
            while j < columns.upperBound {
                row[j] = (beta == 0 ? 0 : beta * row[j]) + (bias?[j] ?? 0)
                j += 1
            }
        }
    }

    /// The small-M algorithm for a B stored (k, n): C's rows take in B's rows four depths
    /// at a time, so B streams from memory once, row by row, and C's block stays in L1.
    func runRowStream(columns: Range<Int>) {
        let w = GEMMVector.scalarCount
        var jb = columns.lowerBound
        while jb < columns.upperBound {
            let width = min(gemmRowBlock(rows: m), columns.upperBound - jb)
            initialise(rows: 0..<m, columns: jb..<(jb + width))
            let vectorEnd = width - width % w
            var p = 0
            while p < k {
                let depth = min(4, k - p)
                let b0 = b + p * ldb + jb
                let b1 = depth > 1 ? b0 + ldb : b0, b2 = depth > 2 ? b0 + 2 * ldb : b0
                let b3 = depth > 3 ? b0 + 3 * ldb : b0
                for i in 0..<m {
                    // Depths past k get a zero weight and re-read row p: same result, no branch.
                    let a0 = alpha * opA(i, p)
                    let a1 = depth > 1 ? alpha * opA(i, p + 1) : 0, a2 = depth > 2 ? alpha * opA(i, p + 2) : 0
                    let a3 = depth > 3 ? alpha * opA(i, p + 3) : 0
                    let v0 = GEMMVector(repeating: a0), v1 = GEMMVector(repeating: a1)
                    let v2 = GEMMVector(repeating: a2), v3 = GEMMVector(repeating: a3)
                    let row = c + i * ldc + jb
                    var j = 0
                    while j < vectorEnd {
                        // Two chains of two: short latency, so many vectors are in flight.
                        let even = loadVector(row + j).addingProduct(v0, loadVector(b0 + j)).addingProduct(v2, loadVector(b2 + j))
                        let odd = (v1 * loadVector(b1 + j)).addingProduct(v3, loadVector(b3 + j))
                        storeVector(even + odd, row + j)
                        j += w
                    }
                    while j < width {
                        let even = row[j].addingProduct(a0, b0[j]).addingProduct(a2, b2[j])
                        let odd = (a1 * b1[j]).addingProduct(a3, b3[j])
                        row[j] = even + odd
                        j += 1
                    }
                }
                p += 4
            }
            jb += width
        }
    }

    /// The small-M algorithm (3 to 8 rows) for a B stored (k, n): nothing is packed; the
    /// micro-kernel reads A and B's rows in place, one NR-wide strip at a time, and every row
    /// panel of C reuses the strip from L1/L2. The last, narrow strip is copied padded.
    func runUnpackedB(columns: Range<Int>, scratch: UnsafeMutableRawPointer) {
        let edgeStrip = scratch.assumingMemoryBound(to: Float.self)
        let aRowStride = transA ? 1 : lda, aStepStride = transA ? lda : 1
        let tile = edgeStrip + gemmKC * gemmNR
        var pc = 0
        while pc < k {
            let kc = min(gemmKC, k - pc)
            let first = pc == 0
            var jr = columns.lowerBound
            while jr < columns.upperBound {
                let nr = min(gemmNR, columns.upperBound - jr)
                var strip = UnsafePointer(b + pc * ldb + jr), stride = ldb
                if nr < gemmNR {
                    for p in 0..<kc {
                        let source = b + (pc + p) * ldb + jr, target = edgeStrip + p * gemmNR
                        for q in 0..<gemmNR { target[q] = q < nr ? source[q] : 0 }
                    }
                    strip = UnsafePointer(edgeStrip)
                    stride = gemmNR
                }
                let store = first ? TileStore(alpha: alpha, beta: beta, bias: bias.map { $0 + jr })
                                  : TileStore(alpha: alpha, beta: 1, bias: nil)
                var ir = 0
                while ir < m {
                    let mr = min(gemmMR, m - ir)
                    let aPanel = transA ? a + pc * lda + ir : a + ir * lda + pc
                    let out = c + ir * ldc + jr
                    if nr == gemmNR {
                        gemmMicroKernel(rows: mr, kc: kc, a: aPanel, aRowStride: aRowStride, aStepStride: aStepStride, b: strip, bStride: stride, out: out, ldo: ldc, store: store)
                    } else {
                        gemmMicroKernel(rows: mr, kc: kc, a: aPanel, aRowStride: aRowStride, aStepStride: aStepStride, b: strip, bStride: stride, out: tile, ldo: gemmNR,
                                        store: TileStore(alpha: 1, beta: 0, bias: nil))
                        storeEdge(tile, rows: mr, columns: nr, out: out, store: store)
                    }
                    ir += gemmMR
                }
                jr += gemmNR
            }
            pc += gemmKC
        }
    }

    /// The small-M algorithm for a B stored (n, k) and A stored (m, k): each element of C is
    /// a dot product of two contiguous rows, so nothing needs packing.
    func runDotProducts(columns: Range<Int>) {
        let w = GEMMVector.scalarCount
        let vectorEnd = k - k % w
        initialise(rows: 0..<m, columns: columns)
        for j in columns {
            let bRow = b + j * ldb
            var i = 0
            while i < m {
                let rows = min(4, m - i)
                let r0 = a + i * lda
                let r1 = rows > 1 ? r0 + lda : r0, r2 = rows > 2 ? r0 + 2 * lda : r0, r3 = rows > 3 ? r0 + 3 * lda : r0
                var s0 = GEMMVector(), s1 = GEMMVector(), s2 = GEMMVector(), s3 = GEMMVector()
                var p = 0
                while p < vectorEnd {
                    let bv = loadVector(bRow + p)
                    s0 = s0.addingProduct(loadVector(r0 + p), bv)
                    s1 = s1.addingProduct(loadVector(r1 + p), bv)
                    s2 = s2.addingProduct(loadVector(r2 + p), bv)
                    s3 = s3.addingProduct(loadVector(r3 + p), bv)
                    p += w
                }
                var t0 = s0.sum(), t1 = s1.sum(), t2 = s2.sum(), t3 = s3.sum()
                while p < k {
                    let bv = bRow[p]
                    t0 = t0.addingProduct(r0[p], bv); t1 = t1.addingProduct(r1[p], bv)
                    t2 = t2.addingProduct(r2[p], bv); t3 = t3.addingProduct(r3[p], bv)
                    p += 1
                }
                let sums = (t0, t1, t2, t3)
                for r in 0..<rows {
                    let total = r == 0 ? sums.0 : r == 1 ? sums.1 : r == 2 ? sums.2 : sums.3
                    c[(i + r) * ldc + j] += alpha * total
                }
                i += 4
            }
        }
    }

    @inline(__always)
    private func opA(_ i: Int, _ p: Int) -> Float {
        transA ? a[p * lda + i] : a[i * lda + p]
    }

    /// Writes the valid `rows` x `columns` corner of a computed tile into C through
    /// `store`, element by element.
    private func storeEdge(_ tile: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                           out: UnsafeMutablePointer<Float>, store: TileStore) {
        let ldt = gemmNR
        for r in 0..<rows {
            let source = tile + r * ldt, target = out + r * ldc
            for q in 0..<columns {
                var value = store.alpha * source[q]
                if store.beta != 0 { value += store.beta * target[q] }
                if let bias = store.bias { value += bias[q] }
                target[q] = value
            }
        }
    }

    /// Packs op(B)[depth ..< depth+count, column ..< column+width] into NR-wide panels,
    /// each (count, NR) contiguous, zero-padding the last panel.
    private func packB(into packed: UnsafeMutablePointer<Float>, column: Int, width: Int, depth: Int, count: Int) {
        if !transB {
            // Full panels: walk B's rows in order (long contiguous reads the prefetcher
            // follows), scattering each row's NR-wide pieces to their panels.
            let fullPanels = width / gemmNR
            for p in 0..<count {
                let source = b + (depth + p) * ldb + column
                var target = packed + p * gemmNR
                for q in 0..<fullPanels {
                    storeVector(loadVector(source + q * gemmNR), target)
                    storeVector(loadVector(source + q * gemmNR + GEMMVector.scalarCount), target + GEMMVector.scalarCount)
                    target += count * gemmNR
                }
            }
            if fullPanels * gemmNR == width { return }
        }
        var panel = transB ? 0 : width - width % gemmNR
        while panel < width {
            let columns = min(gemmNR, width - panel)
            let target = packed + panel * count
            if transB {
                // B is stored (n, k): read each column's run of depths contiguously.
                for q in 0..<gemmNR {
                    if q < columns {
                        let source = b + (column + panel + q) * ldb + depth
                        for p in 0..<count { target[p * gemmNR + q] = source[p] }
                    } else {
                        for p in 0..<count { target[p * gemmNR + q] = 0 }
                    }
                }
            } else {
                for p in 0..<count {
                    let source = b + (depth + p) * ldb + column + panel
                    let out = target + p * gemmNR
                    for q in 0..<columns { out[q] = source[q] }
                    for q in columns..<gemmNR { out[q] = 0 }
                }
            }
            panel += gemmNR
        }
    }
}
