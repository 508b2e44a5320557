import TensorCore

// Performance notes
// - Histograms are the cost: per node, for each feature, one pass over the node's rows
//   adding its gradient and hessian to the row's bin. Only the smaller child of a split
//   is built from its rows; the larger one is its parent minus that (as scikit-learn and
//   LightGBM do), so a tree costs about n log(leaves) row visits per feature, not n each.
// - Features are split across the pool's threads, each building whole features, so a
//   bin's sum is always taken in row order and the result does not depend on the thread
//   count. Nodes with few rows are built on the calling thread (a wake-up costs more).
// - Rows of a node are kept contiguous in one index array (`partition`); a split is a
//   stable partition of the node's range, which keeps the summation order scikit-learn
//   has, so the trees come out identical to its trees, not merely similar.

/// The bins that go left at a categorical split (a 256-bit set over bin numbers).
struct BinSet: Equatable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (a: BinSet, b: BinSet) -> Bool { a.words == b.words }

    mutating func insert(_ bin: UInt8) {
        let bit = UInt64(1) << UInt64(bin & 63)
        switch bin >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    @inline(__always)
    func contains(_ bin: UInt8) -> Bool {
        let word: UInt64
        switch bin >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (UInt64(1) << UInt64(bin & 63)) != 0
    }
}

/// One node of a fitted regression tree (a tree predicts one raw score per row).
struct TreeNode: Sendable {
    /// The leaf's output (learning rate applied); unused for split nodes.
    var value: Double = 0
    var isLeaf = true
    var feature = 0
    var isCategorical = false
    /// Rows whose value is missing (or an unknown category) go left when set.
    var missingGoesLeft = false
    /// Numerical split: bins up to this one go left.
    var binThreshold: UInt8 = 0
    /// Numerical split on raw values: values up to this one go left (+inf: every present value).
    var threshold = Double.infinity
    /// Categorical split: the categories (bins) that go left.
    var leftCategories = BinSet()
    var left = 0
    var right = 0
}

/// A fitted regression tree: nodes in an array, the root first.
struct RegressionTree: Sendable {
    var nodes: [TreeNode]

    /// The output for one row already binned.
    @inline(__always)
    func predict(binned row: (Int) -> UInt8) -> Double {
        var node = nodes[0]
        while !node.isLeaf {
            let bin = row(node.feature)
            let goesLeft: Bool
            if bin == FeatureBins.missingBin {
                goesLeft = node.missingGoesLeft
            } else if node.isCategorical {
                goesLeft = node.leftCategories.contains(bin)
            } else {
                goesLeft = bin <= node.binThreshold
            }
            node = nodes[goesLeft ? node.left : node.right]
        }
        return node.value
    }
}

/// The settings a tree is grown with (scikit-learn's defaults for its classifier).
struct TreeSettings {
    var maxLeafNodes = 31
    var minSamplesLeaf = 20
    var l2Regularization = 0.0
    var minHessianToSplit = 1e-3
    var learningRate = 0.1
}

/// The best split of a node, as scikit-learn's splitter reports it.
struct SplitCandidate {
    var gain = -1.0
    var feature = 0
    var bin = 0
    var missingGoesLeft = false
    var sumGradientLeft = 0.0, sumGradientRight = 0.0
    var sumHessianLeft = 0.0, sumHessianRight = 0.0
    var countLeft = 0, countRight = 0
    var valueLeft = 0.0, valueRight = 0.0
    var isCategorical = false
    var leftCategories = BinSet()
}

/// Per-node histograms of every feature: `F x 256` sums of gradients and hessians and
/// row counts, in three planes. Only a feature's own bins (`0..<binCounts[f]`) and the
/// missing bin (255) are ever written or read.
final class HistogramPlanes {
    let gradients: UnsafeMutablePointer<Double>  // (F, 256)
    let hessians: UnsafeMutablePointer<Double>   // (F, 256)
    let counts: UnsafeMutablePointer<UInt32>     // (F, 256)
    let featureCount: Int
    let binCounts: [Int]                         // (F)

    init(binCounts: [Int]) {
        featureCount = binCounts.count
        self.binCounts = binCounts
        let size = featureCount * 256
        gradients = .allocate(capacity: size)
        hessians = .allocate(capacity: size)
        counts = .allocate(capacity: size)
    }

