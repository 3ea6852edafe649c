#!/usr/bin/env bash
# "Beat the table": searches LightGCN settings on DbBook, training on train.txt only and
# choosing everything (configuration and epoch) on validation.txt; the test split is ranked
# once, for the chosen model, at the end.
#
#   bench/tune-dbbook.sh search   trains each configuration of the grid not yet in the table
#                                 (early stopping on validation, test never ranked) and appends
#                                 its validation NDCG@20 to bench/results/dbbook-tuning.tsv
#   bench/tune-dbbook.sh select   picks the configuration with the best validation NDCG@20 and
#                                 ranks the test split once: bench/results/dbbook-best.json
#   bench/tune-dbbook.sh          both
#
# TUNE_GRID="K d lambda lr dropout;..." replaces the default grid (several searches may run at once).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="$(shared_data dbbook validation.txt)"
work="$root/bench/work/tune-dbbook"
table="$root/bench/results/dbbook-tuning.tsv"
mkdir -p "$work" "$root/bench/results"
[ -f "$table" ] || printf 'name\tlayers\tdim\tlambda\tlr\tedge_dropout\tselected_epoch\tvalidation_ndcg@20\n' > "$table"

search() {
  local grid=(
    "2 64 1e-3 0.001 0" "3 64 1e-3 0.001 0" "3 64 1e-2 0.001 0" "2 64 1e-2 0.001 0"
    "3 256 1e-2 0.001 0" "3 64 1e-2 0.001 0.2" "3 64 3e-2 0.001 0" "1 64 1e-2 0.001 0"
    "2 512 1e-4 0.00025 0" "3 512 1e-3 0.0005 0" "2 512 1e-3 0.00025 0.1"
  )
  [ -n "${TUNE_GRID:-}" ] && IFS=';' read -r -a grid <<< "$TUNE_GRID"
  local g k d lam lr drop name ndcg epoch
  for g in "${grid[@]}"; do
    read -r k d lam lr drop <<< "$g"
    name="k$k-d$d-l$lam-lr$lr-drop$drop"
    if grep -q "^$name	" "$table"; then
      echo "== $name: already in $table" >&2
      continue
    fi
    echo "== $name" >&2
    "$root/streamrec" train --data "$data" --layers "$k" --dim "$d" --lambda "$lam" --lr "$lr" --edge-dropout "$drop" \
      --batch-size 2048 --negatives unseen --epochs 1000 --eval-every 10 --eval-split validation --patience 5 --skip-test \
      --seed 19 --out "$work/$name" >&2
    ndcg="$(grep -A12 '"validation"' "$work/$name/metrics.json" | grep '"ndcg@20"' | head -1 | sed 's/.*: *//; s/,//')"
    epoch="$(grep '"selected_epoch"' "$work/$name/metrics.json" | sed 's/.*: *//; s/,//')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$k" "$d" "$lam" "$lr" "$drop" "$epoch" "$ndcg" >> "$table"
  done
}

select_best() {
  local best
  best="$(tail -n +2 "$table" | sort -t$'\t' -k8,8 -g -r | head -1 | cut -f1)"
  echo "== best on validation: $best; ranking the test split once" >&2
  "$root/streamrec" evaluate --model "$work/$best" --data "$data" --name "lightgcn-$best" \
    --results-json "$root/bench/results/dbbook-best.json"
}

case "${1:-all}" in
  search) search ;;
  select) select_best ;;
  all) search; select_best ;;
  *) echo "usage: $0 [search|select]" >&2; exit 2 ;;
esac
