#!/usr/bin/env python3
"""Set Synth's generated text beside the judge's Markov-chain baseline.

    .venv-eval/bin/python Tools/bench/compare_text.py \
        --report gen.eval.json --selftest selftest.json [--corpus logs-loghub/HDFS]

--report is `../shared/eval/text/evaluate.py --out` for Synth's generated text;
--selftest is `evaluate.py --selftest --out` (its `baseline:markov2` variant is
the order-2 word Markov chain every generator must beat). For each summary
figure it prints the generated value, the real held-out value and the chain's,
and whether the generated text is nearer the held-out value than the chain is
("better"), on the figures where the held-out text itself is nearer its own
value than the chain (every figure but ties). For figures whose held-out value
is a distance from itself (template_tv, length_ks, turns_*: 0) nearer means
smaller. Exit status 0 when the generated text is better everywhere it should be.
"""

import argparse
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVALUATE = os.path.join(HERE, "..", "..", "..", "shared", "eval", "text", "evaluate.py")


def load_judge(path):
    spec = importlib.util.spec_from_file_location("judge_evaluate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--report", required=True, help="evaluate.py --out JSON of the generated text")
    p.add_argument("--selftest", required=True, help="evaluate.py --selftest --out JSON")
    p.add_argument("--corpus", help="selftest corpus name (default: guessed from the report's training path)")
    p.add_argument("--evaluate", default=EVALUATE, help="path of the judge's evaluate.py")
    p.add_argument("--tolerance", type=float, default=0.0005,
                   help="differences from the held-out value below this count as equal")
    args = p.parse_args()

    judge = load_judge(args.evaluate)
    report = json.load(open(args.report))
    selftest = json.load(open(args.selftest))["selftest"]
    corpus = args.corpus
    if corpus is None:
        train = os.path.normpath(report["train"]).split(os.sep)
        corpus = "/".join(train[train.index("corpora") + 1:-1]) if "corpora" in train else None
    chains = [r for r in selftest if r["variant"] == "baseline:markov2" and r["mode"] == report["mode"]
              and (corpus is None or r["corpus"] == corpus)]
    if len(chains) != 1:
        sys.exit(f"no single baseline:markov2 entry for mode {report['mode']} corpus {corpus} in {args.selftest}")
    chain = {k: g for k, g, _ in judge.summary_rows(chains[0])}

    print(f"{report['mode']} {corpus}: {report['generated']}")
    print(f"{'figure':36s} {'generated':>10s} {'held-out':>10s} {'markov2':>10s}  verdict")
    failures = 0
    for key, generated, heldout in judge.summary_rows(report):
        markov = chain.get(key)
        if not all(isinstance(v, (int, float)) for v in (generated, heldout, markov)):
            continue
        chain_gap = abs(markov - heldout)
        ours_gap = abs(generated - heldout)
        if chain_gap <= args.tolerance:
            verdict = "tie (chain already at held-out)"
        elif ours_gap < chain_gap:
            verdict = "better"
        else:
            verdict = "WORSE"
            failures += 1
        print(f"{key:36s} {generated:10.4f} {heldout:10.4f} {markov:10.4f}  {verdict}")
    print(f"{failures} figure(s) where the chain is nearer the held-out text")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
