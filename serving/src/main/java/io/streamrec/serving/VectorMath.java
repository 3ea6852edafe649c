package io.streamrec.serving;

/**
 * Dot products over item tables: the JDK vector API when the {@code jdk.incubator.vector} module is
 * in the JVM ({@code --add-modules jdk.incubator.vector}, as every streamrec launcher passes), a
 * plain loop otherwise (same results up to float rounding order).
 */
public final class VectorMath {
  interface Kernel {
    float dot(float[] a, int ao, float[] b, int d);

    /** How many of rows [0, n) of {@code data} score strictly above {@code threshold} against {@code q}. */
    int countAbove(float[] data, int n, int d, float[] q, float threshold);
  }

  static final Kernel KERNEL = pick();

  private VectorMath() {}

  private static Kernel pick() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("streamrec.scalar")) {
      try {
        return (Kernel) Class.forName("io.streamrec.serving.SimdKernel").getDeclaredConstructor().newInstance();
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

  /** {@code a[ao..ao+d) · b[0..d)}. */
  public static float dot(float[] a, int ao, float[] b, int d) {
    return KERNEL.dot(a, ao, b, d);
  }

  public static int countAbove(float[] data, int n, int d, float[] q, float threshold) {
    return KERNEL.countAbove(data, n, d, q, threshold);
  }

  static final class ScalarKernel implements Kernel {
    @Override
    public float dot(float[] a, int ao, float[] b, int d) {
      float s = 0;
      for (int c = 0; c < d; c++) {
        s += a[ao + c] * b[c];
      }
      return s;
    }

    @Override
    public int countAbove(float[] data, int n, int d, float[] q, float threshold) {
      int above = 0;
      for (int r = 0; r < n; r++) {
        if (dot(data, r * d, q, d) > threshold) {
          above++;
        }
      }
      return above;
    }
  }
}
