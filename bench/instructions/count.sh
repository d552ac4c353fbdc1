#!/usr/bin/env bash
# Machine instructions per pass of the scalar graph, in the steady state, for each checkout given:
# the count of a run with 25 timed batches minus one with 5, over the 2,000 passes between them.
# Needs valgrind (apt-get install -y valgrind); takes about two minutes per checkout.
#
#   bench/instructions/count.sh [fwd|bwd] <checkout> [<checkout> ...]
set -euo pipefail
mode=$1
shift
here="$(cd "$(dirname "$0")" && pwd)"
count() {
  WARM=500 REPS=$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --single-threaded --import tsx "$here/scalar-graph.ts" "$1" "$mode" 2>&1 | awk '/Collected/ {print $4}'
}
for checkout in "$@"; do
  short=$(count "$checkout" 5)
  long=$(count "$checkout" 25)
  echo "$checkout $mode: $(( (long - short) / 2000 )) instructions per pass"
done
