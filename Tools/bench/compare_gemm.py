#!/usr/bin/env python3
"""Side-by-side GEMM benchmark: numpy's sgemm (OpenBLAS) against `synth-bench gemm`.

Both run in this one invocation on the same shapes, with 1 and then 2 threads, and the
script prints GFLOP/s for each and the ratio synth / numpy per shape. The machine is
shared and noisy, so only ratios taken side by side mean anything.

    python3 -m venv .venv-bench && .venv-bench/bin/pip install numpy
    swift build -c release --product synth-bench
    .venv-bench/bin/python Tools/bench/compare_gemm.py [--quick] [--threads 1 2] [--json out.jsonl]

The shapes come from `synth-bench gemm --json` itself (m, k, n, transA, transB on each
line), so the two sides can never measure different work. OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are removed from numpy's environment so OpenBLAS picks its own kernel.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

NUMPY_WORKER = r"""
import json, sys, time, statistics
import numpy as np
shapes = json.loads(sys.stdin.read())
rng = np.random.default_rng(1)
for s in shapes:
    m, k, n = s["m"], s["k"], s["n"]
    a = (rng.random((k, m) if s["transA"] else (m, k), dtype=np.float32) - 0.5)
    b = (rng.random((n, k) if s["transB"] else (k, n), dtype=np.float32) - 0.5)
    opa = a.T if s["transA"] else a
    opb = b.T if s["transB"] else b
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(opa, opb, out=c)
    t0 = time.perf_counter(); np.matmul(opa, opb, out=c); once = max(time.perf_counter() - t0, 1e-7)
    repeats = max(1, int(0.05 / once) + 1)
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(repeats):
            np.matmul(opa, opb, out=c)
        samples.append((time.perf_counter() - t0) / repeats)
    seconds = statistics.median(samples)
    print(json.dumps({"case": s["case"], "gflops": 2.0 * m * n * k / seconds / 1e9}), flush=True)
"""


def run_synth(threads, quick, binary):
    command = [binary, "gemm", "--json", "--threads", str(threads)] + (["--quick"] if quick else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def run_numpy(threads, shapes):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    result = subprocess.run([sys.executable, "-c", NUMPY_WORKER], input=json.dumps(shapes), env=env,
                            check=True, capture_output=True, text=True)
    return {row["case"]: row["gflops"] for row in map(json.loads, result.stdout.splitlines())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--quick", action="store_true", help="only the square and decode shapes")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "synth-bench"))
    parser.add_argument("--json", help="also write one JSON object per shape and thread count here")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run `swift build -c release --product synth-bench` first")

    records = []
    for threads in args.threads:
        synth = run_synth(threads, args.quick, args.binary)
        numpy_rates = run_numpy(threads, [{k: row[k] for k in ("case", "m", "k", "n", "transA", "transB")} for row in synth])
        print(f"\n{threads} thread(s)")
        print(f"{'shape':34} {'synth':>9} {'numpy':>9} {'ratio':>7}")
        ratios = []
        for row in synth:
            ours, theirs = row["value"], numpy_rates[row["case"]]
            ratio = ours / theirs
            ratios.append(ratio)
            print(f"{row['case']:34} {ours:9.1f} {theirs:9.1f} {ratio:7.2f}")
            records.append({"suite": "gemm-compare", "case": row["case"], "threads": threads, "metric": "ratio",
                            "value": round(ratio, 4), "unit": "x", "synth_gflops": round(ours, 2),
                            "numpy_gflops": round(theirs, 2)})
        print(f"{'geometric mean ratio':34} {'':9} {'':9} {statistics.geometric_mean(ratios):7.2f}"
              f"   (min {min(ratios):.2f})")
    if args.json:
        with open(args.json, "w") as out:
            for record in records:
                out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
