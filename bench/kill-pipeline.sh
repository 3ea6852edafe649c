#!/usr/bin/env bash
# SIGKILL of the whole `./streamrec pipeline` process (as the OOM killer would do it), then the same
# command again (issue 15). Measures: how long its model-server child outlives it (it must exit on
# its own: --parent-pid), how long the restart takes to run again, and how long until a new model
# version is published after the restart; checks that the restart resumed (graph job from its
# checkpoint, model server from its snapshot) and that versions kept growing. Repeats ROUNDS times.
# Writes bench/results/kill-pipeline-<date>.txt.
#
#   bench/kill-pipeline.sh [ROUNDS]       # default 3
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
rounds="${1:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "kill-pipeline.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
work=bench/work/kill-pipeline
port=19412
rm -rf "$work"; mkdir -p "$work" bench/results
out=bench/results/kill-pipeline-$(date -u +%Y-%m-%d-%H%M).txt
cmd=(./streamrec pipeline --dir "$work/state" --kafka-port "$port" --generate-rate 300 --trigger-interval 5s --status-every 5s
  --model-http off --model-arg=--no-text --model-arg=--initial-epochs=5)
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# the newest model version on the embeddings topic (0: none)
versions() { timeout 20 ./streamrec tail versions --bootstrap-servers 127.0.0.1:$port --from-beginning --max 1000 2>/dev/null \
  | grep -oE " version [0-9]+" | awk '{ if ($2 > m) m = $2 } END { print m + 0 }' || true; }
model_server() { pgrep -f "Streamrec serve.*$work" || true; }
start() {
  "${cmd[@]}" >> "$work/pipeline.log" 2>&1 &
  pid=$!
  local t0; t0=$(now)
  until grep -q "pipeline running" <(tail -n +"$1" "$work/pipeline.log"); do
    sleep 0.2; kill -0 $pid 2>/dev/null || { tail -30 "$work/pipeline.log"; exit 1; }
  done
  running_after=$(secs "$t0" "$(now)")
}
echo "command: bench/kill-pipeline.sh $rounds   ($(nproc) cores; world at 300 events/s, a trigger every 5 s, --no-text)" | tee "$out"
start 1
echo "kill-pipeline: first start running in ${running_after} s; waiting for version 2" >&2
until [ "$(versions)" -ge 2 ]; do sleep 2; done
for r in $(seq 1 "$rounds"); do
  sleep $((3 + RANDOM % 5))
  before=$(versions)
  ms=$(model_server)
  [ -n "$ms" ] || { echo "kill-pipeline: no model-server child found" >&2; exit 1; }
  t0=$(now)
  kill -9 $pid
  wait $pid 2>/dev/null || true
  while [ -n "$(model_server)" ]; do sleep 0.1; done
  orphan=$(secs "$t0" "$(now)")
  lines=$(($(wc -l < "$work/pipeline.log") + 1))
  mlines=$(($(wc -l < "$work/state/model-server.log") + 1))
  t1=$(now)
  start "$lines"
  until tail -n +"$mlines" "$work/state/model-server.log" | grep -q "Published version"; do sleep 0.2; done
  version_after=$(secs "$t1" "$(now)")
  published=$(tail -n +"$mlines" "$work/state/model-server.log" | grep -oE "Published version [0-9]+" | head -1)
  resumed=$(tail -n +"$lines" "$work/pipeline.log" | grep -oE "resumed from [^)]*|fresh start" | head -1)
  restored=$(tail -n +"$mlines" "$work/state/model-server.log" | grep -oE "Restored snapshot version [0-9]+|NO INTACT SNAPSHOT|No snapshot" | head -1)
  line="round $r: SIGKILL of the pipeline; its model server exited ${orphan} s later; restart running in ${running_after} s ($resumed; $restored); first version after it ($published; $before before the kill) ${version_after} s after the restart began"
  echo "$line" | tee -a "$out"
  case "$resumed" in "resumed from"*) ;; *) echo "kill-pipeline: the restart did not resume from a checkpoint" >&2; exit 1 ;; esac
done
kill -TERM $pid; wait $pid 2>/dev/null || true
echo "kill-pipeline: wrote $out" >&2
