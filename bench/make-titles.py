#!/usr/bin/env python3
"""Writes N synthetic title-length item texts (~40 characters, like the synthetic world's titles)
as the TSV `./streamrec encode-text --input` reads: a header, then id<TAB>text. Deterministic.

    python3 bench/make-titles.py 3000 > /tmp/titles.tsv
"""
import random
import sys

TOPICS = [["galaxy", "rocket", "astronaut", "planet", "orbit", "telescope"],
          ["recipe", "pasta", "baking", "kitchen", "sauce", "chef"],
          ["football", "goal", "stadium", "league", "striker", "coach"],
          ["jazz", "saxophone", "melody", "concert", "piano", "rhythm"]]
ADJECTIVES = ["ultimate", "little", "complete", "secret", "modern", "classic", "wild", "hidden"]
FORMS = ["guide to", "story of", "book about", "collection of", "introduction to", "notes on"]

n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
random.seed(3)
print("id\ttext")
for i in range(n):
    t = random.choice(TOPICS)
    print(f"item-{i}\tThe {random.choice(ADJECTIVES)} {random.choice(FORMS)} {random.choice(t)} and {random.choice(t)}")
