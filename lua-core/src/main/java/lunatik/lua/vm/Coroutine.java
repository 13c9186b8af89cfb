package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.Varargs;

/**
 * A Lua thread (coroutine): its own call stack of frames, run on a JDK one-shot continuation
 * (or, where the JVM does not let us use those, on a virtual thread: {@link Fiber}).
 *
 * <p>Why continuations: the interpreter keeps Lua calls on the Java stack (fast, and lets
 * HotSpot inline), so a yield must suspend Java frames. {@code jdk.internal.vm.Continuation}
 * (what virtual threads are built on) does exactly that without a thread: resume mounts the
 * continuation's frames on the caller's stack, yield copies them back to the heap. A resume/
 * yield round trip costs about 100 ns here, and a suspended coroutine is a small heap object,
 * so 100,000 live coroutines take a few megabytes. Yield works across pcall, metamethods and
 * Java library functions because it is just a suspension of the Java stack.
 */
public final class Coroutine {
    /** Status names as {@code coroutine.status} reports them. */
    public enum Status {
        SUSPENDED("suspended"), RUNNING("running"), NORMAL("normal"), DEAD("dead");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    final LuaState state;
    private final LuaFunction body;
    private final Fiber continuation;
    private Status status;
    private Object transfer;          // values passed by resume/yield (value or Varargs)
    private LuaError error;           // error that killed it
    private boolean closing;          // resumed only to unwind for coroutine.close
    private Coroutine resumer;

    // call stack
    /** The innermost frame; frames link to their callers (push and pop are two field writes). */
    CallFrame top;
    int depth;
    /** The message handler of the innermost xpcall running in this coroutine, or null. */
    public Object msgHandler;
    /**
     * The stack depth at which the innermost running Java library function was entered, or -1:
     * while it equals {@link #depth}, a Java function (which has no frame of its own) is the
     * running function, so errors it raises carry no position, as in Lua.
     */
    public int cBase = -1;
    /** Nesting of non-yieldable Java calls (a host call into Lua); 0 in a coroutine means yieldable. */
    int nny;

    /** The main coroutine of a state: runs on the host's thread, cannot yield. */
    Coroutine(LuaState state) {
        this.state = state;
        this.body = null;
        this.continuation = null;
        this.status = Status.RUNNING;
        this.nny = 1;
    }

    /** A new coroutine that will run {@code body}. */
    public Coroutine(LuaState state, LuaFunction body) {
        this.state = state;
        this.body = body;
        this.status = Status.SUSPENDED;
        this.continuation = Fiber.of(this::run);
    }

    /*
     * The body of the continuation. What escapes it kills the coroutine with a Lua error that
     * resume reports; only a deliberate unwinding other than this coroutine's own close (os.exit)
     * goes on through resume.
     */
    private void run() {
        try {
            Object[] args = Varargs.toArray(transfer);
            transfer = state.call(body, args);
        } catch (LuaError e) {
            error = e;
        } catch (StackOverflowError e) {
            error = new LuaError(Ops.str("stack overflow"));
        } catch (CloseUnwind e) {
            transfer = Varargs.NONE;
        } catch (Throwable t) {
            if (t instanceof Unwinding) {
                throw t;
            }
            error = state.internalError(body.name(), t);
        }
    }

    public Status status() {
        return status;
    }

    public LuaState state() {
        return state;
    }

    /** Whether this is its state's main coroutine. */
    public boolean isMain() {
        return continuation == null;
    }

    /** The function this coroutine runs (null for the main one). */
    public LuaFunction body() {
        return body;
    }

