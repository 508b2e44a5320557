#!/usr/bin/env bash
# Re-makes the shipped checkpoints (checkpoints/*) from the shipped corpora (corpora/*):
# one small bundle per record kind, fitted with a fixed seed and a time budget.
#
#   bash Tools/checkpoints/make_checkpoints.sh [MINUTES_PER_KIND]
#
# Run it from the repository root on an otherwise idle machine; it takes about four
# times MINUTES_PER_KIND (default 4). Each bundle is a few MB. Training is time-budgeted,
# so two runs on different machines give different (equally valid) weights; the seed
# fixes everything else.
set -euo pipefail
minutes=${1:-4}
cd "$(dirname "$0")/../.."
swift build -c release --product synth
synth=$(swift build -c release --show-bin-path)/synth
common=(--seed 1 --time-limit "$minutes")

"$synth" table fit --input corpora/transactions/train.csv --out checkpoints/transactions "${common[@]}"
"$synth" logs fit --input corpora/app-logs/train.log --header-regex-file corpora/app-logs/header.regex \
    --out checkpoints/app-logs "${common[@]}"
"$synth" dialogue fit --input corpora/support-dialogues/train.jsonl --out checkpoints/support-dialogues "${common[@]}"
"$synth" paraphrase fit --input corpora/paraphrases/train.jsonl --out checkpoints/paraphrases "${common[@]}"

# Optimizer state is not shipped (the bundles are for sampling); metrics stay as a record.
du -sh checkpoints/*
