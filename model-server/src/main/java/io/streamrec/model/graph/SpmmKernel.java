package io.streamrec.model.graph;

/**
 * One sparse × dense product over a row range: {@code dst[r] = Σ_p vals[p] · src[cols[p]]} for
 * rows r in [from, to) of a CSR matrix, with d-wide dense rows.
 */
interface SpmmKernel {
    void rows(int[] rowPtr, int[] cols, float[] vals, float[] src, float[] dst, int from, int to, int d);

    /** The SIMD kernel when the JDK's vector module is loaded ({@code --add-modules jdk.incubator.vector}), else plain Java. */
    static SpmmKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return new VectorSpmmKernel();
        }
        return new ScalarSpmmKernel();
    }
}
