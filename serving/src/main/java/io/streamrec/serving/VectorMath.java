package io.streamrec.serving;

/**
 * Dot products over an {@link ItemTable}'s panels (rows interleaved eight at a time, so one 8-lane
 * FMA advances eight rows by one component and a scan needs no horizontal sums): the JDK vector
 * API when the {@code jdk.incubator.vector} module is in the JVM ({@code --add-modules
 * jdk.incubator.vector}, as every streamrec launcher passes), a plain loop otherwise (same results
 * up to float rounding order).
 */
public final class VectorMath {
    /** Rows per panel. */
    static final int LANES = 8;

    interface Kernel {
        /** Row {@code row} · {@code q}. */
        float dot(float[] panels, int row, int d, float[] q);

        /** How many of rows [0, n) score strictly above {@code threshold} against {@code q}. */
        int countAbove(float[] panels, int n, int d, float[] q, float threshold);

        /** {@code q} · the {@code q.length} floats of {@code rows} from {@code off} (a row-major copy: HNSW visits). */
        float dot(float[] q, float[] rows, int off);

        /** One pass: the count above {@code threshold}, and every row that could enter {@code heap} offered to it. */
        int scan(float[] panels, int n, int d, float[] q, float threshold, TopKHeap heap);
    }

    static final Kernel KERNEL = pick();

    private VectorMath() {}

    private static Kernel pick() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !Boolean.getBoolean("streamrec.scalar")) {
            try {
                return (Kernel) Class.forName("io.streamrec.serving.SimdKernel")
                        .getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarKernel();
            }
        }
        return new ScalarKernel();
    }

    /** Which kernel runs ("simd" or "scalar"), for logs and benchmark labels. */
    public static String kernel() {
        return KERNEL instanceof ScalarKernel ? "scalar" : "simd";
    }

    /**
     * The mean of rows {@code rowBase + r} for each r in {@code rows} of a row-major table with
     * {@code dim} columns, summed in double: the one "mean of these vectors" (a user placed at its
     * items, the mean item, the mean user, a table's centroid). Zeros when {@code rows} is empty.
     */
    public static float[] meanOfRows(float[] table, int dim, int rowBase, int[] rows) {
        double[] sum = new double[dim];
        for (int r : rows) {
            int o = (rowBase + r) * dim;
            for (int c = 0; c < dim; c++) {
                sum[c] += table[o + c];
            }
        }
        return divided(sum, rows.length);
    }

    /** The mean of rows [{@code from}, {@code to}) of a row-major table with {@code dim} columns; zeros when empty. */
    public static float[] meanOfRows(float[] table, int dim, int from, int to) {
        double[] sum = new double[dim];
        for (int r = from; r < to; r++) {
            int o = r * dim;
            for (int c = 0; c < dim; c++) {
                sum[c] += table[o + c];
            }
        }
        return divided(sum, to - from);
    }

    private static float[] divided(double[] sum, int n) {
        float[] mean = new float[sum.length];
        for (int c = 0; c < sum.length && n > 0; c++) {
            mean[c] = (float) (sum[c] / n);
        }
        return mean;
    }

    /** Index of component {@code c} of row {@code row} in panel layout. */
    static int at(int row, int c, int d) {
        return ((row >>> 3) * d + c) * LANES + (row & 7);
    }

    static final class ScalarKernel implements Kernel {
        /**
         * One row's dot product in exactly the SIMD kernel's arithmetic (four fused multiply-add chains
         * over components c ≡ 0, 1, 2, 3 mod 4, the remainder on the first, summed as (a0 + a1) + (a2 + a3)),
         * so a row scores the same in a scan, alone, and under either kernel: an item never outranks itself.
         */
        static float panelDot(float[] p, int row, int d, float[] q) {
            int o = (row >>> 3) * d * LANES + (row & 7);
            float a0 = 0;
            float a1 = 0;
            float a2 = 0;
            float a3 = 0;
            int c = 0;
            for (; c + 4 <= d; c += 4) {
                int i = o + c * LANES;
                a0 = Math.fma(p[i], q[c], a0);
                a1 = Math.fma(p[i + LANES], q[c + 1], a1);
                a2 = Math.fma(p[i + 2 * LANES], q[c + 2], a2);
                a3 = Math.fma(p[i + 3 * LANES], q[c + 3], a3);
            }
            for (; c < d; c++) {
                a0 = Math.fma(p[o + c * LANES], q[c], a0);
            }
            return (a0 + a1) + (a2 + a3);
        }

        @Override
        public float dot(float[] p, int row, int d, float[] q) {
            return panelDot(p, row, d, q);
        }

        @Override
        public float dot(float[] q, float[] rows, int off) {
            float s = 0;
            for (int c = 0; c < q.length; c++) {
                s += q[c] * rows[off + c];
            }
            return s;
        }

        @Override
        public int countAbove(float[] p, int n, int d, float[] q, float threshold) {
            int above = 0;
            for (int r = 0; r < n; r++) {
                if (dot(p, r, d, q) > threshold) {
                    above++;
                }
            }
            return above;
        }

        @Override
        public int scan(float[] p, int n, int d, float[] q, float threshold, TopKHeap heap) {
            return scanRows(p, 0, n, d, q, threshold, heap);
        }

        /** {@link #scan} over rows [from, n), one row at a time (also the SIMD kernel's last, partial panel). */
        static int scanRows(float[] p, int from, int n, int d, float[] q, float threshold, TopKHeap heap) {
            int above = 0;
            for (int r = from; r < n; r++) {
                float x = panelDot(p, r, d, q);
                if (x > threshold) {
                    above++;
                }
                heap.offer(r, x);
            }
            return above;
        }
    }
}
