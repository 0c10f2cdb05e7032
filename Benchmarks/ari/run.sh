#!/usr/bin/env bash
# ARI benchmark: the Swift client (ari-bench) and aioari from PyPI against the same fake ARI server
# process, in one run. Needs ../shared/asterisk (API description and the recorded event stream).
#   Benchmarks/ari/run.sh [--events N] [--requests N] [--concurrency C]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=200000 requests=20000 concurrency=8 port=${BENCH_PORT:-17301}
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2;; --requests) requests=$2; shift 2;; --concurrency) concurrency=$2; shift 2;;
    *) echo "unknown option $1"; exit 2;;
  esac
done
shared=../shared/asterisk
[ -d "$shared/ari-api-docs" ] || { echo "skipped: $shared/ari-api-docs is absent"; exit 0; }
venv=${TMPDIR:-/tmp}/ari-bench-venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q aioari==0.10.2; }
swift build -c release --product ari-bench >/dev/null
bench=.build/release/ari-bench
$bench serve $port "$shared/ari-api-docs" "$shared/captures/ari-events.jsonl" $events & server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
echo "# $(date -u +%FT%TZ) events=$events requests=$requests concurrency=$concurrency cores=$(nproc)"
printf 'ari-events swift-asterisk %s\n' "$($bench events $port | grep RESULT)"
printf 'ari-events swift-asterisk %s\n' "$($bench raw $port | grep RESULT)"
printf 'ari-events aioari         %s\n' "$("$venv/bin/python" Benchmarks/ari/aioari_peer.py events $port | grep RESULT)"
printf 'ari-rest   swift-asterisk %s\n' "$($bench rest $port $requests $concurrency | grep RESULT)"
printf 'ari-rest   swift-asterisk %s\n' "$($bench rest $port $requests $concurrency --on-client-loop | grep RESULT)"
printf 'ari-rest   aioari         %s\n' "$("$venv/bin/python" Benchmarks/ari/aioari_peer.py rest $port $((requests / 4)) $concurrency | grep RESULT)"
