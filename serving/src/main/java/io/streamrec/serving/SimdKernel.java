package io.streamrec.serving;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMath}'s kernel on the JDK vector API: per panel of eight rows, four independent
 * 8-lane FMA chains over the components, then one compare per panel. Loaded only when the module
 * is present.
 */
final class SimdKernel implements VectorMath.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = VectorMath.LANES;

    @Override
    public float dot(float[] p, int row, int d, float[] q) {
        return VectorMath.ScalarKernel.panelDot(p, row, d, q);
    }

    @Override
    public float dot(float[] q, float[] rows, int off) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        int c = 0;
        int n = q.length;
        for (; c + 2 * L <= n; c += 2 * L) {
            a0 = FloatVector.fromArray(S, q, c).fma(FloatVector.fromArray(S, rows, off + c), a0);
            a1 = FloatVector.fromArray(S, q, c + L).fma(FloatVector.fromArray(S, rows, off + c + L), a1);
        }
        for (; c + L <= n; c += L) {
            a0 = FloatVector.fromArray(S, q, c).fma(FloatVector.fromArray(S, rows, off + c), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += q[c] * rows[off + c];
        }
        return s;
    }

    private static FloatVector panel(float[] p, int base, int d, float[] q) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int c = 0;
        for (; c + 4 <= d; c += 4) {
            int o = base + c * L;
            a0 = FloatVector.fromArray(S, p, o).fma(FloatVector.broadcast(S, q[c]), a0);
            a1 = FloatVector.fromArray(S, p, o + L).fma(FloatVector.broadcast(S, q[c + 1]), a1);
            a2 = FloatVector.fromArray(S, p, o + 2 * L).fma(FloatVector.broadcast(S, q[c + 2]), a2);
            a3 = FloatVector.fromArray(S, p, o + 3 * L).fma(FloatVector.broadcast(S, q[c + 3]), a3);
        }
        for (; c < d; c++) {
            a0 = FloatVector.fromArray(S, p, base + c * L).fma(FloatVector.broadcast(S, q[c]), a0);
        }
        return a0.add(a1).add(a2.add(a3));
    }

    @Override
    public int countAbove(float[] p, int n, int d, float[] q, float threshold) {
        int above = 0;
        int full = n / L;
        for (int b = 0; b < full; b++) {
            above += panel(p, b * d * L, d, q)
                    .compare(VectorOperators.GT, threshold)
                    .trueCount();
        }
        for (int r = full * L; r < n; r++) {
            if (dot(p, r, d, q) > threshold) {
                above++;
            }
        }
        return above;
    }

    @Override
    public int scan(float[] p, int n, int d, float[] q, float threshold, TopKHeap heap) {
        int above = 0;
        int full = n / L;
        float[] lane = new float[L];
        for (int b = 0; b < full; b++) {
            FloatVector v = panel(p, b * d * L, d, q);
            above += v.compare(VectorOperators.GT, threshold).trueCount();
            VectorMask<Float> better = heap.full() ? v.compare(VectorOperators.GT, heap.min()) : S.maskAll(true);
            if (better.anyTrue()) {
                v.intoArray(lane, 0);
                for (int j = 0; j < L; j++) {
                    heap.offer(b * L + j, lane[j]);
                }
            }
        }
        return above + VectorMath.ScalarKernel.scanRows(p, full * L, n, d, q, threshold, heap);
    }
}
