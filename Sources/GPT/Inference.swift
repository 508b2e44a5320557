// Performance notes
// - Decoding one token per sequence is a matrix-vector product per layer: the time goes
//   into streaming the weights from memory (the small preset's 55 MB per step), so the
//   products are the GEMM's small-M paths (B read in place, once, in order) split by
//   columns across the pool, and a batch of sequences shares one pass over the weights.
// - Prefill and decode are the same call: a list of rows (slot, position, token). Keys
//   and values of every row are written to the cache before attention runs, so the rows
//   of one prompt attend to each other causally within one call.
// - The LM head (the largest product for small models) runs only for the rows whose
//   logits are asked for: the last row of a prompt, not all of them.
// - Attention per (row, head) is a dot product per cached key and an axpy per value,
//   split over the pool by (row, head) pairs; it is a small share of a decode step.

import Foundation
import TensorCore

/// Keys and values of past positions, per layer and per slot, so that decoding a token
/// costs one position's work instead of re-running the whole prefix.
public final class KVCache {
    /// Sequences the cache holds at once.
    public let slots: Int
    /// Positions per slot (the model's block size).
    public let capacity: Int
    let layers: Int, channels: Int, heads: Int, headSize: Int
    /// Positions per slot rounded up to whole blocks of ``blockPositions``.
    let paddedCapacity: Int
    /// Positions per key block: one vector.
    static let blockPositions = KernelVector.scalarCount
    /// (L, slots, 2, paddedCapacity * C): per layer and slot the keys, then the values,
    /// each head's contiguous. A head's keys are blocks of eight positions, each block
    /// (HS, 8): the scores of eight positions are one vector FMA per channel, with no
    /// horizontal sums, and a head's keys are read front to back. A head's values are
    /// (positions, HS), also read front to back: attention streams its slot's cache
    /// sequentially, so the prefetcher keeps up when the cache is larger than L2.
    private let storage: TensorStorage

    /// A cache for `slots` sequences of up to `config.blockSize` tokens.
    public init(config: ModelConfig, slots: Int) throws {
        precondition(slots > 0)
        self.slots = slots
        capacity = config.blockSize
        layers = config.layers
        channels = config.channels
        heads = config.heads
        headSize = config.channels / config.heads
        let block = KVCache.blockPositions
        paddedCapacity = (capacity + block - 1) / block * block
        let count = config.layers * slots * 2 * paddedCapacity * config.channels
        do {
            storage = try TensorStorage(count: count, purpose: "a key/value cache for \(slots) sequences")
        } catch { throw GPTError.allocationFailed("\(error)") }
    }

    /// Head `head`'s keys in one layer and slot: blocks of eight positions, each (HS, 8).
    @inline(__always)
    func keys(layer: Int, slot: Int, head: Int) -> UnsafeMutablePointer<Float> {
        storage.base + ((layer * slots + slot) * 2) * paddedCapacity * channels + head * paddedCapacity * headSize
    }

    /// Head `head`'s values in one layer and slot: (positions, HS).
    @inline(__always)
    func values(layer: Int, slot: Int, head: Int) -> UnsafeMutablePointer<Float> {
        keys(layer: layer, slot: slot, head: head) + paddedCapacity * channels
    }

    /// Stores one position's key and value, each (C), heads in order.
    @inline(__always)
    func store(layer: Int, slot: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let HS = headSize, block = KVCache.blockPositions
        let blockOffset = position / block * HS * block + position % block
        for h in 0..<heads {
            let keyBlock = keys(layer: layer, slot: slot, head: h) + blockOffset, headKey = key + h * HS
            for d in 0..<HS { keyBlock[d * block] = headKey[d] }
            (values(layer: layer, slot: slot, head: h) + position * HS).update(from: value + h * HS, count: HS)
        }
    }
}

/// One token to run: which cached sequence it extends, at which position.
public struct InferenceRow: Sendable, Equatable {
    /// The cache slot of its sequence.
    public var slot: Int
    /// Its position in the sequence (0 for the first token).
    public var position: Int
    /// The token id.
    public var token: Int32
    /// Whether to compute its next-token logits.
    public var wantsLogits: Bool

    public init(slot: Int, position: Int, token: Int32, wantsLogits: Bool) {
        self.slot = slot
        self.position = position
        self.token = token
        self.wantsLogits = wantsLogits
    }
}

