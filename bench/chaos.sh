#!/usr/bin/env bash
# The long form of the chaos runs (issue 15). By default the whole local loop (LoopChaosTest: the
# broker as a child JVM, the graph job with serving, the model server with a model served, the
# world): KILLS seeded random kills, each round every kind once (SIGKILL of the model server, a
# TaskManager failure, the same during a checkpoint, cancel and resubmit from the latest retained
# checkpoint, SIGKILL and restart of the broker); then the changelog against a replay of the
# accepted interactions, the last version against the live edges, no seen item recommended, the
# metrics counting every new edge once, no user scored with a mix of versions. With --graph-only:
# GraphJobChaosTest (the graph job and its broker, ~15,000 events per kill; every change once, the
# final adjacency, the dead letters). Prints each kill with its recovery time and writes
# bench/results/chaos-<date>.txt (chaos-graph-<date>.txt). The suite runs one round of each.
#
#   bench/chaos.sh [--graph-only] [KILLS] [SEED]     # default 10 kills, seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
graph=0
if [ "${1:-}" = --graph-only ]; then graph=1; shift; fi
kills="${1:-10}"
seed="${2:-7}"
[[ "$kills" =~ ^[1-9][0-9]*$ ]] || { echo "chaos.sh: KILLS must be a positive integer, got '$kills'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "chaos.sh: SEED must be an integer, got '$seed'" >&2; exit 2; }
mkdir -p bench/work bench/results
log=bench/work/chaos.log
if [ $graph = 1 ]; then
  module=flink-jobs test=GraphJobChaosTest tag='chaos' flag='--graph-only ' build=(-pl flink-jobs -am)
  out=bench/results/chaos-graph-$(date -u +%Y-%m-%d-%H%M).txt
else
  module=tests test=LoopChaosTest tag='loop chaos' flag='' build=() # the tests use the job jar: everything
  out=bench/results/chaos-$(date -u +%Y-%m-%d-%H%M).txt
fi
echo "chaos: building ($module and what it needs)" >&2
mvn -B -ntp -q "${build[@]}" install -DskipTests >&2
echo "chaos: $test, $kills kills, seed $seed (log $log)" >&2
set +e
mvn -B -ntp -pl $module surefire:test -Dtest=$test -Dstreamrec.chaos.kills="$kills" -Dstreamrec.chaos.seed="$seed" \
  -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1 &
pid=$!
seen=0
while kill -0 $pid 2>/dev/null; do
  sleep 5
  n=$(grep -c "^$tag kill" "$log" || true)
  if [ "$n" -gt "$seen" ]; then grep "^$tag kill" "$log" | sed -n "$((seen + 1)),${n}p" >&2; seen=$n; fi
done
wait $pid
rc=$?
set -e
{ echo "command: bench/chaos.sh $flag$kills $seed"; echo "cores: $(nproc)"; grep -E "^$tag " "$log"; } > "$out"
if [ $rc -ne 0 ]; then
  grep -E 'AssertionFailedError|expected|Tests run' "$log" | head -5 >&2
  echo "chaos: FAILED (rc $rc); see $log" >&2
  exit 1
fi
grep "^$tag seed" "$log"
echo "chaos: wrote $out" >&2
