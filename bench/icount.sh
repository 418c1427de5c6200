#!/bin/bash
# Instructions executed in W2's timed window (all threads), from valgrind's cachegrind: the run of
# bench/window-probe.ts with N steps minus the run with only its 100 warm-up steps. Load on the
# machine does not change the count, so two checkouts compare on a busy machine too (though
# under valgrind the collector's timing differs: this counts the code, not the page faults).
# Usage: bench/icount.sh DIR [N = 1000]     (about a minute per run)
set -euo pipefail
dir=$(cd "${1:-.}" && pwd); steps=${2:-1000}; here=$(cd "$(dirname "$0")" && pwd)
count() {
  local out; out=$(mktemp)
  (cd "$dir" && valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node --import tsx "$here/window-probe.ts" "$dir" "$1" >/dev/null 2>"$out")
  grep "I *refs" "$out" | sed 's/.*refs: *//; s/,//g'; rm -f "$out"
}
warm=$(count 100); full=$(count "$steps")
echo "$dir: $((full - warm)) instructions in steps 100-$steps ($full with them, $warm without)"