/// Runs a trained model forward on new tokens of many sequences at once, with a
/// ``KVCache``: prompts (prefill) and generated tokens (decode) alike.
public final class InferenceSession {
    public let model: Model
    public let cache: KVCache
    /// Most rows one ``run(_:)`` takes.
    public let maxRows: Int
    private let storage: TensorStorage
    private let x, ln, mean, rstd, qkv, atty, projected, fch, gathered, logitsBuffer: UnsafeMutablePointer<Float>
    /// Per thread: attention scores of one (row, head), padded to whole vectors.
    private let scoreScratch: UnsafeMutablePointer<Float>
    private let scoresPerThread: Int

    #if !(os(macOS) && arch(x86_64))
    /// Half-precision copies of the matrices for one- and two-row calls, when asked for.
    private let halfWeights: HalfWeights?
    #endif

    /// A session for `slots` sequences, taking up to `maxRows` tokens per call.
    ///
    /// With `halfPrecision` (where ``halfPrecisionAvailable``), the model's weight matrices
    /// are rounded to half precision in place and kept in that form too, so decoding one or
    /// two sequences streams half the bytes; every path then uses the same weight values,
    /// so results still do not depend on how sequences are batched. The model should then
    /// serve inference only.
    public init(model: Model, slots: Int, maxRows: Int, halfPrecision: Bool = false) throws {
        precondition(maxRows > 0)
        self.model = model
        self.maxRows = maxRows
        #if !(os(macOS) && arch(x86_64))
        halfWeights = halfPrecision ? HalfWeights(model: model) : nil
        #endif
        cache = try KVCache(config: model.config, slots: slots)
        let (C, V, T) = (model.config.channels, model.config.vocabularySize, model.config.blockSize)
        let N = maxRows
        let threads = model.pool.threadCount
        scoresPerThread = (T + KernelVector.scalarCount - 1) / KernelVector.scalarCount * KernelVector.scalarCount
        let sizes = [N * C, N * C, N, N, N * 3 * C, N * C, N * C, N * 4 * C, N * C, N * V, threads * scoresPerThread]
        do {
            storage = try TensorStorage(count: sizes.reduce(0, +), purpose: "inference activations for \(N) rows")
        } catch { throw GPTError.allocationFailed("\(error)") }
        var pointers: [UnsafeMutablePointer<Float>] = []
        var offset = 0
        for size in sizes { pointers.append(storage.base + offset); offset += size }
        (x, ln, mean, rstd, qkv, atty, projected, fch, gathered, logitsBuffer) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5], pointers[6], pointers[7],
             pointers[8], pointers[9])
        scoreScratch = pointers[10]
    }

    /// Runs `rows` through the model, storing their keys and values in the cache, and
    /// returns the logits of the rows that asked for them, in order: (count, V).
    ///
    /// A row at position p sees the cached positions 0..<p of its slot and itself; earlier
    /// positions come from earlier calls or from earlier rows of this call.
    public func run(_ rows: [InferenceRow]) throws -> UnsafeBufferPointer<Float> {
        let config = model.config
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabularySize)
        let N = rows.count
        guard N > 0 else { return UnsafeBufferPointer(start: logitsBuffer, count: 0) }
        guard N <= maxRows else { throw GPTError.invalidConfig("\(N) rows exceed the session's \(maxRows)") }
        for (i, row) in rows.enumerated() {
            guard row.slot >= 0 && row.slot < cache.slots else {
                throw GPTError.invalidConfig("slot \(row.slot) outside 0..<\(cache.slots)")
            }
            guard row.position >= 0 && row.position < config.blockSize else {
                throw GPTError.sequenceTooLong(length: row.position + 1, blockSize: config.blockSize)
            }
            guard row.token >= 0 && Int(row.token) < V else {
                throw GPTError.tokenOutOfRange(token: row.token, position: i, vocabularySize: V)
            }
        }
        let p = model.params, pool = model.pool
        for (i, row) in rows.enumerated() {
            let out = x + i * C, tokenRow = p.wte + Int(row.token) * C, positionRow = p.wpe + row.position * C
            for c in 0..<C { out[c] = tokenRow[c] + positionRow[c] }
        }
        rows.withUnsafeBufferPointer { rowList in
            for l in 0..<L {
                layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p.ln1w + l * C, bias: p.ln1b + l * C,
                                 rows: N, channels: C, pool: pool)
                linear(rows: N, out: 3 * C, in: C, x: ln, weight: .qkv, layer: l, bias: p.qkvb + l * 3 * C, y: qkv)
                let store = CacheStore(rows: rowList.baseAddress!, layer: l, cache: cache, qkv: qkv)
                store.run(count: N, work: N * 2 * C * cacheStoreWorkPerElement, pool: pool)
                let attention = CachedAttention(rows: rowList.baseAddress!, rowCount: N, layer: l, cache: cache, qkv: qkv,
                                                out: atty, channels: C, heads: NH, scratch: scoreScratch,
                                                scratchPerThread: scoresPerThread)
                if N * NH * 64 < 4096 || pool.threadCount == 1 {
                    attention.run(thread: 0, threadCount: 1)
                } else {
                    pool.run(attention)
                }
                linear(rows: N, out: C, in: C, x: atty, weight: .attentionProjection, layer: l, bias: p.attprojb + l * C,
                       y: projected)
                addForward(out: x, x, projected, count: N * C, pool: pool)
                layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p.ln2w + l * C, bias: p.ln2b + l * C,
                                 rows: N, channels: C, pool: pool)
                linear(rows: N, out: 4 * C, in: C, x: ln, weight: .mlpUp, layer: l, bias: p.fcb + l * 4 * C, y: fch)
                geluForward(out: fch, inp: fch, count: N * 4 * C, pool: pool)
                linear(rows: N, out: C, in: 4 * C, x: fch, weight: .mlpDown, layer: l, bias: p.fcprojb + l * C, y: projected)
                addForward(out: x, x, projected, count: N * C, pool: pool)
            }
        }
        var wanted = 0
        for (i, row) in rows.enumerated() where row.wantsLogits {
            (gathered + wanted * C).update(from: x + i * C, count: C)
            wanted += 1
        }
        guard wanted > 0 else { return UnsafeBufferPointer(start: logitsBuffer, count: 0) }
        layerNormForward(out: ln, mean: mean, rstd: rstd, inp: gathered, weight: p.lnfw, bias: p.lnfb, rows: wanted,
                         channels: C, pool: pool)
        #if !(os(macOS) && arch(x86_64))
        if let half = halfWeights, wanted <= 2 {
            halfDotProducts(m: wanted, n: V, k: C, x: ln, ldx: C, e: half.wte, lde: C, y: logitsBuffer, ldy: V, pool: pool)
            return UnsafeBufferPointer(start: logitsBuffer, count: wanted * V)
        }
        #endif
        gemm(transA: false, transB: true, m: wanted, n: V, k: C, a: ln, lda: C, b: p.wte, ldb: C, c: logitsBuffer, ldc: V,
             pool: pool)
        return UnsafeBufferPointer(start: logitsBuffer, count: wanted * V)
    }

    /// `y = x · W + bias` for one of a block's weight matrices, (rows, in) · (in, out).
    private func linear(rows: Int, out: Int, in inputs: Int, x: UnsafePointer<Float>, weight: BlockMatrix, layer: Int,
                        bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        #if !(os(macOS) && arch(x86_64))
        if let half = halfWeights, rows <= 2 {
            halfRowProduct(m: rows, n: out, k: inputs, x: x, ldx: inputs, w: half.matrix(weight) + layer * inputs * out,
                           ldw: out, y: y, ldy: out, bias: bias, pool: model.pool)
            return
        }
        #endif
        gemm(transA: false, transB: false, m: rows, n: out, k: inputs, a: x, lda: inputs,
             b: weight.pointer(in: model.params) + layer * inputs * out, ldb: out, c: y, ldc: out, bias: bias, pool: model.pool)
    }
}

