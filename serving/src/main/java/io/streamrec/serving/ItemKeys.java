package io.streamrec.serving;

/**
 * 64-bit keys of item ids: what a user's seen-item set and an item table's index hold instead of
 * strings. FNV-1a over the UTF-16 code units, then a 64-bit finaliser (MurmurHash3's fmix64), so
 * that 10⁶ items collide with probability about 3·10⁻⁸; a table that meets a collision keeps the
 * first id and reports the second ({@link ItemTable.Builder#put}). Never 0 (0 marks an empty slot).
 */
public final class ItemKeys {
    private ItemKeys() {}

    public static long of(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
