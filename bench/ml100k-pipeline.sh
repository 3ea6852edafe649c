#!/usr/bin/env bash
# ML-100K through the whole loop (issue 5): the same protocol as bench-prequential, but the events
# go through Kafka, the graph job scores them with the served version (Flink), and the model
# server fine-tunes on the changelog. Phase 1 replays the first 20% and waits for version 1
# (trained on exactly those edges); phase 2 replays the rest at a steady rate with a training
# trigger every 1,000 edges. The rolling metrics come from the metrics topic; the summary (events
# weighted) goes to bench/results/ml100k-pipeline.json, with the in-stream baselines scored on the same
# events (most-popular with a 7-day half-life of event time: ML-100K spans 7 months; random) and the
# paired comparisons of the last five versions (against the version before and against most-popular).
#
#   bench/ml100k-pipeline.sh [rate [out.json]]     # default 500 events/s: ~3.5 min of replay
#   STREAMREC_DASHBOARD_PORT=-1 bench/ml100k-pipeline.sh 500 bench/results/ml100k-pipeline-nodashboard.json
set -euo pipefail
cd "$(dirname "$0")/.."
data="${STREAMREC_SHARED_DATA:-../shared/data}/ml-100k/u.data"
[ -f "$data" ] || { echo "ml100k-pipeline: no $data (see ../shared/data/PROVENANCE.md); skipping" >&2; exit 0; }
rate="${1:-500}"
out="${2:-bench/results/ml100k-pipeline.json}"
work=bench/work/ml100k-pipeline
port=19392
rm -rf "$work"; mkdir -p "$work" bench/results
common=(--dir "$work" --kafka-port "$port" --generate-rate 0 --trigger-interval 1h --status-every 30s
  --metrics-count-window 100 --metrics-time-window 30d --popularity-half-life 7d --model-http off
  --model-arg=--no-text --model-arg=--lr=0.001 --model-arg=--initial-epochs=200 --model-arg=--max-backlog=1000000)

stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }  # SIGTERM: background jobs ignore SIGINT
versions() { timeout 20 ./streamrec tail versions --bootstrap-servers 127.0.0.1:$port --from-beginning --max "$1" 2>/dev/null | tail -1; }

echo "phase 1: first 20,000 events, version 1 at the 20,000th edge" >&2
./streamrec pipeline "${common[@]}" --trigger-edges 20000 > "$work/phase1.log" 2>&1 &
pid=$!
until grep -q "pipeline running" "$work/phase1.log"; do sleep 1; kill -0 $pid || { cat "$work/phase1.log"; exit 1; }; done
./streamrec replay --bootstrap-servers 127.0.0.1:$port --file "$data" --limit 20000 --rate 0 >&2
until [ -n "$(versions 1)" ]; do sleep 2; done
sleep 5 # serving applies it
stop $pid

echo "phase 2: the other 80,000 at $rate/s, a trigger every 1,000 edges" >&2
./streamrec pipeline "${common[@]}" --trigger-edges 1000 > "$work/phase2.log" 2>&1 &
pid=$!
until grep -q "pipeline running" "$work/phase2.log"; do sleep 1; kill -0 $pid || { cat "$work/phase2.log"; exit 1; }; done
start=$(date +%s)
./streamrec replay --bootstrap-servers 127.0.0.1:$port --file "$data" --skip 20000 --rate "$rate" >&2
sleep 60 # the last versions and metric windows (idle flush) land
./streamrec tail metrics --bootstrap-servers 127.0.0.1:$port --from-beginning --max 1000000 > "$work/metrics.txt" 2>/dev/null &
tpid=$!; sleep 20; kill $tpid 2>/dev/null || true
./streamrec tail versions --bootstrap-servers 127.0.0.1:$port --from-beginning --max 100000 > "$work/versions.txt" 2>/dev/null &
tpid=$!; sleep 15; kill $tpid 2>/dev/null || true
stop $pid

python3 - "$work" "$rate" "$start" "${STREAMREC_DASHBOARD_PORT:-8088}" "$out" <<'PY'
import json, re, sys
work, rate, start, out_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[5]
pts = {}
live = []
paired = {}
for line in open(f"{work}/metrics.txt"):
    m = re.match(r"\S+\s+v(\d+)\s+(\S+)\s+(\S+)\s+(-?[0-9.]+)\s+\(n=(\d+)\)(.*)$", line)
    if not m:
        continue
    v, name, window, value, n, rest = int(m[1]), m[2], m[3], float(m[4]), int(m[5]), m[6]
    s = re.match(r"\s+(\w+)", rest)
    scorer = s[1] if s and s[1] != "vs" else "model"
    if name == "version_live_seconds":
        live.append(value)
    elif name.startswith("paired_"):
        a = re.search(r"vs (\S+), 95% \[(\S+), (\S+)\]", rest)
        # cumulative since the version went live: the last point of each (version, against) is its final figure
        paired[(v, a[1])] = {"version": v, "against": a[1], "delta": value, "ci95": [float(a[2]), float(a[3])], "events": n}
    elif window.startswith("time:"):
        pts.setdefault((scorer, name), []).append((v, value, n))
out = {"command": f"bench/ml100k-pipeline.sh {int(rate)}", "rate": rate, "popularity_half_life": "7d"}
for (scorer, name), p in sorted(pts.items()):
    key = name if scorer == "model" else f"{scorer}:{name}"
    n = sum(x[2] for x in p)
    out[key] = round(sum(x[1] * x[2] for x in p) / n, 6)
    if key == "ndcg@10":
        out["scored_events"] = n
    series, acc, accn = [], 0.0, 0
    for v, value, k in sorted(p):
        acc += value * k; accn += k
        if accn >= 5000:
            series.append({"through_version": v, "events": accn, key: round(acc / accn, 6)}); acc, accn = 0.0, 0
    out[key + "_per_5000"] = series
for k in ("ndcg@10", "hit_rate@10"):
    if k in out and out.get(f"most_popular:{k}"):
        out[f"model_over_most_popular:{k}"] = round(out[k] / out[f"most_popular:{k}"], 3)
last5 = sorted({v for v, _ in paired})[-5:]
out["paired_last_five_versions"] = [paired[key] for key in sorted(paired) if key[0] in last5]
out["versions"] = sum(1 for _ in open(f"{work}/versions.txt"))
out["dashboard"] = sys.argv[4] != "-1"
live.sort()
out["trigger_to_live_s_p50"] = live[len(live) // 2] if live else None
out["trigger_to_live_s_p99"] = live[min(len(live) - 1, int(0.99 * len(live)))] if live else None
json.dump(out, open(out_file, "w"), indent=2)
print(json.dumps({k: v for k, v in out.items() if not k.endswith("_per_5000")}, indent=1))
PY
