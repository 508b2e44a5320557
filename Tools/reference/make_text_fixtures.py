#!/usr/bin/env python3
"""Expected text figures for the Evaluation tests (run once, by hand).

    python3 -m venv .venv-eval
    .venv-eval/bin/pip install -r ../shared/eval/text/requirements.txt
    .venv-eval/bin/python Tools/reference/make_text_fixtures.py [--skip-corpora]

Writes, under Tests/EvaluationTests/Fixtures/text/:
- small inputs made here from a fixed seed: log lines of three loghub systems (with bad
  dates, wrong weekdays, unknown levels and components, shuffled messages, empty
  lines), a small ground-truth templates CSV, dialogues (malformed records, repeated or
  unknown speakers, empty turns, copies of training dialogues, the text format),
  paraphrase pairs (held-out sources with several human paraphrases, identical pairs,
  entities, numbers, Unicode) and plain text lines;
- expected.json: for each case the judge's report, from ../shared/eval/text/evaluate.py
  itself (`main([... "--no-embeddings"])`), including cases with few --max-units and
  --samples so that its random subsampling is exercised;
- units.json: reference values of the pieces, from the libraries the judge uses:
  tokens, random.sample draws, math.fsum, nltk sentence BLEU, sacreBLEU 13a tokens and
  sentence/corpus BLEU, Drain3 clusters and matches, the header formats of every
  built-in loghub system on crafted lines, ground-truth template matches;
- corpora.json: the judge's reports on ../shared/corpora (HDFS, Apache, OpenSSH logs with
  their templates, dialogues-sgd, paraphrases-mrpc), with the held-out file and the
  training file each standing in as the generated file (tests skip without ../shared).
  --skip-corpora leaves that file alone (it takes a few minutes).

CI never runs this script.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "Tests" / "EvaluationTests" / "Fixtures" / "text"
sys.path.insert(0, str(SHARED / "eval" / "text"))
import evaluate  # noqa: E402  (the judge's own code)


def write(name, text):
    path = OUT / name
    path.write_text(text, encoding="utf-8", newline="")
    return name


def lines_file(name, lines):
    return write(name, "".join(ln + "\n" for ln in lines))


def jsonl_file(name, records):
    return write(name, "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records))


def run_judge(mode, train, heldout, generated, extra=()):
    """The judge's report, through its command line (read back from --out)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        argv = ["--mode", mode, "--train", str(train), "--heldout", str(heldout), "--generated", str(generated),
                "--no-embeddings", "--out", out, *extra]
        with contextlib.redirect_stdout(io.StringIO()):
            evaluate.main(argv)
        with open(out, encoding="utf-8") as f:
            rep = json.load(f)
    for key in ("versions", "train", "heldout", "generated"):
        rep.pop(key, None)
    return rep


# ---------------------------------------------------------------- small inputs
def hdfs_lines(rng, n, day="081109"):
    comps = ["dfs.DataNode$PacketResponder", "dfs.FSNamesystem", "dfs.DataNode$DataXceiver", "dfs.DataNode"]

    def ip():
        return f"10.{rng.randint(250, 251)}.{rng.randint(1, 255)}.{rng.randint(1, 255)}"

    def blk():
        return f"blk_{rng.choice(['', '-'])}{rng.randint(10**17, 10**19)}"

    msgs = [
        (0, lambda: f"PacketResponder {rng.randint(0, 2)} for block {blk()} terminating"),
        (1, lambda: f"BLOCK* NameSystem.addStoredBlock: blockMap updated: {ip()}:50010 is added to {blk()} size {rng.randint(1, 67108864)}"),
        (2, lambda: f"Receiving block {blk()} src: /{ip()}:{rng.randint(30000, 60000)} dest: /{ip()}:50010"),
        (3, lambda: f"Received block {blk()} of size {rng.randint(1, 67108864)} from /{ip()}"),
        (1, lambda: f"BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_{rng.randint(1, 9)}_m_{rng.randint(0, 999):06d}_0/part-{rng.randint(0, 9):05d}. {blk()}"),
        (3, lambda: f"Verification succeeded for {blk()}"),
        (1, lambda: f"BLOCK* ask {ip()}:50010 to delete  {blk()} {blk()}"),
        (3, lambda: f"Deleting block {blk()} file /mnt/hadoop/dfs/data/current/subdir{rng.randint(1, 60)}/{blk()}"),
        (2, lambda: f"{ip()}:50010:Got exception while serving {blk()} to /{ip()}:"),
    ]
    out = []
    t = 20 * 3600 + 36 * 60 + 15
    for _ in range(n):
        c, make = rng.choice(msgs)
        t += rng.randint(-1, 40)  # now and then a step back in time
        hms = f"{t // 3600:02d}{t // 60 % 60:02d}{t % 60:02d}"
        level = "WARN" if c == 2 and rng.random() < 0.3 else "INFO"
        out.append(f"{day} {hms} {rng.randint(10, 999)} {level} {comps[c]}: {make()}")
    return out


