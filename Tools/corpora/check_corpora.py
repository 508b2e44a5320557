#!/usr/bin/env python3
"""Parses every file of the shipped corpora, checks their invariants and prints statistics.

    python3 Tools/corpora/check_corpora.py corpora        # from the repository root

Python 3 standard library only. Exits with status 1 and a message naming the file and
line at the first broken invariant: CSV shape and cell types, weekday = weekday of date,
currency a function of country, guest exactly when the age is missing; dialogue shape
(2-10 alternating turns, CUSTOMER first) and one order number per dialogue; every log
line's header matched by header.regex, its message by exactly one template of a fixed
level, timestamps in order; paraphrase pairs distinct, sources unique.
"""
from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import re
import statistics
import sys
from pathlib import Path

TOKEN = re.compile(r"\w+|[^\w\s]")


def fail(where: str, message: str) -> None:
    sys.exit(f"{where}: {message}")


def size(path: Path) -> str:
    return f"{path.stat().st_size:,} bytes"


def check_transactions(folder: Path) -> None:
    rows = []
    for name in ("train.csv", "heldout.csv"):
        path = folder / name
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            part = list(reader)
        for number, row in enumerate(part, start=2):
            where = f"{path}:{number}"
            if len(row) != len(header):
                fail(where, f"{len(row)} cells, expected {len(header)}")
            cell = dict(zip(header, row))
            date = dt.date.fromisoformat(cell["date"])
            if date.strftime("%a") != cell["weekday"]:
                fail(where, f"weekday {cell['weekday']} but {cell['date']} is a {date:%a}")
            if not 0 <= int(cell["hour"]) <= 23:
                fail(where, "hour out of range")
            if not re.fullmatch(r"\d+\.\d{2}", cell["amount"]):
                fail(where, f"amount {cell['amount']!r} is not a decimal with two places")
            if (cell["customer_age"] == "") != (cell["customer_segment"] == "guest"):
                fail(where, "customer_age is missing exactly for guests")
            if cell["items"] and not 1 <= int(cell["items"]) <= 45:
                fail(where, "items out of range")
            if cell["is_fraud"] not in ("0", "1"):
                fail(where, "is_fraud is not 0/1")
            rows.append(cell)
        print(f"{path}: {len(part):,} rows x {len(header)} columns, {size(path)}")
    currency = collections.defaultdict(set)
    for r in rows:
        currency[r["country"]].add(r["currency"])
    if any(len(v) > 1 for v in currency.values()):
        fail(str(folder), f"a country with several currencies: {dict(currency)}")

    def rate(selected):
        selected = list(selected)
        fraud = sum(r["is_fraud"] == "1" for r in selected)
        return f"{fraud / len(selected):.1%} ({fraud}/{len(selected)})"
    print(f"  fraud overall {rate(rows)}")
    for channel in ("online", "phone", "store"):
        print(f"  fraud {channel}: {rate(r for r in rows if r['channel'] == channel)}")
    print(f"  fraud night 0-4h {rate(r for r in rows if int(r['hour']) <= 4)}, "
          f"day {rate(r for r in rows if int(r['hour']) > 4)}")
    print(f"  fraud foreign card {rate(r for r in rows if r['country'] != 'DE')}, "
          f"DE {rate(r for r in rows if r['country'] == 'DE')}")
    print("  missing cells: " + ", ".join(f"{c} {sum(r[c] == '' for r in rows)}" for c in rows[0] if any(r[c] == "" for r in rows)))
    print("  store rows on Sundays: " + str(sum(r["channel"] == "store" and r["weekday"] == "Sun" for r in rows)))
    hours = collections.Counter((r["channel"], int(r["hour"])) for r in rows)
    for channel in ("store", "phone", "online"):
        seen = sorted(h for c, h in hours if c == channel)
        print(f"  {channel} hours {seen[0]}-{seen[-1]}, share of rows {sum(r['channel'] == channel for r in rows) / len(rows):.1%}")
    print("  median EUR amount by category: " + ", ".join(
        f"{c} {statistics.median(float(r['amount']) for r in rows if r['merchant_category'] == c and r['currency'] == 'EUR'):.2f}"
        for c in sorted({r["merchant_category"] for r in rows})))
    by_month = collections.Counter(int(r["date"][5:7]) for r in rows)
    print("  rows by month: " + " ".join(f"{m}:{by_month[m]}" for m in range(1, 13)))
    for segment in sorted({r["customer_segment"] for r in rows} - {"guest"}):
        ages = [int(r["customer_age"]) for r in rows if r["customer_segment"] == segment]
        print(f"  {segment}: age {min(ages)}-{max(ages)}, median {statistics.median(ages):g}, {len(ages)} rows")