    deinit {
        gradients.deallocate()
        hessians.deallocate()
        counts.deallocate()
    }

    /// `self = parent - sibling`, bin by bin.
    func subtract(_ parent: HistogramPlanes, _ sibling: HistogramPlanes) {
        for f in 0..<featureCount {
            for bin in 0..<binCounts[f] { subtract(f * 256 + bin, parent, sibling) }
            subtract(f * 256 + 255, parent, sibling)
        }
    }

    @inline(__always)
    private func subtract(_ i: Int, _ parent: HistogramPlanes, _ sibling: HistogramPlanes) {
        gradients[i] = parent.gradients[i] - sibling.gradients[i]
        hessians[i] = parent.hessians[i] - sibling.hessians[i]
        counts[i] = parent.counts[i] &- sibling.counts[i]
    }
}

/// Builds the histograms of one node, features split across the pool's threads.
struct HistogramTask: ParallelTask {
    let binned: BinnedFeatures                         // F columns of bins, (N) each
    let rows: UnsafePointer<UInt32>?                   // the node's rows (M); nil: rows 0..<M
    let orderedGradients: UnsafePointer<Float>         // (M), in the node's row order
    let orderedHessians: UnsafePointer<Float>          // (M)
    let rowCount: Int                                  // M
    let featureCount: Int
    let out: HistogramPlanes

    func run(thread: Int, threadCount: Int) {
        for feature in splitRange(featureCount, parts: threadCount, part: thread) {
            build(feature)
        }
    }

    func build(_ feature: Int) {
        let g = out.gradients + feature * 256, h = out.hessians + feature * 256, c = out.counts + feature * 256
        let used = out.binCounts[feature]
        g.update(repeating: 0, count: used)
        h.update(repeating: 0, count: used)
        c.update(repeating: 0, count: used)
        g[255] = 0; h[255] = 0; c[255] = 0
        let column = binned.column(feature)
        if let rows {
            for i in 0..<rowCount {
                let bin = Int(column[Int(rows[i])])
                g[bin] += Double(orderedGradients[i])
                h[bin] += Double(orderedHessians[i])
                c[bin] &+= 1
            }
        } else {
            for i in 0..<rowCount {
                let bin = Int(column[i])
                g[bin] += Double(orderedGradients[i])
                h[bin] += Double(orderedHessians[i])
                c[bin] &+= 1
            }
        }
    }
}

/// Grows one tree best-first (the leaf with the largest gain is split next), as
/// scikit-learn's `TreeGrower` does for `HistGradientBoostingClassifier`.
struct TreeGrower {
    struct Node {
        var start: Int, stop: Int   // the node's rows: partition[start..<stop]
        var sumGradients: Double
        var sumHessians: Double
        var value: Double
        var split: SplitCandidate?
        var histograms: HistogramPlanes?
        var isLeaf = false
        var left = -1, right = -1
        var count: Int { stop - start }
    }

    let binned: BinnedFeatures
    let bins: [FeatureBins]
    let settings: TreeSettings
    let pool: ThreadPool
    var nodes: [Node] = []
    /// Indices of splittable nodes, kept as Python's heapq keeps its list (same ties).
    var heap: [Int] = []
    var leafCount = 0
    var partition: [UInt32]
    var scratch: [UInt32]
    let binCounts: [Int]

    init(binned: BinnedFeatures, bins: [FeatureBins], settings: TreeSettings, pool: ThreadPool) {
        self.binned = binned
        self.bins = bins
        self.settings = settings
        self.pool = pool
        partition = (0..<UInt32(binned.rowCount)).map { $0 }
        scratch = partition
        binCounts = bins.map(\.binCount)
    }

