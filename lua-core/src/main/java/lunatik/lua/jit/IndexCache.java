package lunatik.lua.jit;

import lunatik.lua.value.LuaTable;

/**
 * What a string-key lookup at one site of compiled code found through a metatable's
 * {@code __index} chain of tables: valid for receivers with that metatable (and without the key
 * themselves) while {@link LuaTable#chainEpoch} has not moved. A site keeps the results for up
 * to {@link #WAYS} metatables (objects of several classes pass by one call site), newest first,
 * as a list of immutable entries, so a site's cache is replaced whole.
 */
final class IndexCache {
    /** Longest chain of __index tables whose result is cached. */
    static final int MAX_DEPTH = 8;
    /** Metatables remembered per site. */
    static final int WAYS = 4;

    final LuaTable meta;
    final long epoch;
    final Object value;
    final IndexCache next;

    private IndexCache(LuaTable meta, long epoch, Object value, IndexCache next) {
        this.meta = meta;
        this.epoch = epoch;
        this.value = value;
        this.next = next;
    }

    /** The value cached in {@code c} (a site's list) for {@code meta} at {@code epoch}, or {@link #MISS}. */
    static Object find(IndexCache c, LuaTable meta, long epoch) {
        for (; c != null; c = c.next) {
            if (c.meta == meta) {
                return c.epoch == epoch ? c.value : MISS;
            }
        }
        return MISS;
    }

    /** A site's list with {@code meta}'s value first, then the others still current, at most {@link #WAYS}. */
    static IndexCache add(IndexCache old, LuaTable meta, long epoch, Object value) {
        IndexCache[] keep = new IndexCache[WAYS - 1];
        int n = 0;
        for (IndexCache c = old; c != null && n < keep.length; c = c.next) {
            if (c.meta != meta && c.epoch == epoch) {
                keep[n++] = c;
            }
        }
        IndexCache rest = null;
        for (int i = n - 1; i >= 0; i--) {
            rest = new IndexCache(keep[i].meta, keep[i].epoch, keep[i].value, rest);
        }
        return new IndexCache(meta, epoch, value, rest);
    }

    /** Not in the cache (a cached value may be nil). */
    static final Object MISS = new Object();
}