    /**
     * Resumes this coroutine with {@code args}; returns its yielded or returned values, or
     * throws the error that killed it (the caller, e.g. coroutine.resume, catches it).
     */
    public Object resume(Object args) {
        if (status != Status.SUSPENDED) {
            throw new LuaError(Ops.str(status == Status.DEAD
                ? "cannot resume dead coroutine" : "cannot resume non-suspended coroutine"));
        }
        Coroutine prev = state.current;
        if (state.resumeNesting >= LuaState.MAX_RESUME_NESTING) {
            throw new LuaError(Ops.str("C stack overflow"));
        }
        state.resumeNesting++;
        resumer = prev;
        prev.status = Status.NORMAL;
        status = Status.RUNNING;
        state.current = this;
        transfer = args;
        try {
            continuation.run();
        } finally {
            state.resumeNesting--;
            state.current = prev;
            prev.status = Status.RUNNING;
            resumer = null;
        }
        if (continuation.isDone()) {
            status = Status.DEAD;
            depth = 0;
            top = null;
            if (error != null) {
                LuaError e = error;
                throw e;
            }
        } else {
            status = Status.SUSPENDED;
        }
        Object r = transfer;
        transfer = null;
        return r;
    }

    /** Suspends the running coroutine (this one), handing {@code values} to the resumer. */
    Object yield(Object values) {
        transfer = values;
        continuation.suspend();
        if (closing) {
            throw new CloseUnwind();
        }
        Object r = transfer;
        transfer = null;
        return r;
    }

    /** Whether code running now in this coroutine may yield. */
    public boolean isYieldable() {
        return continuation != null && nny == 0;
    }

    /**
     * Closes a suspended or dead coroutine: unwinds a suspended one so that its pending
     * to-be-closed variables are closed. Returns the error that a closing method raised, or
     * that killed the coroutine, or null.
     */
    public LuaError close() {
        if (status == Status.SUSPENDED && continuation.isDone() == false && depth > 0) {
            closing = true;
            state.current.status = Status.NORMAL;
            Coroutine prev = state.current;
            state.current = this;
            status = Status.RUNNING;
            try {
                continuation.run();
            } finally {
                state.current = prev;
                prev.status = Status.RUNNING;
            }
        }
        status = Status.DEAD;
        depth = 0;
        top = null;
        LuaError e = error;
        error = null;
        return e;
    }

    /** Thrown inside a coroutine being closed, to run its {@code __close} handlers. */
    public static final class CloseUnwind extends RuntimeException implements Unwinding {
        private static final long serialVersionUID = 1L;

        CloseUnwind() {
            super(null, null, false, false);
        }
    }

    /** Records the error that ends this coroutine while it is being closed. */
    void setCloseError(LuaError e) {
        error = e;
    }

    // ---------------------------------------------------------------- call stack

    /** Pushes a frame; raises "stack overflow" past the state's depth limit. */
    public void push(CallFrame f) {
        int d = depth;
        if (d >= state.maxDepth) {
            throw state.stackOverflow();
        }
        f.parent = top;
        top = f;
        depth = d + 1;
    }

    /** Pops the top frame. */
    public void pop() {
        top = top.parent;
        depth--;
    }

    /** Number of frames. */
    public int depth() {
        return depth;
    }

    /** The frame at {@code level} (0 = innermost), or null. */
    public CallFrame frame(int level) {
        if (level < 0) {
            return null;
        }
        CallFrame f = top;
        for (int i = 0; i < level && f != null; i++) {
            f = f.parent;
        }
        return f;
    }

    /**
     * For the state's memory accounting: the values this coroutine holds (its function, values
     * in transfer, and what its frames keep), and whether its JVM stack, being suspended,
     * must be read through {@link #continuation()}.
     */
    void forEachValue(java.util.function.Consumer<Object> refs) {
        if (body != null) {
            refs.accept(body);
        }
        if (transfer != null) {
            refs.accept(transfer);
        }
        if (msgHandler != null) {
            refs.accept(msgHandler);
        }
        for (CallFrame f = top; f != null; f = f.parent) {
            refs.accept(f.function());
            f.forEachValue(refs);
        }
    }

    /** The fiber of a suspended coroutine (its stack is not on any thread), or null. */
    Fiber suspendedContinuation() {
        return status == Status.SUSPENDED && continuation != null && !continuation.isDone() ? continuation : null;
    }
}