def logs_hdfs_case():
    rng = random.Random(11)
    train = hdfs_lines(rng, 60)
    heldout = hdfs_lines(rng, 20)
    gen = hdfs_lines(rng, 14)
    gen += [
        "081132 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",   # month 11 day 32
        "081109 246099 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",   # hour 24
        "081109 203660 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",   # second 60
        "080229 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",   # leap day 2008
        "070229 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",   # not a leap year
        "081109 203615 148 TRACE dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",  # unknown level
        "081109 203615 148 INFO dfs.Unknown: PacketResponder 1 for block blk_1 terminating",                    # unknown component
        "081109 203615 148 INFO dfs.FSNamesystem: terminating blk_5 for PacketResponder block 1",               # shuffled message
        "081109 203615 148 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.250.1.1:50010 is added to blk_9 size 0x1f",
        "081109 203615 148 INFO dfs.FSNamesystem:",                                                             # no content (no match)
        "081109 203615 148 INFO dfs.FSNamesystem: ",                                                            # empty content
        "this line has no header at all",
        "",
        "   ",
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating\r",
        train[3],
        "081109 203615 148 INFO dfs.FSNamesystem: Deleting   block blk_1 file /mnt/x/blk_1   ",
        "081109 203615 148 INFO dfs.DataNode: Verification succeeded for blk_-12 extra words here",
    ]
    templates = [
        "EventId,EventTemplate",
        "E1,PacketResponder <*> for block blk_<*> terminating",
        "E2,BLOCK* NameSystem.addStoredBlock: blockMap updated: <*>:<*> is added to blk_<*> size <*>",
        "E3,Receiving block blk_<*> src: /<*>:<*> dest: /<*>:<*>",
        "E4,Received block blk_<*> of size <*> from /<*>",
        "E5,BLOCK* NameSystem.allocateBlock: /<*>/part-<*>. blk_<*>",
        "E6,Verification succeeded for blk_<*>",
        "E7,\"BLOCK* ask <*>:<*> to delete  blk_<*>\"",
        "E8,Deleting block blk_<*> file /<*>/blk_<*>",
        "E9,<*>:<*>:Got exception while serving blk_<*> to /<*>:",
        "E10,<*>",
    ]
    return dict(
        name="logs-hdfs", mode="logs",
        train=lines_file("hdfs_train.log", train), heldout=lines_file("hdfs_heldout.log", heldout),
        generated=lines_file("hdfs_generated.log", gen), system="HDFS",
        templates=write("hdfs_templates.csv", "\n".join(templates) + "\n"))


def apache_lines(rng, n):
    days = [("Sun", 4), ("Mon", 5), ("Tue", 6), ("Wed", 7)]
    out = []
    for _ in range(n):
        wd, d = rng.choice(days)
        level, msg = rng.choice([
            ("notice", f"jk2_init() Found child {rng.randint(1000, 9999)} in scoreboard slot {rng.randint(1, 12)}"),
            ("notice", "workerEnv.init() ok /etc/httpd/conf/workers2.properties"),
            ("error", f"mod_jk child workerEnv in error state {rng.randint(6, 9)}"),
            ("error", f"[client {rng.randint(1, 222)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}] Directory index forbidden by rule: /var/www/html/"),
            ("error", f"jk2_init() Can't find child {rng.randint(1000, 9999)} in scoreboard"),
        ])
        out.append(f"[{wd} Dec {d:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} 2005] [{level}] {msg}")
    return out


