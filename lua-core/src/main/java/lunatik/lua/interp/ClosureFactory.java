package lunatik.lua.interp;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.LuaState;

/** Makes closures of one Lua function (interpreted or compiled) from their upvalue cells. */
public interface ClosureFactory {
    LuaFunction create(LuaState L, Cell[] upvals);
}
