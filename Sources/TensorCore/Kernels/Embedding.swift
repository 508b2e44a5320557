/// Token plus position embedding: `out[b, t, :] = wte[tokens[b, t], :] + wpe[t, :]`.
///
/// - Parameters:
///   - out: (B, T, C) result.
///   - tokens: (B, T) ids, each below `vocabulary` (checked: an id out of range stops the
///     process with a message; validate ids where they enter).
///   - wte: (V, C) token embeddings. wpe: (maxT, C) position embeddings, maxT >= T.
public func embeddingForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
                             wte: UnsafePointer<Float>, wpe: UnsafePointer<Float>,
                             batch: Int, time: Int, channels: Int, vocabulary: Int,
                             pool: ThreadPool = .shared) {
    EmbeddingForward(out: out, tokens: tokens, wte: wte, wpe: wpe, time: time, c: channels, vocabulary: vocabulary)
        .run(count: batch * time, work: batch * time * channels, pool: pool)
}

private struct EmbeddingForward: RangeTask {
    let out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>
    let wte: UnsafePointer<Float>, wpe: UnsafePointer<Float>
    let time: Int, c: Int, vocabulary: Int

    func run(_ range: Range<Int>) {
        let w = KernelVector.scalarCount, vectorEnd = c - c % w
        for bt in range {
            let token = Int(tokens[bt])
            precondition(token >= 0 && token < vocabulary,
                         "embeddingForward: token \(token) at position \(bt) is outside the vocabulary 0..<\(vocabulary)")
            let e = wte + token * c, p = wpe + (bt % time) * c, y = out + bt * c
            var j = 0
            while j < vectorEnd { storeKernelVector(loadKernelVector(e + j) + loadKernelVector(p + j), y + j); j += w }
            while j < c { y[j] = e[j] + p[j]; j += 1 }
        }
    }
}

/// Backward of ``embeddingForward(out:tokens:wte:wpe:batch:time:channels:vocabulary:pool:)``:
/// scatter-adds each row of `dout` (B, T, C) into `dwte[token]` (V, C) and `dwpe[t]` (maxT, C).
///
/// Threads own disjoint ranges of the vocabulary (for dwte) and of positions (for dwpe)
/// and add in (b, t) order, so no two threads touch a row and results do not depend on the
/// thread count.
public func embeddingBackward(dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>,
                              dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
                              batch: Int, time: Int, channels: Int, vocabulary: Int,
                              pool: ThreadPool = .shared) {
    let task = EmbeddingBackward(dwte: dwte, dwpe: dwpe, dout: dout, tokens: tokens, batch: batch, time: time,
                                 c: channels, vocabulary: vocabulary)
    if batch * time * channels < parallelThreshold || pool.threadCount == 1 {
        task.run(thread: 0, threadCount: 1)
    } else {
        pool.run(task)
    }
}

private struct EmbeddingBackward: ParallelTask {
    let dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>
    let dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>
    let batch: Int, time: Int, c: Int, vocabulary: Int

    func run(thread: Int, threadCount: Int) {
        let vocabularyRange = splitRange(vocabulary, parts: threadCount, part: thread)
        let positions = splitRange(time, parts: threadCount, part: thread)
        for bt in 0..<(batch * time) {
            let token = Int(tokens[bt])
            precondition(token >= 0 && token < vocabulary,
                         "embeddingBackward: token \(token) at position \(bt) is outside the vocabulary 0..<\(vocabulary)")
            let g = dout + bt * c
            if vocabularyRange.contains(token) { addInPlace(dwte + token * c, g, count: c) }
            if positions.contains(bt % time) { addInPlace(dwpe + (bt % time) * c, g, count: c) }
        }
    }
}
