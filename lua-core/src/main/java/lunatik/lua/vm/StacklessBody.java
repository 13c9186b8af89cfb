package lunatik.lua.vm;

/**
 * A coroutine body that runs without a continuation: its code, compiled so that it can stop at
 * a call to {@code coroutine.yield} and start again there, runs on the resumer's Java stack and
 * keeps what it needs between the two in a heap frame. Made by {@link Resumable} functions (the
 * compiler's, for bodies simple enough: lunatik.lua.jit). A resume/yield round trip is then a
 * return and a call, where a continuation copies stack frames to the heap and back.
 *
 * <p>The body runs stackless until it does something after which it could yield from deeper
 * than its own code: calling a Lua function, entering a metamethod. Then it stops before doing
 * it ({@link Migrate}), and the coroutine goes on from that statement's start on a continuation,
 * for the rest of its life (a statement of such a body has at most one call, as its outermost
 * expression, so starting it again repeats nothing that was done).
 */
public abstract class StacklessBody {
    /** What {@link #run} returns when the body yielded (the values are in the coroutine's transfer). */
    public static final Object SUSPEND = new Object();
    /** What {@link #run} returns when the body must go on on a continuation (it stopped before a statement). */
    public static final Object MIGRATE = new Object();

    /**
     * Runs the body: from its start with {@code args} the first time, else from where it
     * stopped (a yield: the coroutine's {@link Coroutine#resumeValues} are the yield's results).
     * Returns {@link #SUSPEND}, {@link #MIGRATE}, or what the body returns.
     */
    public abstract Object run(Object[] args);

    /** The body's frame (on the coroutine's stack from the first run until the body ends). */
    public abstract CallFrame frame();

    /** Thrown where a stackless body must stop before a statement and go on on a continuation. */
    public static final class Migrate extends RuntimeException implements Unwinding {
        private static final long serialVersionUID = 1L;
        public static final Migrate INSTANCE = new Migrate();

        private Migrate() {
            super(null, null, false, false);
        }
    }
}
