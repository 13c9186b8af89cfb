package lunatik.runtime.lib;

import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.Ops;

/** The constant tables modules hand to scripts ({@code socket.af}, {@code netfilter.action}, ...). */
final class Constants {
    private Constants() {
    }

    /** A table of {@code name, value} pairs: names are strings, values integers. */
    static LuaTable table(Object... pairs) {
        LuaTable t = new LuaTable(0, pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            t.put(Ops.str((String) pairs[i]), ((Number) pairs[i + 1]).longValue());
        }
        return t;
    }
}
