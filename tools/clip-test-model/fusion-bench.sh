#!/usr/bin/env bash
# What fusing the CLIP channel does on ICDAR2015 (docs/BENCHMARKS.md, "CLIP channel"): registers a CLIP export for a
# copy of a text index, embeds the gallery, evaluates text-only and every fusion setting, then times top-10 searches.
#   bash tools/clip-test-model/fusion-bench.sh INDEX_COPY [MODEL_DIR] [DATA_DIR]
# INDEX_COPY is written to (take a copy of an index, e.g. cp -r /tmp/eval2/ic15-index /tmp/clip/ic15-index).
# MODEL_DIR defaults to the tiny test model (random weights: this then measures what a CLIP channel with no signal costs).
set -euo pipefail
cd "$(dirname "$0")/../.."
index=${1:?give a copy of an ic15 index to embed into}
model=${2:-tests/Retrieval.Models.Tests/Clip/Fixtures/hf}
data=${3:-${RETRIEVAL_DEV_DATA:-../shared/data/ic15-train}}
dotnet build src/Indexer -c Release -nologo -clp:ErrorsOnly >/dev/null
retrieval=src/Indexer/bin/Release/net10.0/retrieval
eval_ic15() { /usr/bin/time -f "  process: %e s wall, %U s user, %S s sys" "$retrieval" eval ic15 --images "$data/images" --gt "$data/gt" --index "$index" "$@" 2>&1 | grep -v "report:"; }

"$retrieval" models add-clip "$model" --index "$index"
echo "=== text only (and embed the gallery)"; eval_ic15 --embed --fusion off
for setting in "weighted 0.1" "weighted 0.2" "weighted 0.3" "weighted 0.5" "rrf 0.2" "rrf 0.5"; do
  set -- $setting
  echo "=== fusion $1, clip weight $2"; eval_ic15 --fusion "$1" --clip-weight "$2"
done

# Top-10 latency: the 200 most frequent legible words of the ground truth, one process per setting.
queries=$(mktemp)
python3 - "$data/gt" > "$queries" <<'PY'
import collections, glob, re, sys
counts = collections.Counter()
for path in glob.glob(sys.argv[1] + "/*.txt"):
    for line in open(path, encoding="utf-8-sig", errors="replace"):
        parts = line.strip().split(",", 8)
        if len(parts) == 9 and parts[8] != "###" and re.fullmatch(r"[a-z0-9]{3,}", parts[8].lower()):
            counts[parts[8].lower()] += 1
print("\n".join(w for w, _ in counts.most_common(200)))
PY
for fusion in off weighted rrf; do
  /usr/bin/time -f "  process: %e s wall, %U s user" "$retrieval" search --queries "$queries" --index "$index" --top 10 --fusion "$fusion" > "$queries.$fusion"
  python3 -c "import json,sys; ms=sorted(json.loads(l)['milliseconds'] for l in open(sys.argv[1])); print('search --top 10 --fusion $fusion: %d queries, p50 %.1f ms, p95 %.1f ms' % (len(ms), ms[len(ms)//2], ms[int(len(ms)*0.95)]))" "$queries.$fusion"
done
rm -f "$queries" "$queries".*