def logs_apache_case():
    rng = random.Random(12)
    gen = apache_lines(rng, 10) + [
        "[Mon Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",   # wrong weekday
        "[Thu Feb 29 04:47:44 2024] [error] mod_jk child workerEnv in error state 6",                     # leap day, right weekday
        "[Fri Feb 29 04:47:44 2023] [error] mod_jk child workerEnv in error state 6",                     # no such day
        "[Sun Dec 04 04:47:44 2005] [warn] mod_jk child workerEnv in error state 6",                      # unknown level
        "[sun Dec 04 04:47:44 2005] [notice] lower-case weekday",                                         # regex refuses
        "[Sun Dec 04 04:47:60 2005] [notice] second 60",
        "[Sun Dec 04 24:47:44 2005] [notice] hour 24",
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
    ]
    templates = ["EventId,EventTemplate", "E1,jk2_init() Found child <*> in scoreboard slot <*>",
                 "E2,workerEnv.init() ok <*>", "E3,mod_jk child workerEnv in error state <*>",
                 "E4,[client <*>] Directory index forbidden by rule: <*>",
                 "E5,jk2_init() Can't find child <*> in scoreboard", "E6,mod_jk child init <*> <*>"]
    return dict(
        name="logs-apache", mode="logs",
        train=lines_file("apache_train.log", apache_lines(rng, 50)),
        heldout=lines_file("apache_heldout.log", apache_lines(rng, 15)),
        generated=lines_file("apache_generated.log", gen), system="Apache",
        templates=write("apache_templates.csv", "\n".join(templates) + "\n"))


def openssh_lines(rng, n):
    out = []
    users = ["admin", "root", "test", "oracle", "webmaster"]
    for _ in range(n):
        ip = f"{rng.randint(1, 222)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
        msg = rng.choice([
            f"Invalid user {rng.choice(users)} from {ip}",
            f"input_userauth_request: invalid user {rng.choice(users)} [preauth]",
            "pam_unix(sshd:auth): check pass; user unknown",
            f"Failed password for invalid user {rng.choice(users)} from {ip} port {rng.randint(1024, 65535)} ssh2",
            f"Received disconnect from {ip}: 11: Bye Bye [preauth]",
            f"Connection closed by {ip} [preauth]",
            f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}",
        ])
        day = rng.randint(1, 31)
        out.append(f"Dec {day:2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} LabSZ sshd[{rng.randint(1000, 30000)}]: {msg}")
    return out


def logs_openssh_case(system):
    rng = random.Random(13)
    gen = openssh_lines(rng, 12) + [
        "Feb 29 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",    # no year: refused
        "Feb 28 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Dec  5 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Dec 05 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Dec 32 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Abc 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Dec 10 06:55:46 OtherHost sshd[24200]: Invalid user webmaster from 173.234.31.186",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186 port 22",
        "Dec 10 06:55:46 LabSZ sshd[x]: Invalid user webmaster from 173.234.31.186",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Connection closed by 0x1A2b [preauth]",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Received disconnect from 1.2.3.4:22: 11: Bye Bye [preauth]",
        "Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 5.6.7.8 port -12 ssh2",
    ]
    templates = ["EventId,EventTemplate",
                 "E1,Invalid user <*> from <*>", "E2,input_userauth_request: invalid user <*> [preauth]",
                 "E3,pam_unix(sshd:auth): check pass; user unknown",
                 "E4,Failed password for invalid user <*> from <*> port <*> ssh2",
                 "E5,Received disconnect from <*>: <*>: Bye Bye [preauth]",
                 "E6,Connection closed by <*> [preauth]",
                 "E7,pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>",
                 "E8,Failed password for <*> from <*> port <*> ssh2",
                 "E6,Connection closed by <*> [preauth] again"]
    suffix = "auto" if system is None else "named"
    return dict(
        name=f"logs-openssh-{suffix}", mode="logs",
        train=lines_file("openssh_train.log", openssh_lines(rng, 50)),
        heldout=lines_file("openssh_heldout.log", openssh_lines(rng, 15)),
        generated=lines_file("openssh_generated.log", gen), system=system,
        templates=write("openssh_templates.csv", "\n".join(templates) + "\n"))


