package lunatik.lua.interp;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.LuaState;

/** Turns Lua source into an executable function (stub until the interpreter lands). */
public final class Compiler {
    private Compiler() {
    }

    public static LuaFunction load(LuaState L, byte[] source, String chunkName, Object env) {
        throw new UnsupportedOperationException("interpreter not yet available");
    }
}
