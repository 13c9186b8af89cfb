package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;

/**
 * The arguments of a library function call, with the checks of Lua's auxiliary library
 * ({@code luaL_check*}, {@code luaL_opt*}) and its messages:
 * {@code bad argument #2 to 'sub' (number expected, got string)}. Argument numbers are 1-based
 * as in Lua. When the call was a method call ({@code s:rep()}), the numbers in messages are
 * shifted as Lua shifts them.
 */
public final class Args {
    private final LibFunction fn;
    private final Object[] v;

    public Args(LibFunction fn, Object[] v) {
        this.fn = fn;
        this.v = v;
    }

    /** The state. */
    public LuaState state() {
        return fn.L;
    }

    /** The function being called. */
    public LibFunction function() {
        return fn;
    }

    /** Number of arguments. */
    public int count() {
        return v.length;
    }

    /** Argument {@code n} (1-based), nil when absent. */
    public Object get(int n) {
        return n <= v.length ? v[n - 1] : null;
    }

    /** Whether argument {@code n} is absent or nil. */
    public boolean isNoneOrNil(int n) {
        return n > v.length || v[n - 1] == null;
    }

    /** Whether argument {@code n} is absent (not even nil). */
    public boolean isNone(int n) {
        return n > v.length;
    }

    /** The raw argument array (do not modify). */
    public Object[] array() {
        return v;
    }

    // ---------------------------------------------------------------- errors

    /** Raises "bad argument #n to 'f' (msg)". */
    public LuaError argError(int n, String msg) {
        LuaState L = fn.L;
        if (fn.isAnonymous()) {
            // called by a monitor (a C function in Lunatik): no position, self counted
            return new LuaError(Ops.str("bad argument #" + n + " to '?' (" + msg + ")"));
        }
        CallFrame caller = L.current().frame(0);
        String name = null;
        if (caller != null && caller.isLua()) {
            name = caller.callsiteName();
            if (caller.callsiteIsMethod()) {
                n--;
                if (n == 0) {
                    return new LuaError(Ops.str(L.where(1) + "calling '" + name + "' on bad self (" + msg + ")"));
                }
            }
        }
        if (name == null) {
            name = fn.name();
        }
        return new LuaError(Ops.str(L.where(1) + "bad argument #" + n + " to '" + name + "' (" + msg + ")"));
    }

    /** Raises "bad argument #n to 'f' (T expected, got U)". */
    public LuaError typeError(int n, String expected) {
        String got;
        Object a = get(n);
        LuaTable mt = fn.L.getMetatable(a);
        Object nm = mt == null ? null : mt.get(Meta.NAME);
        if (nm instanceof LuaString s) {
            got = s.toString();
        } else if (isNone(n)) {
            got = "no value";
        } else {
            got = Ops.typeName(a);
        }
        return argError(n, expected + " expected, got " + got);
    }

    /** Raises a plain error with the caller's position (luaL_error). */
    public LuaError error(String msg) {
        return new LuaError(Ops.str(fn.L.where(1) + msg));
    }

    // ---------------------------------------------------------------- checks

    /** Any value; raises "value expected" when absent. */
    public Object checkAny(int n) {
        if (isNone(n)) {
            throw argError(n, "value expected");
        }
        return v[n - 1];
    }

    /** An integer (integral floats and numeric strings are converted). */
    public long checkInteger(int n) {
        Object a = get(n);
        if (a instanceof Long l) {
            return l;
        }
        Long l = Ops.toInteger(a, fn.L.dialect);
        if (l == null) {
            if (Ops.toNumber(a, fn.L.dialect) != null) {
                throw argError(n, "number has no integer representation");
            }
            throw typeError(n, "number");
        }
        return l;
    }

    /** An optional integer. */
    public long optInteger(int n, long def) {
        return isNoneOrNil(n) ? def : checkInteger(n);
    }

    /** A number (Long or Double); numeric strings are converted. */
    public Object checkNumber(int n) {
        Object a = get(n);
        if (a instanceof Long || a instanceof Double) {
            return a;
        }
        Object r = Ops.toNumber(a, fn.L.dialect);
        if (r == null) {
            throw typeError(n, "number");
        }
        return r;
    }

    /** A number as a double. */
    public double checkDouble(int n) {
        return ((Number) checkNumber(n)).doubleValue();
    }

    /** An optional number. */
    public Object optNumber(int n, Object def) {
        return isNoneOrNil(n) ? def : checkNumber(n);
    }

    /** A string (numbers are converted, as luaL_checklstring does). */
    public LuaString checkString(int n) {
        Object a = get(n);
        if (a instanceof LuaString s) {
            return s;
        }
        if (a instanceof Long || a instanceof Double) {
            return Ops.numberToString(a);
        }
        throw typeError(n, "string");
    }

    /** An optional string. */
    public LuaString optString(int n, LuaString def) {
        return isNoneOrNil(n) ? def : checkString(n);
    }

    /** A table. */
    public LuaTable checkTable(int n) {
        if (get(n) instanceof LuaTable t) {
            return t;
        }
        throw typeError(n, "table");
    }

    /** A function. */
    public LuaFunction checkFunction(int n) {
        if (get(n) instanceof LuaFunction f) {
            return f;
        }
        throw typeError(n, "function");
    }

    /** A boolean by truthiness (any value accepted, like lua_toboolean). */
    public boolean toBoolean(int n) {
        return Ops.isTrue(get(n));
    }

    /** Checks that argument {@code n} has the given Lua type name. */
    public void checkType(int n, String type) {
        if (isNone(n) || !Ops.typeName(get(n)).equals(type)) {
            throw typeError(n, type);
        }
    }

    /** One of the option names (luaL_checkoption); returns its index. */
    public int checkOption(int n, String def, String... options) {
        LuaString s = def != null && isNoneOrNil(n) ? Ops.str(def) : checkString(n);
        String name = s.toString();
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals(name)) {
                return i;
            }
        }
        throw argError(n, "invalid option '" + name + "'");
    }
}