def dialogue(rng, speakers=("USER", "SYSTEM")):
    asks = ["Can you find me a restaurant in Palo Alto?", "I need a flight to Boston on March 3rd.",
            "What's the weather like tomorrow?", "Book a table for 2 at 7:30 pm.", "Any good movies tonight?"]
    answers = ["Sure, how about Tacolicious?", "There is a flight at 8 am for $250.", "It will be 72 degrees and sunny.",
               "Your table is booked. Anything else?", "Avengers is playing at 9 pm at AMC."]
    turns = []
    for i in range(rng.randint(2, 8)):
        sp = speakers[i % 2]
        turns.append({"speaker": sp, "text": rng.choice(asks if sp == speakers[0] else answers)})
    return {"id": f"d{rng.randint(0, 10**6)}", "turns": turns}


def dialogues_case():
    rng = random.Random(14)
    train = [dialogue(rng) for _ in range(40)]
    heldout = [dialogue(rng) for _ in range(12)]
    gen = [dialogue(rng) for _ in range(8)] + [
        train[0], train[5],
        {"turns": [{"speaker": "USER", "text": "Hi"}]},
        {"turns": [{"speaker": "USER", "text": "Hi"}, {"speaker": "USER", "text": "Hello?"}]},
        {"turns": [{"speaker": "USER", "text": "Hi"}, {"speaker": "BOT", "text": "Hello."}]},
        {"turns": [{"speaker": "USER", "text": "Hi"}, {"speaker": "SYSTEM", "text": "   "}]},
        {"turns": [{"speaker": "USER", "text": "Hi"}, {"speaker": 3, "text": "Hello."}]},
        {"turns": [{"speaker": "USER", "text": "Hi"}, {"speaker": "SYSTEM", "text": None}]},
        {"turns": []},
        {"turns": "not a list"},
        {"no_turns": []},
        [{"speaker": "USER", "text": "A bare list of turns."}, {"speaker": "SYSTEM", "text": "Fine – ça marche, 東京."}],
        [{"speaker": "USER", "text": "x"}, "not an object"],
        "{not json",
        "42",
        "",
        "   ",
        {"turns": [{"speaker": "USER", "text": "Caf\u00e9 na\u0131ve e\u0301t\u00e9 x\u00b2 \U0001F600 foo_bar"}, {"speaker": "SYSTEM", "text": "OK."}]},
    ]
    text_gen = ("USER: Can you find me a restaurant in Palo Alto?\nSYSTEM: Sure, how about Tacolicious?\n\n"
                "USER: What's the weather like tomorrow?\nSYSTEM: It will be 72 degrees and sunny.\n"
                "USER: Thanks: bye\n \n\n"
                "  SYSTEM :  spaced speaker\nno colon here\n: empty speaker\n"
                "A very long speaker name that is well over forty characters: text\n\n\n"
                "USER: Hi\r\nSYSTEM: Hello there.\r\n")
    tr = jsonl_file("dialogues_train.jsonl", train)
    ho = jsonl_file("dialogues_heldout.jsonl", heldout)
    return [dict(name="dialogues", mode="dialogues", train=tr, heldout=ho, generated=jsonl_file("dialogues_generated.jsonl", gen)),
            dict(name="dialogues-text-format", mode="dialogues", train=tr, heldout=ho,
                 generated=write("dialogues_generated.txt", text_gen)),
            dict(name="dialogues-sampled", mode="dialogues", train=tr, heldout=ho,
                 generated=jsonl_file("dialogues_generated.jsonl", gen), extra=["--max-units", "9", "--samples", "7", "--seed", "3"])]