def check_dialogues(folder: Path) -> None:
    everything = {}
    for name in ("train.jsonl", "heldout.jsonl"):
        path = folder / name
        dialogues = []
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                where = f"{path}:{number}"
                turns = json.loads(line)["turns"]
                if not 2 <= len(turns) <= 10:
                    fail(where, f"{len(turns)} turns")
                for i, turn in enumerate(turns):
                    if set(turn) != {"speaker", "text"} or not turn["text"].strip():
                        fail(where, f"turn {i} is not a speaker and a text")
                    if turn["speaker"] != ("CUSTOMER", "AGENT")[i % 2]:
                        fail(where, f"turn {i} by {turn['speaker']}: speakers must alternate, CUSTOMER first")
                numbers = {m for t in turns for m in re.findall(r"(?:order(?: number)? #?|HV-)(\d{6})\b", t["text"])}
                if len(numbers) > 1:
                    fail(where, f"several order numbers {sorted(numbers)}")
                emails = {m for t in turns for m in re.findall(r"[\w.]+@[\w.]+\w", t["text"])}
                if len(emails) > 1:
                    fail(where, f"several email addresses {sorted(emails)}")
                dialogues.append(turns)
        everything[name] = dialogues
        print(f"{path}: {len(dialogues):,} dialogues, {size(path)}")
    train = {json.dumps(d) for d in everything["train.jsonl"]}
    overlap = sum(json.dumps(d) in train for d in everything["heldout.jsonl"])
    all_dialogues = everything["train.jsonl"] + everything["heldout.jsonl"]
    counts = collections.Counter(len(d) for d in all_dialogues)
    print(f"  held-out dialogues also in train: {overlap}")
    print("  turns per dialogue: " + " ".join(f"{n}:{counts[n]}" for n in sorted(counts))
          + f" (mean {statistics.mean(len(d) for d in all_dialogues):.2f})")
    for speaker in ("CUSTOMER", "AGENT"):
        lengths = [len(t["text"]) for d in all_dialogues for t in d if t["speaker"] == speaker]
        print(f"  {speaker} turn length: mean {statistics.mean(lengths):.0f} characters")
    with_order = [d for d in all_dialogues if re.search(r"HV-\d{6}", " ".join(t["text"] for t in d))]
    print(f"  dialogues where the agent repeats an order number: {len(with_order)}")
    texts = [t["text"] for d in all_dialogues for t in d]
    print(f"  distinct turn texts: {len(set(texts)):,} of {len(texts):,}")


