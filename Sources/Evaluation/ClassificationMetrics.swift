/// Scores of a classifier's predictions against the truth, computed as scikit-learn's
/// `accuracy_score`, `f1_score` (with `zero_division=0`) and `roc_auc_score` compute them.
///
/// Classes are integer codes. A true label outside the scored labels (a value the
/// training table never had, or a missing one) still counts: as a miss for accuracy and
/// as a false positive of whatever was predicted, as in scikit-learn with `labels=` given.
public enum ClassificationMetrics {
    /// The share of rows whose prediction equals the truth.
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        precondition(truth.count == predicted.count, "one prediction per row")
        guard !truth.isEmpty else { return 0 }
        let hits = zip(truth, predicted).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return Double(hits) / Double(truth.count)
    }

    /// The F1 score of one class: 2·TP / (2·TP + FP + FN), and 0 when the class is
    /// neither true nor predicted anywhere (scikit-learn's `zero_division=0`).
    public static func f1(truth: [Int], predicted: [Int], label: Int) -> Double {
        precondition(truth.count == predicted.count, "one prediction per row")
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (t, p) in zip(truth, predicted) {
            if p == label {
                if t == label { truePositives += 1 } else { falsePositives += 1 }
            } else if t == label {
                falseNegatives += 1
            }
        }
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }

    /// The unweighted mean of the F1 scores of `labels` (a class never predicted scores 0).
    public static func macroF1(truth: [Int], predicted: [Int], labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        return labels.reduce(0) { $0 + f1(truth: truth, predicted: predicted, label: $1) } / Double(labels.count)
    }

    /// The area under the ROC curve: the probability that a random positive row scores
    /// above a random negative one, ties counting one half (the trapezoidal area
    /// scikit-learn computes). Nil when the rows are all positive or all negative.
    public static func rocAUC(positive: [Bool], scores: [Double]) -> Double? {
        precondition(positive.count == scores.count, "one score per row")
        let positives = positive.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Sum of the (1-based, tie-averaged) ranks of the positive rows.
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + 1 + end) / 2
            for i in start..<end where positive[order[i]] { rankSum += averageRank }
            start = end
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// One-vs-rest ROC AUC averaged over classes (scikit-learn's `multi_class="ovr",
    /// average="macro"`).
    ///
    /// `probabilities` is `(rows, classes.count)` row-major; column `j` is the probability
    /// of `classes[j]`. Nil where scikit-learn raises: a true label outside `classes`, fewer
    /// than three classes, or a row whose probabilities do not sum to 1.
    public static func rocAUCOneVsRest(truth: [Int], probabilities: [Double], classes: [Int]) -> Double? {
        let k = classes.count
        precondition(probabilities.count == truth.count * k, "one probability per row and class")
        guard k > 2 else { return nil }
        let known = Set(classes)
        guard truth.allSatisfy({ known.contains($0) }) else { return nil }
        for row in 0..<truth.count {
            var sum = 0.0
            for j in 0..<k { sum += probabilities[row * k + j] }
            if abs(1 - sum) > 1e-8 + 1e-5 * abs(sum) { return nil }
        }
        var total = 0.0
        for (j, label) in classes.enumerated() {
            let scores = (0..<truth.count).map { probabilities[$0 * k + j] }
            guard let auc = rocAUC(positive: truth.map { $0 == label }, scores: scores) else { return nil }
            total += auc
        }
        return total / Double(k)
    }
}
