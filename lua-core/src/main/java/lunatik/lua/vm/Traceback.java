package lunatik.lua.vm;

import lunatik.lua.interp.LuaClosure;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;

/** Builds Lua's "stack traceback:" text from a coroutine's call stack, as luaL_traceback (5.4.4). */
public final class Traceback {
    /** Levels shown before and after the ones skipped in a long traceback (LEVELS1, LEVELS2). */
    private static final int FIRST = 10;
    private static final int LAST = 11;

    private Traceback() {
    }

    /**
     * The traceback of {@code co} from {@code level} as the debug library counts levels
     * ({@link Coroutine#levels}), after {@code message} when it is not null.
     */
    public static String of(LuaState L, Coroutine co, String message, int level) {
        StringBuilder sb = new StringBuilder();
        if (message != null) {
            sb.append(message).append('\n');
        }
        sb.append("stack traceback:");
        java.util.List<CallFrame> all = new java.util.ArrayList<>();
        CallFrame f = co.levels();
        for (int i = 0; i < level && f != null; i++) {
            f = f.parent;
        }
        for (; f != null; f = f.parent) {
            all.add(f);
        }
        int n = all.size();
        for (int i = 0; i < n; i++) {
            if (n > FIRST + LAST + 1 && i == FIRST) {
                // the count lua5.4 prints is one short of the levels it leaves out
                sb.append("\n\t...\t(skipping ").append(n - FIRST - LAST - 1).append(" levels)");
                i = n - LAST;
            }
            line(L, co, all.get(i), sb);
        }
        return sb.toString();
    }

    /* One level: "src:line: in <what>", and the mark of a function called in tail position. */
    private static void line(LuaState L, Coroutine co, CallFrame f, StringBuilder sb) {
        sb.append("\n\t");
        if (f.isLua()) {
            int line = f.visibleLine();
            sb.append(f.shortSource()).append(':').append(line > 0 ? line + ":" : "");
        } else {
            sb.append("[C]:");
        }
        sb.append(" in ").append(describe(L, co, f));
        if (co.isTailCalled(f)) {
            sb.append("\n\t(...tail calls...)");
        }
    }

    /**
     * How a traceback names the function of a frame, as lauxlib's pushfuncname (5.4.4): a name
     * in package.loaded first ("function 'string.rep'"), then how the caller named it ("local
     * 'f'", "method 'm'"), then "main chunk", "function <src:line>", or "?".
     */
    public static String describe(LuaState L, Coroutine co, CallFrame f) {
        LuaFunction fn = f.function();
        String global = fn == null ? null : globalName(L, fn);
        if (global != null) {
            return "function '" + global + "'";
        }
        FuncName n = co.calledAs(f);
        if (n != null) {
            return n.what() + " '" + n.name() + "'";
        }
        if (fn instanceof LuaClosure c) {
            return c.isMainChunk() ? "main chunk" : "function <" + c.shortSource() + ":" + c.lineDefined() + ">";
        }
        return "?";
    }

    /**
     * The name under which {@code fn} is found in package.loaded, two levels deep ("string.rep";
     * "print" for "_G.print"), as lauxlib's pushglobalfuncname finds it; null when it is not there.
     */
    public static String globalName(LuaState L, LuaFunction fn) {
        if (!(L.registry.get(LuaString.of("_LOADED")) instanceof LuaTable loaded)) {
            return null;
        }
        String name = find(loaded, fn, 2);
        if (name != null && name.startsWith("_G.")) {
            name = name.substring(3);
        }
        return name;
    }

    /* Lua's findfield: a string key whose value is fn, or, depth-first, one in a table value. */
    private static String find(LuaTable t, Object fn, int level) {
        if (level == 0) {
            return null;
        }
        Object k = null;
        while ((k = next(t, k)) != null) {
            Object v = t.get(k);
            if (!(k instanceof LuaString s)) {
                continue;
            }
            if (v == fn) {
                return s.toString();
            }
            if (v instanceof LuaTable sub) {
                String inner = find(sub, fn, level - 1);
                if (inner != null) {
                    return s + "." + inner;
                }
            }
        }
        return null;
    }

    private static Object next(LuaTable t, Object key) {
        int slot = t.nextSlot(key);
        return slot < 0 ? null : t.slotKey(slot);
    }
}
