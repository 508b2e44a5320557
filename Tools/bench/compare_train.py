#!/usr/bin/env python3
"""Side-by-side training throughput: a nanoGPT-style PyTorch CPU trainer against
`synth-bench train`, same config, batch and thread count, in one run.

    python3 -m venv .venv-bench && .venv-bench/bin/pip install torch
    swift build -c release --product synth-bench
    .venv-bench/bin/python Tools/bench/compare_train.py [--presets char small] [--threads 1 2]

The PyTorch side is written here (a GPT-2 block: LayerNorm, fused qkv Linear, causal
scaled_dot_product_attention, 4x MLP with tanh GELU, tied LM head; AdamW; gradient clipping
at 1.0), eager mode, float32, random tokens, median step time after two warm-up steps —
what `synth-bench train` measures on its side.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PRESETS = {  # layers, heads, channels, block, vocabulary, batch
    "char": (4, 4, 128, 64, 256, 12),
    "small": (6, 6, 384, 256, 8192, 8),
}

TORCH_WORKER = r"""
import math, sys, time, statistics, json
import torch
import torch.nn as nn
import torch.nn.functional as F
layers, heads, channels, block, vocab, batch, threads, steps = map(int, sys.argv[1:9])
torch.set_num_threads(threads)
torch.manual_seed(0)

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(channels)
        self.c_attn = nn.Linear(channels, 3 * channels)
        self.c_proj = nn.Linear(channels, channels)
        self.ln_2 = nn.LayerNorm(channels)
        self.c_fc = nn.Linear(channels, 4 * channels)
        self.mlp_proj = nn.Linear(4 * channels, channels)
    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, heads, C // heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(vocab, channels)
        self.wpe = nn.Embedding(block, channels)
        self.blocks = nn.ModuleList(Block() for _ in range(layers))
        self.ln_f = nn.LayerNorm(channels)
    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, vocab), targets.view(-1))

model = GPT()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
idx = torch.randint(0, vocab, (batch, block))
targets = torch.randint(0, vocab, (batch, block))
times = []
for step in range(steps + 2):
    start = time.perf_counter()
    optimizer.zero_grad(set_to_none=True)
    loss = model(idx, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step >= 2:
        times.append(time.perf_counter() - start)
print(json.dumps({"tokens_per_s": batch * block / statistics.median(times)}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", nargs="+", default=["char", "small"])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "synth-bench"))
    args = parser.parse_args()
    print(f"{'preset':8} {'threads':>7} {'synth tok/s':>12} {'pytorch tok/s':>14} {'ratio':>7}")
    for preset in args.presets:
        layers, heads, channels, block, vocab, batch = PRESETS[preset]
        for threads in args.threads:
            synth = json.loads(subprocess.run(
                [args.binary, "train", "--json", "--preset", preset, "--threads", str(threads), "--steps", str(args.steps)],
                check=True, capture_output=True, text=True).stdout.splitlines()[0])["value"]
            torch = json.loads(subprocess.run(
                [sys.executable, "-c", TORCH_WORKER] + [str(v) for v in (layers, heads, channels, block, vocab, batch,
                                                                          threads, args.steps)],
                check=True, capture_output=True, text=True).stdout)["tokens_per_s"]
            print(f"{preset:8} {threads:7} {synth:12.0f} {torch:14.0f} {synth / torch:7.2f}")


if __name__ == "__main__":
    main()
