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
import lunatik.lua.vm.FuncName;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.lua.vm.Traceback;

/**
 * The debug library (manual §6.10). {@code sethook} hooks are per coroutine, as in Lua: call,
 * return and line events come from the interpreter (a compiled function entered while a hook
 * is set runs there), count events from the engine's execution-control ticks (backward jumps
 * and calls, so "count" is approximate). KERNEL has no {@code debug.debug}.
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
            Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
            if (a.isNoneOrNil(arg + 1)) {
                L.setHook(co, null, 0, 0);
                return Varargs.NONE;
            }
            LuaFunction hook = a.checkFunction(arg + 1);
            String smask = a.checkString(arg + 2).toString();
            long count = a.optInteger(arg + 3, 0);
            int mask = 0;
            if (smask.indexOf('c') >= 0) {
                mask |= Coroutine.HOOK_CALL;
            }
            if (smask.indexOf('r') >= 0) {
                mask |= Coroutine.HOOK_RET;
            }
            if (smask.indexOf('l') >= 0) {
                mask |= Coroutine.HOOK_LINE;
            }
            L.setHook(co, hook, mask, (int) Math.max(0, Math.min(count, Integer.MAX_VALUE)));
            if (co == L.current() && (mask & Coroutine.HOOK_RET) != 0) {
                L.hookLibReturn(a.function()); // the hook is on when sethook returns, as in Lua
            }
            return Varargs.NONE;
        });
        reg(L, d, "gethook", a -> {
            Coroutine co = a.get(1) instanceof Coroutine c ? c : L.current();
            LuaFunction h = co.hook();
            if (h == null) {
                return null;
            }
            int m = co.hookMask();
            String smask = ((m & Coroutine.HOOK_CALL) != 0 ? "c" : "") + ((m & Coroutine.HOOK_RET) != 0 ? "r" : "")
                + ((m & Coroutine.HOOK_LINE) != 0 ? "l" : "");
            return Varargs.of(h, Ops.str(smask), (long) co.hookCount());
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
        if (n > 0 && frame.function() instanceof LuaClosure c && c.shape().stripped()) {
            name = "(temporary)"; // a function without debug information names no local, as in Lua
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

    /** The frame at a level argument (as getinfo counts levels), raising "level out of range". */
    private static CallFrame frameAt(Coroutine co, Args a, int argn) {
        CallFrame f = level(co, a.checkInteger(argn));
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

    /*
     * debug.traceback([co,] [msg [, level]]): a message that is not a string or a number is
     * returned untouched; levels count as for getinfo (1 by default: the caller; 0 for another
     * coroutine: its top).
     */
    private static Object traceback(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
        Object msg = a.get(arg + 1);
        if (msg != null && !(msg instanceof LuaString) && !(msg instanceof Long) && !(msg instanceof Double)) {
            return msg;
        }
        long level = a.optInteger(arg + 2, co == L.current() ? 1 : 0);
        String m = msg == null ? null : Ops.toStringCoerce(msg).toString();
        return Ops.str(Traceback.of(L, co, m, (int) Math.max(0, Math.min(level, Integer.MAX_VALUE))));
    }

    /** The frame at a level as Lua counts them ({@link Coroutine#levels}), or null. */
    private static CallFrame level(Coroutine co, long level) {
        if (level < 0 || level > Integer.MAX_VALUE) {
            return null;
        }
        CallFrame f = co.levels();
        for (long i = 0; i < level && f != null; i++) {
            f = f.parent();
        }
        return f;
    }

    private static final String OPTIONS = "SlutnrLf";

    /**
     * debug.getinfo([co,] f|level [, what]): as lua5.4's, an option letter it does not know is
     * "invalid option", and a level out of range gives nil.
     */
    private static Object getinfo(LuaState L, Args a) {
        int arg = a.get(1) instanceof Coroutine ? 1 : 0;
        Coroutine co = arg == 1 ? (Coroutine) a.get(1) : L.current();
        String what = a.optString(arg + 2, Ops.str("flnSrtu")).toString();
        if (what.startsWith(">")) {
            throw a.argError(arg + 2, "invalid option '>'");
        }
        LuaFunction fn;
        CallFrame frame = null;
        if (a.get(arg + 1) instanceof LuaFunction f) {
            fn = f;
        } else {
            frame = level(co, a.checkInteger(arg + 1));
            if (frame == null) {
                return null;
            }
            fn = frame.function();
        }
        for (int i = 0; i < what.length(); i++) {
            if (OPTIONS.indexOf(what.charAt(i)) < 0) {
                throw a.argError(arg + 2, "invalid option");
            }
        }
        LuaTable t = new LuaTable();
        LuaClosure c = fn instanceof LuaClosure lc ? lc : null;
        if (what.indexOf('S') >= 0) {
            source(t, c);
        }
        if (what.indexOf('l') >= 0) {
            t.put(Ops.str("currentline"), frame != null && frame.isLua() ? (long) frame.visibleLine() : -1L);
        }
        if (what.indexOf('u') >= 0) {
            t.put(Ops.str("nups"), c != null ? (long) c.numUpvalues() : 0L);
            t.put(Ops.str("nparams"), c != null ? (long) c.numParams() : 0L);
            t.put(Ops.str("isvararg"), c == null || c.isVararg());
        }
        if (what.indexOf('n') >= 0) {
            FuncName n = frame == null ? null : co.calledAs(frame);
            if (n != null) {
                t.put(Ops.str("name"), Ops.str(n.name()));
            }
            t.put(Ops.str("namewhat"), Ops.str(n == null ? "" : n.what()));
        }
        if (what.indexOf('r') >= 0) {
            t.put(Ops.str("ftransfer"), 0L);
            t.put(Ops.str("ntransfer"), 0L);
        }
        if (what.indexOf('t') >= 0) {
            t.put(Ops.str("istailcall"), frame != null && co.isTailCalled(frame));
        }
        if (what.indexOf('L') >= 0 && c != null) {
            t.put(Ops.str("activelines"), activeLines(c));
        }
        if (what.indexOf('f') >= 0) {
            t.put(Ops.str("func"), fn);
        }
        return t;
    }

    /* getinfo's 'S' fields: a main chunk is defined at line 0, a Java function is "=[C]". */
    private static void source(LuaTable t, LuaClosure c) {
        boolean main = c != null && c.isMainChunk();
        t.put(Ops.str("source"), Ops.str(c != null ? c.source() : "=[C]"));
        t.put(Ops.str("short_src"), Ops.str(c != null ? c.shortSource() : "[C]"));
        t.put(Ops.str("linedefined"), c == null ? -1L : main ? 0L : (long) c.lineDefined());
        t.put(Ops.str("lastlinedefined"), c == null ? -1L : main ? 0L : (long) c.lastLineDefined());
        t.put(Ops.str("what"), Ops.str(c == null ? "C" : main ? "main" : "Lua"));
    }

    /* The lines of a Lua function that have code (where line events can happen), as a set. */
    private static LuaTable activeLines(LuaClosure c) {
        LuaTable t = new LuaTable();
        for (int line : c.activeLines()) {
            t.put((long) line, Boolean.TRUE);
        }
        return t;
    }
}
