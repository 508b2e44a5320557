#!/usr/bin/env python3
"""Side-by-side decoding benchmark: Synth against its peers, in one run.

A. Decode speed: `synth-bench generate` against Hugging Face transformers (PyTorch CPU,
   float32, eager mode, SDPA attention) on *the same weights*: synth-bench writes the
   random-weight model it timed as a bundle (`--save-bundle DIR`: model.safetensors with HF
   GPT-2 names + config.json), and a PyTorch worker (a subprocess with
   torch.set_num_threads(N)) loads it with GPT2LMHeadModel.from_pretrained and measures, per
   batch (1 and 32):
   - prefill tokens/s: one forward over a block-long prompt (64 tokens for char, 256 for
     small), cache filled, logits of the last position only (what generate() computes);
   - decode tokens/s: forward a 16-token random prompt (giving the first of K new tokens),
     then K-1 single-token greedy steps with the KV cache (past_key_values), timed:
     batch*(K-1) / seconds, as synth-bench counts (time of K tokens minus time of one).
     K defaults to filling the context (48 for char, 240 for small), synth-bench's default.
   Median of --reps runs after one warm-up. The manual loop is checked once per model against
   model.generate(max_new_tokens=K, min_new_tokens=K, do_sample=False, use_cache=True).
   Without synth-bench generate, --bundle DIR times an existing bundle and --make-bundle
   makes a random GPT-2 of the preset's shape (peer figures only).

B. Constrained-decoding masks: `synth-bench constrain` against xgrammar and llguidance on the
   same vocabulary (Synth's BPE trained on --corpus, exported as a Hugging Face
   tokenizer.json with `synth tokenizer convert --to hf`; cached in --cache-dir), for the
   JSON Schema ../shared/bench/adult_row.schema.json (compact JSON: no whitespace, separators
   "," and ":", Synth's default) and the regex ../shared/bench/access_log.regex:
   - compile: ms to compile the grammar against the vocabulary, a fresh compiler each run
     (xgrammar: GrammarCompiler(cache_enabled=False, max_threads=--compile-threads);
     llguidance: a new LLMatcher, which builds its lexer lazily, so also see first_mask),
     median of --compile-runs;
   - first_mask: us of the first mask of a freshly compiled grammar (peers only);
   - mask_median / mask_p99: us of one next-token bitmask, one thread, along --samples seeded
     random valid outputs (JSON rows / access-log lines) tokenized with the HF tokenizer: at
     each step the mask is timed, the token is checked against it and accepted; the step after
     the last token (which must allow <|eos|>) counts too; one matcher per grammar, reset
     between outputs (so llguidance's lazily built lexer states are warm after the first);
   - accept_median: us of accepting one token (peers only).
   The same token sequences go to both peers; --save-samples FILE writes them (JSON lines:
   case, index, text, tokens per vocabulary) for the Swift side.

    python3 -m venv .venv-bench && .venv-bench/bin/pip install torch transformers safetensors xgrammar llguidance
    swift build -c release --product synth-bench && swift build -c release --product synth
    .venv-bench/bin/python Tools/bench/compare_decode.py [--parts decode constrain]
        [--presets char small] [--threads 1 2] [--batches 1 32] [--new-tokens K]
        [--bundle DIR | --make-bundle] [--tokenizers 8192 32768 | FILE...] [--samples 200]
        [--save-samples FILE] [--json FILE]

Ratios: peer/synth for times, synth/peer for tokens/s (above 1: Synth is faster).
"""
import argparse
import hashlib
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")

PRESETS = {  # layers, heads, channels, positions (block), vocabulary
    "char": (4, 4, 128, 64, 256),
    "small": (6, 6, 384, 256, 8192),
}

