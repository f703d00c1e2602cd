#!/usr/bin/env bash
# Installs the comparison peer, @gutenye/ocr-node@1.4.8 (a Node.js PP-OCRv4 pipeline on the same models),
# into the cache outside the repository, and prints its folder. Its onnxruntime-node install script tries
# to download GPU files and fails here, so scripts are skipped: the CPU library is inside the package.
set -euo pipefail
cache="${RETRIEVAL_CACHE:-$HOME/.cache/retrieval}"
dir="$cache/peer-ocr-node-1.4.8"
if [ ! -f "$dir/.complete" ]; then
  command -v npm >/dev/null || { echo "peer/install: npm is required" >&2; exit 1; }
  mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null && npm install --ignore-scripts --no-audit --no-fund @gutenye/ocr-node@1.4.8 >/dev/null)
  touch "$dir/.complete"
fi
cp "$(dirname "$0")/read.mjs" "$dir/read.mjs"
echo "$dir"
