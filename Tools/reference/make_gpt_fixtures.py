#!/usr/bin/env python3
"""Writes the PyTorch fixtures that check Synth's GPT against Hugging Face's GPT2LMHeadModel.

Run once by hand (never by CI); the Swift tests read the committed files without Python:

    python3 -m venv .venv-bench && .venv-bench/bin/pip install torch transformers safetensors
    .venv-bench/bin/python Tools/reference/make_gpt_fixtures.py

Outputs in Tests/GPTTests/Fixtures/:
- hf-tiny/: a small GPT-2 (2 layers, 2 heads, 32 wide, 16 positions, vocabulary 53) with
  seeded random weights, as `save_pretrained` writes it (config.json, model.safetensors);
- expected.safetensors: a batch (tokens and targets as float32; -1 = ignored), the logits,
  the mean cross-entropy of logits against targets (aligned, not shifted), and the gradient
  of that loss for every parameter, named `grad.<parameter name>`.
"""
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "GPTTests", "Fixtures")


def main():
    torch.manual_seed(0)
    config = GPT2Config(n_layer=2, n_head=2, n_embd=32, n_positions=16, vocab_size=53,
                        activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        layer_norm_epsilon=1e-5, tie_word_embeddings=True)
    model = GPT2LMHeadModel(config).float()
    with torch.no_grad():
        # Larger than GPT-2's initialisation, so no path is negligible in the comparison.
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    model.eval()
    os.makedirs(FIXTURES, exist_ok=True)
    model.save_pretrained(os.path.join(FIXTURES, "hf-tiny"), safe_serialization=True)

    batch, time = 3, 11
    tokens = torch.randint(0, config.vocab_size, (batch, time))
    targets = torch.randint(0, config.vocab_size, (batch, time))
    targets[0, 2] = -1
    targets[2, 5] = -1
    logits = model(tokens).logits
    loss = F.cross_entropy(logits.reshape(-1, config.vocab_size), targets.reshape(-1), ignore_index=-1)
    loss.backward()
    tensors = {
        "tokens": tokens.float(), "targets": targets.float(),
        "logits": logits.detach().contiguous(), "loss": loss.detach().reshape(1),
    }
    for name, parameter in model.named_parameters():
        tensors["grad." + name] = parameter.grad.detach().contiguous()
    save_file(tensors, os.path.join(FIXTURES, "expected.safetensors"))
    print(f"loss {loss.item():.6f}; wrote {len(tensors)} tensors to {FIXTURES}")


if __name__ == "__main__":
    main()