def paraphrases_case():
    rng = random.Random(15)
    words = ("the company said on Tuesday that its profit rose 12 % to $ 1,250.5 million in 2003-04 , "
             "while shares fell 3-4 points ; analysts expected more . He said : \" we are happy & proud \"").split()

    def sentence():
        return " ".join(rng.choice(words) for _ in range(rng.randint(3, 18))).replace(" ,", ",").replace(" .", ".")

    def pair():
        s = sentence()
        p = s.split()
        rng.shuffle(p)
        return {"source": s, "paraphrase": " ".join(p[: max(1, len(p) - rng.randint(0, 3))]), "id": str(rng.randint(0, 10**6))}

    train = [pair() for _ in range(30)]
    heldout = [pair() for _ in range(10)]
    heldout.append({"source": "  " + heldout[0]["source"] + " ", "paraphrase": "A second human paraphrase of it."})
    heldout.append({"source": heldout[1]["source"], "paraphrase": heldout[1]["source"]})
    gen = [pair() for _ in range(6)] + [
        {"source": heldout[0]["source"], "paraphrase": heldout[0]["paraphrase"] + " indeed."},
        {"source": heldout[1]["source"], "paraphrase": heldout[1]["source"].upper()},
        {"source": heldout[2]["source"], "paraphrase": "Completely different words here."},
        {"source": "Prices rose &amp; fell &lt;b&gt; 3,5 1.000 12-3 U.S. e.g. co-operate", "paraphrase": "Prices rose & fell <b> 3,5 1.000 12-3 U.S. e.g. co-operate"},
        {"source": "Caf\u00e9 \u00e9t\u00e9 — x² “quoted” 東京", "paraphrase": "Cafe\u0301 e\u0301te\u0301 - x2 \"quoted\" 東京"},
        {"source": "Short.", "paraphrase": "Short."},
        {"source": "Tab\tand  spaces", "paraphrase": "tab and spaces"},
        {"source": "x", "paraphrase": ""},
        "{broken json",
        {"source": "missing paraphrase"},
        {"source": 1, "paraphrase": "number source"},
        ["a", "list"],
    ]
    tr = jsonl_file("paraphrases_train.jsonl", train)
    ho = jsonl_file("paraphrases_heldout.jsonl", heldout)
    g = jsonl_file("paraphrases_generated.jsonl", gen)
    return [dict(name="paraphrases", mode="paraphrases", train=tr, heldout=ho, generated=g),
            dict(name="paraphrases-sampled", mode="paraphrases", train=tr, heldout=ho, generated=g,
                 extra=["--max-units", "5", "--samples", "4", "--seed", "7"])]


def text_case():
    rng = random.Random(16)
    vocab = ["the", "cat", "sat", "on", "mat", "café", "e\u0301te\u0301", "naïve", "東京", "x²", "foo_bar", "3.14", "—",
             "don't", "U.S.", "😀", "½", "Ⅻ", "٣٤", "a\u0301", "tab\tsep", "ß", "İ", "‿", "_", "$5", "(ok)"]

    def line():
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 14)))

    train = [line() for _ in range(60)]
    heldout = [line() for _ in range(25)]
    gen = [line() for _ in range(20)] + [train[1], "  " + train[2] + "  ", train[3] + " " + train[4], "", "\t",
                                         "x\u00a0y\u2003z\u001cw", "a" * 3 + "\u200bb"]
    tr = lines_file("text_train.txt", train)
    ho = lines_file("text_heldout.txt", heldout)
    g = lines_file("text_generated.txt", gen)
    return [dict(name="text", mode="text", train=tr, heldout=ho, generated=g),
            dict(name="text-sampled", mode="text", train=tr, heldout=ho, generated=g,
                 extra=["--max-units", "11", "--samples", "6", "--seed", "12345678901"])]


def cases():
    out = [logs_hdfs_case(), logs_apache_case(), logs_openssh_case("OpenSSH"), logs_openssh_case(None)]
    out += dialogues_case() + paraphrases_case() + text_case()
    return out


