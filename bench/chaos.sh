#!/usr/bin/env bash
# The long form of the chaos run (issue 15): GraphJobChaosTest with KILLS seeded random kills of the
# graph job and its broker (TaskManager failure, the same during a checkpoint, cancel and restore
# from the latest retained checkpoint, SIGKILL and restart of the broker child JVM) while ~15,000
# events per kill stream in; then every change exactly once with dense seqs, the final adjacency,
# the dead letters. Prints each kill with its recovery time (kill → next committed changelog
# record) and writes bench/results/chaos-<date>.txt. The suite runs the short form (4 kills).
#
#   bench/chaos.sh [KILLS] [SEED]        # default 10 kills, seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
kills="${1:-10}"
seed="${2:-7}"
[[ "$kills" =~ ^[1-9][0-9]*$ ]] || { echo "chaos.sh: KILLS must be a positive integer, got '$kills'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "chaos.sh: SEED must be an integer, got '$seed'" >&2; exit 2; }
mkdir -p bench/work bench/results
log=bench/work/chaos.log
out=bench/results/chaos-$(date -u +%Y-%m-%d-%H%M).txt
echo "chaos: building (flink-jobs and what it needs)" >&2
mvn -B -ntp -q -pl flink-jobs -am install -DskipTests >&2
echo "chaos: $kills kills, seed $seed (log $log)" >&2
set +e
mvn -B -ntp -pl flink-jobs surefire:test -Dtest=GraphJobChaosTest -Dstreamrec.chaos.kills="$kills" -Dstreamrec.chaos.seed="$seed" \
  -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1 &
pid=$!
seen=0
while kill -0 $pid 2>/dev/null; do
  sleep 5
  n=$(grep -c '^chaos kill' "$log" || true)
  if [ "$n" -gt "$seen" ]; then grep '^chaos kill' "$log" | sed -n "$((seen + 1)),${n}p" >&2; seen=$n; fi
done
wait $pid
rc=$?
set -e
{ echo "command: bench/chaos.sh $kills $seed"; echo "cores: $(nproc)"; grep -E '^chaos ' "$log"; } > "$out"
if [ $rc -ne 0 ]; then
  grep -E 'AssertionFailedError|expected|Tests run' "$log" | head -5 >&2
  echo "chaos: FAILED (rc $rc); see $log" >&2
  exit 1
fi
grep '^chaos seed' "$log"
echo "chaos: wrote $out" >&2
