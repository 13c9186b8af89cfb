package lunatik.lua.lib;

import lunatik.lua.interp.Cell;
import lunatik.lua.interp.LuaClosure;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.CallFrame;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The debug library (manual §6.10). The count hook of {@code sethook} runs on the engine's
 * execution-control ticks (backward jumps and calls); line and call hooks are not supported
 * (sethook accepts the mask and ignores 'l', 'c', 'r'). KERNEL has no {@code debug.debug}.
 */
public final class DebugLib {
    private DebugLib() {
    }

    public static void open(LuaState L) {
        LuaTable d = new LuaTable();
        L.globals.put(Ops.str("debug"), d);
        reg(L, d, "traceback", a -> traceback(L, a));
        reg(L, d, "getinfo", a -> getinfo(L, a));
        reg(L, d, "getmetatable", a -> L.getMetatable(a.checkAny(1)));
        reg(L, d, "setmetatable", a -> {
            Object mt = a.get(2);
            if (mt != null && !(mt instanceof LuaTable)) {
                throw a.typeError(2, "nil or table");
            }
            L.setMetatable(a.get(1), (LuaTable) mt);
            return a.get(1);
        });
        reg(L, d, "getregistry", a -> L.registry);
        reg(L, d, "getupvalue", a -> {
            LuaFunction f = a.checkFunction(1);
            long n = a.checkInteger(2);
            if (f instanceof LuaClosure c && n >= 1 && n <= c.numUpvalues()) {
                return Varargs.of(Ops.str(c.upvalueName((int) n - 1)), c.upvalueCell((int) n - 1).v);
            }
            return Varargs.NONE;
        });
        reg(L, d, "setupvalue", a -> {
            LuaFunction f = a.checkFunction(1);
            long n = a.checkInteger(2);
            a.checkAny(3);
            if (f instanceof LuaClosure c && n >= 1 && n <= c.numUpvalues()) {
                c.upvalueCell((int) n - 1).v = a.get(3);
                return Ops.str(c.upvalueName((int) n - 1));
            }
            return Varargs.NONE;
        });
        reg(L, d, "upvalueid", a -> {
            LuaFunction f = a.checkFunction(1);
            long n = a.checkInteger(2);
            if (f instanceof LuaClosure c && n >= 1 && n <= c.numUpvalues()) {
                // one identity per cell, as Lua's light userdata pointing at the upvalue
                lunatik.lua.interp.Cell cell = c.upvalueCell((int) n - 1);
                if (cell.id == null) {
                    cell.id = new LuaUserdata(cell, null);
                }
                return cell.id;
            }
            return Varargs.of((Object) null);
        });
        reg(L, d, "upvaluejoin", a -> {
            LuaClosure f1 = checkClosure(a, 1);
            int n1 = checkUp(a, f1, 2);
            LuaClosure f2 = checkClosure(a, 3);
            int n2 = checkUp(a, f2, 4);
            f1.setUpvalueCell(n1, f2.upvalueCell(n2));
            return Varargs.NONE;
        });
        reg(L, d, "sethook", a -> {
            int arg = a.get(1) instanceof Coroutine ? 1 : 0;
            if (a.isNoneOrNil(arg + 1)) {
                L.setCountHook(null, 0);
                return Varargs.NONE;
            }
            LuaFunction hook = a.checkFunction(arg + 1);
            a.checkString(arg + 2);
            long count = a.optInteger(arg + 3, 0);
            L.setCountHook(count > 0 ? hook : null, (int) Math.min(count, Integer.MAX_VALUE));
            return Varargs.NONE;
        });
        reg(L, d, "gethook", a -> {
            LuaFunction h = L.countHook();
            if (h == null) {
                return Varargs.NONE;
            }
            return Varargs.of(h, Ops.str(""), (long) L.hookCount());
        });
        reg(L, d, "getlocal", a -> getlocal(L, a));
        reg(L, d, "setlocal", a -> setlocal(L, a));
        reg(L, d, "getuservalue", a -> {
            if (a.get(1) instanceof LuaUserdata u) {
                return Varargs.of(u.getUserValue(), Boolean.TRUE);
            }
            return Varargs.of(null, Boolean.FALSE);
        });
        reg(L, d, "setuservalue", a -> {
            if (!(a.get(1) instanceof LuaUserdata u)) {
                throw a.typeError(1, "userdata");
            }
            u.setUserValue(a.get(2));
            return u;
        });
        if (L.dialect == Dialect.FULL) {
            reg(L, d, "debug", a -> Varargs.NONE);
        }
    }

    /**
     * debug.getlocal: the active locals of a frame, and parameter names of any Lua function.
     * Interpreted functions always show them; compiled ones keep their locals in JVM locals and
     * show them when their chunk names getlocal or setlocal (it is then compiled to copy its
     * locals into its frame at each call), else none (the JIT off shows every frame's).
     */
    private static Object getlocal(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
        int n = localIndex(a.checkInteger(arg + 2));
        if (a.get(arg + 1) instanceof LuaFunction f) {
            String name = f instanceof LuaClosure c ? c.paramName(n - 1) : null;
            return name == null ? null : Ops.str(name);
        }
        CallFrame frame = frameAt(co, a, arg + 1);
        String name = frame.localName(n);
        if (name == null) {
            return null;
        }
        return Varargs.of(Ops.str(name), frame.getLocal(n));
    }

