#!/usr/bin/env bash
# Regenerates everything a model release is made of, from scratch: backbone conversion (checked
# against tfjs), synthetic data, training, fp32 + int8 export, measurements, manifest, reference
# outputs, card; then the numbers fitted on the released model's outputs (the manifest's scoring
# block, the default thresholds) and the demo pack's vectors. Only what ships is built; the
# variants it was chosen against build with INTACT_EXPLORE=1. Settings: models/build-config.json.
#
# Needs Node (repo node_modules: nsfwjs, @tensorflow/tfjs, onnxruntime-web, sharp) and Debian's
# Python packages:  apt-get install python3-torch python3-torchvision python3-onnx python3-opencv python3-sklearn
# and the GroceryStore dev photos at ../shared/data/grocery-dev (or INTACT_DATA=<dir>).
# Deterministic (seeded); see models/README.md for the measured run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-/usr/bin/python3}"
WORK="${INTACT_WORK:-models/.work/build}"

"$PYTHON" -c 'import torch, torchvision, onnx, cv2, sklearn' 2>/dev/null || {
  echo "models:build needs python3-torch python3-torchvision python3-onnx python3-opencv python3-sklearn (apt-get install ...)" >&2
  exit 2
}
start=$(date +%s)
rm -rf "$WORK"
mkdir -p "$WORK"
node models/tools/extract-nsfwjs.mjs "$WORK/tfjs"
node models/tools/tfjs-reference.mjs "$WORK/tfjs" "$WORK/tfjs/reference.json" 2>&1 | grep -v -e '^=*$' -e 'tfjs-node' -e 'Hi, looks like' >&2 || true
test -s "$WORK/tfjs/reference.json"
"$PYTHON" models/pipeline/verify_converter.py "$WORK/tfjs" "$WORK/tfjs/reference.json" "$WORK/converter-check.json"
"$PYTHON" models/pipeline/build.py "$WORK" models
"$PYTHON" models/pipeline/release.py "$WORK" models
"$PYTHON" models/pipeline/cards.py "$WORK" models
node models/tools/check-release.mjs models
# Numbers fitted on the released model's own outputs, through the CLI's code (selection split only):
npx tsx scripts/fit-scoring.ts "${INTACT_DATA:-../shared/data/grocery-dev}"
bash scripts/calibrate-defaults.sh 600
npm run demo:pack
echo "models:build finished in $(( $(date +%s) - start )) s" >&2
