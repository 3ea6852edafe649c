package io.streamrec.flink.changelog;

import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.types.CompactSerializerContract;

class ChangelogEntrySerializerTest extends CompactSerializerContract<ChangelogEntry> {
    ChangelogEntrySerializerTest() {
        super(ChangelogEntry.Serializer::new, ChangelogEntry.class);
    }

    @Override
    protected ChangelogEntry[] getTestData() {
        EdgeChange added = new EdgeChange("u1", "i1", true, 1f, 1_763_892_000_000L);
        added.itemDegree = 3;
        return new ChangelogEntry[] {
            ChangelogEntry.edge(added, 1, 0),
            ChangelogEntry.edge(new EdgeChange("ü", "ítem", false, 0.5f, 7L), Long.MAX_VALUE, 3),
            ChangelogEntry.cut(41, 9, 1_763_892_000_123L, 2),
            ChangelogEntry.cut(0, 0, 0, 0)
        };
    }
}
