#!/usr/bin/env python3
"""Expected privacy and validity figures for the Evaluation tests (run once, by hand).

    .venv-eval/bin/python Tools/reference/make_privacy_fixtures.py

Writes, under Tests/EvaluationTests/Fixtures/privacy/:
- small CSV tables (seeded, a few hundred rows): train, holdout and synthetic tables
  with missing values, copied rows, values beyond the train range, a constant column,
  categories only the synthetic table has, unparseable and non-integer numbers, and a
  table of small discrete domains full of ties;
- expected.json, for each case:
  * `privacy` and `validity`: the output of ../shared/eval/tabular/evaluate.py's own
    `privacy()` and `validity()` functions (the judge's code, imported, not copied);
  * `dcr_train`, `dcr_holdout`, `holdout_dcr_train`: its per-row distances (`_dcr`);
  * `holdout_cut`: the holdout rows NumPy's seeded generator keeps when the holdout is
    the larger table (so the tests can use the very same cut); `null` when the sizes
    are equal and nothing is drawn;
  * `ours`: the two figures evaluate.py does not have, computed here by brute force in
    double precision from their definitions: the median nearest-neighbour distance
    ratio (closest over second-closest train row; 0 when both are 0) and the share
    below 0.5, and the ROC-AUC (scikit-learn) of the membership-inference attack that
    scores members (train cut) and non-members (holdout cut) by minus their distance
    to the closest synthetic row;
  plus the Adult case (SDV's CTGAN samples against adult_train_5k.csv and
  adult_holdout.csv, read from ../shared, which the tests skip when it is absent), with
  evaluate.py's figures and NumPy's holdout cut, stored as the rows it leaves out.

Tables are read and typed exactly as evaluate.py does (its read_table, infer_schema,
to_typed). CI never runs this script.
"""
from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "Tests" / "EvaluationTests" / "Fixtures" / "privacy"
sys.path.insert(0, str(SHARED / "eval" / "tabular"))
import evaluate  # noqa: E402  (the judge's own code)

SEED = 0  # evaluate.py's default --seed
# Distances within this are equal (double rounding of distances equal in exact arithmetic;
# evaluate.py's float32 sums see them equal too). The Swift code uses the same.
TOLERANCE = 1e-12


def num(v):
    # 12 significant digits: far below the tests' 1e-6.
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(f"{float(v):.12g}")


def load(train_path, holdout_path, syn_path):
    schema = evaluate.infer_schema(train_path, set())
    columns = list(schema)
    raw = {name: evaluate.read_table(path)[columns]
           for name, path in [("train", train_path), ("holdout", holdout_path), ("synthetic", syn_path)]}
    typed = {name: evaluate.to_typed(frame, schema) for name, frame in raw.items()}
    return schema, raw, typed


def numpy_cuts(n_train, n_holdout):
    """The equal-size cut evaluate.privacy() draws (same generator, same calls, same order)."""
    rng = np.random.default_rng(SEED)
    n_eq = min(n_train, n_holdout)
    train_eq = np.sort(rng.choice(n_train, n_eq, replace=False)) if n_train > n_eq else np.arange(n_train)
    hold_eq = np.sort(rng.choice(n_holdout, n_eq, replace=False)) if n_holdout > n_eq else np.arange(n_holdout)
    return train_eq, hold_eq


def distance_matrix(q, r, enc, n_cols):
    """SDMetrics' mixed-type distance in float64, every pair (small tables only)."""
    (qn, qc), (rn, rc) = q, r
    total = np.zeros((len(qn), len(rn)))
    for j, col in enumerate(enc.num_cols):
        a, b = qn[:, j][:, None], rn[None, :, j]
        rng = enc.ranges[col]
        with np.errstate(invalid="ignore"):
            d = np.minimum(np.abs(a - b) / rng, 1.0) if rng > 0 else (np.abs(a - b) > 0).astype(float)
        an, bn = np.isnan(a), np.isnan(b)
        total += np.where(an & bn, 0.0, np.where(an | bn, 1.0, d))
    for j in range(qc.shape[1]):
        total += qc[:, j][:, None] != rc[None, :, j]
    return total / n_cols