def check_logs(folder: Path) -> None:
    header = re.compile((folder / "header.regex").read_text(encoding="utf-8"))
    with open(folder / "templates.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    templates = {r["EventId"]: re.compile(re.escape(r["EventTemplate"]).replace(re.escape("<*>"), "(.+?)"))
                 for r in rows}
    counts, levels, components, previous = collections.Counter(), {}, collections.Counter(), None
    orders = collections.defaultdict(list)
    for name in ("train.log", "heldout.log"):
        path = folder / name
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines[-1] != "":
            fail(str(path), "no final newline")
        lines = lines[:-1]
        for number, line in enumerate(lines, start=1):
            where = f"{path}:{number}"
            m = header.match(line)
            if not m or not line[:m.end()].endswith(": ") or ": " in line[:m.end() - 2].split("] ", 1)[1]:
                fail(where, "header.regex does not match the header")
            stamp = line[:23]
            if previous and stamp < previous:
                fail(where, "timestamp earlier than the line before")
            previous = stamp
            dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")
            message = line[m.end():]
            hits = [e for e, t in templates.items() if t.fullmatch(message)]
            if len(hits) != 1:
                fail(where, f"message matches templates {hits}")
            level = line[24:29].strip()
            if levels.setdefault(hits[0], level) != level:
                fail(where, f"{hits[0]} at level {level}, earlier at {levels[hits[0]]}")
            counts[hits[0]] += 1
            components[m.group(0).split("] ")[1][:-2]] += 1
            for order in re.findall(r"order (\d{5})", message):
                orders[order].append(stamp)
        print(f"{path}: {len(lines):,} lines, {size(path)}, {lines[0][:23]} to {lines[-1][:23]}")
    print(f"  header.regex matches every line's header; {len(templates)} templates, {len(counts)} used")
    by_level = collections.Counter()
    for event, n in counts.items():
        by_level[levels[event]] += n
    print("  lines by level: " + ", ".join(f"{k} {v:,}" for k, v in by_level.most_common()))
    print("  lines by component: " + ", ".join(f"{k} {v:,}" for k, v in components.most_common()))
    print("  lines by template: " + " ".join(f"{e}:{counts[e]}" for e in templates))
    later = sum(1 for stamps in orders.values()
                if dt.datetime.fromisoformat(stamps[-1]) - dt.datetime.fromisoformat(stamps[0]) > dt.timedelta(minutes=10))
    print(f"  orders: {len(orders)}, mentioned on >= 5 lines: {sum(len(s) >= 5 for s in orders.values())}, "
          f"reappearing more than 10 minutes later: {later}")


def check_paraphrases(folder: Path) -> None:
    sources = {}
    pairs = []
    for name in ("train.jsonl", "heldout.jsonl"):
        path = folder / name
        n = 0
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                where = f"{path}:{number}"
                pair = json.loads(line)
                if set(pair) != {"source", "paraphrase"}:
                    fail(where, f"keys {sorted(pair)}")
                if pair["source"] == pair["paraphrase"]:
                    fail(where, "paraphrase equals source")
                if pair["source"] in sources:
                    fail(where, f"source repeated from {sources[pair['source']]}")
                sources[pair["source"]] = where
                pairs.append(pair)
                n += 1
        print(f"{path}: {n:,} pairs, {size(path)}")

    def words(text):
        return set(TOKEN.findall(text.lower()))
    overlap = [len(words(p["source"]) & words(p["paraphrase"])) / len(words(p["source"]) | words(p["paraphrase"]))
               for p in pairs]
    print(f"  word-type overlap (Jaccard) mean {statistics.mean(overlap):.2f}, "
          f"min {min(overlap):.2f}, max {max(overlap):.2f}")
    lengths = [len(p["source"]) for p in pairs]
    print(f"  source length mean {statistics.mean(lengths):.0f}, max {max(lengths)} characters; "
          f"paraphrase longer than source in {sum(len(p['paraphrase']) > len(p['source']) for p in pairs) / len(pairs):.0%}")
    print(f"  distinct words in all pairs: {len(set().union(*(words(p['source']) | words(p['paraphrase']) for p in pairs))):,}")


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "corpora")
    check_transactions(root / "transactions")
    check_dialogues(root / "support-dialogues")
    check_logs(root / "app-logs")
    check_paraphrases(root / "paraphrases")
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(f"total {total:,} bytes ({total / 1_000_000:.2f} MB) in {root}")


if __name__ == "__main__":
    main()
