package io.streamrec.serving;

/**
 * Folds a user's interactions since a model version into the user's vector of that version, the
 * way LightGCN's propagation would (a user's embedding aggregates its items'): the direction of
 * the trained vector and the direction of the mean of the new items' vectors, weighted by how
 * many items each stands for. Used by {@link ServingCore#place}, so serving and the offline prequential replay fold in alike.
 */
public final class FoldIn {
    private FoldIn() {}

    /** {@code (wu · user/|user| + wn · mean/|mean|) / (wu + wn)}. */
    public static float[] blend(float[] user, int wu, float[] mean, int wn) {
        double nu = norm(user);
        double nm = norm(mean);
        if (nu == 0 || nm == 0) {
            return nu == 0 ? mean : user;
        }
        float[] out = new float[user.length];
        double a = wu / (nu * (wu + wn));
        double b = wn / (nm * (wu + wn));
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) (a * user[c] + b * mean[c]);
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