/// The four weight matrices of a block.
enum BlockMatrix: CaseIterable {
    case qkv, attentionProjection, mlpUp, mlpDown

    /// The (L, in, out) stack in the parameter slab.
    func pointer(in params: ParameterViews) -> UnsafeMutablePointer<Float> {
        switch self {
        case .qkv: return params.qkvw
        case .attentionProjection: return params.attprojw
        case .mlpUp: return params.fcw
        case .mlpDown: return params.fcprojw
        }
    }

    /// Floats in the (L, in, out) stack.
    func count(_ config: ModelConfig) -> Int {
        let C = config.channels
        switch self {
        case .qkv: return config.layers * C * 3 * C
        case .attentionProjection: return config.layers * C * C
        case .mlpUp, .mlpDown: return config.layers * C * 4 * C
        }
    }
}

#if !(os(macOS) && arch(x86_64))
/// Half-precision copies of a model's matrices (the four per block and the token
/// embedding), after rounding the model's own copies to the same values.
private final class HalfWeights {
    private let matrices: [UnsafeMutablePointer<Float16>]
    /// (V, C)
    let wte: UnsafeMutablePointer<Float16>

    init(model: Model) {
        let config = model.config
        var matrices: [UnsafeMutablePointer<Float16>] = []
        for matrix in BlockMatrix.allCases {
            matrices.append(HalfWeights.roundedCopy(matrix.pointer(in: model.params), count: matrix.count(config)))
        }
        self.matrices = matrices
        wte = HalfWeights.roundedCopy(model.params.wte, count: config.vocabularySize * config.channels)
    }

