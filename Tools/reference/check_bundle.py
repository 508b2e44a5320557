#!/usr/bin/env python3
"""Checks that a bundle written by `synth train` is a Hugging Face GPT-2 checkpoint, and
that PyTorch computes the same loss on a file as `synth loss` does.

    .venv-bench/bin/python Tools/reference/check_bundle.py --model RUN_DIR --input FILE

Loads RUN_DIR with `transformers.GPT2LMHeadModel.from_pretrained` (no missing or unexpected
weights allowed), tokenizes FILE with Synth's own tokenizer (via `synth tokenizer encode`),
cuts the ids into blocks exactly as `synth loss` does, and prints both mean losses and
their relative difference.
"""
import argparse
import os
import subprocess

import torch
import torch.nn.functional as F
from transformers import GPT2LMHeadModel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNTH = os.path.join(ROOT, ".build", "release", "synth")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    args = parser.parse_args()
    model, info = GPT2LMHeadModel.from_pretrained(args.model, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k != "missing_keys" or (k == "missing_keys" and
                [m for m in v if m != "lm_head.weight"])}
    assert not problems, f"loading problems: {problems}"
    model.eval()
    with open(args.input, "rb") as handle:
        encoded = subprocess.run([SYNTH, "tokenizer", "encode", "--tokenizer", os.path.join(args.model, "tokenizer.json")],
                                 input=handle.read(), capture_output=True, check=True).stdout
    ids = [int(x) for x in encoded.split()]
    block = model.config.n_positions
    total, counted, start = 0.0, 0, 0
    with torch.no_grad():
        while start + 1 < len(ids):
            length = min(block, len(ids) - 1 - start)
            x = torch.tensor([ids[start:start + length]])
            y = torch.tensor(ids[start + 1:start + length + 1])
            total += F.cross_entropy(model(x).logits[0], y, reduction="sum").item()
            counted += length
            start += length
    pytorch = total / counted
    synth = float(subprocess.run([SYNTH, "loss", "--model", args.model, "--input", args.input],
                                 capture_output=True, check=True, text=True).stdout)
    print(f"PyTorch {pytorch:.6f}  synth {synth:.6f}  relative difference {abs(pytorch - synth) / pytorch:.2e}")


if __name__ == "__main__":
    main()
