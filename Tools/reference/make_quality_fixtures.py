#!/usr/bin/env python3
"""Expected SDMetrics QualityReport scores for the Evaluation tests (run once, by hand).

    python3 -m venv .venv-eval
    .venv-eval/bin/pip install -r ../shared/eval/tabular/requirements.txt
    .venv-eval/bin/python Tools/reference/make_quality_fixtures.py

Writes, under Tests/EvaluationTests/Fixtures/quality/:
- small CSV tables (seeded, a few hundred rows) covering missing values, categories
  only the synthetic table has, constant columns, dates, quoted fields, strong and weak
  associations;
- expected.json: for each case the overall, column-shapes and pair-trends scores and
  every per-column and per-pair score, with QualityReport's default thresholds and with
  both thresholds at 0; plus the Adult case (SDV's samples against adult_train_5k.csv,
  read from ../shared, which the tests skip when it is absent).

Tables are read and typed exactly as ../shared/eval/tabular/evaluate.py does (pandas
strings, numbers coerced, metadata from the train table's dtypes), except that a case
may declare a datetime column with its format. CI never runs this script.
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
OUT = ROOT / "Tests" / "EvaluationTests" / "Fixtures" / "quality"
sys.path.insert(0, str(SHARED / "eval" / "tabular"))
import evaluate  # noqa: E402  (the judge's own loading code)
from sdmetrics.reports.single_table import QualityReport  # noqa: E402


def num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    # 12 significant digits: far below the tests' 1e-6, and a third smaller on disk.
    return None if math.isnan(f) else float(f"{f:.12g}")


def run_report(real, syn, metadata, thresholds):
    report = QualityReport()
    if thresholds is not None:
        report.real_correlation_threshold, report.real_association_threshold = thresholds
    report.generate(real.copy(), syn.copy(), metadata, verbose=False)
    props = dict(zip(report.get_properties()["Property"], report.get_properties()["Score"]))
    shapes = report.get_details("Column Shapes")
    pairs = report.get_details("Column Pair Trends")
    return {
        "overall": num(report.get_score()),
        "column_shapes": num(props["Column Shapes"]),
        "column_pair_trends": num(props["Column Pair Trends"]),
        "shapes": [{"column": r["Column"], "metric": r["Metric"], "score": num(r["Score"])}
                   for _, r in shapes.iterrows()],
        "pairs": [{
            "column1": r["Column 1"], "column2": r["Column 2"], "metric": r["Metric"],
            "score": num(r["Score"]),
            "real_correlation": num(r["Real Correlation"]),
            "synthetic_correlation": num(r["Synthetic Correlation"]),
            "real_association": num(r["Real Association"]),
            "meets_threshold": bool(r["Meets Threshold?"]) if not pd.isna(r["Meets Threshold?"]) else False,
        } for _, r in pairs.iterrows()],
    }


def score_case(name, real_path, syn_path, datetimes=None, store_paths=None):
    datetimes = datetimes or {}
    schema = evaluate.infer_schema(real_path, set(datetimes))
    raw_real = evaluate.read_table(real_path)
    raw_syn = evaluate.read_table(syn_path)[list(schema)]
    real = evaluate.to_typed(raw_real, schema)
    syn = evaluate.to_typed(raw_syn, schema)
    metadata = evaluate.sdmetrics_metadata(schema)
    for col, fmt in datetimes.items():
        metadata["tables"]["table"]["columns"][col] = {"sdtype": "datetime", "datetime_format": fmt}
    table_meta = metadata["tables"]["table"]
    columns = {c: dict(m) for c, m in table_meta["columns"].items()}
    return {
        "name": name,
        "real": store_paths[0] if store_paths else real_path.name,
        "synthetic": store_paths[1] if store_paths else syn_path.name,
        "metadata": [{"name": c, **m} for c, m in columns.items()],
        "default": run_report(real, syn, table_meta, None),
        "all_pairs": run_report(real, syn, table_meta, (0.0, 0.0)),
    }


def write(df, path):
    df.to_csv(path, index=False, na_rep="")


def make_small_tables(rng):
    cases = {}

    # mixed: numbers with gaps, a float correlated with an integer, categories with a
    # missing marker and a synthetic-only value, a constant column.
    def mixed(n, shift, extra_city):
        age = rng.integers(18, 80, n).astype(float)
        income = age * (900 + shift) + rng.normal(0, 9000, n)
        score = rng.normal(0.3 + shift / 1000, 1.0, n)
        cities = ["Paris", "Lyon", "Nice", "Lille"] + (["Brest"] if extra_city else [])
        city = rng.choice(cities, n, p=None)
        flag = np.where(income > np.median(income), "yes", "no")
        flip = rng.random(n) < 0.2
        flag = np.where(flip, np.where(flag == "yes", "no", "yes"), flag)
        df = pd.DataFrame({"age": age, "income": np.round(income, 2), "score": np.round(score, 4),
                           "city": city, "flag": flag, "one": np.ones(n)})
        df["age"] = df["age"].astype("Int64").astype(object)
        df.loc[rng.random(n) < 0.05, "age"] = None
        df.loc[rng.random(n) < 0.04, "income"] = None
        df["city"] = df["city"].astype(object)
        df.loc[rng.random(n) < 0.05, "city"] = "NA"
        return df

    cases["mixed"] = (mixed(300, 0, False), mixed(240, 150, True), {})

    # strong: strong associations, so that the default thresholds keep some pairs.
    def strong(n, noise):
        x = rng.normal(0, 1, n)
        y = 2 * x + rng.normal(0, noise, n)
        z = -x + rng.normal(0, 2 * noise, n)
        grade = np.where(x > 0.5, "A", np.where(x > -0.5, "B", "C"))
        mix = rng.random(n) < noise / 3
        grade = np.where(mix, rng.choice(["A", "B", "C"], n), grade)
        colour = np.where(grade == "A", "red", np.where(grade == "B", rng.choice(["green", "blue"], n), "blue"))
        return pd.DataFrame({"x": np.round(x, 6), "y": np.round(y, 6), "z": np.round(z, 6),
                             "grade": grade, "colour": colour})

    cases["strong"] = (strong(400, 0.4), strong(350, 0.9), {})

    # dates: a datetime column with its format, integers and a category.
    def dates(n, days):
        base = np.datetime64("2020-01-01")
        d = base + rng.integers(0, days, n).astype("timedelta64[D]")
        when = pd.Series(pd.to_datetime(d).strftime("%Y-%m-%d"), dtype=object)
        when[rng.random(n) < 0.05] = None
        amount = rng.integers(1, 500, n)
        kind = rng.choice(["card", "cash", "transfer"], n, p=[0.6, 0.3, 0.1])
        return pd.DataFrame({"when": when, "amount": amount, "kind": kind})

    cases["dates"] = (dates(200, 900), dates(180, 700), {"when": "%Y-%m-%d"})

    # text: quoted fields (commas, quotes, a line break) through the CSV reader.
    def text(n, p):
        names = np.array(['Smith, John', 'O"Brien', "line\nbreak", "plain", "  spaced  "])
        label = rng.choice(names, n, p=p)
        size = rng.choice([1.5, 2.25, 3.0, 10.0], n)
        return pd.DataFrame({"label": label, "size": size})

    cases["text"] = (text(120, [0.3, 0.2, 0.1, 0.3, 0.1]), text(100, [0.2, 0.2, 0.2, 0.2, 0.2]), {})
    return cases


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240607)
    results = []
    for name, (real, syn, datetimes) in make_small_tables(rng).items():
        real_path, syn_path = OUT / f"{name}_real.csv", OUT / f"{name}_synthetic.csv"
        write(real, real_path)
        write(syn, syn_path)
        results.append(score_case(name, real_path, syn_path, datetimes))
    adult = SHARED / "data" / "adult"
    for generator in ["gaussian_copula", "ctgan", "tvae"]:
        real_path, syn_path = adult / "adult_train_5k.csv", adult / "sdv" / f"{generator}.csv"
        if real_path.exists():
            results.append(score_case(
                f"adult_{generator}", real_path, syn_path,
                store_paths=("../shared/data/adult/adult_train_5k.csv", f"../shared/data/adult/sdv/{generator}.csv")))
    import sdmetrics
    expected = {"sdmetrics": sdmetrics.__version__, "pandas": pd.__version__, "numpy": np.__version__,
                "cases": results}
    # One case per line: small, and still readable in a diff.
    head = json.dumps({k: v for k, v in expected.items() if k != "cases"})[:-1]
    body = ",\n".join(json.dumps(case, separators=(",", ":")) for case in results)
    (OUT / "expected.json").write_text(f'{head}, "cases": [\n{body}\n]}}\n')
    for r in results:
        d, a = r["default"], r["all_pairs"]
        print(f"{r['name']:24s} overall {d['overall']:.6f} shapes {d['column_shapes']:.6f} "
              f"trends {d['column_pair_trends']} | all pairs {a['overall']:.6f} {a['column_pair_trends']:.6f}")


if __name__ == "__main__":
    main()
