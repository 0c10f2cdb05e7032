#!/usr/bin/env bash
# A soak of the AMI client, a FastAGI server and the ARI client against the built-in fakes, with a
# fault every few seconds (AMI connections dropped, ARI sockets reset, each fake restarted in turn):
#   scripts/soak.sh [MINUTES]        # default 10; a release build
# Prints a line of counters and the resident memory every 30 s, then a summary; exits non-zero if
# a load hung or memory kept growing. CI runs a short one (`astctl soak --seconds 8`) in the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
swift build -c release --product astctl
.build/release/astctl soak --seconds $(( minutes * 60 )) --fault-interval "${SOAK_FAULT_INTERVAL:-5}" --report-interval 30