    func matrix(_ which: BlockMatrix) -> UnsafeMutablePointer<Float16> {
        matrices[BlockMatrix.allCases.firstIndex(of: which)!]
    }

    /// A half-precision copy of `source`, whose values are then replaced by the copy's.
    private static func roundedCopy(_ source: UnsafeMutablePointer<Float>, count: Int) -> UnsafeMutablePointer<Float16> {
        let copy = UnsafeMutablePointer<Float16>.allocate(capacity: count)
        convertToHalf(source, copy, count: count)
        for i in 0..<count { source[i] = Float(copy[i]) }
        return copy
    }

    deinit {
        matrices.forEach { $0.deallocate() }
        wte.deallocate()
    }
}
#endif

/// Work units (as `parallelThreshold` counts them) of storing one float in the cache: a
/// strided write, usually a cache miss.
private let cacheStoreWorkPerElement = 16

/// Stores the new rows' keys and values in the cache, split by rows (each row its own
/// position, so no two threads write the same place).
private struct CacheStore: RangeTask {
    let rows: UnsafePointer<InferenceRow>
    let layer: Int
    let cache: KVCache
    /// (N, 3C) queries, keys and values of the new rows.
    let qkv: UnsafePointer<Float>

    func run(_ range: Range<Int>) {
        let C = cache.channels
        for i in range {
            let row = rows[i], source = qkv + i * 3 * C
            cache.store(layer: layer, slot: row.slot, position: row.position, key: source + C, value: source + 2 * C)
        }
    }
}

/// Attention of each new row over its slot's cached keys and values, split by (row, head).
private struct CachedAttention: ParallelTask {
    let rows: UnsafePointer<InferenceRow>
    let rowCount: Int
    let layer: Int
    let cache: KVCache
    /// (N, 3C) queries, keys and values of the new rows.
    let qkv: UnsafePointer<Float>
    /// (N, C) result.
    let out: UnsafeMutablePointer<Float>
    let channels: Int, heads: Int
    /// (threads, padded positions) scores.
    let scratch: UnsafeMutablePointer<Float>
    let scratchPerThread: Int

