package lunatik.lua.lib;

import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;

/**
 * Opens the standard libraries of a dialect in a state: the entry point for hosts that want
 * "a Lua" (the standalone interpreter, tests).
 */
public final class Stdlib {
    private Stdlib() {
    }

    /** A new state of {@code dialect} with every library of that dialect opened. */
    public static LuaState newState(Dialect dialect) {
        LuaState L = new LuaState(dialect);
        open(L);
        return L;
    }

    /** Opens the libraries of the state's dialect (FULL adds io and os). */
    public static void open(LuaState L) {
        BaseLib.open(L);
        CoroutineLib.open(L);
        StringLib.open(L);
        TableLib.open(L);
        MathLib.open(L);
        Utf8Lib.open(L);
        DebugLib.open(L);
        if (L.dialect == Dialect.FULL) {
            IoLib.open(L);
            OsLib.open(L);
        }
        PackageLib.open(L);
    }
}