    /// Grows the tree on the given per-row gradients and hessians, adds its (shrunk) leaf
    /// values to `raw` (one score per row) and returns it.
    mutating func grow(gradients: [Float], hessians: [Float], raw: UnsafeMutablePointer<Double>, rawStride: Int) -> RegressionTree {
        let rootHistograms = histograms(start: 0, stop: binned.rowCount, gradients: gradients, hessians: hessians)
        // scikit-learn sums the 256 bins of feature 0 (unused ones are 0) with numpy.
        var firstGradients = [Double](repeating: 0, count: 256), firstHessians = firstGradients
        for bin in Array(0..<binCounts[0]) + [255] {
            firstGradients[bin] = rootHistograms.gradients[bin]
            firstHessians[bin] = rootHistograms.hessians[bin]
        }
        let sumGradients = numpySum(firstGradients)
        let sumHessians = numpySum(firstHessians)
        nodes = [Node(start: 0, stop: binned.rowCount, sumGradients: sumGradients, sumHessians: sumHessians,
                      value: 0, histograms: rootHistograms)]
        if binned.rowCount < 2 * settings.minSamplesLeaf || sumHessians < settings.minHessianToSplit {
            finalize(0)
        } else {
            findSplitAndPush(0)
        }
        while !heap.isEmpty {
            splitNext(gradients: gradients, hessians: hessians)
        }
        return finish(raw: raw, rawStride: rawStride)
    }

    private mutating func finalize(_ node: Int) {
        nodes[node].isLeaf = true
        nodes[node].histograms = nil
        leafCount += 1
    }

    private mutating func findSplitAndPush(_ node: Int) {
        let split = findSplit(nodes[node])
        nodes[node].split = split
        if split.gain <= 0 {
            finalize(node)
        } else {
            heapPush(node)
        }
    }

    private mutating func splitNext(gradients: [Float], hessians: [Float]) {
        let index = heapPop()
        var split = nodes[index].split!
        let parent = nodes[index]
        let rightStart = partitionRows(parent, split)
        let left = Node(start: parent.start, stop: rightStart, sumGradients: split.sumGradientLeft,
                        sumHessians: split.sumHessianLeft, value: split.valueLeft)
        let right = Node(start: rightStart, stop: parent.stop, sumGradients: split.sumGradientRight,
                         sumHessians: split.sumHessianRight, value: split.valueRight)
        if !binned.hasMissing[split.feature] {
            // No missing value at fit time: at predict time they follow the larger child.
            split.missingGoesLeft = left.count > right.count
        }
        nodes[index].split = split
        let leftIndex = nodes.count, rightIndex = nodes.count + 1
        nodes[index].left = leftIndex
        nodes[index].right = rightIndex
        let leaves = leafCount + heap.count + 2
        nodes.append(left)
        nodes.append(right)
        if leaves == settings.maxLeafNodes {
            finalize(leftIndex)
            finalize(rightIndex)
            while let last = heap.popLast() { finalize(last) }
            nodes[index].histograms = nil
            return
        }
        if left.count < 2 * settings.minSamplesLeaf { finalize(leftIndex) }
        if right.count < 2 * settings.minSamplesLeaf { finalize(rightIndex) }
        let splitLeft = !nodes[leftIndex].isLeaf, splitRight = !nodes[rightIndex].isLeaf
        if splitLeft || splitRight {
            let (small, large) = left.count < right.count ? (leftIndex, rightIndex) : (rightIndex, leftIndex)
            let smallHistograms = histograms(start: nodes[small].start, stop: nodes[small].stop,
                                             gradients: gradients, hessians: hessians)
            if !nodes[large].isLeaf {
                // The parent's planes become the larger child's: parent - smaller.
                let planes = parent.histograms!
                planes.subtract(planes, smallHistograms)
                nodes[large].histograms = planes
            }
            if !nodes[small].isLeaf { nodes[small].histograms = smallHistograms }
            nodes[index].histograms = nil
            if splitLeft { findSplitAndPush(leftIndex) }
            if splitRight { findSplitAndPush(rightIndex) }
        }
        nodes[index].histograms = nil
    }

    // MARK: Rows

    /// Stable partition of the node's rows (left first); returns where the right child starts.
    private mutating func partitionRows(_ node: Node, _ split: SplitCandidate) -> Int {
        let bins = binned.column(split.feature)
        var leftCount = 0, rightCount = 0
        partition.withUnsafeMutableBufferPointer { rows in
            scratch.withUnsafeMutableBufferPointer { spill in
                for i in node.start..<node.stop {
                    let row = rows[i]
                    if Self.goesLeft(bins[Int(row)], split) {
                        rows[node.start + leftCount] = row
                        leftCount += 1
                    } else {
                        spill[rightCount] = row
                        rightCount += 1
                    }
                }
                for j in 0..<rightCount { rows[node.start + leftCount + j] = spill[j] }
            }
        }
        return node.start + leftCount
    }

