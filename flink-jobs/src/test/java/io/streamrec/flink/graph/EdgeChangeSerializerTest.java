package io.streamrec.flink.graph;

import io.streamrec.flink.types.CompactSerializerContract;

class EdgeChangeSerializerTest extends CompactSerializerContract<EdgeChange> {
    EdgeChangeSerializerTest() {
        super(EdgeChange.Serializer::new, EdgeChange.class);
    }

    @Override
    protected EdgeChange[] getTestData() {
        EdgeChange withDegree = new EdgeChange("u2", "i9", true, 2f, 5L);
        withDegree.itemDegree = 17;
        return new EdgeChange[] {
            new EdgeChange("u1", "i1", true, 1f, 1_763_892_000_000L),
            new EdgeChange("ü", "ítem", false, 0.5f, 0L),
            withDegree,
            new EdgeChange("", "", false, 0f, Long.MIN_VALUE)
        };
    }
}
