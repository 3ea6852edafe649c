package io.streamrec.serving;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link VectorMath}'s kernel on the JDK vector API: 8-lane FMA, two accumulators per row. Loaded only when the module is present. */
final class SimdKernel implements VectorMath.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = 8;

  @Override
  public float dot(float[] a, int ao, float[] b, int d) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = acc0;
    int c = 0;
    for (; c + 2 * L <= d; c += 2 * L) {
      acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, c), acc0);
      acc1 = FloatVector.fromArray(S, a, ao + c + L).fma(FloatVector.fromArray(S, b, c + L), acc1);
    }
    for (; c + L <= d; c += L) {
      acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, c), acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; c < d; c++) {
      s += a[ao + c] * b[c];
    }
    return s;
  }

  @Override
  public int countAbove(float[] data, int n, int d, float[] q, float threshold) {
    int above = 0;
    for (int r = 0, o = 0; r < n; r++, o += d) {
      if (dot(data, o, q, d) > threshold) {
        above++;
      }
    }
    return above;
  }
}
