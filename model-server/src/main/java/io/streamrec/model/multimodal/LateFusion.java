package io.streamrec.model.multimodal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.streamrec.model.graph.ScalarTensors;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * LF-MMLGCN late fusion (docs/METHODS.md §2) and its variants, as a differentiable function on DJL
 * that both training backends call on the batch's item rows (so PyTorch autograd gives the
 * gradient for e_i and for whatever the variant learns).
 *
 * <p>For item i with collaborative embedding e_i (the LightGCN output) and the modalities P_i
 * it has, n_i = |P_i|, each modality vector L2-normalised and projected to d by its own linear
 * map, p_i^j = m_i^j W_j (W_j d_j × d, initialised uniform ±1/√d_j, seeded), S_i = Σ_j p_i^j:
 *
 * <ul>
 *   <li>{@code frozen}: (e_i + S_i) / (n_i + 1), W_j a fixed random projection (the study's);
 *   <li>{@code learned}: the same with W_j trained with the model;
 *   <li>{@code unfrozen}: the same with every projected vector p_i^j a trainable parameter,
 *       initialised from the projection;
 *   <li>{@code alpha}: (α e_i + (1 − α) S_i) / (n_i + 1), α = sigmoid(w), w learned from w₀;
 *   <li>{@code normalized}: (n_i e_i/‖e_i‖ + Σ_j p_i^j/‖p_i^j‖) / (n_i + 1);
 *   <li>{@code equal}: (e_i + S_i / n_i) / 2;
 *   <li>{@code convex} (ours): α e_i + (1 − α) S_i / n_i with learned α: no 1/(n_i+1) shrinking,
 *       so α → 1 is exactly LightGCN;
 *   <li>{@code early}: the content C_i = S_i / n_i (fixed projection) is added to item i's
 *       layer-0 embedding before propagation ({@link #earlyContent}), so it reaches users and
 *       neighbours through the graph; no late mixing.
 * </ul>
 *
 * Rules for what is missing: a modality an item lacks is left out of its mean (n_i counts only
 * what it has); an item with no modality keeps e_i; an item with no interaction takes its
 * content alone, S_i / n_i ({@link #contentOnlyFor}). Users keep their LightGCN embedding;
 * score = e_u · fused_i.
 */
public final class LateFusion {
    /** The variants. */
    public enum Variant {
        FROZEN,
        LEARNED,
        UNFROZEN,
        ALPHA,
        NORMALIZED,
        EQUAL,
        CONVEX,
        EARLY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Variant variant;
    private final int numItems;
    private final int dim;
    private final List<ModalityVectors> modalities;
    private final List<float[]> projections = new ArrayList<>(); // W_j, d_j × d, as initialised
    private final int[] count; // n_i
    private boolean[] contentOnly;
    private float w; // alpha = sigmoid(w)

    // On the trainer's device once attached.
    private NDManager manager;
    private ScalarTensors scalars; // constants multiplied in the autograd graph (see ScalarTensors)
    private final List<NDArray> features = new ArrayList<>(); // M_j, items × d_j (rows of missing modalities are 0)
    private final List<NDArray> masks = new ArrayList<>(); // items × 1
    private final Map<String, NDArray> params = new LinkedHashMap<>(); // what the variant learns
    private final List<NDArray> projected = new ArrayList<>(); // W_j or P_j (unfrozen)
    private NDArray invN; // 1/n_i, 0 where n_i = 0
    private NDArray invN1; // 1/(n_i + 1)
    private NDArray nCount; // n_i
    private NDArray gateNormal;
    private NDArray gateContent;
    private NDArray gatePlain;

    public LateFusion(Variant variant, List<ModalityVectors> modalities, int dim, long seed) {
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException("late fusion needs at least one modality");
        }
        this.variant = variant;
        this.numItems = modalities.get(0).numItems();
        this.dim = dim;
        this.modalities = List.copyOf(modalities);
        this.count = new int[numItems];
        this.contentOnly = new boolean[numItems];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (ModalityVectors m : modalities) {
            if (m.numItems() != numItems) {
                throw new IllegalArgumentException(
                        m + " covers " + m.numItems() + " items, " + modalities.get(0) + " covers " + numItems);
            }
            float bound = (float) (1 / Math.sqrt(m.dim()));
            float[] wj = new float[m.dim() * dim];
            for (int k = 0; k < wj.length; k++) {
                wj[k] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            projections.add(wj);
            for (int i = 0; i < numItems; i++) {
                if (m.get(i) != null) {
                    count[i]++;
                }
            }
        }
    }

    public static Variant parse(String s) {
        for (Variant v : Variant.values()) {
            if (v.wireName().equals(s.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("fusion variant '" + s + "' is not one of none, " + names());
    }

    /** The variants' names, comma-separated. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Variant v : Variant.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(v.wireName());
        }
        return b.toString();
    }

    /**
     * Items without any interaction (degree 0 in the training graph) have an untrained e_i, pure
     * noise: they take their content alone, S_i / n_i, so a new item with content is ranked by
     * what it is. Items with neither edges nor modalities keep e_i. Call before {@link #attach}.
     */
    public void contentOnlyFor(boolean[] noEdges) {
        for (int i = 0; i < numItems; i++) {
            contentOnly[i] = noEdges[i] && count[i] > 0;
        }
        if (manager != null) {
            makeGates();
        }
    }

    /** Places the fusion's constants and parameters on {@code parent}'s device (once). */
    public void attach(NDManager parent) {
        if (manager != null) {
            throw new IllegalStateException("this fusion is already attached to a trainer");
        }
        manager = parent.newSubManager();
        scalars = new ScalarTensors(manager);
        float[] inv = new float[numItems];
        float[] inv1 = new float[numItems];
        float[] n = new float[numItems];
        for (int i = 0; i < numItems; i++) {
            inv[i] = count[i] == 0 ? 0f : 1f / count[i];
            inv1[i] = 1f / (count[i] + 1);
            n[i] = count[i];
        }
        invN = column(inv);
        invN1 = column(inv1);
        nCount = column(n);
        for (int j = 0; j < modalities.size(); j++) {
            ModalityVectors m = modalities.get(j);
            float[] x = new float[numItems * m.dim()];
            float[] mask = new float[numItems];
            for (int i = 0; i < numItems; i++) {
                float[] v = m.get(i);
                if (v != null) {
                    System.arraycopy(v, 0, x, i * m.dim(), m.dim());
                    mask[i] = 1f;
                }
            }
            NDArray mj = manager.create(x, new Shape(numItems, m.dim()));
            NDArray wj = manager.create(projections.get(j), new Shape(m.dim(), dim));
            features.add(mj);
            masks.add(column(mask));
            if (variant == Variant.UNFROZEN) {
                NDArray pj = mj.matMul(wj);
                pj.attach(manager);
                wj.close();
                pj.setRequiresGradient(true);
                params.put("fusion.P." + m.name(), pj);
                projected.add(pj);
            } else {
                if (variant == Variant.LEARNED) {
                    wj.setRequiresGradient(true);
                    params.put("fusion.W." + m.name(), wj);
                }
                projected.add(wj);
            }
        }
        if (learnsAlpha()) {
            NDArray a = manager.create(new float[] {w}, new Shape(1));
            a.setRequiresGradient(true);
            params.put("fusion.alpha", a);
        }
        makeGates();
    }

    private void makeGates() {
        float[] normal = new float[numItems];
        float[] content = new float[numItems];
        float[] plain = new float[numItems];
        for (int i = 0; i < numItems; i++) {
            if (count[i] == 0) {
                plain[i] = 1f;
            } else if (contentOnly[i]) {
                content[i] = 1f;
            } else {
                normal[i] = 1f;
            }
        }
        for (NDArray old : new NDArray[] {gateNormal, gateContent, gatePlain}) {
            if (old != null) {
                old.close();
            }
        }
        gateNormal = column(normal);
        gateContent = column(content);
        gatePlain = column(plain);
    }

    private NDArray column(float[] v) {
        return manager.create(v, new Shape(v.length, 1));
    }

    /**
     * Temporarily attaches every array of the fusion to {@code sub}, so that what a step computes
     * from them is freed with the step (DJL attaches a result to its first operand's manager).
     */
    public void tempAttach(NDManager sub) {
        for (NDArray a : all()) {
            a.tempAttach(sub);
        }
    }

    /** Every array once (a learned W_j is both a projection and a parameter; attaching one twice would free it with the step). */
    private Collection<NDArray> all() {
        Set<NDArray> a = Collections.newSetFromMap(new IdentityHashMap<>());
        a.addAll(features);
        a.addAll(masks);
        a.addAll(projected);
        a.addAll(params.values());
        a.addAll(List.of(invN, invN1, nCount, gateNormal, gateContent, gatePlain));
        return a;
    }

    /** The trainable parameters by name (empty for frozen, equal, normalized, early). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * fused rows for {@code rows} (b × d, the collaborative item embeddings) of {@code items} (b,
     * int64 item indices): differentiable in the rows and in the parameters.
     */
    public NDArray fuse(NDArray rows, NDArray items) {
        NDIndex at = new NDIndex("{}", items);
        NDArray sum = null;
        NDArray sumNormalised = null;
        for (int j = 0; j < modalities.size(); j++) {
            NDArray pj = variant == Variant.UNFROZEN
                    ? projected.get(j).get(at)
                    : features.get(j).get(at).matMul(projected.get(j));
            pj = pj.mul(masks.get(j).get(at));
            sum = sum == null ? pj : sum.add(pj);
            if (variant == Variant.NORMALIZED) {
                NDArray unit =
                        pj.div(pj.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
                sumNormalised = sumNormalised == null ? unit : sumNormalised.add(unit);
            }
        }
        NDArray content = sum.mul(invN.get(at)); // S_i / n_i
        NDArray normal = switch (variant) {
            case FROZEN, LEARNED, UNFROZEN -> rows.add(sum).mul(invN1.get(at));
            case ALPHA -> {
                NDArray alpha = alphaArray();
                yield rows.mul(alpha).add(sum.mul(alpha.neg().add(1f))).mul(invN1.get(at));
            }
            case NORMALIZED ->
                rows.div(rows.square().sum(new int[] {1}, true).add(1e-12f).sqrt())
                        .mul(nCount.get(at))
                        .add(sumNormalised)
                        .mul(invN1.get(at));
            case EQUAL -> rows.add(content).mul(scalars.of(0.5f));
            case CONVEX -> {
                NDArray alpha = alphaArray();
                yield rows.mul(alpha).add(content.mul(alpha.neg().add(1f)));
            }
            case EARLY -> rows;
        };
        return normal.mul(gateNormal.get(at))
                .add(content.mul(gateContent.get(at)))
                .add(rows.mul(gatePlain.get(at)));
    }

    private NDArray alphaArray() {
        return Activation.sigmoid(params.get("fusion.alpha"));
    }

    /** Fuses every item row of a users-first N×d table in place. */
    public void fuseItems(float[] table, int numUsers) {
        requireAttached();
        try (NDManager sub = manager.newSubManager()) {
            tempAttach(sub);
            NDArray rows =
                    sub.create(FloatBuffer.wrap(table, numUsers * dim, numItems * dim), new Shape(numItems, dim));
            NDArray items = sub.arange(0, numItems, 1, DataType.INT64);
            float[] fused = fuse(rows, items).toFloatArray();
            System.arraycopy(fused, 0, table, numUsers * dim, fused.length);
        }
    }

    /**
     * Early fusion's layer-0 content, items × d: C_i = S_i / n_i through the fixed projection (0 for
     * items without modalities); null for the late variants.
     */
    public float[] earlyContent() {
        if (variant != Variant.EARLY) {
            return null;
        }
        requireAttached();
        try (NDManager sub = manager.newSubManager()) {
            tempAttach(sub);
            NDArray sum = null;
            for (int j = 0; j < modalities.size(); j++) {
                NDArray pj = features.get(j).matMul(projected.get(j)).mul(masks.get(j));
                sum = sum == null ? pj : sum.add(pj);
            }
            return sum.mul(invN).toFloatArray();
        }
    }

    private void requireAttached() {
        if (manager == null) {
            throw new IllegalStateException("attach the fusion to a trainer first");
        }
    }

    public Variant variant() {
        return variant;
    }

    public int numItems() {
        return numItems;
    }

    public boolean learnsAlpha() {
        return variant == Variant.ALPHA || variant == Variant.CONVEX;
    }

    /** α = sigmoid(w) (1 for variants without it). */
    public float alpha() {
        if (!learnsAlpha()) {
            return 1f;
        }
        float logit = manager == null ? w : params.get("fusion.alpha").getFloat();
        return (float) (1 / (1 + Math.exp(-logit)));
    }

    /** Sets α's initial value (before {@link #attach}). */
    public void setAlphaInit(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("--alpha-init must lie in (0, 1), got " + alpha);
        }
        if (manager != null) {
            throw new IllegalStateException("set alpha before attaching the fusion");
        }
        this.w = (float) Math.log(alpha / (1 - alpha));
    }

    /** A copy of what the fusion has learned (for early stopping's best epoch). */
    public List<float[]> state() {
        List<float[]> s = new ArrayList<>();
        for (NDArray p : params.values()) {
            s.add(p.toFloatArray());
        }
        return s;
    }

    /** Puts back a {@link #state()}. */
    public void restore(List<float[]> state) {
        int k = 0;
        for (NDArray p : params.values()) {
            p.set(FloatBuffer.wrap(state.get(k++)));
        }
    }

    /** What the saved model records. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variant", variant.wireName());
        m.put("modalities", modalities.stream().map(ModalityVectors::name).toList());
        m.put(
                "projection",
                switch (variant) {
                    case LEARNED -> "learned W_j, initialised uniform ±1/sqrt(d_j), seeded";
                    case UNFROZEN ->
                        "trainable projected vectors, initialised from a uniform ±1/sqrt(d_j) projection, seeded";
                    default -> "fixed random, uniform ±1/sqrt(d_j), seeded";
                });
        if (learnsAlpha()) {
            m.put("alpha", alpha());
        }
        return m;
    }

    /** The modalities, in order. */
    public List<ModalityVectors> modalities() {
        return modalities;
    }

    /** Releases the device arrays (α is kept; what else was learned is not). */
    public void detach() {
        if (manager != null) {
            if (learnsAlpha()) {
                w = params.get("fusion.alpha").getFloat();
            }
            manager.close();
            manager = null;
            features.clear();
            masks.clear();
            params.clear();
            projected.clear();
            gateNormal = gateContent = gatePlain = null;
        }
    }
}