TORCH_WORKER = r"""
import json, statistics, sys, time
import torch
from transformers import GPT2LMHeadModel
bundle, threads, prompt_len, new_tokens, reps = sys.argv[1], *map(int, sys.argv[2:6])  # new_tokens 0: fill the context
batches = [int(b) for b in sys.argv[6].split(",")]
torch.set_num_threads(threads)
torch.manual_seed(0)
model = GPT2LMHeadModel.from_pretrained(bundle, dtype=torch.float32).eval()
config = model.config
vocab, positions = config.vocab_size, config.n_positions
new_tokens = min(new_tokens or positions, positions - prompt_len)

def prefill(ids):
    return model(input_ids=ids, use_cache=True, logits_to_keep=1)

def decode(prompt):
    # K new tokens: the first from the prompt's forward, then K-1 single-token steps with the
    # cache, timed (as synth-bench: time of K tokens minus time of one).
    out = prefill(prompt)
    past, token = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
    tokens = [token]
    start = time.perf_counter()
    for _ in range(new_tokens - 1):
        out = model(input_ids=token, past_key_values=past, use_cache=True)
        past, token = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
        tokens.append(token)
    return time.perf_counter() - start, torch.cat(tokens, dim=1)

def median_time(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

with torch.inference_mode():
    prompt = torch.randint(0, vocab, (1, prompt_len))
    _, manual = decode(prompt)
    # No end token, so generate() runs exactly K greedy steps and cannot mask one the plain argmax takes.
    model.generation_config.eos_token_id = None
    reference = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=new_tokens,
                               min_new_tokens=new_tokens, do_sample=False, use_cache=True, pad_token_id=0)
    check = bool(torch.equal(reference[:, prompt_len:], manual))
    for batch in batches:
        ids = torch.randint(0, vocab, (batch, positions))
        seconds = median_time(lambda: prefill(ids), reps)
        print(json.dumps({"batch": batch, "metric": "prefill", "value": batch * positions / seconds,
                          "unit": "tokens/s", "tokens": positions}), flush=True)
        prompt = torch.randint(0, vocab, (batch, prompt_len))
        decode(prompt)  # warm-up
        seconds = statistics.median(decode(prompt)[0] for _ in range(reps))
        print(json.dumps({"batch": batch, "metric": "decode", "value": batch * (new_tokens - 1) / seconds,
                          "unit": "tokens/s", "new_tokens": new_tokens, "prompt": prompt_len,
                          "generate_check": check, "attention": config._attn_implementation}), flush=True)
"""

MAKE_BUNDLE = r"""
import sys, torch
from transformers import GPT2Config, GPT2LMHeadModel
out, layers, heads, channels, positions, vocab = sys.argv[1], *map(int, sys.argv[2:7])
torch.manual_seed(0)
config = GPT2Config(n_layer=layers, n_head=heads, n_embd=channels, n_positions=positions, vocab_size=vocab,
                    activation_function="gelu_new", tie_word_embeddings=True, bos_token_id=0, eos_token_id=0)
GPT2LMHeadModel(config).save_pretrained(out, safe_serialization=True)
"""

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PATH_WORDS = ["index", "html", "api", "v", "users", "login", "static", "img", "css", "js", "search", "cart",
              "item", "docs", "about", "news", "feed", "admin", "upload", "download", "assets", "blog", "post"]
SYLLABLES = ["an", "bel", "car", "da", "el", "fer", "gar", "hol", "is", "jo", "ka", "li", "mar", "ne", "o",
             "pe", "qui", "ro", "sa", "ta", "u", "vi", "wen", "xa", "yo", "zu", "son", "ton", "berg", "ley"]
JSON_OPTIONS = {"whitespace_flexible": False, "item_separator": ",", "key_separator": ":"}


# ---------------------------------------------------------------------------------------------
# Shared helpers


def run_synth_bench(binary, suite, arguments):
    """JSON records of `synth-bench SUITE ... --json`, or None when the binary or the suite is missing."""
    if not os.path.exists(binary):
        return None
    result = subprocess.run([binary, suite, "--json"] + arguments, capture_output=True, text=True)
    if result.returncode != 0:
        if "unknown suite" not in result.stderr:
            sys.stderr.write(f"synth-bench {suite} failed ({result.returncode}): {result.stderr.strip()[:500]}\n")
        return None
    records = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("suite") == suite:
                records.append(record)
    return records or None


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))]


def ratio(peer, synth, unit):
    if peer is None or synth is None or peer <= 0 or synth <= 0:
        return None
    return synth / peer if unit.endswith("/s") else peer / synth


