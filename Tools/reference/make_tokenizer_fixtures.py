#!/usr/bin/env python3
"""Writes the fixtures that check Synth's tokenizer against tiktoken and Hugging Face.

Run once by hand (never by CI); the Swift tests read the committed results without Python:

    python3 -m venv .venv-bench && .venv-bench/bin/pip install tiktoken tokenizers
    swift build -c release
    .venv-bench/bin/python Tools/reference/make_tokenizer_fixtures.py

It trains a small tokenizer with `synth tokenizer train` on a corpus this script writes
(sentences built from a word list of our own), exports it with `synth tokenizer convert`
to Hugging Face's tokenizer.json and tiktoken's rank file, loads both exports in the real
libraries, encodes a set of test strings and records the ids each library gives.
Outputs in Tests/BPETests/Fixtures/: tokenizer.json, hf-tokenizer.json, tokenizer.tiktoken,
peer-ids.json.
"""
import base64
import json
import os
import random
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "Tests", "BPETests", "Fixtures")
SYNTH = os.path.join(ROOT, ".build", "release", "synth")
PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

WORDS = ("the a an of to in on for with by from order invoice customer ticket status shipped pending "
         "refund payment account user system error warning info request response server client table row "
         "column value total amount price date time year month day it's don't we're they've I'm you'll she'd "
         "café naïve über résumé 東京 データ 😀 ✓ → x86_64 v2.1 id=42 #7 $19.99 50% 2026-11-23 12:30:45").split()

TEXTS = [
    "", " ", "  ", "\n", "\n\n\n", "\t", "hello", "Hello, world!", "It's the customer's refund; they've shipped it.",
    "total amount: $1234567.89 (12% off)", "2026-11-23T12:30:45Z INFO server: request id=42 ok",
    "   leading spaces", "trailing spaces   ", "tabs\tand\tnewlines\r\n\r\nCRLF", "café naïve über résumé",
    "東京のデータ 😀😀 ✓ → done", "x86_64 v2.1.0-beta #7", "'s 'S 'tis 'll 'RE", "a  b   c    d",
    "!!! ??? ... ;;; ---", "<|eos|> is not special here", "mixed123abc456def7890", "\u00a0nbsp and \u3000 ideographic",
]


def main():
    random.seed(0)
    lines = [" ".join(random.choice(WORDS) for _ in range(random.randint(3, 14))) for _ in range(4000)]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        os.makedirs(FIXTURES, exist_ok=True)
        synth_json = os.path.join(FIXTURES, "tokenizer.json")
        hf_json = os.path.join(FIXTURES, "hf-tokenizer.json")
        tiktoken_file = os.path.join(FIXTURES, "tokenizer.tiktoken")
        subprocess.run([SYNTH, "tokenizer", "train", "--input", corpus, "--vocab-size", "600",
                        "--out", synth_json], check=True)
        subprocess.run([SYNTH, "tokenizer", "convert", "--input", synth_json, "--to", "hf", "--out", hf_json], check=True)
        subprocess.run([SYNTH, "tokenizer", "convert", "--input", synth_json, "--to", "tiktoken", "--out", tiktoken_file],
                       check=True)

    import tiktoken
    from tokenizers import Tokenizer
    ranks = {}
    with open(tiktoken_file) as handle:
        for line in handle:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    encoding = tiktoken.Encoding(name="fixture", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={})
    hf = Tokenizer.from_file(hf_json)
    result = {
        "texts": TEXTS,
        "tiktoken": [encoding.encode_ordinary(text) for text in TEXTS],
        "hf": [hf.encode(text, add_special_tokens=False).ids for text in TEXTS],
        "hf_decoded": [hf.decode(hf.encode(text, add_special_tokens=False).ids) for text in TEXTS],
    }
    with open(os.path.join(FIXTURES, "peer-ids.json"), "w") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
    agree = sum(a == b for a, b in zip(result["tiktoken"], result["hf"]))
    print(f"wrote fixtures to {FIXTURES}: tiktoken and HF agree on {agree}/{len(TEXTS)} texts")


if __name__ == "__main__":
    main()
