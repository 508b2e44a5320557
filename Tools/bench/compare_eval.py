#!/usr/bin/env python3
"""Time `synth eval table` against SDMetrics' QualityReport plus the DCR computation in
Python, on the same 30,000 x 15 tables, in one run (issue 7's speed target).

    .venv-eval/bin/python Tools/bench/compare_eval.py [--synth PATH] [--rows 30000] [--repeats 3]

The tables are made from Adult (../shared/data/adult/adult.csv, 32,561 rows): the real
table is its first ROWS rows; the synthetic table is ROWS rows drawn from the same file
with each column resampled independently from 30% of the rows (so it is neither a copy
nor nonsense); the holdout is the remaining rows. They are written to a temporary
directory, then:

  python  read the three CSVs with pandas as evaluate.py does, SDMetrics QualityReport,
          then evaluate.py's privacy() (DCR to train and holdout, the holdout reference);
  synth   `synth eval table --real --holdout --synthetic` (quality with both pair
          settings, validity, privacy with NNDR and the membership attack), and the same
          with `--target income` (utility too: two classifiers trained twice each).

Each side is timed as the wall time of the whole thing, the median of --repeats runs;
the ratio python / synth is printed. Run it with nothing else compiling.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval" / "tabular"))
import evaluate  # noqa: E402  (the judge's own functions)


def make_tables(rows: int, directory: Path, seed: int = 0) -> tuple[Path, Path, Path]:
    full = pd.read_csv(SHARED / "data" / "adult" / "adult.csv")
    real = full.iloc[:rows]
    holdout = full.iloc[rows:]
    rng = np.random.default_rng(seed)
    pool = full.sample(frac=0.3, random_state=seed)
    synthetic = pd.DataFrame({c: pool[c].to_numpy()[rng.integers(0, len(pool), rows)] for c in full.columns})
    paths = directory / "real.csv", directory / "holdout.csv", directory / "synthetic.csv"
    for frame, path in zip([real, holdout, synthetic], paths):
        frame.to_csv(path, index=False)
    return paths


def python_side(real: Path, holdout: Path, synthetic: Path) -> float:
    from sdmetrics.reports.single_table import QualityReport
    start = time.perf_counter()
    schema = evaluate.infer_schema(real, set())
    frames = [evaluate.to_typed(evaluate.read_table(p)[list(schema)], schema) for p in (real, holdout, synthetic)]
    train, hold, syn = frames
    report = QualityReport()
    report.generate(train, syn, evaluate.sdmetrics_metadata(schema), verbose=False)
    evaluate.privacy(train, hold, syn, schema, seed=0)
    return time.perf_counter() - start


def synth_side(synth: str, real: Path, holdout: Path, synthetic: Path, target: str | None) -> float:
    command = [synth, "eval", "table", "--real", str(real), "--holdout", str(holdout), "--synthetic", str(synthetic)]
    if target:
        command += ["--target", target]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", default=str(ROOT / ".build" / "release" / "synth"))
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real, holdout, synthetic = make_tables(args.rows, Path(tmp))
        print(f"tables: real {args.rows} x 15, holdout {32561 - args.rows} x 15, synthetic {args.rows} x 15")
        python = statistics.median(python_side(real, holdout, synthetic) for _ in range(args.repeats))
        ours = statistics.median(synth_side(args.synth, real, holdout, synthetic, None) for _ in range(args.repeats))
        full = statistics.median(synth_side(args.synth, real, holdout, synthetic, "income") for _ in range(args.repeats))
    print(f"python  SDMetrics QualityReport + evaluate.py DCR     {python:8.2f} s")
    print(f"synth   eval table (quality, validity, privacy)       {ours:8.2f} s   {python / ours:6.1f}x")
    print(f"synth   eval table --target income (+ utility)        {full:8.2f} s   {python / full:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
