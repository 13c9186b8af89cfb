package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaTable;

/**
 * A function written in Java for Lua, bound to its state, with the argument checking of Lua's
 * auxiliary library ({@link Args}). Library classes register their functions with
 * {@link #register}:
 *
 * <pre>{@code
 * LibFunction.register(L, stringTable, "string", "rep", a -> {
 *     LuaString s = a.checkString(1);
 *     long n = a.checkInteger(2);
 *     ...
 * });
 * }</pre>
 */
public class LibFunction extends LuaFunction {
    /** The body of a library function. */
    @FunctionalInterface
    public interface Body {
        /** Runs the function; returns a value or a {@link lunatik.lua.value.Varargs}. */
        Object call(Args args);
    }

    protected final LuaState L;
    private final String name;
    private final String qualifiedName;
    private final Body body;
    private boolean yieldable;
    private boolean anonymous;

    /**
     * @param name short name used in argument errors when called from Lua ("rep")
     * @param qualifiedName name used otherwise and in tracebacks ("string.rep")
     */
    public LibFunction(LuaState L, String name, String qualifiedName, Body body) {
        this.L = L;
        this.name = name;
        this.qualifiedName = qualifiedName;
        this.body = body;
    }

    /** Creates {@code lib.name} (or global {@code name} when {@code lib} is null) in {@code table}. */
    public static LibFunction register(LuaState L, LuaTable table, String lib, String name, Body body) {
        LibFunction f = new LibFunction(L, name, lib == null ? name : lib + "." + name, body);
        table.put(L.intern(Ops.str(name)), f);
        return f;
    }

    /**
     * Puts {@code f} (an {@link Own}) in {@code table} under its short name.
     */
    public static LibFunction register(LuaState L, LuaTable table, LibFunction f) {
        table.put(L.intern(Ops.str(f.name)), f);
        return f;
    }

    /**
     * A library function that is a class of its own, its body the method {@link #call}: for
     * the functions that run in inner loops (string.byte, setmetatable...). A Lua call site
     * that calls one of them sees one receiver class, so HotSpot compiles the call, the
     * library-call bookkeeping and the body into the caller (and often takes the argument
     * array and the {@link Args} apart); a body behind the {@link Body} interface, which all
     * other library functions share, stays a call of its own there.
     */
    public abstract static class Own extends LibFunction {
        /** {@code lib.name}, or global {@code name} when {@code lib} is null. */
        protected Own(LuaState L, String lib, String name) {
            super(L, name, lib == null ? name : lib + "." + name, null);
        }

        /** The function's work, as a {@link Body}'s. */
        protected abstract Object call(Args a);

        @Override
        protected final Object apply(Object[] args) {
            return call(new Args(this, args));
        }
    }

    /**
     * Lets Lua code called by this function yield (pcall, xpcall, coroutine.yield). Other
     * library functions are a "C-call boundary" as in Lua 5.4: a yield from a function they call
     * (a sort comparator, a gsub callback) raises "attempt to yield across a C-call boundary".
     */
    public LibFunction yieldable() {
        yieldable = true;
        return this;
    }

    /**
     * Makes argument errors name this function '?' and count every argument, as Lua does for a
     * C function called from C (Lunatik's monitored methods are called by the monitor).
     */
    public LibFunction anonymous() {
        anonymous = true;
        return this;
    }

    private Object[] held = NOTHING_HELD;
    private static final Object[] NOTHING_HELD = {};

    /**
     * Records the Lua values this function's body keeps (a C closure's upvalues), so that the
     * state's memory accounting ({@link StateHeap}) counts them.
     */
    public LibFunction holding(Object... values) {
        held = values;
        return this;
    }

    /** The values given to {@link #holding}. */
    public Object[] heldValues() {
        return held;
    }

    /** Whether argument errors name this function '?'. */
    public boolean isAnonymous() {
        return anonymous;
    }

    /**
     * Runs the body. This is the boundary where Lua calls Java: a Lua error, a deliberate
     * {@link Unwinding} and a stack overflow go through as they are; any other throwable (a
     * bug, an exhausted heap) becomes a Lua error here, reported to the state's internal-error
     * handler, so that {@code pcall} catches it like any error of this function.
     */
    @Override
    public Object invoke(Object[] args) {
        if (L.hooksOn) {
            return invokeHooked(args);
        }
        return run(args);
    }

    /* With a hook on: the call and return events around the call (out of line: invoke stays small). */
    private Object invokeHooked(Object[] args) {
        return L.invokeHooked(this, () -> run(args));
    }

    private Object run(Object[] args) {
        Coroutine co = L.current;
        int savedBase = co.cBase;
        LuaFunction savedFn = co.cFn;
        co.cBase = co.depth;
        co.cFn = this;
        boolean counted = !yieldable;
        if (counted) {
            co.nny++;
        }
        try {
            return apply(args);
        } catch (LuaError e) {
            throw L.onLibraryError(co, this, e);
        } catch (Throwable t) {
            if (Unwinding.passes(t)) {
                throw t;
            }
            throw L.onLibraryError(co, this, L.internalError(qualifiedName, t));
        } finally {
            if (counted) {
                co.nny--;
            }
            co.cBase = savedBase;
            co.cFn = savedFn;
        }
    }

    /**
     * The function's work, run by {@link #invoke} inside the library-call bookkeeping: the body
     * with the arguments wrapped for checking. A subclass may override it to take the arguments
     * as they come (its body is then unused); at a call site that only ever calls that
     * subclass, the JVM compiles the override into the caller, where a body behind the shared
     * {@link Body} interface stays a call of its own.
     */
    protected Object apply(Object[] args) {
        return body.call(new Args(this, args));
    }

    public LuaState state() {
        return L;
    }

    @Override
    public String name() {
        return qualifiedName;
    }

    /** The short name ("rep"). */
    public String shortName() {
        return name;
    }
}