# ---------------------------------------------------------------- unit references
FORMAT_LINES = {
    "HDFS": ["081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating",
             "081131 203615 148 INFO dfs.X: y", "000229 000000 1 INFO a.b: leap 2000", "690101 000000 1 INFO a: 1969"],
    "OpenSSH": ["Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
                "Feb 29 06:55:46 LabSZ sshd[1]: leap", "Jun 31 06:55:46 LabSZ sshd[1]: June 31", "Dec  1 00:00:00 h sshd[1]: "],
    "Apache": ["[Sun Dec 04 04:47:44 2005] [notice] ok", "[Mon Dec 04 04:47:44 2005] [notice] weekday",
               "[Sat Jan 01 00:00:00 2000] [error] y2k", "[Sun Dec 04 04:47:44 0000] [notice] year 0"],
    "Linux": ["Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
              "Jun  9 06:06:20 combo syslogd 1.4.1: restart.", "Feb 30 06:06:20 combo kernel: no such day"],
    "Zookeeper": ["2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
                  "2015-02-29 17:41:44,747 - WARN  [main:QuorumPeerMain@1] - not a leap year"],
    "Hadoop": ["2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster",
               "2015-13-18 18:01:47,978 INFO [main] org.x.Y: month 13"],
    "Spark": ["17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers",
              "17/06/31 20:10:40 INFO a.B: June 31"],
    "BGL": ["- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
            "- 1117838570 2005.06.03 R02 2005-06-03-25.42.50.675872 R02 RAS KERNEL INFO hour 25"],
    "HPC": ["134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042SCSI-WWID:01000010:6005-08b4-0001-00c6-0006-3000-003d-0000\\042 is in the unavailable state (HWID=1973)",
            "1 node-1 c s 123456789 -1 nine digits"],
    "Thunderbird": ["- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
                    "- 1131566461 2005.11.09 dn228 Nov 31 12:01:01 dn228/dn228 crond[1]: Nov 31"],
    "Windows": ["2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505",
                "2016-09-28 04:30:61, Info CBS second 61"],
    "Mac": ["Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback",
            "Jul  1 09:01:05 calvisitor-10-105-160-95 com.apple.CDScheduler[43]: Thermal pressure state: 1 Memory pressure state: 0",
            "Jul  1 09:01:05 host QQ[10018] (address): with address"],
    "Android": ["03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken",
                "02-30 16:13:38.811  1702  2395 D W: Feb 30"],
    "HealthApp": ["20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
                  "20171223-22:15:29:6|Step_LSC|30002312|one fraction digit", "20171223-22:60:29:6|Step|1|minute 60"],
    "Proxifier": ["[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
                  "[02.29 16:49:06] a.exe - leap day without a year"],
    "OpenStack": ["nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
                  "x 2017-05-16 00:00:00.008 1 INFO a [b] c"],
}


