package lunatik.lua.jsr223;

import java.nio.charset.StandardCharsets;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaUserdata;

/**
 * Values across the javax.script boundary. Java to Lua: null is nil, a String is a Lua string
 * (its UTF-8 bytes), Integer, Long, Short and Byte are integers, Float and Double floats, a
 * Boolean a boolean, a Lua value (LuaTable, LuaFunction, LuaString, ...) stays what it is, and
 * any other object becomes a userdata holding it. Lua to Java: a string is a String (its bytes
 * read as UTF-8), integers are Long, floats Double, a userdata made from a Java object gives the
 * object back, and tables, functions and coroutines stay Lua values.
 */
final class Values {
    private Values() {
    }

    static Object toLua(Object v) {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v;
        }
        if (v instanceof String s) {
            return LuaString.wrap(s.getBytes(StandardCharsets.UTF_8));
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Character c) {
            return LuaString.wrap(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        if (isLua(v)) {
            return v;
        }
        return new LuaUserdata(v, null);
    }

    static Object toJava(Object v) {
        if (v instanceof LuaString s) {
            return new String(s.bytes(), StandardCharsets.UTF_8);
        }
        if (v instanceof LuaUserdata u && u.getMetatable() == null && u.payload() != null && !isLua(u.payload())) {
            return u.payload();
        }
        return v;
    }

    static Object[] toLua(Object[] args) {
        Object[] r = new Object[args == null ? 0 : args.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = toLua(args[i]);
        }
        return r;
    }

    private static boolean isLua(Object v) {
        String n = v.getClass().getName();
        return n.startsWith("lunatik.lua.");
    }
}
