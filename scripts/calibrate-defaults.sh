#!/usr/bin/env bash
# Fits the decision thresholds the app ships with (src/lib/core/decision/default-thresholds.json)
# on scores the released models give a held-out labelled set: renders on the selection half of the
# val photos plus those photos (the report half is never chosen on), scored by `intact inspect`
# exactly as a user would run it (gallery = the dev train photos), then `intact calibrate`.
# usage: scripts/calibrate-defaults.sh [n_renders=800] [work_dir=models/.work/calibration]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-800}"
work="${2:-models/.work/calibration}"
data="${INTACT_DATA:-../shared/data/grocery-dev}"
mkdir -p "$work"
# The thresholds belong to the model that produced the scores: name it in the file.
model="$(node -e 'const m=require("./models/manifest.json").models.find((e)=>e.default&&e.roles.includes("damage"));console.log(`${m.id} ${m.version} (sha256 ${m.sha256.slice(0,12)})`)')"
/usr/bin/python3 scripts/render-calibration-set.py "$work/set" "$n" selection
node bin/intact.mjs inspect --gallery "$data/train" "$work/set/images" > "$work/scores.jsonl"
node bin/intact.mjs calibrate --scores "$work/scores.jsonl" --labels "$work/set/labels.csv" --target-fpr 0.001 \
  --description "held-out renders of the damage generator (seed build+2, the selection half of the grocery val photos only; $n images) plus those $(grep -c '^photo/' "$work/set/labels.csv") real val photos as good items, scored by \`intact inspect --gallery grocery-dev/train\` with model $model on $(date -u +%Y-%m-%d). Synthetic damage: real-world rates will differ; recalibrate on labelled checks from the site." \
  -o src/lib/core/decision/default-thresholds.json
