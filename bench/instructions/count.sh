#!/usr/bin/env bash
# Machine instructions per pass, in the steady state, for each checkout given (one whose packages
# are built): the count of a long run minus a short one, divided by the passes between them.
#   fwd|bwd   the scalar suite's graph (scalar-graph.ts): 25 minus 5 batches of 100 passes
#   mlp|cnn   the mlp or cnn suite's training step (train-step.ts): 60 minus 10 steps, one thread
#   nn300     the main job's tanh network with momentum and weight decay, the same way
# Needs valgrind (apt-get install -y valgrind); takes a few minutes per checkout.
#
#   bench/instructions/count.sh [fwd|bwd|mlp|cnn|nn300] <checkout> [<checkout> ...]
set -euo pipefail
mode=$1
shift
here="$(cd "$(dirname "$0")" && pwd)"
case $mode in
  fwd | bwd) script=scalar-graph.ts short=5 long=25 passes=2000 warm=500 ;;
  mlp | cnn | nn300) script=train-step.ts short=10 long=60 passes=50 warm=30 ;;
  *) echo "usage: $0 [fwd|bwd|mlp|cnn|nn300] <checkout>..." >&2 && exit 2 ;;
esac
count() {
  TSX_TSCONFIG_PATH="$here/../tsconfig.dist.json" BACKPROP_THREADS=1 WARM=$warm REPS=$2 \
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --single-threaded --import tsx "$here/$script" "$1" "$mode" 2>&1 | awk '/Collected/ {print $4}'
}
for checkout in "$@"; do
  # One plain run first, so that tsx's compile cache is warm for both counted runs: a cache miss in
  # only one of them moved the difference by 5%.
  TSX_TSCONFIG_PATH="$here/../tsconfig.dist.json" BACKPROP_THREADS=1 WARM=1 REPS=1 \
    node --single-threaded --import tsx "$here/$script" "$checkout" "$mode" >/dev/null
  a=$(count "$checkout" $short)
  b=$(count "$checkout" $long)
  echo "$checkout $mode: $(((b - a) / passes)) instructions per pass"
done
