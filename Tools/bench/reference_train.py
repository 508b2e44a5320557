#!/usr/bin/env python3
"""The shakespeare-char reference run in PyTorch, on the shards `synth prepare` wrote, for
the issue's comparison (validation loss and wall time against `synth train`).

    ./.build/release/synth prepare --input ../shared/corpora/tinyshakespeare/input.txt --bytes --out /tmp/shk
    .venv-bench/bin/python Tools/bench/reference_train.py --data /tmp/shk [--steps 2000] [--threads 2]

Same model as Tools/bench/compare_train.py (GPT-2 blocks, tied head, no dropout), preset
char (4 layers, 4 heads, 128 wide, block 64), batch 12, AdamW betas 0.9/0.99, weight decay
0.1 on matrices, lr 1e-3 with 100 warmup steps and cosine decay to 1e-4, clipping at 1.0;
validation every 100 steps on 20 random batches.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(path):
    raw = np.fromfile(path, dtype=np.uint8)
    width = int(raw[12:16].view(np.uint32)[0])
    return torch.from_numpy(raw[24:].view(np.uint16 if width == 2 else np.uint32).astype(np.int64))


class Block(nn.Module):
    def __init__(self, channels, heads):
        super().__init__()
        self.heads = heads
        self.ln_1, self.ln_2 = nn.LayerNorm(channels), nn.LayerNorm(channels)
        self.c_attn, self.c_proj = nn.Linear(channels, 3 * channels), nn.Linear(channels, channels)
        self.c_fc, self.mlp_proj = nn.Linear(channels, 4 * channels), nn.Linear(4 * channels, channels)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, block, layers, heads, channels):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, channels), nn.Embedding(block, channels)
        self.blocks = nn.ModuleList(Block(channels, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(channels)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * layers) if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight") else 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    train, val = load(args.data + "/train.bin"), load(args.data + "/val.bin")
    vocab, block, batch = 257, 64, 12
    model = GPT(vocab, block, 4, 4, 128)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.99))

    def batch_of(data):
        starts = torch.randint(len(data) - block - 1, (batch,))
        return torch.stack([data[s:s + block] for s in starts]), torch.stack([data[s + 1:s + block + 1] for s in starts])

    def rate(step):
        if step < 100:
            return 1e-3 * (step + 1) / 100
        progress = (step - 100) / (args.steps - 100)
        return 1e-4 + 0.5 * (1e-3 - 1e-4) * (1 + math.cos(math.pi * progress))

    start = time.perf_counter()
    for step in range(args.steps):
        for group in optimizer.param_groups:
            group["lr"] = rate(step)
        x, y = batch_of(train)
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if (step + 1) % 100 == 0:
            with torch.no_grad():
                v = sum(model(*batch_of(val)).item() for _ in range(20)) / 20
            print(f"step {step + 1} loss {loss.item():.4f} val {v:.4f} elapsed {time.perf_counter() - start:.1f}s", flush=True)
    print(f"wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
