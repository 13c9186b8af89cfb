package lunatik.lua.jit;

import lunatik.lua.value.LuaTable;

/**
 * What a string-key lookup at one site of compiled code found through a metatable's
 * {@code __index} chain of tables: valid for receivers with that metatable (and without the key
 * themselves) while {@link LuaTable#chainEpoch} has not moved. Immutable, so a site's cache is
 * replaced whole.
 */
final class IndexCache {
    /** Longest chain of __index tables whose result is cached. */
    static final int MAX_DEPTH = 8;

    final LuaTable meta;
    final long epoch;
    final Object value;

    IndexCache(LuaTable meta, long epoch, Object value) {
        this.meta = meta;
        this.epoch = epoch;
        this.value = value;
    }
}
