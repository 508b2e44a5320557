#!/usr/bin/env python3
"""Expected scikit-learn results for the utility (TSTR/TRTR) tests (run once, by hand).

    .venv-eval/bin/python Tools/reference/make_utility_fixtures.py

Writes, under Tests/EvaluationTests/Fixtures/utility/:
- small seeded CSV tables (train, holdout, synthetic) with missing values, categories only
  the holdout or the synthetic table has, an unparseable synthetic number and missing
  targets, and the utility scores ../shared/eval/tabular/evaluate.py computes on them
  (its own utility() on its own loading code) for a two-class and a three-class target,
  and for a synthetic table that lacks one class;
- tree and linear cases on encoded matrices: HistGradientBoostingClassifier's
  probabilities, bin thresholds and iteration counts (two and three classes, missing
  values, unseen categories, early stopping on generated rows above 10,000), and
  LogisticRegression's optimum (solved to 1e-12 with newton-cholesky);
- metric cases (accuracy, macro-F1, positive F1, ROC AUC with ties, one-vs-rest AUC);
- adult.json: evaluate.py's utility scores on Adult for SDV's three synthetic tables, and
  with the full 26,049-row train table (early stopping on), read from ../shared (the
  tests skip when it is absent).

Rows for the early-stopping cases are not stored: both sides generate them with
SplitMix64 (see `splitmix_rows`). CI never runs this script.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EVALUATE = SHARED / "eval" / "tabular" / "evaluate.py"
OUT = ROOT / "Tests" / "EvaluationTests" / "Fixtures" / "utility"
sys.path.insert(0, str(EVALUATE.parent))
import evaluate  # noqa: E402  (the judge's own code)
import sklearn  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score  # noqa: E402


def num(v):
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else float(f"{f:.15g}")


# --------------------------------------------------------------------------- tables

def make_tables():
    rng = np.random.default_rng(20261123)

    def rows(n, colors, p):
        color = rng.choice(colors, n, p=p)
        size = rng.choice(["S", "M", "L"], n)
        x1 = rng.normal(0, 1, n)
        x2 = rng.integers(0, 100, n).astype(float)
        x3 = np.round(rng.exponential(2, n), 3)
        score = 1.2 * x1 + 0.03 * (x2 - 50) + 1.0 * (color == "red") - 0.8 * (size == "S") + rng.normal(0, 1, n)
        df = pd.DataFrame({
            "color": color, "size": size, "x1": np.round(x1, 4).astype(str), "x2": x2.astype(int).astype(str),
            "x3": x3.astype(str),
            "y": np.where(score > 0.3, "yes", "no"),
            "grade": np.select([score < -0.6, score < 1.0], ["low", "mid"], "high"),
        })
        return df

    base = ["red", "green", "blue", "black", "white"]
    train = rows(400, base, [.3, .25, .2, .15, .1])
    holdout = rows(300, base + ["purple"], [.28, .25, .2, .15, .08, .04])
    synthetic = rows(400, base + ["orange"], [.2, .3, .2, .15, .1, .05])
    for df, share in [(train, 0.05), (holdout, 0.05), (synthetic, 0.08)]:
        for col in ["color", "x1", "x3"]:
            mask = rng.random(len(df)) < share
            df.loc[mask, col] = ""
    synthetic.loc[3, "x3"] = "abc"           # coerced to missing, as evaluate.py does
    synthetic.loc[[5, 17, 40], "y"] = ""     # rows without a target are not trained on
    holdout.loc[[7, 8], "y"] = ""            # a holdout row without a target is a miss
    no_high = synthetic[synthetic["grade"] != "high"].reset_index(drop=True)
    return {"train": train, "holdout": holdout, "synthetic": synthetic, "synthetic_no_high": no_high}


def evaluate_utility(train_path, holdout_path, synthetic_path, target, seed=0):
    """evaluate.py's utility() exactly as its main() would call it."""
    schema = evaluate.infer_schema(train_path, set())
    columns = list(schema)
    raw = {name: evaluate.read_table(path)[columns] for name, path in
           [("train", train_path), ("holdout", holdout_path), ("synthetic", synthetic_path)]}
    typed = {name: evaluate.to_typed(df, schema) for name, df in raw.items()}
    result = evaluate.utility(typed["train"], typed["holdout"], typed["synthetic"], schema, target, None, seed)
    return schema, result


def scores_json(r):
    return {"accuracy": num(r["accuracy"]), "macro_f1": num(r["macro_f1"]),
            "f1_positive": num(r.get("f1_positive")), "roc_auc": num(r.get("roc_auc"))}


def utility_cases(tables):
    for name, df in tables.items():
        df.to_csv(OUT / f"{name}.csv", index=False)
    cases = []
    for label, synthetic, target in [("binary", "synthetic", "y"), ("three_classes", "synthetic", "grade"),
                                     ("synthetic_lacks_a_class", "synthetic_no_high", "grade")]:
        schema, result = evaluate_utility(OUT / "train.csv", OUT / "holdout.csv", OUT / f"{synthetic}.csv", target)
        cases.append({
            "name": label, "train": "train.csv", "holdout": "holdout.csv", "synthetic": f"{synthetic}.csv",
            "target": target, "labels": result["labels"], "positive": result["positive_label"],
            "kinds": {c: s["kind"] for c, s in schema.items()},
            "tstr": {m: scores_json(r) for m, r in result["tstr"].items()},
            "trtr": {m: scores_json(r) for m, r in result["trtr"].items()},
        })
    return cases


