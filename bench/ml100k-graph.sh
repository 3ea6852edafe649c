#!/usr/bin/env bash
# MovieLens-100K with in-system content: titles and genre names encoded by our MiniLM
# (`streamrec encode-text`) plus the genre indicator vector as a second modality; per-user time
# split 80/10/10 (bench/ml100k-graph-data.py documents it). LightGCN, late fusion, MM-GEF and RedND
# under lfm2k's protocol (d=64, 300 epochs, lr 1e-3, batch 2048, seed 19); K chosen on validation
# NDCG@20 per model; then the cold-start study (20% of items without interactions) at each pick.
# Writes bench/results/ml100k-<model>-k<K>.json, ml100k-coldstart-<model>.json; prints the table.
# Usage: bench/ml100k-graph.sh [EPOCHS]      (~1.5 h on 2 cores; SKIP_EXISTING=1 resumes)
#        MODELS="lightgcn normalized" COLD=0 bench/ml100k-graph.sh   a subset, without the cold-start runs
set -euo pipefail
source "$(dirname "$0")/common.sh"
src="$(shared_data ml-100k u.data)"
epochs="${1:-300}"
cd "$root"
W=bench/work/ml100k
python3 bench/ml100k-graph-data.py "$src" "$W"
[ -f "$W/minilm.npy" ] || ./streamrec encode-text --input "$W/ml100k_text.tsv" --out "$W/minilm.npy" 2>&1 | grep -E "Encoded"
M=(--modality "text=$W/minilm.npy" --modality "genre=$W/genre.npy")
run() { # NAME K EXTRA...
  local name="$1" k="$2"; shift 2
  local f="bench/results/ml100k-$name-k$k.json"
  if [ -n "${SKIP_EXISTING:-}" ] && [ -f "$f" ]; then return; fi
  ./streamrec train --data "$W/ml100k.inter" --layers "$k" --dim 64 --epochs "$epochs" --eval-every 0 \
    --out "runs/ml100k-$name-k$k" --name "$name" --results-json "$f" "$@" 2>&1 | grep -E "Test:" | sed "s/^/$name K=$k: /"
}
pick() { # NAME KS -> the K with the best validation NDCG@20
  python3 -c '
import json, sys
name, ks = sys.argv[1], sys.argv[2].split()
print(max(ks, key=lambda k: json.load(open(f"bench/results/ml100k-{name}-k{k}.json"))["validation"]["ndcg@20"]))' "$@"
}
models="${MODELS:-lightgcn normalized frozen mmgef rednd}"
on() { [[ " $models " == *" $1 "* ]]; }
if on lightgcn; then for k in 0 1 2 3; do run lightgcn "$k"; done; fi
if on normalized; then for k in 0 1 2; do run normalized "$k" "${M[@]}" --fusion normalized; done; fi
if on frozen; then for k in 0 1 2; do run frozen "$k" "${M[@]}" --fusion frozen; done; fi
if on mmgef; then for k in 0 1 2; do run mmgef "$k" "${M[@]}" --model mmgef; done; fi
if on rednd; then run rednd 3 "${M[@]}" --model rednd; fi
for name in $models; do
  case "$name" in lightgcn) ks="0 1 2 3";; rednd) ks="3";; *) ks="0 1 2";; esac
  echo "$name: validation picks K=$(pick "$name" "$ks")"
done
cold() { # NAME K ARGS...
  local name="$1" k="$2"; shift 2
  local f="bench/results/ml100k-coldstart-$name.json"
  if [ -n "${SKIP_EXISTING:-}" ] && [ -f "$f" ]; then return; fi
  ./streamrec cold-start --data "$W/ml100k.inter" "${M[@]}" --layers "$k" --epochs "$epochs" --out "$f" "$@" 2>&1 | grep -E "cold NDCG"
}
if [ "${COLD:-1}" = 1 ]; then
  on normalized && cold lf-normalized "$(pick normalized "0 1 2")" --model lf --fusion normalized --cold-map ridge
  on mmgef && cold mmgef "$(pick mmgef "0 1 2")" --model mmgef
  on rednd && cold rednd 3 --model rednd
fi
python3 - <<'PY'
import json, glob, os
print("| model | K | P@10 | R@10 | NDCG@10 | P@20 | R@20 | NDCG@20 | val NDCG@20 | s/epoch |\n|---|---|---|---|---|---|---|---|---|---|")
for f in sorted(glob.glob("bench/results/ml100k-*-k*.json")):
    r = json.load(open(f)); m = r["metrics"]; v = r.get("validation", {})
    print(f"| {r['model']} | {r['layers']} | {m['precision@10']:.4f} | {m['recall@10']:.4f} | {m['ndcg@10']:.4f} | {m['precision@20']:.4f} "
          f"| {m['recall@20']:.4f} | {m['ndcg@20']:.4f} | {v.get('ndcg@20', float('nan')):.4f} | {r.get('seconds_per_epoch', '')} |")
for f in sorted(glob.glob("bench/results/ml100k-coldstart-*.json")):
    r = json.load(open(f))
    print(os.path.basename(f), "cold NDCG@20:", r["fusion"]["ndcg@20"], "(LightGCN", r["lightgcn"]["ndcg@20"], ", random", r["random"]["ndcg@20"], ")")
PY