def print_table(rows):
    header = f"{'suite':9} {'case':8} {'size':>7} {'thr':>3} {'metric':13} {'peer':11} {'peer value':>12} " \
             f"{'synth value':>12} {'unit':9} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        peer = f"{row['peer_value']:12.2f}" if row["peer_value"] is not None else f"{'-':>12}"
        synth = f"{row['synth_value']:12.2f}" if row["synth_value"] is not None else f"{'-':>12}"
        r = ratio(row["peer_value"], row["synth_value"], row["unit"])
        r = f"{r:6.2f}" if r is not None else f"{'-':>6}"
        print(f"{row['suite']:9} {row['case']:8} {row['size']:>7} {row['threads']:>3} {row['metric']:13} "
              f"{row['peer']:11} {peer} {synth} {row['unit']:9} {r}")


# ---------------------------------------------------------------------------------------------
# A. Decode speed


def preset_of(bundle):
    with open(os.path.join(bundle, "config.json")) as handle:
        config = json.load(handle)
    shape = (config.get("n_layer"), config.get("n_head"), config.get("n_embd"), config.get("n_positions"),
             config.get("vocab_size"))
    return next((name for name, preset in PRESETS.items() if preset == shape), os.path.basename(bundle.rstrip("/")))


def make_bundle(preset, directory):
    if not os.path.exists(os.path.join(directory, "model.safetensors")):
        subprocess.run([sys.executable, "-c", MAKE_BUNDLE, directory] + [str(v) for v in PRESETS[preset]],
                       check=True, capture_output=True, text=True)
    return directory


def torch_decode(bundle, threads, args):
    output = subprocess.run([sys.executable, "-c", TORCH_WORKER, bundle, str(threads), str(args.prompt),
                             str(args.new_tokens), str(args.reps), ",".join(map(str, args.batches))],
                            check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def run_decode(args, rows):
    jobs = []  # (case, bundle or None, synth records by thread count)
    if args.bundle:
        for bundle in args.bundle:
            jobs.append((preset_of(bundle), bundle, {}))
    else:
        announced = False
        for preset in args.presets:
            directory = os.path.join(args.cache_dir, f"bundle-{preset}")
            synth = {}
            for threads in args.threads:
                options = ["--preset", preset, "--threads", str(threads), "--batch", ",".join(map(str, args.batches)),
                           "--save-bundle", directory] + (["--tokens", str(args.new_tokens)] if args.new_tokens else [])
                records = run_synth_bench(args.binary, "generate", options)
                if records is None:
                    if not announced:
                        print("synth-bench generate not available" +
                              ("; timing a random --make-bundle model" if args.make_bundle else
                               "; pass --make-bundle (or --bundle DIR) for the PyTorch figures"))
                        announced = True
                    break
                synth[threads] = records
            if synth and os.path.exists(os.path.join(directory, "config.json")):
                jobs.append((preset, directory, synth))
            elif args.make_bundle:
                jobs.append((preset, make_bundle(preset, os.path.join(args.cache_dir, f"random-{preset}")), synth))
            else:
                jobs.append((preset, None, synth))
    for case, bundle, synth in jobs:
        for threads in args.threads:
            peer = torch_decode(bundle, threads, args) if bundle else []
            if any(not record.get("generate_check", True) for record in peer):
                print(f"warning: {case}: the manual KV-cache loop differs from model.generate()")
            for batch in args.batches:
                for metric in ("prefill", "decode"):
                    mine = next((r for r in peer if r["batch"] == batch and r["metric"] == metric), None)
                    theirs = next((r for r in synth.get(threads, [])
                                   if r.get("batch") == batch and r["metric"] == metric
                                   and str(r.get("case", "")).split()[0] == case), None)
                    if mine is None and theirs is None:
                        continue
                    rows.append({"suite": "generate", "case": case, "size": f"B{batch}", "threads": threads,
                                 "metric": metric, "peer": "pytorch", "unit": "tokens/s",
                                 "peer_value": mine and mine["value"], "synth_value": theirs and theirs["value"]})


# ---------------------------------------------------------------------------------------------
# B. Constrained decoding: tokenizers


def synth_cli(binary, arguments):
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: swift build -c release --product synth (or pass --synth)")
    subprocess.run([binary] + arguments, check=True, capture_output=True, text=True)


def file_digest(paths):
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:10]


