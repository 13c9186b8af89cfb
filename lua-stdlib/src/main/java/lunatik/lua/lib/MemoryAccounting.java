package lunatik.lua.lib;

import lunatik.lua.vm.LuaState;

/**
 * What a state has allocated, for {@code collectgarbage("count")}. The JVM's heap is shared by
 * every state of the process, so this is an estimate: the live heap of the JVM when the state
 * is alone in it (the standalone interpreter), refined by runtimes that account per state.
 */
final class MemoryAccounting {
    private MemoryAccounting() {
    }

    static long usedBytes(LuaState L) {
        java.util.function.LongSupplier s = L.extension("memory.used");
        if (s != null) {
            return s.getAsLong();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
