package io.streamrec.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        assertEquals(2, Percentiles.of(new double[] {4, 3, 2, 1}, 0.5));
        assertEquals(1, Percentiles.of(new double[] {4, 3, 2, 1}, 0.0));
        assertEquals(4, Percentiles.of(new double[] {4, 3, 2, 1}, 1.0));
        double[] hundred = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
        assertEquals(99, Percentiles.of(hundred, 0.99));
        assertEquals(50, Percentiles.of(hundred, 0.50));
        assertEquals(
                10, Percentiles.of(IntStream.rangeClosed(1, 10).asDoubleStream().toArray(), 0.99));
        assertEquals(7, Percentiles.of(new double[] {7}, 0.99));
        assertEquals(30L, Percentiles.ofSorted(new long[] {10, 20, 30, 40, 0, 0}, 3, 0.99), "only the first n count");
        assertEquals(20.0, Percentiles.ofSorted(List.of(10, 20, 30), 0.5));
    }

    @Test
    void noSamplesOrABadQuantileIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[] {1}, 1.5));
    }
}