def prepare_tokenizer(spec, args):
    """(label, Synth-format path, HF tokenizer.json path) for a vocabulary size or a tokenizer file."""
    os.makedirs(args.cache_dir, exist_ok=True)
    if spec.isdigit():
        tag = f"{spec}-{file_digest(args.corpus)}"
        synth_path = os.path.join(args.cache_dir, f"synth-{tag}.json")
        if not os.path.exists(synth_path):
            inputs = [item for path in args.corpus for item in ("--input", path)]
            synth_cli(args.synth, ["tokenizer", "train"] + inputs + ["--vocab-size", spec, "--out", synth_path])
        label = spec
    else:
        with open(spec) as handle:
            content = json.load(handle)
        tag = f"{os.path.splitext(os.path.basename(spec))[0]}-{file_digest([spec])}"
        if content.get("format") == "synth-bpe":
            synth_path = spec
        else:  # a Hugging Face tokenizer.json: Synth reads its own format
            synth_path = os.path.join(args.cache_dir, f"synth-{tag}.json")
            if not os.path.exists(synth_path):
                synth_cli(args.synth, ["tokenizer", "convert", "--input", spec, "--to", "synth", "--out", synth_path])
        label = os.path.basename(spec)
    hf_path = spec if not spec.isdigit() and synth_path != spec else os.path.join(args.cache_dir, f"hf-{tag}.json")
    if not os.path.exists(hf_path):
        synth_cli(args.synth, ["tokenizer", "convert", "--input", synth_path, "--to", "hf", "--out", hf_path])
    return label, synth_path, hf_path


def load_hf_tokenizer(path):
    from transformers import PreTrainedTokenizerFast
    with open(path) as handle:
        added = [token["content"] for token in json.load(handle).get("added_tokens", [])]
    eos = next((name for name in ("<|eos|>", "<|endoftext|>") if name in added), None)
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=path, eos_token=eos)
    return tokenizer, len(tokenizer), tokenizer.eos_token_id


# ---------------------------------------------------------------------------------------------
# B. Constrained decoding: seeded valid outputs


