#!/usr/bin/env bash
# Fits the decision thresholds the app ships with (src/lib/core/decision/default-thresholds.json)
# on scores the released models give held-out labelled sets, then reports what they do on sets
# no choice touched:
#   fit (SELECTION half of the val photos): renders of the damage generator on those photos plus
#   the photos themselves as good items ("renders"), and logical anomalies the comparison with
#   references catches, spills beside the item and broken 4-packs ("logical"), all scored by
#   `intact inspect` exactly as a user would run it, then `intact calibrate` (which keeps the
#   fused score no worse than its best input on either set: core/decision/fusion-guard.ts);
#   report (REPORT half): the same kinds of sets, scored with the fitted thresholds, figures per set.
# usage: scripts/calibrate-defaults.sh [n_renders=800] [work_dir=models/.work/calibration]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-800}"
work="${2:-models/.work/calibration}"
data="${INTACT_DATA:-../shared/data/grocery-dev}"
mkdir -p "$work"
# The thresholds belong to the model that produced the scores: name it in the file.
model="$(node -e 'const m=require("./models/manifest.json").models.find((e)=>e.default&&e.roles.includes("damage"));console.log(`${m.id} ${m.version} (sha256 ${m.sha256.slice(0,12)})`)')"

score_split() { # $1 = selection|report: renders + logical set of that split, scored and labelled
  local split="$1" dir="$work/$1"
  /usr/bin/python3 scripts/render-calibration-set.py "$dir/renders" "$n" "$split"
  npx tsx scripts/render-logical-set.ts "$dir/logical" "$split" "$data"
  node bin/intact.mjs inspect --gallery "$dir/logical/gallery" "$dir/renders/images" "$dir/logical/images" > "$dir/scores.jsonl"
  { echo "image,label,category,set"; tail -n +2 "$dir/renders/labels.csv" | sed 's/$/,,renders/'; tail -n +2 "$dir/logical/labels.csv"; } > "$dir/labels.csv"
}

score_split selection
good=$(grep -c '^photo/' "$work/selection/renders/labels.csv")
node bin/intact.mjs calibrate --scores "$work/selection/scores.jsonl" --labels "$work/selection/labels.csv" --target-fpr 0.001 \
  --description "the selection half of the grocery val photos: $n held-out renders of the damage generator on them plus those $good photos as good items, and spills beside the item and broken 4-packs drawn on them, scored by \`intact inspect\` (gallery: the dev train photos and their 4-packs) with model $model on $(date -u +%Y-%m-%d). Synthetic damage: real-world rates will differ; recalibrate on labelled checks from the site." \
  -o src/lib/core/decision/default-thresholds.json
score_split report
npx tsx scripts/report-defaults.ts "$work/report/scores.jsonl" "$work/report/labels.csv" | tee "$work/report/figures.json"
