package io.streamrec.model.graph;

/** Plain-Java SpMM: the fallback when the vector module is not loaded. */
final class ScalarSpmmKernel implements SpmmKernel {
    @Override
    public void rows(int[] rowPtr, int[] cols, float[] vals, float[] src, float[] dst, int from, int to, int d) {
        for (int r = from; r < to; r++) {
            int o = r * d;
            for (int j = 0; j < d; j++) {
                dst[o + j] = 0f;
            }
            for (int p = rowPtr[r], e = rowPtr[r + 1]; p < e; p++) {
                float w = vals[p];
                int c = cols[p] * d;
                for (int j = 0; j < d; j++) {
                    dst[o + j] += w * src[c + j];
                }
            }
        }
    }
}