def random_name(rng, max_length):
    def word():
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize()
    parts = [word() for _ in range(rng.choice([1, 2, 2, 2, 3]))]
    name = rng.choice([" ", " ", " ", "-", " O'", ". "]).join(parts) if len(parts) > 1 else parts[0]
    return name[:max(1, rng.randint(max_length // 2, max_length))].rstrip() or "A"


def schema_row(schema, rng):
    """A random instance of a flat object schema: integers in range, enums, strings, in schema order."""
    row = {}
    for key, spec in schema["properties"].items():
        if "enum" in spec:
            row[key] = rng.choice(spec["enum"])
        elif spec.get("type") == "integer":
            row[key] = rng.randint(spec.get("minimum", 0), spec.get("maximum", 10 ** 6))
        elif spec.get("type") == "string":
            row[key] = random_name(rng, spec.get("maxLength", 30))
        else:
            raise ValueError(f"schema property {key}: unsupported {spec}")
    return json.dumps(row, separators=(",", ":"))


def access_log_line(rng):
    ip = ".".join(str(rng.choice([rng.randint(0, 9), rng.randint(10, 99), rng.randint(100, 255)])) for _ in range(4))
    stamp = f"{rng.randint(1, 28):02d}/{rng.choice(MONTHS)}/{rng.randint(1995, 2025)}:" \
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    path = rng.choice(PATH_WORDS)
    while rng.random() < 0.6:
        path += "/" + rng.choice(PATH_WORDS)
    if rng.random() < 0.2:
        path += "/"
    path = path[:40]
    status = rng.choice([200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 404, 500, 502, 503, 101])
    size = rng.randint(0, 10 ** rng.randint(1, 6) - 1)
    return f'{ip} - - [{stamp} +0000] "{rng.choice(["GET", "POST"])} /{path} HTTP/1.1" {status} {size}'


def make_samples(schema, regex, count, seed):
    rng = random.Random(seed)
    pattern = re.compile(regex, re.ASCII)
    samples = {"schema": [], "regex": []}
    for _ in range(count):
        text = schema_row(schema, rng)
        assert set(json.loads(text)) == set(schema["required"]), text
        samples["schema"].append(text)
        line = access_log_line(rng)
        assert pattern.fullmatch(line), line
        samples["regex"].append(line)
    return samples


# ---------------------------------------------------------------------------------------------
# B. Constrained decoding: the peers


class XGrammarPeer:
    name = "xgrammar"

    def __init__(self, tokenizer, vocab, eos, args):
        import xgrammar
        self.xgr = xgrammar
        self.threads = args.compile_threads
        self.info = xgrammar.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab,
                                                            stop_token_ids=[eos] if eos is not None else None)
        self.bitmask = xgrammar.allocate_token_bitmask(1, vocab)
        self.view = self.bitmask.numpy()  # shares memory with the torch tensor

    def compile(self, case, source):
        compiler = self.xgr.GrammarCompiler(self.info, max_threads=self.threads, cache_enabled=False)
        start = time.perf_counter()
        if case == "schema":
            grammar = compiler.compile_json_schema(source, any_whitespace=False, separators=(",", ":"))
        else:
            grammar = compiler.compile_regex(source)
        return time.perf_counter() - start, grammar

    def matcher(self, grammar):
        return self.xgr.GrammarMatcher(grammar)

    def first_mask(self, matcher):
        start = time.perf_counter()
        matcher.fill_next_token_bitmask(self.bitmask)
        return time.perf_counter() - start

    def walk(self, matcher, tokens, eos, masks, accepts):
        matcher.reset()
        clock, fill, accept, view = time.perf_counter_ns, matcher.fill_next_token_bitmask, matcher.accept_token, self.view
        bitmask = self.bitmask
        for token in tokens + ([eos] if eos is not None else []):
            t0 = clock()
            fill(bitmask)
            t1 = clock()
            allowed = (int(view[0, token >> 5]) >> (token & 31)) & 1
            t2 = clock()
            ok = accept(token)
            t3 = clock()
            if not (allowed and ok):
                raise RuntimeError(f"xgrammar rejected token {token} (in mask: {bool(allowed)})")
            masks.append(t1 - t0)
            accepts.append(t3 - t2)
        if eos is not None and not matcher.is_terminated():
            raise RuntimeError("xgrammar: not terminated after <|eos|>")


class LLGuidancePeer:
    name = "llguidance"

    def __init__(self, tokenizer, vocab, eos, args):
        import numpy
        import llguidance
        import llguidance.hf
        self.ll = llguidance
        self.tokenizer = llguidance.hf.from_tokenizer(tokenizer, n_vocab=vocab, eos_token=eos)
        self.mask = numpy.zeros((1, (vocab + 31) // 32), dtype=numpy.int32)
        self.pointer, self.size = self.mask.ctypes.data, self.mask.nbytes

    def compile(self, case, source):
        start = time.perf_counter()
        if case == "schema":
            grammar = self.ll.LLMatcher.grammar_from_json_schema(source, overrides=JSON_OPTIONS)
        else:
            grammar = self.ll.LLMatcher.grammar_from_regex(source)
        matcher = self.ll.LLMatcher(self.tokenizer, grammar, log_level=1)
        seconds = time.perf_counter() - start
        if matcher.is_error():
            raise RuntimeError(f"llguidance: {matcher.get_error()}")
        return seconds, matcher

    def matcher(self, compiled):
        return compiled

    def first_mask(self, matcher):
        start = time.perf_counter()
        matcher.unsafe_compute_mask_ptr(self.pointer, self.size)
        return time.perf_counter() - start

    def walk(self, matcher, tokens, eos, masks, accepts):
        matcher.reset()
        clock, fill, consume, view = time.perf_counter_ns, matcher.unsafe_compute_mask_ptr, matcher.consume_token, self.mask
        pointer, size = self.pointer, self.size
        for token in tokens + ([eos] if eos is not None else []):
            t0 = clock()
            fill(pointer, size)
            t1 = clock()
            allowed = (int(view[0, token >> 5]) >> (token & 31)) & 1
            t2 = clock()
            ok = consume(token)
            t3 = clock()
            if not (allowed and ok):
                raise RuntimeError(f"llguidance rejected token {token} (in mask: {bool(allowed)}): {matcher.get_error()}")
            masks.append(t1 - t0)
            accepts.append(t3 - t2)
        if eos is not None and not matcher.is_stopped():
            raise RuntimeError("llguidance: not stopped after <|eos|>")


PEERS = {"xgrammar": XGrammarPeer, "llguidance": LLGuidancePeer}


def bench_peer(peer, sources, sequences, eos, args):
    """{(case, metric): (value, unit)} for one peer and one vocabulary."""
    results = {}
    for case, source in sources.items():
        compiles, firsts = [], []
        for _ in range(args.compile_runs):
            seconds, compiled = peer.compile(case, source)
            compiles.append(seconds)
            firsts.append(peer.first_mask(peer.matcher(compiled)))
        matcher = peer.matcher(compiled)
        masks, accepts = [], []
        for tokens in sequences[case]:
            peer.walk(matcher, tokens, eos, masks, accepts)
        masks.sort()
        results[(case, "compile")] = (statistics.median(compiles) * 1e3, "ms")
        if peer.name == "xgrammar":  # its compile includes the mask cache
            results[(case, "compile+cache")] = results[(case, "compile")]
        results[(case, "first_mask")] = (statistics.median(firsts) * 1e6, "us")
        results[(case, "mask_median")] = (statistics.median(masks) / 1e3, "us")
        results[(case, "mask_p99")] = (percentile(masks, 0.99) / 1e3, "us")
        results[(case, "accept_median")] = (statistics.median(accepts) / 1e3, "us")
    return results


def available_peers(names):
    peers = []
    for name in names:
        try:
            __import__(name)
            peers.append(PEERS[name])
        except Exception as error:  # missing wheel, missing shared library, ...
            print(f"{name} unavailable ({type(error).__name__}: {error}); skipping it")
    return peers


def run_constrain(args, rows):
    with open(args.schema) as handle:
        schema_text = handle.read()
    with open(args.regex) as handle:
        regex = handle.read().strip("\n")
    schema = json.loads(schema_text)
    samples = make_samples(schema, regex, args.samples, args.seed)
    sources = {"schema": schema_text, "regex": regex}
    peers = available_peers(args.peers)
    saved = [{"case": case, "index": index, "text": text, "tokens": {}}
             for case in ("schema", "regex") for index, text in enumerate(samples[case])]
    # The outputs' texts, for synth-bench to walk the same outputs as the peers (it tokenizes them itself).
    texts_path = os.path.join(args.cache_dir, f"constrain-samples-{args.seed}-{args.samples}.jsonl")
    with open(texts_path, "w") as handle:
        for entry in saved:
            handle.write(json.dumps({"case": entry["case"], "index": entry["index"], "text": entry["text"]}) + "\n")
    synth_missing = False
    for spec in args.tokenizers:
        label, synth_path, hf_path = prepare_tokenizer(spec, args)
        tokenizer, vocab, eos = load_hf_tokenizer(hf_path)
        if spec.isdigit() and vocab != int(spec):
            print(f"note: tokenizer {spec}: the corpus gave only {vocab} tokens")
        sequences = {}
        for case in ("schema", "regex"):
            sequences[case] = [tokenizer.encode(text, add_special_tokens=False) for text in samples[case]]
            for text, tokens in zip(samples[case], sequences[case]):
                assert tokenizer.decode(tokens) == text, (text, tokens)
        for entry in saved:
            entry["tokens"][str(vocab)] = sequences[entry["case"]][entry["index"]]
        steps = sum(len(tokens) + 1 for case in sequences for tokens in sequences[case])
        print(f"tokenizer {label}: {vocab} tokens, eos {eos}, {steps} mask steps ({hf_path})")

        synth = None
        if not synth_missing:
            synth = run_synth_bench(args.binary, "constrain", ["--tokenizer", synth_path, "--schema", args.schema,
                                                               "--regex", args.regex, "--samples-file", texts_path,
                                                               "--samples", str(args.validity_samples)])
            if synth is None:
                print("synth-bench constrain not available")
                synth_missing = True
        synth_values = {(r["case"], r["metric"]): r["value"] for r in synth or []}
        # XGrammar's compile builds its mask cache: Synth's comparable figure includes precompute().
        for case in ("schema", "regex"):
            if (case, "compile_precompute") in synth_values:
                synth_values[(case, "compile+cache")] = synth_values[(case, "compile_precompute")]

        for peer_class in peers:
            try:
                peer = peer_class(tokenizer, vocab, eos, args)
                results = bench_peer(peer, sources, sequences, eos, args)
            except Exception as error:
                print(f"{peer_class.name} failed on tokenizer {label}: {type(error).__name__}: {error}")
                continue
            for (case, metric), (value, unit) in results.items():
                rows.append({"suite": "constrain", "case": case, "size": str(vocab), "threads": 1, "metric": metric,
                             "peer": peer_class.name, "unit": unit, "peer_value": value,
                             "synth_value": synth_values.get((case, metric))})
    if args.save_samples:
        with open(args.save_samples, "w") as handle:
            for entry in saved:
                handle.write(json.dumps(entry) + "\n")
        print(f"wrote {len(saved)} samples to {args.save_samples}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", choices=["decode", "constrain"], default=["decode", "constrain"])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "synth-bench"))
    parser.add_argument("--synth", default=os.path.join(ROOT, ".build", "release", "synth"),
                        help="the synth CLI, to train and convert tokenizers")
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "synth-peer-cache"))
    parser.add_argument("--json", metavar="FILE", help="also write every row as a JSON line to FILE")
    decode = parser.add_argument_group("decode")
    decode.add_argument("--presets", nargs="+", choices=sorted(PRESETS), default=["char", "small"])
    decode.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    decode.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    decode.add_argument("--prompt", type=int, default=16, help="decode prompt length")
    decode.add_argument("--new-tokens", type=int, default=0,
                        help="K, also passed to synth-bench as --tokens (default: fill the context)")
    decode.add_argument("--reps", type=int, default=3)
    decode.add_argument("--bundle", nargs="+", metavar="DIR", help="time existing bundles (no synth-bench run)")
    decode.add_argument("--make-bundle", action="store_true",
                        help="without synth-bench generate, time a random GPT-2 of the preset's shape")
    constrain = parser.add_argument_group("constrain")
    constrain.add_argument("--tokenizers", nargs="+", default=["8192", "32768"],
                           help="vocabulary sizes to train on --corpus, or tokenizer files (Synth or HF format)")
    constrain.add_argument("--corpus", nargs="+",
                           default=[os.path.join(SHARED, "corpora", "tinyshakespeare", "input.txt")])
    constrain.add_argument("--schema", default=os.path.join(SHARED, "bench", "adult_row.schema.json"))
    constrain.add_argument("--regex", default=os.path.join(SHARED, "bench", "access_log.regex"))
    constrain.add_argument("--peers", nargs="+", choices=sorted(PEERS), default=["xgrammar", "llguidance"])
    constrain.add_argument("--samples", type=int, default=200, help="valid outputs per grammar")
    constrain.add_argument("--seed", type=int, default=0)
    constrain.add_argument("--validity-samples", type=int, default=1000,
                           help="constrained samples synth-bench generates and checks (its --samples)")
    constrain.add_argument("--compile-runs", type=int, default=5)
    constrain.add_argument("--compile-threads", type=int, default=1)
    constrain.add_argument("--save-samples", metavar="FILE")
    args = parser.parse_args()
    # One thread for the matchers and everything in this process (the decode worker sets its own).
    for variable in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    os.makedirs(args.cache_dir, exist_ok=True)
    load = os.getloadavg()[0]
    if load > 0.5:
        # Shared cores wreck multi-threaded PyTorch first (its OpenMP barriers spin): seen 50x slower.
        print(f"warning: load average {load:.1f}: the machine is busy, figures will be off")

    rows = []
    if "decode" in args.parts:
        run_decode(args, rows)
    if "constrain" in args.parts:
        run_constrain(args, rows)
    print()
    print_table(rows)
    if args.json:
        with open(args.json, "w") as handle:
            for row in rows:
                handle.write(json.dumps(dict(row, ratio=ratio(row["peer_value"], row["synth_value"], row["unit"])))
                             + "\n")


if __name__ == "__main__":
    main()
