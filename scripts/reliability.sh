#!/usr/bin/env bash
# The fault and flood tests at full size, one at a time (so that their resident-memory and latency bounds measure only
# themselves): a 100 MB header line, 1,000,000 events to a consumer that does not read, a server
# that stops reading, 10,000 FastAGI connections dropped abruptly, malformed AGI environments, an
# ARI WebSocket closed over and over, Asterisk going away with requests in flight.
#   scripts/reliability.sh [swift test arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."
ASTERISK_STRESS=full swift test --no-parallel --filter "FloodTests|ARISocketChurnTests|LossLatencyTests" "$@"
