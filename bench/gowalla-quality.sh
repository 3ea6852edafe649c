#!/usr/bin/env bash
# LightGCN on Gowalla at the paper's settings (K=3, d=64, lr 0.001, batch 2048, λ=1e-4,
# negatives the user has not seen), for as many epochs as a time budget allows (default 60 min).
# Writes bench/results/gowalla-quality.json; per-epoch metrics in bench/work/gowalla-quality/train.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="$(shared_data gowalla train.txt)"
"$root/streamrec" train --data "$data" --layers 3 --dim 64 --lr 0.001 --batch-size 2048 --lambda 1e-4 \
  --negatives unseen --epochs 1000 --eval-every 10 --time-budget "${1:-60}" --seed 2020 \
  --out "$root/bench/work/gowalla-quality" --name lightgcn-k3 --results-json "$root/bench/results/gowalla-quality.json"
