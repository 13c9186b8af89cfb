package lunatik.lua.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/** The coroutine library (manual §6.2), on the engine's continuation-based coroutines. */
public final class CoroutineLib {
    private CoroutineLib() {
    }

    public static void open(LuaState L) {
        LuaTable co = new LuaTable();
        L.globals.put(Ops.str("coroutine"), co);
        reg(L, co, "create", a -> new Coroutine(L, a.checkFunction(1)));
        co.put(L.intern(Ops.str("resume")), new Resume(L));
        Yield yield = new Yield(L);
        L.yieldFunction = yield; // a stackless coroutine body yields by it without calling it
        co.put(L.intern(Ops.str("yield")), yield);
        reg(L, co, "status", a -> Ops.str(status(L, checkCo(a, 1))));
        reg(L, co, "running", a -> {
            Coroutine c = L.current();
            return Varargs.of(c, c.isMain());
        });
        reg(L, co, "isyieldable", a -> {
            Coroutine c = a.isNone(1) ? L.current() : checkCo(a, 1);
            return c.isYieldable();
        }).yieldable();
        reg(L, co, "wrap", a -> {
            Coroutine c = new Coroutine(L, a.checkFunction(1));
            return new Wrapped(L, c);
        });
        reg(L, co, "close", a -> {
            Coroutine c = checkCo(a, 1);
            String st = status(L, c);
            if (!st.equals("suspended") && !st.equals("dead")) {
                throw a.error("cannot close a " + st + " coroutine");
            }
            LuaError e = c.close();
            if (e == null) {
                return Boolean.TRUE;
            }
            return Varargs.of(Boolean.FALSE, e.value());
        });
    }

    /*
     * As luaB_auxwrap: a string error (raised in the coroutine, or "cannot resume dead
     * coroutine") gets the position of the wrapped function's caller in front, if that is Lua
     * code; so an error from inside reads "caller:line: where:line: message".
     */
    private static Object withCallerPosition(LuaState L, Object v) {
        return v instanceof LuaString s ? Ops.str(L.where(1)).concat(s) : v;
    }

    private static String status(LuaState L, Coroutine c) {
        if (c == L.current()) {
            return "running";
        }
        return c.status().text();
    }

    private static Coroutine checkCo(Args a, int n) {
        if (a.get(n) instanceof Coroutine c) {
            return c;
        }
        throw a.typeError(n, "thread");
    }

    /*
     * coroutine.yield and the functions coroutine.wrap makes take their arguments as they come
     * (LibFunction.apply): a resume/yield round trip is mostly the continuation switch, and
     * these keep the library call around it small.
     */
    private static final class Yield extends LibFunction {
        Yield(LuaState L) {
            super(L, "yield", "coroutine.yield", null);
            yieldable();
        }

        @Override
        protected Object apply(Object[] args) {
            return L.yield(Varargs.of(args));
        }
    }

    private static final class Resume extends LibFunction {
        Resume(LuaState L) {
            super(L, "resume", "coroutine.resume", null);
        }

        @Override
        protected Object apply(Object[] args) {
            Coroutine c = checkCo(new Args(this, args), 1);
            Object in = switch (args.length) {
                case 0, 1 -> Varargs.NONE;
                case 2 -> args[1];
                default -> Varargs.of(java.util.Arrays.copyOfRange(args, 1, args.length));
            };
            try {
                return BaseLib.prependTrue(c.resume(in));
            } catch (LuaError e) {
                return Varargs.of(Boolean.FALSE, e.value());
            }
        }
    }

    private static final class Wrapped extends LibFunction {
        private final Coroutine c;

        Wrapped(LuaState L, Coroutine c) {
            super(L, "wrap", "wrap", null);
            this.c = c;
            yieldable().holding(c);
        }

        @Override
        protected Object apply(Object[] args) {
            try {
                return c.resume(Varargs.of(args));
            } catch (LuaError e) {
                throw new LuaError(withCallerPosition(L, e.value()));
            }
        }
    }

    private static LibFunction reg(LuaState L, LuaTable t, String name, LibFunction.Body b) {
        return LibFunction.register(L, t, "coroutine", name, b);
    }

}
