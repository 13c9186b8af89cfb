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
    public String callsiteName() {
        return null;
    }

    /** How a traceback names this frame's function ("function 'f'", "main chunk"). */
    public String describe() {
        String n = function().name();
        return n == null || n.equals("?") ? "?" : "function '" + n + "'";
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
    public boolean callsiteIsMethod() {
        return false;
    }

    /** The frame of a Java function that calls back into Lua. */
    public static final class Java extends CallFrame {
        private final LuaFunction fn;

        public Java(LuaFunction fn) {
            this.fn = fn;
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

        @Override
        public String describe() {
            return "?";
        }
    }
}
