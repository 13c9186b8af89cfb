package lunatik.lua.vm;

import lunatik.lua.value.LuaString;

/**
 * A Lua error in flight: carries the error value (any Lua value, usually a string that already
 * has its "chunk:line:" position) through the Java stack to the nearest {@code pcall}, coroutine
 * boundary or host.
 *
 * <p>Unchecked and without a Java stack trace: raising is cheap, as {@code error()} and
 * {@code pcall} are ordinary control flow in Lua programs. The Lua traceback, when wanted, is
 * taken by the interpreter when the error is raised ({@link #luaTraceback()}).
 */
public class LuaError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Object value;
    private transient String traceback;
    private transient boolean handled;
    private transient boolean overflow;
    private transient CallFrame stackTop;
    private transient int stackDepth;
    private transient CallFrame raisedAt;
    private transient Coroutine.TailMarks tailMarks;

    /** An error whose value is {@code value} (any Lua value, nil included). */
    public LuaError(Object value) {
        super(null, null, false, false);
        this.value = value;
    }

    /** An error whose value is the string {@code message} (no position is added). */
    public LuaError(String message) {
        this(LuaString.of(message));
    }

    /** Whether a message handler (xpcall's) has already seen this error. */
    public boolean isHandled() {
        return handled;
    }

    public LuaError markHandled() {
        handled = true;
        return this;
    }

    /** Marks a "stack overflow" error: its message handler runs once the stack is unwound. */
    public LuaError markOverflow() {
        overflow = true;
        return this;
    }

    /** Whether this is a "stack overflow" error (see {@link LuaState#callHandler}). */
    public boolean isOverflow() {
        return overflow;
    }

    /** Keeps the call stack as it was where the error was raised (the first time only). */
    void keepStack(CallFrame top, int depth) {
        if (stackTop == null) {
            stackTop = top;
            stackDepth = depth;
        }
    }

    /**
     * Records the innermost frame the error was raised in, in {@code co}, and the tail marks of
     * the frames from there down (the first time only).
     */
    void raisedIn(Coroutine co) {
        if (raisedAt == null) {
            raisedAt = co.top;
            tailMarks = co.tailMarks();
        }
    }

    /** The tail marks of the frames where the error was raised, or null (none set). */
    Coroutine.TailMarks tailMarks() {
        return tailMarks;
    }

    /**
     * The frames where the error was raised (a library function's own on top), or null: a
     * coroutine the error kills keeps them for debug.traceback, as Lua keeps a dead thread's stack.
     */
    CallFrame raisedAt() {
        return raisedAt;
    }

    /** This error's raise point on {@code e}, the error a message handler made of it. */
    LuaError sameOrigin(LuaError e) {
        if (e.raisedAt == null) {
            e.raisedAt = raisedAt;
            e.tailMarks = tailMarks;
        }
        return e;
    }

    CallFrame stackTop() {
        return stackTop;
    }

    int stackDepth() {
        return stackDepth;
    }

    /** The Lua error value. */
    public Object value() {
        return value;
    }

    /** The traceback recorded where the error was raised, or null. */
    public String luaTraceback() {
        return traceback;
    }

    public void setLuaTraceback(String tb) {
        if (traceback == null) {
            traceback = tb;
        }
    }

    @Override
    public String getMessage() {
        if (value instanceof LuaString s) {
            return s.toString();
        }
        if (value instanceof Long || value instanceof Double) {
            return Ops.toJavaString(value);
        }
        return value == null ? "nil" : "(error object is a " + Ops.typeName(value) + " value)";
    }
}