    @inline(__always)
    private static func goesLeft(_ bin: UInt8, _ split: SplitCandidate) -> Bool {
        if split.isCategorical { return split.leftCategories.contains(bin) }
        return (split.missingGoesLeft && bin == FeatureBins.missingBin) || Int(bin) <= split.bin
    }

    // MARK: Histograms

    private func histograms(start: Int, stop: Int, gradients: [Float], hessians: [Float]) -> HistogramPlanes {
        let count = stop - start
        let features = binned.featureCount
        let planes = HistogramPlanes(binCounts: binCounts)
        let isRoot = count == binned.rowCount
        var orderedGradients = [Float](repeating: 0, count: isRoot ? 0 : count)
        var orderedHessians = [Float](repeating: 0, count: isRoot ? 0 : count)
        if !isRoot {
            for i in 0..<count {
                let row = Int(partition[start + i])
                orderedGradients[i] = gradients[row]
                orderedHessians[i] = hessians[row]
            }
        }
        partition.withUnsafeBufferPointer { rows in
            (isRoot ? gradients : orderedGradients).withUnsafeBufferPointer { g in
                (isRoot ? hessians : orderedHessians).withUnsafeBufferPointer { h in
                    let task = HistogramTask(binned: binned, rows: isRoot ? nil : rows.baseAddress! + start,
                                             orderedGradients: g.baseAddress!, orderedHessians: h.baseAddress!,
                                             rowCount: count, featureCount: features, out: planes)
                    if count * features < parallelThreshold || pool.threadCount == 1 || features < 2 {
                        for f in 0..<features { task.build(f) }
                    } else {
                        pool.run(task)
                    }
                }
            }
        }
        return planes
    }

    // MARK: Splits

    @inline(__always)
    static func nodeValue(_ sumGradient: Double, _ sumHessian: Double, _ l2: Double) -> Double {
        -sumGradient / (sumHessian + l2 + 1e-15)
    }

    private func gain(_ gl: Double, _ hl: Double, _ gr: Double, _ hr: Double, nodeLoss: Double) -> Double {
        let l2 = settings.l2Regularization
        var gain = nodeLoss
        gain -= gl * Self.nodeValue(gl, hl, l2)
        gain -= gr * Self.nodeValue(gr, hr, l2)
        return gain
    }

    private func findSplit(_ node: Node) -> SplitCandidate {
        let planes = node.histograms!
        var best = SplitCandidate()
        for feature in 0..<binned.featureCount {
            var candidate = SplitCandidate()
            candidate.feature = feature
            candidate.isCategorical = bins[feature].isCategorical
            if bins[feature].isCategorical {
                categoricalSplit(feature, node, planes, &candidate)
            } else {
                numericalSplit(feature, node, planes, missingGoesLeft: false, &candidate)
                if binned.hasMissing[feature] {
                    numericalSplit(feature, node, planes, missingGoesLeft: true, &candidate)
                }
            }
            if feature == 0 || candidate.gain > best.gain { best = candidate }
        }
        return best
    }

    private func finish(_ candidate: inout SplitCandidate, _ node: Node, gain: Double, sumGradientLeft: Double,
                        sumHessianLeft: Double, countLeft: Int) {
        let l2 = settings.l2Regularization
        candidate.gain = gain
        candidate.sumGradientLeft = sumGradientLeft
        candidate.sumGradientRight = node.sumGradients - sumGradientLeft
        candidate.sumHessianLeft = sumHessianLeft
        candidate.sumHessianRight = node.sumHessians - sumHessianLeft
        candidate.countLeft = countLeft
        candidate.countRight = node.count - countLeft
        candidate.valueLeft = Self.nodeValue(candidate.sumGradientLeft, candidate.sumHessianLeft, l2)
        candidate.valueRight = Self.nodeValue(candidate.sumGradientRight, candidate.sumHessianRight, l2)
    }

