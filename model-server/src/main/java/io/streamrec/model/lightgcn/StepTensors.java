package io.streamrec.model.lightgcn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A step's inputs as tensors over reused direct buffers (batch rows, index arrays). DJL wraps a
 * direct buffer zero-copy; anything else it copies into a fresh direct buffer that only a GC
 * frees, which shows up as native memory growth.
 */
final class StepTensors {
    private final int dim;
    private final ByteBuffer[] buffers = new ByteBuffer[6];

    /** Slots 0–2 and 4–5 hold a batch (rows or ids), slot 3 the batch's distinct nodes (up to 3 per triple). */
    StepTensors(int batchSize, int dim) {
        this.dim = dim;
        for (int k = 0; k < buffers.length; k++) {
            int rows = k == 3 ? 3 * batchSize : batchSize;
            buffers[k] = ByteBuffer.allocateDirect(rows * Math.max(dim * Float.BYTES, Long.BYTES))
                    .order(ByteOrder.nativeOrder());
        }
    }

    /** ids + offset as an int64 tensor backed by reused buffer {@code slot}. */
    NDArray ids(NDManager sub, int slot, int[] ids, int offset, int b) {
        ByteBuffer buf = buffer(slot, b * Long.BYTES);
        for (int k = 0; k < b; k++) {
            buf.putLong(k * Long.BYTES, (long) ids[k] + offset);
        }
        return sub.create(buf, new Shape(b), DataType.INT64);
    }

    /** Rows {@code ids + offset} of {@code table} as a b×d tensor backed by reused buffer {@code slot}. */
    NDArray rows(NDManager sub, int slot, float[] table, int[] ids, int offset, int b) {
        ByteBuffer buf = buffer(slot, b * dim * Float.BYTES);
        FloatBuffer view = buf.asFloatBuffer();
        for (int k = 0; k < b; k++) {
            view.put(k * dim, table, (ids[k] + offset) * dim, dim);
        }
        return sub.create(buf, new Shape(b, dim), DataType.FLOAT32);
    }

    private ByteBuffer buffer(int slot, int bytes) {
        return buffers[slot].slice(0, bytes).order(ByteOrder.nativeOrder());
    }
}
