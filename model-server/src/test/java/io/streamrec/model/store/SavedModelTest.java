package io.streamrec.model.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAndUsesTheDocumentedLayout() throws IOException {
        float[] table = {1, 2, 3, 4, 5, 6};
        float[] fin = {0.5f, 1, 1.5f, 2, 2.5f, 3};
        new SavedModel(1, 2, 2, 3, 7, Map.of("lr", 0.001), Map.of("note", "x"), table, fin).save(dir);
        SavedModel back = SavedModel.load(dir);
        assertEquals(1, back.numUsers());
        assertEquals(2, back.numItems());
        assertEquals(3, back.layers());
        assertEquals(7, back.epochs());
        assertArrayEquals(table, back.table());
        assertArrayEquals(fin, back.finalEmbeddings());
        // Raw little-endian float32, users first: the 3rd float is item 0's first coordinate.
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(SavedModel.TABLE)))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3f, raw.getFloat(2 * Float.BYTES));
        assertTrue(Files.readString(dir.resolve(SavedModel.META)).contains("\"format\" : \"streamrec-lightgcn\""));
    }

    @Test
    void truncatedEmbeddingsAreRejectedWithSizes() throws IOException {
        new SavedModel(1, 1, 2, 0, 1, Map.of(), Map.of(), new float[4], new float[4]).save(dir);
        Files.write(dir.resolve(SavedModel.FINAL), new byte[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains("final.f32: 10 bytes, expected 16"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutModelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains("not a saved model"), e.getMessage());
    }
}
