#!/usr/bin/env python3
"""MovieLens-100K as an offline dataset with in-system content, for bench/ml100k-graph.sh.

Reads ../shared/data/ml-100k (u.data, u.item, u.genre) and writes, into OUT (default
bench/work/ml100k):
  ml100k.inter   MMRec layout: userID itemID rating x_label (0 train, 1 validation, 2 test), ids 0-based
                 (user_id - 1, movie_id - 1). Every rating is an interaction (implicit feedback).
                 Split per user by time: the user's ratings sorted by timestamp (ties by movie id), the
                 first 80% (rounded) train, the next 10% validation, the rest test; every ML-100K user has
                 >= 20 ratings, so each split is non-empty.
  ml100k_text.tsv  id<TAB>"Title (year). Genres: Action, Comedy" per movie, row = item index, for
                 `streamrec encode-text` (our MiniLM).
  genre.npy      items x 19 float32 genre indicators (u.item's last 19 columns, u.genre's order): the
                 second modality.
Deterministic. Usage: bench/ml100k-graph-data.py [ML100K_DIR] [OUT]
"""
import os
import struct
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "ml-100k")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "work", "ml100k")
os.makedirs(out, exist_ok=True)
genres = [l.split("|")[0] for l in open(os.path.join(src, "u.genre"), encoding="latin-1") if l.strip()]
items = []
for line in open(os.path.join(src, "u.item"), encoding="latin-1"):
    f = line.rstrip("\n").split("|")
    if len(f) < 5 + len(genres):
        continue
    flags = [int(x) for x in f[-len(genres):]]
    items.append((int(f[0]) - 1, f[1], flags))
items.sort()
assert [i for i, _, _ in items] == list(range(len(items))), "u.item ids are not 1..n"
by_user = {}
for line in open(os.path.join(src, "u.data")):
    u, i, r, t = (int(x) for x in line.split())
    by_user.setdefault(u - 1, []).append((t, i - 1, r))
counts = [0, 0, 0]
with open(os.path.join(out, "ml100k.inter"), "w") as w:
    w.write("userID\titemID\trating\tx_label\n")
    for u in sorted(by_user):
        rs = sorted(by_user[u])
        n = len(rs)
        n_train = round(0.8 * n)
        n_val = round(0.1 * n)
        for k, (t, i, r) in enumerate(rs):
            label = 0 if k < n_train else 1 if k < n_train + n_val else 2
            counts[label] += 1
            w.write(f"{u}\t{i}\t{r}\t{label}\n")
with open(os.path.join(out, "ml100k_text.tsv"), "w", encoding="utf-8") as w:
    w.write("id\ttext\n")
    for i, title, flags in items:
        names = [g for g, on in zip(genres, flags) if on and g != "unknown"]
        text = title + (". Genres: " + ", ".join(names) if names else "")
        w.write(f"{i}\t{text.replace(chr(9), ' ')}\n")
# .npy v1.0, little-endian float32, C order
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (len(items), len(genres))
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(os.path.join(out, "genre.npy"), "wb") as w:
    w.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1"))
    for _, _, flags in items:
        w.write(struct.pack("<%df" % len(flags), *[float(x) for x in flags]))
print(f"{len(by_user)} users, {len(items)} items; train {counts[0]}, validation {counts[1]}, test {counts[2]} -> {out}")
