#!/usr/bin/env bash
# Puts our per-epoch curve beside the study's reference log, at the epochs ours evaluated:
#   bench/compare-curves.sh OUR_TRAIN_LOG REFERENCE_LOG
# Both files: line 1 config JSON, line 2 header, then Epoch T-Loss V-Loss P/R/NDCG@5,10,20,50.
# Prints TSV: epoch, T-Loss ours/ref, Recall@20 ours/ref, NDCG@20 ours/ref; then the mean
# relative gap of NDCG@20 and Recall@20 over the compared epochs.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUR_TRAIN_LOG REFERENCE_LOG" >&2; exit 2; }
awk -F'\t' '
  FNR == 1 { next }
  FNR == 2 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
  FILENAME == ARGV[1] { ours[$1] = $0; order[++n] = $1; next }
  { ref[$1] = $0 }
  END {
    print "epoch\tt_loss_ours\tt_loss_ref\trecall@20_ours\trecall@20_ref\tndcg@20_ours\tndcg@20_ref"
    a = ARGV[1]; b = ARGV[2]
    for (k = 1; k <= n; k++) {
      e = order[k]
      if (!(e in ref)) continue
      split(ours[e], o, "\t"); split(ref[e], r, "\t")
      ro = o[col[a, "Recall@20"]]; rr = r[col[b, "Recall@20"]]
      no = o[col[a, "NDCG@20"]]; nr = r[col[b, "NDCG@20"]]
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e, o[col[a, "T-Loss"]], r[col[b, "T-Loss"]], ro, rr, no, nr
      if (nr > 0 && rr > 0) { gn += (no - nr) / nr; gr += (ro - rr) / rr; m++ }
    }
    if (m > 0) printf "# mean relative gap over %d epochs: NDCG@20 %+.1f%%, Recall@20 %+.1f%%\n", m, 100 * gn / m, 100 * gr / m
  }' "$1" "$2"