# --------------------------------------------------------------------------- trees

def tree_matrix_cases():
    """HistGradientBoostingClassifier on evaluate.py's encoding of the small tables."""
    cases = []
    schema = evaluate.infer_schema(OUT / "train.csv", set())
    train = evaluate.to_typed(evaluate.read_table(OUT / "train.csv"), schema)
    holdout = evaluate.to_typed(evaluate.read_table(OUT / "holdout.csv"), schema)
    for target, other in [("y", "grade"), ("grade", "y")]:
        cat = ["color", "size", other]
        numc = ["x1", "x2", "x3"]
        mask = train[target].notna()
        x_train = evaluate._prep_x(train.loc[mask], numc, cat)
        x_test = evaluate._prep_x(holdout, numc, cat)
        y = train.loc[mask, target].astype(str).to_numpy()
        model = evaluate._make_models(numc, cat, 0)["hist_gradient_boosting"]
        model.fit(x_train, y)
        pre = model.named_steps["pre"]
        enc_train = pre.transform(x_train)
        enc_test = pre.transform(x_test)
        clf = model.named_steps["clf"]
        name = f"tree_{target}"
        columns = cat + numc
        pd.DataFrame(enc_train, columns=columns).assign(label=pd.Categorical(y, categories=clf.classes_).codes) \
            .to_csv(OUT / f"{name}_train.csv", index=False, float_format="%.17g")
        pd.DataFrame(enc_test, columns=columns).to_csv(OUT / f"{name}_test.csv", index=False, float_format="%.17g")
        cases.append({
            "name": name, "train": f"{name}_train.csv", "test": f"{name}_test.csv",
            "categorical": [True] * len(cat) + [False] * len(numc),
            "category_counts": [len(clf._bin_mapper.bin_thresholds_[j]) for j in range(len(cat))] + [None] * len(numc),
            "classes": list(clf.classes_), "iterations": int(clf.n_iter_),
            "probabilities": [[num(v) for v in row] for row in clf.predict_proba(enc_test)],
            "thresholds": {c: [num(v) for v in clf._bin_mapper.bin_thresholds_[j]]
                           for j, c in enumerate(columns) if j >= len(cat)},
        })
    return cases


MASK64 = (1 << 64) - 1


def splitmix_rows(seed, n, classes):
    """Rows from SplitMix64 (the Swift tests generate the same): three numbers, one
    category (8 codes, some rows missing), and a noisy label."""
    state = seed

    def nxt():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    cols = [[], [], [], []]
    labels = []
    for _ in range(n):
        a = float(nxt() % 1000) / 10.0
        b = float(nxt() % 50)
        c = float(nxt() % 100000) / 1000.0
        k = nxt() % 9  # 8 means missing
        noise = (nxt() >> 11) / float(1 << 53)
        cat = float("nan") if k == 8 else float(k)
        s = a / 100.0 + (0.3 if k in (1, 4, 6) else 0.0) + b / 200.0 + noise
        if classes == 2:
            label = 1 if s > 0.95 else 0
        else:
            label = 0 if s < 0.8 else (1 if s < 1.2 else 2)
        for col, v in zip(cols, [cat, a, b, c]):
            col.append(v)
        labels.append(label)
    return np.array(cols).T, np.array(labels)


def early_stopping_cases():
    cases = []
    for classes, seed in [(2, 11), (3, 12)]:
        x, y = splitmix_rows(seed, 12000, classes)
        xt, _ = splitmix_rows(seed + 100, 200, classes)
        clf = HistGradientBoostingClassifier(categorical_features=[True, False, False, False], random_state=0)
        clf.fit(x, y)
        cases.append({"name": f"early_stopping_{classes}", "seed": seed, "rows": 12000, "test_seed": seed + 100,
                      "test_rows": 200, "classes": classes, "iterations": int(clf.n_iter_),
                      "probabilities": [[num(v) for v in row] for row in clf.predict_proba(xt)]})
    return cases


def rng_case():
    """numpy's legacy RandomState, which scikit-learn's validation split draws from."""
    r = np.random.RandomState(0)
    seed_draw = int(r.randint(np.iinfo(np.uint32).max, dtype="u8"))
    return {"seed": 0, "seed_draw": seed_draw,
            "permutation_10": np.random.RandomState(0).permutation(10).tolist(),
            "permutation_1000_head": np.random.RandomState(12345).permutation(1000)[:20].tolist()}


# --------------------------------------------------------------------------- linear

