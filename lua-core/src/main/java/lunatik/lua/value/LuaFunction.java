package lunatik.lua.value;

/**
 * A callable Lua value: a Lua closure or a function written in Java.
 *
 * <p>Calling convention: arguments arrive in an array (which the callee may keep and must not
 * assume is exactly as long as the argument count: use {@code args.length}); the result is a
 * plain Lua value when there is exactly one, else a {@link Varargs}. {@link #invoke} never
 * returns an unresolved tail call; the interpreter uses {@link #invokeTail} so that Lua's
 * proper tail calls run in constant Java stack.
 */
public abstract class LuaFunction {
    /** Shared empty argument array. */
    public static final Object[] NO_ARGS = new Object[0];

    /** Calls this function and returns its results (a value or a {@link Varargs}). */
    public abstract Object invoke(Object[] args);

    /**
     * Like {@link #invoke} but may return a pending tail call, which the caller resolves.
     * Only the interpreter calls this.
     */
    public Object invokeTail(Object[] args) {
        return invoke(args);
    }

    /*
     * Fixed-arity forms of invokeTail: compiled Lua functions with up to three parameters take
     * their arguments in JVM locals, so calls with up to three arguments allocate no array.
     */
    public Object tail0() {
        return invokeTail(NO_ARGS);
    }

    public Object tail1(Object a) {
        return invokeTail(new Object[] {a});
    }

    public Object tail2(Object a, Object b) {
        return invokeTail(new Object[] {a, b});
    }

    public Object tail3(Object a, Object b, Object c) {
        return invokeTail(new Object[] {a, b, c});
    }

    /** The name used in messages ("print", "string.rep"); "?" when unknown. */
    public String name() {
        return "?";
    }

    public final Object call() {
        return invoke(NO_ARGS);
    }

    public final Object call(Object a) {
        return invoke(new Object[] {a});
    }

    public final Object call(Object a, Object b) {
        return invoke(new Object[] {a, b});
    }

    public final Object call(Object a, Object b, Object c) {
        return invoke(new Object[] {a, b, c});
    }
}
