#!/usr/bin/env bash
# Reproduces docs/METHODS.md §6 Table 3 on DbBook with the study's settings (dim 512, lr 0.001,
# batch 2048, 500 epochs, seed 19, last epoch) and writes bench/results/dbbook-*.json.
# Usage: bench/reproduce-dbbook.sh [name ...]   names: lightgcn-k0..k3 scaledmf-k3 (default: all)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="$(shared_data dbbook train.txt)"
common=(--data "$data" --dim 512 --lr 0.001 --batch-size 2048 --epochs 500 --seed 19 --eval-every 10)
run() {
  local name=$1; shift
  echo "== dbbook-$name" >&2
  "$root/streamrec" train "${common[@]}" --out "$root/bench/work/dbbook-$name" --name "$name" \
    --results-json "$root/bench/results/dbbook-$name.json" "$@"
}
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(lightgcn-k0 scaledmf-k3 lightgcn-k1 lightgcn-k2 lightgcn-k3)
for n in "${names[@]}"; do
  case "$n" in
    lightgcn-k[0-9]) run "$n" --layers "${n#lightgcn-k}" ;;
    scaledmf-k[0-9]) run "$n" --layers 0 --study-degenerate-layers "${n#scaledmf-k}" ;;
    *) echo "reproduce-dbbook: unknown run '$n'" >&2; exit 2 ;;
  esac
done