def our_figures(schema, typed, train_eq, hold_eq):
    enc = evaluate._Encoded(schema, typed["train"])
    t, h, s = (enc.encode(typed[k]) for k in ("train", "holdout", "synthetic"))
    n_cols = len(schema)
    st = distance_matrix(s, t, enc, n_cols)
    two = np.sort(st, axis=1)[:, :2] if st.shape[1] > 1 else np.column_stack([st[:, 0], np.full(len(st), np.inf)])
    ratio = np.where(two[:, 1] > 0, two[:, 0] / np.where(two[:, 1] > 0, two[:, 1], 1), 0.0)
    members = st[:, train_eq].min(axis=0)
    non_members = distance_matrix(s, h, enc, n_cols)[:, hold_eq].min(axis=0)
    gap = non_members[None, :] - members[:, None]  # > 0: the member is closer (scores higher)
    auc = (np.sum(gap > TOLERANCE) + 0.5 * np.sum(np.abs(gap) <= TOLERANCE)) / gap.size
    return {"median_nndr": num(np.median(ratio)), "nndr_below_half_share": num(np.mean(ratio < 0.5 - TOLERANCE)),
            "membership_inference_auc": num(auc)}


def per_row(schema, typed):
    enc = evaluate._Encoded(schema, typed["train"])
    t, h, s = (enc.encode(typed[k]) for k in ("train", "holdout", "synthetic"))
    n_cols = len(schema)
    (d_train, _), (d_hold, _) = evaluate._dcr(s, [(*t, []), (*h, [])], enc, n_cols)
    ((h_train, _),) = evaluate._dcr(h, [(*t, [])], enc, n_cols)
    return {"dcr_train": [num(v) for v in d_train], "dcr_holdout": [num(v) for v in d_hold],
            "holdout_dcr_train": [num(v) for v in h_train]}


def score_case(name, paths, stored=None, rows=True):
    schema, raw, typed = load(*paths)
    train_eq, hold_eq = numpy_cuts(len(typed["train"]), len(typed["holdout"]))
    assert len(train_eq) == len(typed["train"]), "the fixtures cut the holdout, never the train table"
    privacy = evaluate.privacy(typed["train"], typed["holdout"], typed["synthetic"], schema, SEED)
    privacy.pop("seconds")
    validity = evaluate.validity(raw["synthetic"], typed["synthetic"], typed["train"], schema)
    case = {
        "name": name,
        "train": stored[0] if stored else paths[0].name,
        "holdout": stored[1] if stored else paths[1].name,
        "synthetic": stored[2] if stored else paths[2].name,
        "privacy": {k: (num(v) if isinstance(v, float) else v) for k, v in privacy.items()
                    if not isinstance(v, dict)},
        "reference_holdout_vs_train": {k: num(v) for k, v in privacy["reference_holdout_vs_train"].items()},
        "validity": {"valid_row_share": num(validity["valid_row_share"]),
                     "per_column_valid_share": {k: num(v) for k, v in validity["per_column_valid_share"].items()}},
    }
    cut = None if len(hold_eq) == len(typed["holdout"]) else hold_eq.tolist()
    if stored:
        # Large: store the few rows the cut leaves out.
        case["holdout_left_out"] = None if cut is None else sorted(set(range(len(typed["holdout"]))) - set(cut))
    else:
        case["holdout_cut"] = cut
        case["ours"] = our_figures(schema, typed, train_eq, hold_eq)
    if rows:
        case.update(per_row(schema, typed))
    return case


def write(df, path):
    df.to_csv(path, index=False, na_rep="")