def units():
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
    import sacrebleu

    rng = random.Random(99)
    out = {}
    texts = ["Hello, world!", "café e\u0301te\u0301 naïve", "foo_bar baz-qux 3.14 x² ½ Ⅻ ٣٤", "東京タワー 😀 (ok)",
             "tab\tand\u00a0nbsp\u2003em\u001csep", "don't stop—now", "‿connector ‐hyphen", "", "   ", "a\u200bb",
             "İstanbul ß ǅ", "\u0301lonely mark", "𝟘𝟙 ① ⑴"]
    out["tokens"] = [{"text": t, "tokens": evaluate.tokenize(t)} for t in texts]
    out["sample"] = []
    for seed, n, k in [(0, 10, 10), (0, 10, 3), (0, 400, 400), (0, 1600, 400), (0, 2000, 500), (1, 30, 7), (5, 5000, 2000),
                       (2**40 + 3, 100, 50), (0, 1, 1), (0, 3, 0), (12345678901, 77, 11)]:
        out["sample"].append({"seed": seed, "n": n, "k": k, "draw": random.Random(seed).sample(range(n), k)})
    out["fsum"] = []
    for _ in range(30):
        xs = [rng.uniform(-10, 10) * 10 ** rng.randint(-20, 20) for _ in range(rng.randint(1, 8))]
        out["fsum"].append({"values": xs, "sum": math.fsum(xs)})
    out["fsum"].append({"values": [0.1] * 10, "sum": math.fsum([0.1] * 10)})
    out["fsum"].append({"values": [1e100, 1.0, -1e100, 1e-100], "sum": math.fsum([1e100, 1.0, -1e100, 1e-100])})
    smooth = SmoothingFunction().method1
    words = "a b c d e f".split()
    out["nltk_bleu"] = []
    for _ in range(80):
        hyp = [rng.choice(words) for _ in range(rng.randint(1, 12))]
        refs = [[rng.choice(words) for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 4))]
        out["nltk_bleu"].append({"hypothesis": hyp, "references": refs,
                                 "bleu": float(sentence_bleu(refs, hyp, weights=(0.25, 0.25, 0.25, 0.25), smoothing_function=smooth))})
    sents = ["The cat sat on the mat.", "The cat, it sat on 1,000.5 mats -- really?", "A dog: 3-4 times &amp; more &lt;x&gt;",
             "U.S. e.g. co-operate 12-3", "Café — “quoted” 東京 x²", "", "   spaces   around   ", "<skipped> word",
             "hyphen-\nnewline", "ends with a tokenized period .", "ab.cd,ef 1.2,3 .5 ,6 7. 8,"]
    out["sacrebleu_tokens"] = [{"text": s, "tokens": sacrebleu.BLEU()._preprocess_segment(s).split()} for s in sents]
    out["sacrebleu_sentence"] = []
    for _ in range(40):
        h = " ".join(rng.choice(words + [",", ".", "1,2", "3-4"]) for _ in range(rng.randint(0, 10)))
        r = " ".join(rng.choice(words + [",", "."]) for _ in range(rng.randint(0, 10)))
        out["sacrebleu_sentence"].append({"hypothesis": h, "reference": r, "bleu": sacrebleu.sentence_bleu(h, [r]).score})
    hyps = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(12)]
    refs = [[" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(12)] for _ in range(2)]
    out["sacrebleu_corpus"] = [{"hypotheses": hyps, "references": refs[:1], "bleu": sacrebleu.corpus_bleu(hyps, refs[:1]).score},
                               {"hypotheses": hyps, "references": refs, "bleu": sacrebleu.corpus_bleu(hyps, refs).score},
                               {"hypotheses": ["a b", "c"], "references": [["a b", "c"]], "bleu": sacrebleu.corpus_bleu(["a b", "c"], [["a b", "c"]]).score}]
    # Drain3, with the judge's configuration.
    messages = ["Receiving block blk_1 src: /10.0.0.1:5000 dest: /10.0.0.2:50010",
                "Receiving block blk_2 src: /10.0.0.3:5000 dest: /10.0.0.4:50010",
                "PacketResponder 1 for block blk_1 terminating", "PacketResponder 2 for block blk_9 terminating",
                "Verification succeeded for blk_3", "Verification failed for blk_3", "Deleting block blk_4 file /x/y",
                "user alice logged in", "user bob logged in", "user bob logged out", "session 0x1F opened by -12",
                "session 0x2a opened by +7.5", "", "   ", "one", "two", "alpha beta gamma delta epsilon",
                "alpha beta zeta eta theta", "alpha x y z w", "val=12 ok", "val=13 ok", "a<*>b c", "<*> <*>"]
    messages += [f"job{i} started with {rng.choice(['fast', 'slow'])} mode" for i in range(8)]
    messages += [f"w{i} q" for i in range(110)]  # over 100 children under the length-2 node
    miner = evaluate.new_template_miner()
    added = [miner.add_log_message(m)["cluster_id"] for m in messages]
    probes = messages[:12] + ["Receiving block blk_7 src: /1.2.3.4:1 dest: /5.6.7.8:2", "user carol logged in",
                              "PacketResponder x for block blk_1 terminating", "alpha beta gamma delta zeta",
                              "w5 q", "w999 q", "zz q", "nothing like it", "", "a<*>b c", "x y", "val=99 ok"]
    out["drain"] = {"messages": messages, "clusters_added": added,
                    "templates": [c.get_template() for c in miner.drain.clusters],
                    "ids": [c.cluster_id for c in miner.drain.clusters],
                    "probes": probes,
                    "matches": [(lambda c: None if c is None else c.cluster_id)(miner.match(p, full_search_strategy="fallback")) for p in probes],
                    "masked": [miner.masker.mask(p) for p in probes + ["ip 1.2.3.4:80, 1.2.3.4a, a1.2.3.4 v1.2 -5 +6 7.8.9 0xZZ 0x1fg 0xAB"]]}
    formats = {}
    for name, lines in FORMAT_LINES.items():
        fmt = evaluate.LogFormat(name, **evaluate.LOG_FORMATS[name])
        rows = []
        for ln in lines:
            m, ts = fmt.parse(ln)
            rows.append({"line": ln, "matched": m is not None, "timestamp": None if ts is None else ts.isoformat(),
                         "level": m.group(fmt.level) if m and fmt.level else None,
                         "component": m.group(fmt.component) if m and fmt.component else None,
                         "content": m.group("Content") if m else None})
        formats[name] = rows
    out["formats"] = formats
    return out


# ---------------------------------------------------------------- corpora
def corpora():
    root = SHARED / "corpora"
    out = []
    for system in ("HDFS", "Apache", "OpenSSH"):
        d = root / "logs-loghub" / system
        tpl = d / f"{system}_2k.log_templates.csv"
        for gen in ("heldout.log", "train.log"):
            t0 = time.time()
            rep = run_judge("logs", d / "train.log", d / "heldout.log", d / gen, ["--system", system, "--templates", str(tpl)])
            out.append({"name": f"logs-{system}-{gen.split('.')[0]}", "mode": "logs",
                        "train": f"../shared/corpora/logs-loghub/{system}/train.log",
                        "heldout": f"../shared/corpora/logs-loghub/{system}/heldout.log",
                        "generated": f"../shared/corpora/logs-loghub/{system}/{gen}", "system": system,
                        "templates": f"../shared/corpora/logs-loghub/{system}/{tpl.name}",
                        "judge_seconds": round(time.time() - t0, 1), "report": rep})
            print(f"corpora: {out[-1]['name']} {out[-1]['judge_seconds']} s", file=sys.stderr)
    for mode, corpus in (("dialogues", "dialogues-sgd"), ("paraphrases", "paraphrases-mrpc")):
        d = root / corpus
        for gen in ("heldout.jsonl", "train.jsonl"):
            t0 = time.time()
            rep = run_judge(mode, d / "train.jsonl", d / "heldout.jsonl", d / gen)
            out.append({"name": f"{corpus}-{gen.split('.')[0]}", "mode": mode,
                        "train": f"../shared/corpora/{corpus}/train.jsonl",
                        "heldout": f"../shared/corpora/{corpus}/heldout.jsonl",
                        "generated": f"../shared/corpora/{corpus}/{gen}",
                        "judge_seconds": round(time.time() - t0, 1), "report": rep})
            print(f"corpora: {out[-1]['name']} {out[-1]['judge_seconds']} s", file=sys.stderr)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip-corpora", action="store_true")
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    versions = evaluate.versions()
    expected = []
    for case in cases():
        extra = list(case.get("extra", []))
        if case.get("system"):
            extra += ["--system", case["system"]]
        if case.get("templates"):
            extra += ["--templates", str(OUT / case["templates"])]
        rep = run_judge(case["mode"], OUT / case["train"], OUT / case["heldout"], OUT / case["generated"], extra)
        expected.append({**case, "extra": case.get("extra", []), "report": rep})
    meta = {"evaluate_py": "../shared/eval/text/evaluate.py", "versions": {k: versions.get(k) for k in ("python", "nltk", "sacrebleu", "drain3", "scipy")}}
    (OUT / "expected.json").write_text(json.dumps({**meta, "cases": expected}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "units.json").write_text(json.dumps({**meta, **units()}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.skip_corpora:
        (OUT / "corpora.json").write_text(json.dumps({**meta, "cases": corpora()}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
