#!/usr/bin/env bash
# Build one libFuzzer target of Fuzz/ and run it for SECONDS, seeded from ../shared/asterisk.
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags…]
# TARGET: FuzzAMIFrames | FuzzAGI | FuzzConfig | FuzzARIEvents
# Crashes land in Fuzz/artifacts/TARGET/; copy each into Tests/*/Fixtures/fuzz-regressions/ as a
# regression test. Needs Linux (libFuzzer ships with the Swift toolchain) and python3 for the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
shift $(( $# > 1 ? 2 : 1 ))
shared="${ASTERISK_SHARED:-../shared/asterisk}"
work="Fuzz/.work/$target"
corpus="$work/corpus"
mkdir -p "$corpus" "Fuzz/artifacts/$target"

# Seeds: the recorded protocol data and the sample configs, one file per message or file.
python3 - "$target" "$shared" "$corpus" <<'PY'
import json, os, sys, hashlib
target, shared, corpus = sys.argv[1:4]
captures = os.path.join(shared, "captures")
def put(data):
    if isinstance(data, str): data = data.encode("utf-8", "surrogateescape")
    if not data: return
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(corpus, name), "wb") as f: f.write(data)
def transcripts(prefixes):
    if not os.path.isdir(captures): return
    for root, _, files in os.walk(captures):
        for file in files:
            if not file.endswith(".jsonl") or not file.startswith(prefixes): continue
            chunks = {"in": [], "out": []}
            for line in open(os.path.join(root, file), encoding="utf-8"):
                item = json.loads(line)
                if isinstance(item.get("data"), str): chunks.setdefault(item.get("dir", "in"), []).append(item["data"])
            for direction, parts in chunks.items():
                put("".join(parts))
                for part in parts: put(part)
if target == "FuzzAMIFrames": transcripts(("ami-", "agi-async", "agi-classic-ami", "agi-fastagi-ami"))
elif target == "FuzzAGI":
    transcripts(("agi-fastagi.jsonl",))
    stdin = os.path.join(captures, "agi-classic-stdin.txt")
    if os.path.exists(stdin): put(open(stdin, "rb").read())
elif target == "FuzzARIEvents":
    if os.path.isdir(captures):
        for file in os.listdir(captures):
            if file.startswith("ari-") and file.endswith(".jsonl"):
                for line in open(os.path.join(captures, file), encoding="utf-8"):
                    item = json.loads(line)
                    data = item.get("data") or item.get("body")
                    if isinstance(data, str): put(data)
elif target == "FuzzConfig":
    samples = os.path.join(shared, "config-samples")
    if os.path.isdir(samples):
        for file in os.listdir(samples):
            put(open(os.path.join(samples, file), "rb").read())
print(f"{len(os.listdir(corpus))} seeds in {corpus}", file=sys.stderr)
PY

( cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product "$target" )
binary="Fuzz/.build/release/$target"
"$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="Fuzz/artifacts/$target/" "$@" "$corpus" 2>&1 | tee "$work/last-run.log"