def linear_cases():
    cases = []
    rng = np.random.default_rng(5)
    n = 300
    x = np.column_stack([rng.normal(size=n), rng.normal(size=n) * 2, rng.integers(0, 2, n), rng.integers(0, 2, n)])
    score = 0.8 * x[:, 0] - 0.5 * x[:, 1] + 1.5 * x[:, 2] + rng.normal(size=n)
    for name, y in [("linear_binary", (score > 0.5).astype(int)),
                    ("linear_three", np.digitize(score, [-0.5, 1.0]))]:
        exact = LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
        default = LogisticRegression(max_iter=2000).fit(x, y)
        pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(label=y).to_csv(OUT / f"{name}.csv", index=False,
                                                                               float_format="%.17g")
        cases.append({"name": name, "data": f"{name}.csv", "classes": int(y.max() + 1),
                      "coefficients": [[num(v) for v in row] for row in exact.coef_],
                      "intercepts": [num(v) for v in exact.intercept_ - (exact.intercept_.mean() if y.max() > 1 else 0)],
                      "probabilities_default": [[num(v) for v in row] for row in default.predict_proba(x[:20])]})
    return cases


# --------------------------------------------------------------------------- metrics

def metric_cases():
    cases = []
    # two classes, tied scores, a class (0) rarely predicted
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0])
    p = np.array([1, 1, 1, 0, 1, 1, 1, 1, 1, 0])
    s = np.array([0.9, 0.5, 0.5, 0.2, 0.5, 0.1, 0.8, 0.8, 0.5, 0.3])
    cases.append({"name": "binary_ties", "truth": y.tolist(), "predicted": p.tolist(), "scores": s.tolist(),
                  "accuracy": accuracy_score(y, p), "macro_f1": f1_score(y, p, labels=[0, 1], average="macro"),
                  "f1_positive": f1_score(y, p, labels=[1], average="macro"), "roc_auc": roc_auc_score(y, s)})
    # three classes, one never predicted, a true label outside the scored labels (3)
    y = np.array([0, 1, 2, 2, 1, 0, 0, 2, 3, 1])
    p = np.array([0, 1, 1, 1, 1, 0, 1, 0, 0, 1])
    cases.append({"name": "never_predicted", "truth": y.tolist(), "predicted": p.tolist(),
                  "accuracy": accuracy_score(y, p),
                  "macro_f1": f1_score(y, p, labels=[0, 1, 2], average="macro", zero_division=0)})
    # one-vs-rest AUC
    y = np.array([0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0])
    prob = np.random.default_rng(3).dirichlet([1, 1, 1], size=len(y))
    prob[3] = prob[4]  # a tie
    cases.append({"name": "one_vs_rest", "truth": y.tolist(), "probabilities": prob.tolist(),
                  "roc_auc": roc_auc_score(y, prob, labels=[0, 1, 2], multi_class="ovr", average="macro")})
    return cases


# --------------------------------------------------------------------------- Adult

def adult():
    data = SHARED / "data" / "adult"
    if not (data / "adult_train_5k.csv").exists():
        print("no ../shared/data/adult: adult.json not written")
        return
    def run(train, synthetic):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            subprocess.run([sys.executable, str(EVALUATE), "--train", str(data / train),
                            "--holdout", str(data / "adult_holdout.csv"), "--synthetic", str(data / synthetic),
                            "--target", "income", "--skip", "quality,privacy", "--out", str(out)],
                           check=True, capture_output=True)
            return json.loads(out.read_text())["utility"]

    runs = {name: run("adult_train_5k.csv", f"sdv/{name}.csv") for name in ["ctgan", "gaussian_copula", "tvae"]}
    # The full train table (26,049 rows): above 10,000 rows scikit-learn stops early.
    full = run("adult_train.csv", "sdv/ctgan.csv")
    first = next(iter(runs.values()))
    result = {
        "command": "evaluate.py --train ../shared/data/adult/adult_train_5k.csv --holdout "
                   "../shared/data/adult/adult_holdout.csv --synthetic ../shared/data/adult/sdv/NAME.csv "
                   "--target income --skip quality,privacy",
        "scikit-learn": sklearn.__version__,
        "train": "../shared/data/adult/adult_train_5k.csv", "holdout": "../shared/data/adult/adult_holdout.csv",
        "target": "income", "labels": first["labels"], "positive": first["positive_label"],
        "trtr": {m: scores_json(r) for m, r in first["trtr"].items()},
        "tstr": {name: {"synthetic": f"../shared/data/adult/sdv/{name}.csv",
                        "scores": {m: scores_json(r) for m, r in u["tstr"].items()}} for name, u in runs.items()},
        "full_train": {"train": "../shared/data/adult/adult_train.csv", "synthetic": "../shared/data/adult/sdv/ctgan.csv",
                       "trtr": {m: scores_json(r) for m, r in full["trtr"].items()},
                       "tstr": {m: scores_json(r) for m, r in full["tstr"].items()}},
    }
    (OUT / "adult.json").write_text(json.dumps(result, indent=1) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tables = make_tables()
    expected = {
        "scikit-learn": sklearn.__version__,
        "utility": utility_cases(tables),
        "trees": tree_matrix_cases(),
        "early_stopping": early_stopping_cases(),
        "legacy_random_state": rng_case(),
        "linear": linear_cases(),
        "metrics": metric_cases(),
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    adult()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
