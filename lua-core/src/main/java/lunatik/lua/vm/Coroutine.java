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
    /** The continuation the body runs on; null for the main coroutine, and while the body runs stackless. */
    private Fiber continuation;
    private final boolean main;
    /**
     * The body's stackless run ({@link StacklessBody}) until it ends or goes on on a
     * continuation; null for a body that has none.
     */
    private StacklessBody stacklessBody;
    /** Whether the stackless body has run once (its frame is pushed), and whether it has ended. */
    private boolean sbStarted;
    private boolean sbDone;
    /** The library-function bookkeeping ({@link #cBase}, {@link #cFn}) of the stackless body's code at its yield. */
    private int yieldBase;
    private LuaFunction yieldFn;
    /**
     * Whether this coroutine's stackless body is running its own code now (not inside a library
     * function that makes a C-call boundary): a Lua frame pushed then, or a yield other than
     * the body's own calls of coroutine.yield, stops the body ({@link StacklessBody.Migrate}).
     */
    public boolean stackless;
    /** Whether coroutines run their bodies stackless where they can ({@code -Dlunatik.stackless=false}: never). */
    private static final boolean STACKLESS = !"false".equals(System.getProperty("lunatik.stackless"));
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
    /** The innermost running Java library function (valid while {@link #cBase} is set), as Lua's C frame. */
    public LuaFunction cFn;
    /** Whether the function at the bottom of the stack (no frame below it) was called in tail position. */
    boolean baseTail;
    /** How the function at the bottom of the stack was called, as {@link CallFrame#calling} for the others. */
    byte baseCalling;
    /** The frames of the function an error killed, kept for debug.traceback (as Lua keeps a dead thread's stack). */
    private CallFrame deadTop;
    /** Nesting of non-yieldable Java calls (a host call into Lua); 0 in a coroutine means yieldable. */
    int nny;
    /** Direct tail calls of compiled code under way on this coroutine's Java stack (lunatik.lua.jit.Rt.tailKind). */
    public int tailDirect;

    // ---------------------------------------------------------------- debug.sethook (per coroutine, as in Lua)

    /** Hook mask bits: call, return, line, count (as LUA_MASKCALL...). */
    public static final int HOOK_CALL = 1;
    public static final int HOOK_RET = 2;
    public static final int HOOK_LINE = 4;
    public static final int HOOK_COUNT = 8;
    /** The hook function of this coroutine, or null. */
    LuaFunction hook;
    int hookMask;
    int hookCount;
    /** Ticks left before the next count event. */
    int countLeft;
    /**
     * Whether it is suspended in a yield (not before its start): then {@link #cBase} and
     * {@link #cFn} still say which library function yields (shown on top of the stack).
     */
    private boolean inYield;
    /** Whether a hook of this coroutine is running (no hook runs inside a hook, as Lua's allowhook). */
    boolean inHook;

    /** This coroutine's hook function, or null. */
    public LuaFunction hook() {
        return hook;
    }

    public int hookMask() {
        return hookMask;
    }

    public int hookCount() {
        return hookCount;
    }

    /** Whether a call, return or line event of this coroutine would run its hook now. */
    boolean traced() {
        return (hookMask & (HOOK_CALL | HOOK_RET | HOOK_LINE)) != 0 && !inHook;
    }

    /** The main coroutine of a state: runs on the host's thread, cannot yield. */
    Coroutine(LuaState state) {
        this.state = state;
        this.body = null;
        this.continuation = null;
        this.main = true;
        this.status = Status.RUNNING;
        this.nny = 1;
    }

    /** A new coroutine that will run {@code body}. */
    public Coroutine(LuaState state, LuaFunction body) {
        this.state = state;
        this.body = body;
        this.status = Status.SUSPENDED;
        this.main = false;
        StacklessBody sb = STACKLESS && body instanceof Resumable r ? r.stackless(this) : null;
        this.stacklessBody = sb;
        this.continuation = sb == null ? Fiber.of(this::run) : null;
    }

    /*
     * The body of the continuation. What escapes it kills the coroutine with a Lua error that
     * resume reports; only a deliberate unwinding other than this coroutine's own close (os.exit)
     * goes on through resume.
     */
    private void run() {
        try {
            Object[] args = Varargs.toArray(transfer);
            // no frame under the body, as in Lua: a coroutine's stack starts with its function
            transfer = Ops.resolve(body.invokeTail(args));
        } catch (Throwable t) {
            died(t);
        }
    }

    /** The body of the continuation a stackless body goes on on: from the statement where it stopped. */
    private void runMigrated(StacklessBody sb) {
        try {
            transfer = Ops.resolve(sb.run(null));
        } catch (Throwable t) {
            died(t);
        }
    }

    /*
     * A stackless run of the body (see StacklessBody), on the resumer's stack: it returns when the
     * body yields, ends, or stops to go on on a continuation (which then runs at once).
     */
    private void runStackless() {
        StacklessBody sb = stacklessBody;
        Object[] args = null;
        if (!sbStarted && state.hooksOn && traced()) {
            // a hook to run: the body runs as any function does then (instrumented), on a continuation
            stacklessBody = null;
            continuation = Fiber.of(this::run);
            continuation.run();
            return;
        }
        if (!sbStarted) {
            sbStarted = true;
            args = Varargs.toArray(transfer);
            transfer = null;
            push(sb.frame()); // no frame under the body, as in Lua
            state.compileStats().addStackless();
        } else {
            // back in the body's code, after the call of yield it stopped at
            inYield = false;
            cBase = yieldBase;
            cFn = yieldFn;
            yieldFn = null;
        }
        Object r;
        stackless = true;
        state.stacklessRunning++;
        state.pushLimit = 0;
        try {
            r = sb.run(args);
        } catch (Throwable t) {
            stackless = false;
            sbDone = true;
            died(t);
            return;
        } finally {
            stackless = false;
            state.stacklessRunning--;
            state.limitsChanged();
        }
        if (r == StacklessBody.SUSPEND) {
            return;
        }
        if (r == StacklessBody.MIGRATE) {
            stacklessBody = null;
            state.compileStats().addMigrated();
            continuation = Fiber.of(() -> runMigrated(sb));
            continuation.run();
            return;
        }
        sbDone = true;
        transfer = Ops.resolve(r);
    }

    /**
     * The stackless body's own call of coroutine.yield with {@code args}: the values handed to
     * the resumer, and the body shown suspended in that call as a continuation shows it.
     * Returns {@link StacklessBody#SUSPEND}, which the body returns.
     */
    public Object yieldStackless(Object[] args) {
        transfer = Varargs.of(args);
        yieldBase = cBase;
        yieldFn = cFn;
        cBase = depth;
        cFn = state.yieldFunction;
        inYield = true;
        return StacklessBody.SUSPEND;
    }

    /** The values of the resume that continues a stackless body after its yield (the yield's results). */
    public Object takeTransfer() {
        Object r = transfer;
        transfer = null;
        return r;
    }

    /** What ends the body with {@code t}, escaped from it: the error that kills the coroutine. */
    private void died(Throwable t) {
        if (t instanceof LuaError e) {
            error = e;
            deadTop = e.raisedAt();
            TailMarks marks = e.tailMarks();
            if (marks != null) {
                for (CallFrame f : marks.frames()) {
                    f.tailAbove = true;
                }
                baseTail = marks.base();
            }
        } else if (t instanceof StackOverflowError) {
            error = new LuaError(Ops.str("stack overflow"));
        } else if (t instanceof CloseUnwind) {
            transfer = Varargs.NONE;
        } else if (t instanceof Unwinding) {
            throw (RuntimeException) t;
        } else {
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
        return main;
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
            if (continuation == null) {
                runStackless();
            } else {
                continuation.run();
            }
        } finally {
            state.resumeNesting--;
            state.current = prev;
            prev.status = Status.RUNNING;
            resumer = null;
        }
        if (continuation == null ? sbDone : continuation.isDone()) {
            status = Status.DEAD;
            depth = 0;
            top = deadTop;
            if (hookMask != 0) {
                state.setHook(this, null, 0, 0); // a dead coroutine runs no hook: others need not check for it
            }
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

    /**
     * Suspends the running coroutine (this one), handing {@code values} to the resumer. While
     * suspended, the library function that yields shows at the top of its stack, as in Lua.
     */
    Object yield(Object values) {
        if (continuation == null) {
            if (stackless) {
                // a yield from below the stackless body's own code (pcall(coroutine.yield)):
                // the statement that led here starts again on a continuation
                throw StacklessBody.Migrate.INSTANCE;
            }
            // (a hook or finalizer run from a stackless body's code: no stack to suspend)
            throw new LuaError(Ops.str("attempt to yield across a C-call boundary"));
        }
        transfer = values;
        // no frame pushed (a switch costs enough): levels() shows the yielding function on top
        inYield = true;
        continuation.suspend();
        inYield = false;
        if (closing) {
            throw new CloseUnwind();
        }
        Object r = transfer;
        transfer = null;
        return r;
    }

    /** Whether code running now in this coroutine may yield. */
    public boolean isYieldable() {
        return !main && nny == 0;
    }

    /**
     * Closes a suspended or dead coroutine: unwinds a suspended one so that its pending
     * to-be-closed variables are closed. Returns the error that a closing method raised, or
     * that killed the coroutine, or null.
     */
    public LuaError close() {
        // (a stackless body has nothing to close: a body with to-be-closed variables is not one)
        if (status == Status.SUSPENDED && continuation != null && !continuation.isDone() && depth > 0) {
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
        deadTop = null;
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
        if (d >= state.pushLimit) {
            checkPush(d);
        }
        f.parent = top;
        top = f;
        depth = d + 1;
    }

    /* A push at or past the state's push limit: too deep, or from a stackless body (LuaState.pushLimit). */
    private void checkPush(int d) {
        if (stackless && nny == 0) {
            // a Lua function entered from a stackless body's own code (a call, a metamethod)
            throw StacklessBody.Migrate.INSTANCE;
        }
        if (d >= state.maxDepth) {
            throw state.stackOverflow();
        }
    }

    /**
     * Pushes a frame that was on a stack before (a leaf's, see lunatik.lua.jit.Rt#enterLeaf):
     * as a new one, with no marks of its last time there.
     */
    public void pushAgain(CallFrame f) {
        f.tailAbove = false;
        f.calling = CallFrame.BY_CODE;
        push(f);
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

    /**
     * The top of the stack as the debug library counts levels: in the running coroutine, the
     * Java library function running (the debug function itself, level 0, as Lua's C frame)
     * above the frames; else the frames (a suspended coroutine's top is the function that
     * yielded, a dead one's the frames the error left, as Lua keeps them).
     */
    public CallFrame levels() {
        if (state.current == this && cBase == depth) {
            return new CallFrame.Java(cFn, top);
        }
        if (inYield && status == Status.SUSPENDED) {
            return new CallFrame.Java(cBase == depth ? cFn : null, top);
        }
        return top;
    }

    /**
     * Marks the function above {@code below} (a frame of this coroutine, or null for the
     * stack's first function) as called in tail position, or not; returns the mark it had (see
     * {@link TailCall}). Who sets a mark puts it back on the same frame, whatever the stack is
     * by then.
     */
    public boolean markTailAbove(CallFrame below, boolean on) {
        boolean was;
        if (below == null) {
            was = baseTail;
            baseTail = on;
        } else {
            was = below.tailAbove;
            below.tailAbove = on;
        }
        if (was != on) {
            tailMarks += on ? 1 : -1;
        }
        return was;
    }

    /** How many tail marks are set (see {@link #markTailAbove}): with none, an error need not record them. */
    private int tailMarks;

    /**
     * The tail marks of the frames from {@code top} down, where an error is raised: a coroutine
     * the error kills keeps them with its frames (the callers put the marks back as the error
     * passes them), so its traceback shows "(...tail calls...)" where Lua's does. Null when
     * none is set.
     */
    TailMarks tailMarks() {
        if (tailMarks == 0) {
            return null;
        }
        java.util.List<CallFrame> marked = new java.util.ArrayList<>();
        for (CallFrame f = top; f != null; f = f.parent) {
            if (f.tailAbove) {
                marked.add(f);
            }
        }
        return new TailMarks(marked, baseTail);
    }

    /** What {@link #tailMarks()} recorded. */
    record TailMarks(java.util.List<CallFrame> frames, boolean base) {
    }

    /** Whether the function of frame {@code f} of this coroutine was called in tail position. */
    public boolean isTailCalled(CallFrame f) {
        CallFrame p = f.parent;
        return p == null ? baseTail && f == bottom() : p.tailAbove;
    }

    private CallFrame bottom() {
        CallFrame f = top;
        while (f != null && f.parent != null) {
            f = f.parent;
        }
        return f;
    }

    /**
     * How the function of frame {@code f} of this coroutine was reached, as getinfo's name and
     * namewhat: from the instruction of its caller, or as a hook or a finalizer; null when
     * not known (called from Java, or in tail position).
     */
    public FuncName calledAs(CallFrame f) {
        if (isTailCalled(f)) {
            return null;
        }
        CallFrame p = f.parent;
        byte how = p != null ? p.calling : f == bottom() ? baseCalling : CallFrame.BY_CODE;
        if (how == CallFrame.BY_HOOK) {
            return FuncName.HOOK;
        }
        if (how == CallFrame.BY_FINALIZER) {
            return FuncName.FINALIZER;
        }
        return p != null && p.isLua() ? p.callee() : null;
    }

    /**
     * Calls {@code f} as the stack's top calls something that no code there calls ({@code how}:
     * a hook, a finalizer), so that getinfo names it so; returns what {@code f} returns.
     */
    Object callMarked(byte how, java.util.function.Supplier<Object> f) {
        CallFrame below = top;
        byte was = below == null ? baseCalling : below.calling;
        if (below == null) {
            baseCalling = how;
        } else {
            below.calling = how;
        }
        boolean sl = stackless; // (a hook or finalizer cannot yield: it runs as from a library function)
        stackless = false;
        try {
            return f.get();
        } finally {
            stackless = sl;
            if (below == null) {
                baseCalling = was;
            } else {
                below.calling = was;
            }
        }
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
        if (hook != null) {
            refs.accept(hook);
        }
        for (CallFrame f = top; f != null; f = f.parent) {
            if (f.function() != null) {
                refs.accept(f.function());
            }
            f.forEachValue(refs);
        }
    }

    /** The fiber of a suspended coroutine (its stack is not on any thread), or null. */
    Fiber suspendedContinuation() {
        return status == Status.SUSPENDED && continuation != null && !continuation.isDone() ? continuation : null;
    }
}
