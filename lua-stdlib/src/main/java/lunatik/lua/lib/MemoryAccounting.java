package lunatik.lua.lib;

import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.StateHeap;

/**
 * What a state holds, for {@code collectgarbage("count")}: the bytes of the Lua values it can
 * reach ({@link StateHeap}), unless its host accounts for it another way.
 */
final class MemoryAccounting {
    private MemoryAccounting() {
    }

    static long usedBytes(LuaState L) {
        java.util.function.LongSupplier s = L.extension("memory.used");
        if (s != null) {
            return s.getAsLong();
        }
        return StateHeap.liveBytes(L);
    }
}
