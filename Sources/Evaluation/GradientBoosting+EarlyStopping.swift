// Early stopping, as scikit-learn's HistGradientBoostingClassifier does it by default
// ("auto": on above 10,000 rows): a stratified 10% of the training rows is held out, the
// validation loss is tracked after every iteration, and boosting stops when none of the
// last 10 iterations improved on the one before them by more than 1e-7.
//
// scikit-learn draws the held-out rows with numpy's legacy `RandomState` (Mersenne
// Twister). We draw them with the same generator and the same steps, so a table above
// 10,000 rows is cut exactly as scikit-learn cuts it and the trees stay identical.

/// numpy's legacy `RandomState`: MT19937 seeded as `RandomState(seed)` seeds it, with the
/// bounded-integer and shuffle algorithms `randint`, `permutation` and `choice` use.
struct LegacyRandomState {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    mutating func nextUInt32() -> UInt32 {
        if position >= 624 { twist() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7fff_ffff)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_b0df }
            state[i] = next
        }
        position = 0
    }

    /// A uniform integer in `0...max` by masked rejection (numpy's `random_interval`).
    mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        for shift in [1, 2, 4, 8, 16, 32] as [UInt64] { mask |= mask >> shift }
        if max <= 0xffff_ffff {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let high = UInt64(nextUInt32()), low = UInt64(nextUInt32())
            let value = ((high << 32) | low) & mask
            if value <= max { return value }
        }
    }

    /// `randint(2**32 - 1, dtype="u8")`: how scikit-learn turns `random_state` into the
    /// seed of its train/validation split.
    mutating func seedDraw() -> UInt32 {
        UInt32(interval(0xffff_fffe))
    }

    /// `shuffle` of an array in place (Fisher–Yates from the end).
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt64(i)))
            items.swapAt(i, j)
        }
    }

    /// `permutation(n)`.
    mutating func permutation(_ n: Int) -> [Int] {
        var items = Array(0..<n)
        shuffle(&items)
        return items
    }
}

/// scikit-learn's `_approximate_mode`: how many of `draws` rows each class gets, the
/// largest remainders rounded up, ties broken with the generator.
func approximateMode(_ counts: [Int], draws: Int, random: inout LegacyRandomState) -> [Int] {
    let total = Double(counts.reduce(0, +))
    let continuous = counts.map { Double($0) / total * Double(draws) }
    var floored = continuous.map { $0.rounded(.down) }
    var needed = Int(Double(draws) - numpySum(floored))
    if needed > 0 {
        let remainders = zip(continuous, floored).map { $0 - $1 }
        let values = Array(Set(remainders)).sorted(by: >)
        for value in values {
            let indices = remainders.indices.filter { remainders[$0] == value }
            let take = min(indices.count, needed)
            let chosen = random.permutation(indices.count).prefix(take).map { indices[$0] }
            for index in chosen { floored[index] += 1 }
            needed -= take
            if needed == 0 { break }
        }
    }
    return floored.map { Int($0) }
}

/// scikit-learn's `train_test_split(..., test_size=fraction, stratify=labels,
/// random_state=seed)` as its HistGradientBoostingClassifier calls it: the training and
/// validation rows, each in the (shuffled) order scikit-learn gives them.
func stratifiedSplit(labels: [Int], classCount: Int, validationFraction: Double,
                     seed: UInt32) -> (train: [Int], validation: [Int]) {
    let n = labels.count
    let testCount = Int((validationFraction * Double(n)).rounded(.up))
    let trainCount = n - testCount
    var random = LegacyRandomState(seed: seed)
    // np.unique's classes: the labels that occur, in increasing order.
    var counts = [Int](repeating: 0, count: classCount)
    for label in labels { counts[label] += 1 }
    let present = counts.indices.filter { counts[$0] > 0 }
    let classCounts = present.map { counts[$0] }
    var members = [[Int]](repeating: [], count: classCount)
    for (row, label) in labels.enumerated() { members[label].append(row) }
    let trainPerClass = approximateMode(classCounts, draws: trainCount, random: &random)
    let remaining = zip(classCounts, trainPerClass).map { $0 - $1 }
    let testPerClass = approximateMode(remaining, draws: testCount, random: &random)
    var train: [Int] = [], validation: [Int] = []
    for (i, label) in present.enumerated() {
        let order = random.permutation(classCounts[i])
        let rows = order.map { members[label][$0] }
        train.append(contentsOf: rows[0..<trainPerClass[i]])
        validation.append(contentsOf: rows[trainPerClass[i]..<(trainPerClass[i] + testPerClass[i])])
    }
    random.shuffle(&train)
    random.shuffle(&validation)
    return (train, validation)
}

/// Whether boosting should stop: none of the last `patience` scores beats the one just
/// before them by more than `tolerance` (higher scores are better).
func shouldStop(_ scores: [Double], patience: Int, tolerance: Double) -> Bool {
    let reference = patience + 1
    guard scores.count >= reference else { return false }
    let threshold = scores[scores.count - reference] + tolerance
    return !scores.suffix(patience).contains { $0 > threshold }
}