    /// The best threshold of a numerical feature: bins scanned upwards with missing values
    /// (if any) on the right, or downwards with them on the left (only when some are
    /// missing). Bins join the near side (left upwards, right downwards) one at a time; the
    /// far side is the rest of the node.
    private func numericalSplit(_ feature: Int, _ node: Node, _ planes: HistogramPlanes, missingGoesLeft: Bool,
                                _ candidate: inout SplitCandidate) {
        let g = planes.gradients + feature * 256, h = planes.hessians + feature * 256, c = planes.counts + feature * 256
        let binCount = bins[feature].binCount
        let thresholds = missingGoesLeft
            ? stride(from: binCount - 2, to: -1, by: -1)
            : stride(from: 0, to: max(binCount - 1 + (binned.hasMissing[feature] ? 1 : 0), 0), by: 1)
        let joining = missingGoesLeft ? 1 : 0
        let nodeLoss = node.sumGradients * node.value
        let minLeaf = settings.minSamplesLeaf, minHessian = settings.minHessianToSplit
        var nearG = 0.0, nearH = 0.0, nearN = 0
        var bestGain = candidate.gain, bestBin = -1, bestG = 0.0, bestH = 0.0, bestN = 0
        for bin in thresholds {
            nearN += Int(c[bin + joining])
            let farN = node.count - nearN
            nearH += h[bin + joining]
            let farH = node.sumHessians - nearH
            nearG += g[bin + joining]
            let farG = node.sumGradients - nearG
            if nearN < minLeaf { continue }
            if farN < minLeaf { break }
            if nearH < minHessian { continue }
            if farH < minHessian { break }
            let (gl, hl, nl) = missingGoesLeft ? (farG, farH, farN) : (nearG, nearH, nearN)
            let (gr, hr) = missingGoesLeft ? (nearG, nearH) : (farG, farH)
            let gain = gain(gl, hl, gr, hr, nodeLoss: nodeLoss)
            if gain > bestGain && gain > 0 {
                bestGain = gain; bestBin = bin; bestG = gl; bestH = hl; bestN = nl
            }
        }
        if bestBin >= 0 {
            candidate.bin = bestBin
            candidate.missingGoesLeft = missingGoesLeft
            finish(&candidate, node, gain: bestGain, sumGradientLeft: bestG, sumHessianLeft: bestH, countLeft: bestN)
        }
    }

    /// Categories ordered by gradient / (hessian + 10), then scanned from both ends up to the
    /// middle (Fisher's grouping, as LightGBM and scikit-learn do); categories with a
    /// hessian support under 10 always go right.
    private func categoricalSplit(_ feature: Int, _ node: Node, _ planes: HistogramPlanes,
                                  _ candidate: inout SplitCandidate) {
        let g = planes.gradients + feature * 256, h = planes.hessians + feature * 256, c = planes.counts + feature * 256
        let minSupport = 10.0
        let supportFactor = Double(node.count) / node.sumHessians
        var used: [(bin: Int, value: Double)] = []
        var candidates = Array(0..<bins[feature].binCount)
        if binned.hasMissing[feature] { candidates.append(Int(FeatureBins.missingBin)) }
        for bin in candidates where h[bin] * supportFactor >= minSupport {
            used.append((bin, g[bin] / (h[bin] + minSupport)))
        }
        if used.count <= 1 { return }
        used = glibcMergeSort(used) { $0.value < $1.value }
        let nodeLoss = node.sumGradients * node.value
        let minLeaf = settings.minSamplesLeaf, minHessian = settings.minHessianToSplit
        var bestGain = -1.0, bestThreshold = -1, bestDirection = 0
        var bestG = 0.0, bestH = 0.0, bestN = 0
        for direction in [1, -1] {
            let middle = direction == 1 ? (used.count + 1) / 2 : (used.count + 1) / 2 - 1
            var gl = 0.0, hl = 0.0, nl = 0
            for i in 0..<middle {
                let sorted = direction == 1 ? i : used.count - 1 - i
                let bin = used[sorted].bin
                nl += Int(c[bin])
                let nr = node.count - nl
                hl += h[bin]
                let hr = node.sumHessians - hl
                gl += g[bin]
                let gr = node.sumGradients - gl
                if nl < minLeaf || hl < minHessian { continue }
                if nr < minLeaf || hr < minHessian { break }
                let gain = gain(gl, hl, gr, hr, nodeLoss: nodeLoss)
                if gain > bestGain && gain > 0 {
                    bestGain = gain; bestThreshold = sorted; bestDirection = direction
                    bestG = gl; bestH = hl; bestN = nl
                }
            }
        }
        guard bestThreshold >= 0 else { return }
        candidate.bin = 0
        finish(&candidate, node, gain: bestGain, sumGradientLeft: bestG, sumHessianLeft: bestH, countLeft: bestN)
        var left = BinSet()
        let chosen = bestDirection == 1 ? Array(0...bestThreshold) : Array(bestThreshold..<used.count)
        for sorted in chosen { left.insert(UInt8(used[sorted].bin)) }
        candidate.leftCategories = left
        if binned.hasMissing[feature] { candidate.missingGoesLeft = left.contains(FeatureBins.missingBin) }
    }

