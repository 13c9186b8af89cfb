package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;

/**
 * One activation on a coroutine's call stack: a Lua function being interpreted, or a Java
 * function that called back into Lua (so that error levels and tracebacks see it, as Lua's
 * C frames are seen).
 */
public abstract class CallFrame {
    /** The caller's frame (set by {@link Coroutine#push}). */
    CallFrame parent;
    /**
     * How the function of the frame above this one was called when not by this frame's code at
     * its position: {@link #BY_HOOK}, {@link #BY_FINALIZER}, else {@link #BY_CODE}.
     */
    byte calling;
    /** Whether the frame above runs a function this one called in tail position (see TailCall). */
    boolean tailAbove;

    static final byte BY_CODE = 0;
    static final byte BY_HOOK = 1;
    static final byte BY_FINALIZER = 2;

    /** The caller's frame, or null. */
    public final CallFrame parent() {
        return parent;
    }

    /** The function running in this frame. */
    public abstract LuaFunction function();

    /** The line being executed, or -1 for a Java function. */
    public abstract int currentLine();

    /**
     * The current line as messages, tracebacks and the debug library show it: -1 for a Java
     * function, and in a function rebuilt from a stripped {@code string.dump} (it has no lines).
     */
    public final int visibleLine() {
        return function() instanceof lunatik.lua.interp.LuaClosure c && c.shape().stripped() ? -1 : currentLine();
    }

    /** The chunk's short source ("file.lua", "[string \"...\"]", "[C]"). */
    public abstract String shortSource();

    /** Whether this is a Lua function (as opposed to a Java one). */
    public abstract boolean isLua();

    /**
     * The name by which the function being called at the current call site was reached
     * ("rep" for {@code s:rep()}, "print" for {@code print()}), or null.
     */
    public final String callsiteName() {
        FuncName n = callee();
        return n == null ? null : n.name();
    }

    /**
     * What the code at this frame's position calls, named as Lua names it from the calling
     * instruction: a call ("print", global), an operation's metamethod ("index", metamethod),
     * a for iterator, a {@code __close}; null when nothing is known (Java frames).
     */
    public FuncName callee() {
        return null;
    }

    /**
     * Name of the {@code n}-th active local (1-based; negative: the n-th extra argument),
     * or null when there is none or this frame does not keep local variable information
     * (Java functions, and functions compiled to JVM bytecode, whose locals live in JVM locals).
     */
    public String localName(int n) {
        return null;
    }

    /** Value of the {@code n}-th active local (see {@link #localName}). */
    public Object getLocal(int n) {
        return null;
    }

    /** Sets the {@code n}-th active local; false when there is none. */
    public boolean setLocal(int n, Object v) {
        return false;
    }

    /** For the state's memory accounting: each value this frame holds outside the JVM stack. */
    public void forEachValue(java.util.function.Consumer<Object> refs) {
    }

    /** Whether the current call site is a method call ({@code obj:m()}). */
    public final boolean callsiteIsMethod() {
        FuncName n = callee();
        return n != null && n.what().equals("method");
    }

    /**
     * The frame of a Java function that calls back into Lua (a library function such as
     * {@code pcall}, or null for the host), as Lua has a frame for each C function.
     */
    public static final class Java extends CallFrame {
        private final LuaFunction fn;

        public Java(LuaFunction fn) {
            this.fn = fn;
        }

        /** A frame for {@code fn} above {@code parent}, not pushed (the running library function, seen as level 0). */
        Java(LuaFunction fn, CallFrame parent) {
            this.fn = fn;
            this.parent = parent;
        }

        @Override
        public LuaFunction function() {
            return fn;
        }

        @Override
        public int currentLine() {
            return -1;
        }

        @Override
        public String shortSource() {
            return "[C]";
        }

        @Override
        public boolean isLua() {
            return false;
        }
    }
}
