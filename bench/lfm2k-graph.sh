#!/usr/bin/env bash
# lfm2k: the graph-fusion seed models MM-GEF and RedND against LightGCN and the best late-fusion
# variant (bench/lfm2k-fusion.sh's), same protocol (d=64, 300 epochs, lr 1e-3, batch 2048, seed 19,
# text (MiniLM) + vggish + whisper). K is chosen per model on validation NDCG@20 only; the pick is
# re-run with seed 20, and the cold-start study (20% of items without interactions) is run at it.
# Writes bench/results/lfm2k-<model>-k<K>.json, seeds/lfm2k-<model>-k<K>-s20.json,
# lfm2k-coldstart-<model>.json and prints the table.
# Usage: bench/lfm2k-graph.sh [EPOCHS]     (~2 h on 2 cores: MM-GEF ~4 min a run, RedND ~25 min)
#        SKIP_EXISTING=1 bench/lfm2k-graph.sh  only runs what has no results file yet
#        MMGEF_KS="0 1 2 3" REDND_KS="3" (defaults) choose the layer counts tried
set -euo pipefail
source "$(dirname "$0")/common.sh"
D="$(shared_data lfm2k lfm2k.inter)"
epochs="${1:-300}"
M=(--modality "text=$D/all-MiniLM-L6-v2.npy" --modality "vggish=$D/vggish.npy" --modality "whisper=$D/whisper.npy")
cd "$root"
mkdir -p bench/results/seeds
run() { # MODEL K SEED FILE
  if [ -n "${SKIP_EXISTING:-}" ] && [ -f "$4" ]; then return; fi
  ./streamrec train --data "$D/lfm2k.inter" --model "$1" --layers "$2" --dim 64 --epochs "$epochs" --eval-every 0 --seed "$3" \
    --out "runs/lfm2k-$1-k$2-s$3" --name "$1" --results-json "$4" "${M[@]}" 2>&1 | grep -E "Test:" | sed "s/^/$1 K=$2 seed $3: /"
}
pick() { # MODEL KS -> the K with the best validation NDCG@20
  python3 - "$@" <<'PY'
import json, sys
model, ks = sys.argv[1], sys.argv[2].split()
best = max(ks, key=lambda k: json.load(open(f"bench/results/lfm2k-{model}-k{k}.json"))["validation"]["ndcg@20"])
print(best)
PY
}
for k in ${MMGEF_KS:-0 1 2 3}; do run mmgef "$k" 19 "bench/results/lfm2k-mmgef-k$k.json"; done
for k in ${REDND_KS:-3}; do run rednd "$k" 19 "bench/results/lfm2k-rednd-k$k.json"; done
for model in mmgef rednd; do
  ks=$([ "$model" = mmgef ] && echo "${MMGEF_KS:-0 1 2 3}" || echo "${REDND_KS:-3}")
  k=$(pick "$model" "$ks")
  echo "$model: validation picks K=$k"
  run "$model" "$k" 20 "bench/results/seeds/lfm2k-$model-k$k-s20.json"
  out="bench/results/lfm2k-coldstart-$model.json"
  if [ -z "${SKIP_EXISTING:-}" ] || [ ! -f "$out" ]; then
    ./streamrec cold-start --data "$D/lfm2k.inter" "${M[@]}" --model "$model" --layers "$k" --epochs "$epochs" --out "$out" \
      2>&1 | grep -E "cold NDCG"
  fi
done
python3 - <<'PY'
import json, glob, os
print("| model | K | P@10 | R@10 | NDCG@10 | P@20 | R@20 | NDCG@20 | val NDCG@20 | s/epoch |\n|---|---|---|---|---|---|---|---|---|---|")
for f in sorted(glob.glob("bench/results/lfm2k-mmgef-k*.json") + glob.glob("bench/results/lfm2k-rednd-k*.json")):
    r = json.load(open(f)); m = r["metrics"]; v = r.get("validation", {})
    print(f"| {r['model']} | {r['layers']} | {m.get('precision@10', float('nan')):.4f} | {m.get('recall@10', float('nan')):.4f} | {m['ndcg@10']:.4f} "
          f"| {m['precision@20']:.4f} | {m['recall@20']:.4f} | {m['ndcg@20']:.4f} | {v.get('ndcg@20', float('nan')):.4f} | {r.get('seconds_per_epoch', float('nan'))} |")
for f in sorted(glob.glob("bench/results/lfm2k-coldstart-mmgef.json") + glob.glob("bench/results/lfm2k-coldstart-rednd.json")):
    r = json.load(open(f))
    print(os.path.basename(f), "cold NDCG@20:", r["fusion"]["ndcg@20"], "(LightGCN", r["lightgcn"]["ndcg@20"], ", random", r["random"]["ndcg@20"], ")")
PY
