#!/usr/bin/env python3
"""Side-by-side tokenizer benchmark: Synth against Hugging Face `tokenizers` and `tiktoken`.

In one invocation, on the same corpus (the text corpora of ../shared/corpora, concatenated,
repeated to about 37 MB) and the same split pattern (GPT-4's cl100k):
- training: `synth-bench tokenizer` (which also saves its tokenizer) against HF's
  BpeTrainer with a Split(cl100k) + ByteLevel pre-tokenizer, at 1 and 2 threads; seconds
  and peak resident memory of each process;
- encoding: Synth against tiktoken loaded with *Synth's own ranks* and the same pattern,
  one thread (whole text) and all threads (the text cut where the pattern always starts
  a chunk), MB/s; and whether the token ids are identical.

    python3 -m venv .venv-bench && .venv-bench/bin/pip install tiktoken tokenizers
    swift build -c release --product synth-bench
    .venv-bench/bin/python Tools/bench/compare_tokenizer.py [--vocab 8192 32768] [--megabytes 37]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpora")
PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
SOURCES = ["tinyshakespeare/input.txt", "dialogues-sgd/train.jsonl", "paraphrases-mrpc/train.jsonl"]

HF_TRAIN = r"""
import os, sys, time
from tokenizers import Tokenizer, Regex, models, pre_tokenizers, trainers
path, vocab, pattern = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, show_progress=False,
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
start = time.perf_counter()
tok.train([path], trainer)
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited at exec).
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(seconds, peak / 1024.0)
"""


def build_corpus(megabytes):
    parts = []
    for relative in SOURCES:
        with open(os.path.join(SHARED, relative), "rb") as handle:
            parts.append(handle.read())
    unit = b"".join(parts)
    repeats = max(1, round(megabytes * 1e6 / len(unit)))
    handle = tempfile.NamedTemporaryFile(prefix="synth-corpus-", suffix=".txt", delete=False)
    handle.write(unit)
    handle.close()
    return handle.name, repeats, unit * repeats


def safe_pieces(text, parts):
    """Cut text after a newline followed by a non-space ASCII character (never '<')."""
    pieces, start, target = [], 0, len(text) // parts + 1
    while start < len(text):
        position = start + target
        while position < len(text) - 1:
            if text[position] == "\n" and text[position + 1].isascii() and not text[position + 1].isspace() \
                    and text[position + 1] != "<":
                break
            position += 1
        end = min(len(text), position + 1)
        pieces.append(text[start:end])
        start = end
    return pieces


def tiktoken_encoding(path):
    import tiktoken
    with open(path) as handle:
        spec = json.load(handle)
    token_bytes = [bytes([i]) for i in range(256)]
    for left, right in spec["merges"]:
        token_bytes.append(token_bytes[left] + token_bytes[right])
    ranks = {}
    for rank, data in enumerate(token_bytes):
        ranks.setdefault(data, rank)
    return tiktoken.Encoding(name="synth", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab", type=int, nargs="+", default=[8192, 32768])
    parser.add_argument("--megabytes", type=float, default=37)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "synth-bench"))
    args = parser.parse_args()

    unit_path, repeats, corpus = build_corpus(args.megabytes)
    full = tempfile.NamedTemporaryFile(prefix="synth-corpus-full-", suffix=".txt", delete=False)
    full.write(corpus)
    full.close()
    text = corpus.decode("utf-8")
    megabytes = len(corpus) / 1e6
    threads = os.cpu_count() or 2
    save = tempfile.mkdtemp(prefix="synth-tok-")
    print(f"corpus: {len(corpus):,} bytes ({', '.join(SOURCES)} x{repeats})")
    try:
        output = subprocess.run([args.binary, "tokenizer", "--json", "--threads", "all", "--input", unit_path,
                                 "--repeat", str(repeats), "--vocab", ",".join(map(str, args.vocab)), "--save", save],
                                check=True, capture_output=True, text=True).stdout
        synth = [json.loads(line) for line in output.splitlines() if line.strip()]

        for vocab in args.vocab:
            row = {(r["metric"], r["threads"]): r for r in synth if r["vocab"] == vocab}
            print(f"\nvocabulary {vocab}")
            synth_seconds, synth_rss = row[("train_seconds", 1)]["value"], row[("peak_rss", 1)]["value"]
            for hf_threads in (1, threads):
                env = dict(os.environ, RAYON_NUM_THREADS=str(hf_threads), TOKENIZERS_PARALLELISM="true")
                seconds, rss = map(float, subprocess.run([sys.executable, "-c", HF_TRAIN, full.name, str(vocab), PATTERN],
                                                         env=env, check=True, capture_output=True, text=True).stdout.split())
                print(f"  train    synth {synth_seconds:7.2f} s {synth_rss:7.0f} MiB | HF ({hf_threads} thr) {seconds:7.2f} s "
                      f"{rss:7.0f} MiB | speed-up {seconds / synth_seconds:5.1f}x, memory {synth_rss / rss:4.2f}x HF's")

            encoding = tiktoken_encoding(os.path.join(save, f"synth-{vocab}.json"))
            start = time.perf_counter()
            ids = encoding.encode_ordinary(text)
            tiktoken_single = megabytes / (time.perf_counter() - start)
            pieces = safe_pieces(text, threads * 4)
            start = time.perf_counter()
            batch = encoding.encode_ordinary_batch(pieces, num_threads=threads)
            tiktoken_multi = megabytes / (time.perf_counter() - start)
            batch_count = sum(len(b) for b in batch)
            synth_single = row[("throughput", 1)]["value"]
            synth_multi = row[("throughput", threads)]["value"]
            synth_tokens = row[("throughput", 1)]["tokens"]
            checksum = 0xCBF29CE484222325
            for token in ids:
                checksum = ((checksum ^ token) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
            same_ids = format(checksum, "x") == row[("throughput", 1)]["ids_fnv"] == row[("throughput", threads)]["ids_fnv"]
            print(f"  encode 1 thread   synth {synth_single:7.1f} MB/s | tiktoken {tiktoken_single:6.1f} MB/s | "
                  f"{synth_single / tiktoken_single:5.2f}x")
            print(f"  encode {threads} threads  synth {synth_multi:7.1f} MB/s | tiktoken {tiktoken_multi:6.1f} MB/s | "
                  f"{synth_multi / tiktoken_multi:5.2f}x")
            print(f"  tokens  synth {synth_tokens:,} | tiktoken {len(ids):,} (batch {batch_count:,}) | "
                  f"{'identical counts' if synth_tokens == len(ids) == batch_count else 'COUNTS DIFFER'}, "
                  f"{'identical ids' if same_ids else 'IDS DIFFER'}")
    finally:
        os.unlink(unit_path)
        os.unlink(full.name)


if __name__ == "__main__":
    main()
