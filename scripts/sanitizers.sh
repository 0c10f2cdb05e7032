#!/usr/bin/env bash
# The whole test suite under ThreadSanitizer and AddressSanitizer, each in a build directory of its
# own (so the normal .build stays as it is):
#   scripts/sanitizers.sh            # both
#   scripts/sanitizers.sh thread     # one of them
# Extra arguments after the sanitizer go to `swift test` (e.g. --filter AMI).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
[ $# -gt 0 ] && shift
run() {
    local sanitizer="$1"; shift
    echo "== swift test --sanitize=$sanitizer"
    # TSan: report every race and fail; ASan: leaks are not errors (Swift's runtime keeps caches alive),
    # and freed memory is held back 16 MB at most (ASan's default 256 MB quarantine reads as growth in
    # the tests that bound resident memory, such as the short soak).
    # Sanitized code runs several times slower: the fakes' and tests' waits stretch with it.
    ASTERISK_TEST_TIME_SCALE="${ASTERISK_TEST_TIME_SCALE:-4}" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" ASAN_OPTIONS="detect_leaks=0:quarantine_size_mb=16" \
        swift test --sanitize="$sanitizer" --build-path ".build-$sanitizer" "$@"
}
case "$which" in
    thread|address) run "$which" "$@" ;;
    both)
        # Both run even when the first fails, so one run reports everything; the exit status says whether both passed.
        status=0
        run thread "$@" || status=$?
        run address "$@" || status=$?
        exit "$status" ;;
    *) echo "usage: scripts/sanitizers.sh [thread|address|both] [swift test arguments…]" >&2; exit 64 ;;
esac