def make_small_tables(rng):
    cases = {}

    def people(n, shift, with_extra):
        age = rng.integers(18, 80, n).astype(float)
        income = np.round(age * (900 + shift) + rng.normal(0, 9000, n), 2)
        score = np.round(rng.normal(0.3, 1.0, n), 3)
        city = rng.choice(["Paris", "Lyon", "Nice", "Lille"] + (["Brest"] if with_extra else []), n)
        flag = rng.choice(["yes", "no"], n, p=[0.3, 0.7])
        df = pd.DataFrame({"age": age, "income": income, "score": score, "city": city, "flag": flag,
                           "one": np.ones(n, dtype=int)})
        df["age"] = df["age"].astype("Int64").astype(object)
        df.loc[rng.random(n) < 0.05, "age"] = None
        df.loc[rng.random(n) < 0.05, "income"] = None
        df["city"] = df["city"].astype(object)
        df.loc[rng.random(n) < 0.05, "city"] = "NA"
        return df

    train, holdout = people(240, 0, False), people(240, 40, False)
    holdout.iloc[:6] = train.iloc[10:16].to_numpy()  # real unseen rows equal to train rows
    syn = people(180, 120, True)
    syn.iloc[:15] = train.iloc[:15].to_numpy()  # exact copies (one is also in the holdout)
    syn.iloc[15:20] = holdout.iloc[100:105].to_numpy()
    syn = syn.astype(object)
    syn.loc[20:24, "age"] = ["130", "5", "40.5", "abc", "77"]  # beyond the range, non-integer, unparseable
    syn.loc[25:27, "score"] = [9.0, -7.5, None]  # beyond the range (terms capped at 1), missing
    syn.loc[28:30, "one"] = ["2", "", "1"]  # a new value and a missing one in a constant column
    syn.loc[31:32, "flag"] = [None, "maybe"]  # missing where the train column has none, unseen
    cases["mixed"] = (train, holdout, syn)

    def discrete(n):
        return pd.DataFrame({"a": rng.integers(0, 4, n), "b": rng.choice(["x", "y", "z"], n),
                             "c": rng.choice(["p", "q"], n), "d": np.round(rng.integers(0, 11, n) / 10, 1)})

    cases["ties"] = (discrete(150), discrete(150), discrete(120))

    uneven_train, uneven_holdout = people(130, 0, False), people(170, 10, False)
    uneven_syn = people(90, 60, False)
    uneven_syn.iloc[:5] = uneven_train.iloc[:5].to_numpy()
    cases["unequal"] = (uneven_train, uneven_holdout, uneven_syn)
    return cases


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261123)
    results = []
    for name, frames in make_small_tables(rng).items():
        paths = [OUT / f"{name}_{part}.csv" for part in ("train", "holdout", "synthetic")]
        for frame, path in zip(frames, paths):
            write(frame, path)
        results.append(score_case(name, paths))
    adult = SHARED / "data" / "adult"
    paths = [adult / "adult_train_5k.csv", adult / "adult_holdout.csv", adult / "sdv" / "ctgan.csv"]
    if paths[0].exists():
        stored = ["../shared/data/adult/adult_train_5k.csv", "../shared/data/adult/adult_holdout.csv",
                  "../shared/data/adult/sdv/ctgan.csv"]
        results.append(score_case("adult_ctgan", paths, stored=stored, rows=False))
    import sdmetrics
    expected = {"numpy": np.__version__, "pandas": pd.__version__, "sdmetrics": sdmetrics.__version__,
                "seed": SEED, "cases": results}
    head = json.dumps({k: v for k, v in expected.items() if k != "cases"})[:-1]
    body = ",\n".join(json.dumps(case, separators=(",", ":")) for case in results)
    (OUT / "expected.json").write_text(f'{head}, "cases": [\n{body}\n]}}\n')
    for r in results:
        p = r["privacy"]
        print(f"{r['name']:12s} closer {p['share_closer_to_train']:.4f} (strict {p['share_closer_to_train_strict']:.4f}, "
              f"ties {p['share_ties']:.4f}) median DCR {p['median_dcr_train']:.6f} / {p['median_dcr_holdout']:.6f} "
              f"copies {p['exact_copies']} valid {r['validity']['valid_row_share']:.4f} ours {r.get('ours')}")


if __name__ == "__main__":
    main()
