#!/usr/bin/env bash
# "Beat the table": searches LightGCN settings on DbBook, training on train.txt only and
# choosing everything (configuration and epoch) on validation.txt; the test split is ranked
# once, for the chosen model, at the end. Writes bench/results/dbbook-best.json and
# bench/results/dbbook-tuning.tsv (every configuration's validation NDCG@20).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="$(shared_data dbbook validation.txt)"
work="$root/bench/work/tune-dbbook"
mkdir -p "$work" "$root/bench/results"
table="$root/bench/results/dbbook-tuning.tsv"
printf 'name\tlayers\tdim\tlambda\tlr\tedge_dropout\tselected_epoch\tvalidation_ndcg@20\n' > "$table"

# layers dim lambda lr edge-dropout (override: TUNE_GRID="3 64 1e-2 0.001 0;2 64 1e-3 0.001 0.1")
grid=(
  "2 64 1e-3 0.001 0" "3 64 1e-3 0.001 0" "3 64 1e-2 0.001 0" "2 64 1e-2 0.001 0"
  "3 256 1e-2 0.001 0" "3 64 1e-2 0.001 0.2" "3 64 3e-2 0.001 0" "1 64 1e-2 0.001 0"
)
[ -n "${TUNE_GRID:-}" ] && IFS=';' read -r -a grid <<< "$TUNE_GRID"
for g in "${grid[@]}"; do
  read -r k d lam lr drop <<< "$g"
  name="k$k-d$d-l$lam-lr$lr-drop$drop"
  echo "== $name" >&2
  "$root/streamrec" train --data "$data" --layers "$k" --dim "$d" --lambda "$lam" --lr "$lr" --edge-dropout "$drop" --batch-size 2048 \
    --negatives unseen --epochs 1000 --eval-every 10 --eval-split validation --patience 5 --skip-test --seed 19 \
    --out "$work/$name" >&2
  ndcg="$(grep -A12 '"validation"' "$work/$name/metrics.json" | grep '"ndcg@20"' | head -1 | sed 's/[^0-9.eE-]//g')"
  epoch="$(grep '"selected_epoch"' "$work/$name/metrics.json" | sed 's/[^0-9]//g')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$k" "$d" "$lam" "$lr" "$drop" "$epoch" "$ndcg" >> "$table"
done
best="$(tail -n +2 "$table" | sort -t$'\t' -k8,8 -g -r | head -1 | cut -f1)"
echo "== best on validation: $best; ranking the test split once" >&2
"$root/streamrec" evaluate --model "$work/$best" --data "$data" --name "lightgcn-$best" \
  --results-json "$root/bench/results/dbbook-best.json"