    private static Object setlocal(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
        CallFrame frame = frameAt(co, a, arg + 1);
        int n = localIndex(a.checkInteger(arg + 2));
        a.checkAny(arg + 3);
        String name = frame.localName(n);
        if (name == null || !frame.setLocal(n, a.get(arg + 3))) {
            return null;
        }
        return Ops.str(name);
    }

    /* A local's number as C Lua reads it: cast to an int (2^32 + 1 is local 1 there too). */
    private static int localIndex(long n) {
        return (int) n;
    }

    /** The frame at a level argument (1 = the function that called the debug function). */
    private static CallFrame frameAt(Coroutine co, Args a, int argn) {
        long level = a.checkInteger(argn);
        CallFrame f = level >= 1 && level <= Integer.MAX_VALUE ? co.frame((int) level - 1) : null;
        if (f == null) {
            throw a.argError(argn, "level out of range");
        }
        return f;
    }

    private static LuaClosure checkClosure(Args a, int n) {
        if (a.get(n) instanceof LuaClosure c) {
            return c;
        }
        throw a.typeError(n, "function");
    }

    private static int checkUp(Args a, LuaClosure c, int n) {
        long i = a.checkInteger(n);
        if (i < 1 || i > c.numUpvalues()) {
            throw a.argError(n, "invalid upvalue index");
        }
        return (int) i - 1;
    }

    private static void reg(LuaState L, LuaTable t, String name, LibFunction.Body b) {
        LibFunction.register(L, t, "debug", name, b);
    }

    private static Object traceback(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Object msg = a.get(arg + 1);
        if (msg != null && !(msg instanceof LuaString) && !(msg instanceof Long) && !(msg instanceof Double)) {
            return msg;
        }
        long level = a.optInteger(arg + 2, arg == 1 ? 0 : 1);
        String m = msg == null ? null : Ops.toStringCoerce(msg).toString();
        return Ops.str(L.traceback(m, (int) Math.max(0, level - 1)));
    }

    private static Object getinfo(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
        Object target = a.get(arg + 1);
        String what = a.optString(arg + 2, Ops.str("flnSrtu")).toString();
        LuaFunction fn;
        CallFrame frame = null;
        if (target instanceof LuaFunction f) {
            fn = f;
        } else {
            long level = a.checkInteger(arg + 1);
            if (level == 0) {
                fn = a.function();
            } else {
                frame = co.frame((int) level - 1);
                if (frame == null || level < 0) {
                    return null;
                }
                fn = frame.function();
            }
        }
        LuaTable t = new LuaTable();
        boolean isLua = fn instanceof LuaClosure;
        LuaClosure c = isLua ? (LuaClosure) fn : null;
        if (what.indexOf('S') >= 0) {
            String src = isLua ? c.shortSource() : "[C]";
            t.put(Ops.str("source"), Ops.str(isLua ? c.source() : "=[C]"));
            t.put(Ops.str("short_src"), Ops.str(src));
            t.put(Ops.str("linedefined"), isLua ? (long) c.lineDefined() : -1L);
            t.put(Ops.str("lastlinedefined"), isLua ? (long) c.lastLineDefined() : -1L);
            String kind = !isLua ? "C" : c.isMainChunk() ? "main" : "Lua";
            t.put(Ops.str("what"), Ops.str(kind));
        }
        if (what.indexOf('l') >= 0) {
            t.put(Ops.str("currentline"), frame != null && frame.isLua() ? (long) frame.visibleLine() : -1L);
        }
        if (what.indexOf('u') >= 0) {
            t.put(Ops.str("nups"), isLua ? (long) c.numUpvalues() : 0L);
            t.put(Ops.str("nparams"), isLua ? (long) c.numParams() : 0L);
            t.put(Ops.str("isvararg"), !isLua || c.isVararg());
        }
        if (what.indexOf('n') >= 0 && frame != null) {
            CallFrame caller = co.frame(frameIndex(co, frame) + 1);
            if (caller != null && caller.isLua() && caller.callsiteName() != null) {
                t.put(Ops.str("name"), Ops.str(caller.callsiteName()));
                t.put(Ops.str("namewhat"), Ops.str(caller.callsiteIsMethod() ? "method" : "global"));
            } else {
                t.put(Ops.str("namewhat"), Ops.str(""));
            }
        }
        if (what.indexOf('t') >= 0) {
            t.put(Ops.str("istailcall"), Boolean.FALSE);
        }
        if (what.indexOf('f') >= 0) {
            t.put(Ops.str("func"), fn);
        }
        return t;
    }

    private static int frameIndex(Coroutine co, CallFrame f) {
        for (int i = 0; i < co.depth(); i++) {
            if (co.frame(i) == f) {
                return i;
            }
        }
        return -1;
    }
}