    func run(thread: Int, threadCount: Int) {
        let C = channels, HS = C / heads
        let scale = 1 / Float(HS).squareRoot()
        let w = KernelVector.scalarCount, blockSize = HS * w
        let scores = scratch + thread * scratchPerThread
        for pair in splitRange(rowCount * heads, parts: threadCount, part: thread) {
            let i = pair / heads, h = pair % heads
            let row = rows[i]
            let query = qkv + i * 3 * C + h * HS
            let keys = cache.keys(layer: layer, slot: row.slot, head: h)
            let values = cache.values(layer: layer, slot: row.slot, head: h)
            let count = row.position + 1
            // scores[j] = q · k_j, a block of eight positions per register, one FMA per
            // channel; two blocks and even/odd channels apart: four independent chains.
            let blocks = (count + w - 1) / w
            var block = 0
            while block < blocks {
                let pair = block + 1 < blocks
                let firstBlock = keys + block * blockSize, secondBlock = firstBlock + blockSize
                var first = KernelVector(), second = KernelVector()
                var firstOdd = KernelVector(), secondOdd = KernelVector()
                var d = 0
                while d + 1 < HS {
                    let q = KernelVector(repeating: query[d] * scale), qOdd = KernelVector(repeating: query[d + 1] * scale)
                    let offset = d * w
                    first = first.addingProduct(q, UnsafeRawPointer(firstBlock + offset).loadUnaligned(as: KernelVector.self))
                    firstOdd = firstOdd.addingProduct(qOdd, UnsafeRawPointer(firstBlock + offset + w).loadUnaligned(as: KernelVector.self))
                    if pair {
                        second = second.addingProduct(q, UnsafeRawPointer(secondBlock + offset).loadUnaligned(as: KernelVector.self))
                        secondOdd = secondOdd.addingProduct(qOdd, UnsafeRawPointer(secondBlock + offset + w).loadUnaligned(as: KernelVector.self))
                    }
                    d += 2
                }
                if d < HS {
                    // An odd head size: the last channel.
                    let q = KernelVector(repeating: query[d] * scale), offset = d * w
                    first = first.addingProduct(q, UnsafeRawPointer(firstBlock + offset).loadUnaligned(as: KernelVector.self))
                    if pair { second = second.addingProduct(q, UnsafeRawPointer(secondBlock + offset).loadUnaligned(as: KernelVector.self)) }
                }
                UnsafeMutableRawPointer(scores + block * w).storeBytes(of: first + firstOdd, as: KernelVector.self)
                if pair { UnsafeMutableRawPointer(scores + (block + 1) * w).storeBytes(of: second + secondOdd, as: KernelVector.self) }
                block += pair ? 2 : 1
            }
            var maximum = -Float.infinity
            for j in 0..<count { maximum = max(maximum, scores[j]) }
            let total = expShifted(scores, count: count, shift: maximum)
            let result = out + i * C + h * HS
            let normaliser = 1 / total
            // The weighted sum of values, 32 channels at a time: even and odd positions
            // accumulate apart, eight independent chains in registers.
            var c = 0
            while c + 4 * w <= HS {
                var a0 = KernelVector(), a1 = KernelVector(), a2 = KernelVector(), a3 = KernelVector()
                var b0 = KernelVector(), b1 = KernelVector(), b2 = KernelVector(), b3 = KernelVector()
                var j = 0
                while j + 1 < count {
                    let p = KernelVector(repeating: scores[j]), pNext = KernelVector(repeating: scores[j + 1])
                    let value = UnsafeRawPointer(values + j * HS + c), next = UnsafeRawPointer(values + (j + 1) * HS + c)
                    a0 = a0.addingProduct(p, value.loadUnaligned(as: KernelVector.self))
                    a1 = a1.addingProduct(p, value.loadUnaligned(fromByteOffset: 4 * w, as: KernelVector.self))
                    a2 = a2.addingProduct(p, value.loadUnaligned(fromByteOffset: 8 * w, as: KernelVector.self))
                    a3 = a3.addingProduct(p, value.loadUnaligned(fromByteOffset: 12 * w, as: KernelVector.self))
                    b0 = b0.addingProduct(pNext, next.loadUnaligned(as: KernelVector.self))
                    b1 = b1.addingProduct(pNext, next.loadUnaligned(fromByteOffset: 4 * w, as: KernelVector.self))
                    b2 = b2.addingProduct(pNext, next.loadUnaligned(fromByteOffset: 8 * w, as: KernelVector.self))
                    b3 = b3.addingProduct(pNext, next.loadUnaligned(fromByteOffset: 12 * w, as: KernelVector.self))
                    j += 2
                }
                if j < count {
                    let p = KernelVector(repeating: scores[j]), value = UnsafeRawPointer(values + j * HS + c)
                    a0 = a0.addingProduct(p, value.loadUnaligned(as: KernelVector.self))
                    a1 = a1.addingProduct(p, value.loadUnaligned(fromByteOffset: 4 * w, as: KernelVector.self))
                    a2 = a2.addingProduct(p, value.loadUnaligned(fromByteOffset: 8 * w, as: KernelVector.self))
                    a3 = a3.addingProduct(p, value.loadUnaligned(fromByteOffset: 12 * w, as: KernelVector.self))
                }
                let n = KernelVector(repeating: normaliser)
                let target = UnsafeMutableRawPointer(result + c)
                target.storeBytes(of: (a0 + b0) * n, as: KernelVector.self)
                target.storeBytes(of: (a1 + b1) * n, toByteOffset: 4 * w, as: KernelVector.self)
                target.storeBytes(of: (a2 + b2) * n, toByteOffset: 8 * w, as: KernelVector.self)
                target.storeBytes(of: (a3 + b3) * n, toByteOffset: 12 * w, as: KernelVector.self)
                c += 4 * w
            }
            if c < HS {
                (result + c).update(repeating: 0, count: HS - c)
                for j in 0..<count { axpy(result + c, scores[j] * normaliser, values + j * HS + c, HS - c) }
            }
        }
    }
}
