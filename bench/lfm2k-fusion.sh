#!/usr/bin/env bash
# lfm2k: LightGCN and every implemented late-fusion variant, K = 0..3 (d=64, 300 epochs), with
# text (MiniLM) and audio (vggish, whisper) vectors; then the cold-start study.
# Writes bench/results/lfm2k-<variant>-k<K>.json and lfm2k-coldstart.json, prints a table.
# Usage: bench/lfm2k-fusion.sh [EPOCHS]      (~50 min on 2 cores)
#        SKIP_EXISTING=1 bench/lfm2k-fusion.sh  only runs the (variant, K) pairs without a results file
set -euo pipefail
source "$(dirname "$0")/common.sh"
D="$(shared_data lfm2k lfm2k.inter)"
epochs="${1:-300}"
M=(--modality "text=$D/all-MiniLM-L6-v2.npy" --modality "vggish=$D/vggish.npy" --modality "whisper=$D/whisper.npy")
variants="lightgcn frozen learned unfrozen alpha normalized equal convex early"
cd "$root"
for k in 0 1 2 3; do
  for v in $variants; do
    if [ -n "${SKIP_EXISTING:-}" ] && [ -f "bench/results/lfm2k-$v-k$k.json" ]; then continue; fi
    extra=()
    case "$v" in
      lightgcn) ;;
      convex) extra=("${M[@]}" --fusion convex --alpha-init 0.95) ;;
      *) extra=("${M[@]}" --fusion "$v") ;;
    esac
    ./streamrec train --data "$D/lfm2k.inter" --layers "$k" --dim 64 --epochs "$epochs" --eval-every 0 \
      --out "runs/lfm2k-$v-k$k" --name "$v" --results-json "bench/results/lfm2k-$v-k$k.json" "${extra[@]}" 2>&1 | grep -E "Test:" \
      | sed "s/^/K=$k $v: /"
  done
done
# the study's frozen fusion with its content alone for cold items, then ours: convex fusion + ridge content map
./streamrec cold-start --data "$D/lfm2k.inter" "${M[@]}" --fusion frozen --epochs "$epochs" --out bench/results/lfm2k-coldstart-frozen.json \
  2>&1 | grep -E "cold NDCG"
./streamrec cold-start --data "$D/lfm2k.inter" "${M[@]}" --fusion convex --alpha-init 0.95 --cold-map ridge --epochs "$epochs" \
  --out bench/results/lfm2k-coldstart.json 2>&1 | grep -E "cold NDCG"
# the validation-selected warm model (normalized, K = 0) with the ridge map
./streamrec cold-start --data "$D/lfm2k.inter" "${M[@]}" --fusion normalized --layers 0 --cold-map ridge --epochs "$epochs" \
  --out bench/results/lfm2k-coldstart-normalized-k0.json 2>&1 | grep -E "cold NDCG"
python3 - <<'PY'
import json
print("| K | variant | P@20 | R@20 | NDCG@20 | NDCG@10 |\n|---|---|---|---|---|---|")
for k in range(4):
    for v in "lightgcn frozen learned unfrozen alpha normalized equal convex early".split():
        m = json.load(open(f"bench/results/lfm2k-{v}-k{k}.json"))["metrics"]
        print(f"| {k} | {v} | {m['precision@20']:.4f} | {m['recall@20']:.4f} | {m['ndcg@20']:.4f} | {m['ndcg@10']:.4f} |")
PY
