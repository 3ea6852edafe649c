package io.streamrec.serving;

/**
 * The best K rows seen so far, the user's seen items excluded, in a min-heap on (score, then the
 * higher row is worse), so ties go to the lower row whatever the scan order. Writes into a
 * {@link ServingCore.TopK}'s arrays.
 */
final class TopKHeap {
  private final int[] rows;
  private final float[] scores;
  private final int k;
  private final ItemTable table;
  private final UserState user;
  private int n;

  TopKHeap(ServingCore.TopK out, ItemTable table, UserState user) {
    this.rows = out.rows;
    this.scores = out.scores;
    this.k = out.capacity();
    this.table = table;
    this.user = user;
  }

  boolean full() {
    return n == k;
  }

  float min() {
    return scores[0];
  }

  void offer(int row, float x) {
    if (k == 0) {
      return;
    }
    if (n < k) {
      if (!user.hasSeen(table.key(row))) {
        rows[n] = row;
        scores[n] = x;
        up(n++);
      }
    } else if ((x > scores[0] || x == scores[0] && row < rows[0]) && !user.hasSeen(table.key(row))) {
      rows[0] = row;
      scores[0] = x;
      down(n);
    }
  }

  /** Sorts best first in place; returns how many. */
  int finish() {
    for (int i = n - 1; i > 0; i--) {
      swap(0, i);
      down(i);
    }
    return n;
  }

  private boolean worse(int a, int b) {
    return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
  }

  private void up(int i) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!worse(i, p)) {
        return;
      }
      swap(i, p);
      i = p;
    }
  }

  private void down(int size) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int m = i;
      if (l < size && worse(l, m)) {
        m = l;
      }
      if (r < size && worse(r, m)) {
        m = r;
      }
      if (m == i) {
        return;
      }
      swap(i, m);
      i = m;
    }
  }

  private void swap(int a, int b) {
    int t = rows[a];
    rows[a] = rows[b];
    rows[b] = t;
    float x = scores[a];
    scores[a] = scores[b];
    scores[b] = x;
  }
}