    // MARK: Heap (Python's heapq, so that equal gains are ordered as scikit-learn orders them)

    /// heapq's "a < b": the larger gain comes first.
    private func before(_ a: Int, _ b: Int) -> Bool { nodes[a].split!.gain > nodes[b].split!.gain }

    private mutating func heapPush(_ node: Int) {
        heap.append(node)
        siftDown(from: 0, heap.count - 1)
    }

    private mutating func heapPop() -> Int {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftUp(0)
        return top
    }

    private mutating func siftDown(from start: Int, _ position: Int) {
        var position = position
        let item = heap[position]
        while position > start {
            let parent = (position - 1) >> 1
            if before(item, heap[parent]) {
                heap[position] = heap[parent]
                position = parent
                continue
            }
            break
        }
        heap[position] = item
    }

    private mutating func siftUp(_ position: Int) {
        var position = position
        let end = heap.count, start = position
        let item = heap[position]
        var child = 2 * position + 1
        while child < end {
            let right = child + 1
            if right < end && !before(heap[child], heap[right]) { child = right }
            heap[position] = heap[child]
            position = child
            child = 2 * position + 1
        }
        heap[position] = item
        siftDown(from: start, position)
    }

    // MARK: Result

    /// Applies the learning rate to the leaves, adds them to `raw`, and returns the tree.
    private mutating func finish(raw: UnsafeMutablePointer<Double>, rawStride: Int) -> RegressionTree {
        var tree = [TreeNode](repeating: TreeNode(), count: nodes.count)
        for (index, node) in nodes.enumerated() {
            if node.isLeaf || node.split == nil || node.left < 0 {
                let value = node.value * settings.learningRate
                tree[index].value = value
                tree[index].isLeaf = true
                partition.withUnsafeBufferPointer { rows in
                    for i in node.start..<node.stop { raw[Int(rows[i]) * rawStride] += value }
                }
                continue
            }
            let split = node.split!
            var out = TreeNode()
            out.isLeaf = false
            out.feature = split.feature
            out.isCategorical = split.isCategorical
            out.missingGoesLeft = split.missingGoesLeft
            out.binThreshold = UInt8(split.bin)
            out.leftCategories = split.leftCategories
            out.left = node.left
            out.right = node.right
            if !split.isCategorical {
                let thresholds = bins[split.feature].thresholds
                out.threshold = split.bin == bins[split.feature].binCount - 1 ? .infinity : thresholds[split.bin]
            }
            tree[index] = out
        }
        return RegressionTree(nodes: tree)
    }
}

/// glibc's `qsort` (a top-down merge sort) with scikit-learn's comparator, which answers
/// "after" for equal keys: equal categories come out in the order scikit-learn's do.
func glibcMergeSort<T>(_ items: [T], less: (T, T) -> Bool) -> [T] {
    if items.count <= 1 { return items }
    let half = items.count / 2
    let a = glibcMergeSort(Array(items[..<half]), less: less)
    let b = glibcMergeSort(Array(items[half...]), less: less)
    var merged: [T] = []
    merged.reserveCapacity(items.count)
    var i = 0, j = 0
    while i < a.count && j < b.count {
        // qsort takes from the first run when cmp(a, b) <= 0, i.e. only when a < b.
        if less(a[i], b[j]) { merged.append(a[i]); i += 1 } else { merged.append(b[j]); j += 1 }
    }
    merged.append(contentsOf: a[i...])
    merged.append(contentsOf: b[j...])
    return merged
}
