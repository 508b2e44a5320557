import TensorCore

/// Bytes each kernel must move, over its time: GB/s, next to a plain copy of the same
/// size (the STREAM "copy" kernel), so "runs at memory bandwidth" is a ratio.
func runKernelSuite(threads: [Int], reporter: inout Reporter) throws {
    let rows = 16_384, channels = 1_024          // 64 MiB per (N, C) buffer: far past the caches
    let count = rows * channels
    let vocabularyRows = 2_048, vocabulary = 8_192
    var rng = SplitMix(seed: 5)
    let x = try Tensor(zeros: [rows, channels]), y = try Tensor(zeros: [rows, channels]), z = try Tensor(zeros: [rows, channels])
    rng.fillUniform(x.buffer, low: -3, high: 3)
    rng.fillUniform(y.buffer, low: -1, high: 1)
    let weight = try Tensor(zeros: [channels]), bias = try Tensor(zeros: [channels])
    rng.fillUniform(weight.buffer)
    let mean = try Tensor(zeros: [rows]), rstd = try Tensor(zeros: [rows])
    let dweight = try Tensor(zeros: [channels]), dbias = try Tensor(zeros: [channels])
    let targets = (0..<vocabularyRows).map { _ in Int32(rng.next() % UInt64(vocabulary)) }
    let losses = try Tensor(zeros: [vocabularyRows])
    let floatBytes = Double(MemoryLayout<Float>.stride)

    for threadCount in threads {
        let pool = ThreadPool(threadCount: threadCount)
        // (name, bytes moved, body)
        let cases: [(String, Double, () -> Void)] = [
            ("copy (STREAM)", 2 * Double(count) * floatBytes, {
                copyElements(z.pointer, x.pointer, count: count, pool: pool) }),
            ("residual add", 3 * Double(count) * floatBytes, {
                addForward(out: z.pointer, x.pointer, y.pointer, count: count, pool: pool) }),
            ("layernorm fwd", 2 * Double(count) * floatBytes, {
                layerNormForward(out: z.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer, weight: weight.pointer,
                                 bias: bias.pointer, rows: rows, channels: channels, pool: pool) }),
            ("layernorm bwd", 3 * Double(count) * floatBytes, {
                layerNormBackward(dinp: z.pointer, dweight: dweight.pointer, dbias: dbias.pointer, dout: y.pointer,
                                  inp: x.pointer, weight: weight.pointer, mean: mean.pointer, rstd: rstd.pointer,
                                  rows: rows, channels: channels, pool: pool) }),
            ("gelu fwd", 2 * Double(count) * floatBytes, {
                geluForward(out: z.pointer, inp: x.pointer, count: count, pool: pool) }),
            ("gelu bwd", 3 * Double(count) * floatBytes, {
                geluBackward(dinp: z.pointer, inp: x.pointer, dout: y.pointer, count: count, pool: pool) }),
            ("softmax fwd", 2 * Double(count) * floatBytes, {
                softmaxForward(out: z.pointer, inp: x.pointer, rows: rows, channels: channels, pool: pool) }),
            ("softmax bwd", 3 * Double(count) * floatBytes, {
                softmaxBackward(dinp: z.pointer, probs: x.pointer, dout: y.pointer, rows: rows, channels: channels, pool: pool) }),
            ("crossentropy fwd", Double(vocabularyRows * vocabulary) * floatBytes, {
                crossEntropyForward(losses: losses.pointer, logits: x.pointer, targets: targets, rows: vocabularyRows,
                                    vocabulary: vocabulary, pool: pool) }),
            ("crossentropy bwd", 2 * Double(vocabularyRows * vocabulary) * floatBytes, {
                crossEntropyBackward(dlogits: z.pointer, logits: x.pointer, targets: targets, dlosses: y.pointer,
                                     rows: vocabularyRows, vocabulary: vocabulary, overwrite: true, pool: pool) }),
        ]
        var copyRate = 0.0
        for (name, bytes, body) in cases {
            let seconds = medianSeconds(minSeconds: 0.1, body)
            let rate = bytes / seconds / 1e9
            if copyRate == 0 { copyRate = rate }
            reporter.emit(BenchRecord(suite: "kernels", caseName: name, threads: threadCount, metric: "bandwidth",
                                      value: rate, unit: "GB/s",
                                      extra: [("bytes", String(Int(bytes))), ("ratio_to_copy", String(format: "%.3f", rate / copyRate))]))
        }
    }
}
