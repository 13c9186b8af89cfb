package lunatik.lua.vm;

import java.io.OutputStream;
import java.io.PrintStream;
import lunatik.lua.interp.Compiler;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;

/**
 * One Lua state: globals, registry, per-type metatables, the coroutines and their call stacks,
 * output streams, and the execution budget. Everything mutable in the engine hangs off a state,
 * so many states share one JVM safely; a state is used by one thread at a time.
 *
 * <p>Execution control: the interpreter calls {@link #tick()} on every backward jump and every
 * function call. A countdown makes the common case one decrement and one branch; when it runs
 * out, {@link #onTickBudget()} checks the host's interrupt flag, the instruction budget and the
 * count hook of {@code debug.sethook}.
 */
public final class LuaState {
    /** Resume nesting limit (Lua's LUAI_MAXCCALLS). */
    public static final int MAX_RESUME_NESTING = 200;
    /**
     * Lua's stack size limit (LUAI_MAXSTACK): library functions that return a value per item
     * (string.byte, table.unpack, ...) refuse to return this many, as Lua's do.
     */
    public static final int MAX_STACK = 1_000_000;
    private static final int TICK_CHUNK = 1 << 12;

    public final Dialect dialect;
    /** The global table (the default {@code _ENV} of chunks). */
    public final LuaTable globals = new LuaTable();
    /** The registry (debug.getregistry). */
    public final LuaTable registry = new LuaTable();

    private LuaTable stringMeta;
    private LuaTable numberMeta;
    private LuaTable booleanMeta;
    private LuaTable nilMeta;
    private LuaTable functionMeta;
    private LuaTable threadMeta;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    final Coroutine main;
    Coroutine current;
    int resumeNesting;
    /** Maximum number of frames on one coroutine's call stack ("stack overflow" past it). */
    int maxDepth = 200_000;
    /**
     * The depth from which {@link Coroutine#push} looks closer: {@link #maxDepth}, or 0 while
     * a stackless coroutine body runs (its pushes stop it: see {@link StacklessBody}), so that
     * a push checks one number either way.
     */
    int pushLimit = 200_000;
    /** Stackless coroutine bodies running now (one inside another's library call: nested). */
    int stacklessRunning;

    /** Whether a stackless coroutine body runs now: every frame must be pushed as it is entered. */
    public boolean stacklessRunning() {
        return stacklessRunning > 0;
    }

    /** After {@link #maxDepth} or {@link #stacklessRunning} changed. */
    void limitsChanged() {
        pushLimit = stacklessRunning > 0 ? 0 : maxDepth;
    }

    // execution control
    private int ticks = TICK_CHUNK;
    private int tickChunk = TICK_CHUNK;
    private volatile boolean interrupted;
    private volatile Object interruptValue;
    private volatile boolean halted;
    private volatile Object haltValue;
    /** Whether this entry has had its one grace period after a stop condition (see onTickBudget). */
    private boolean graceUsed;
    private long budget = Long.MAX_VALUE; // instructions left in this entry
    private long budgetLimit = Long.MAX_VALUE;
    /**
     * Whether some coroutine has a call, return or line hook: interpreted code reads it at
     * calls, returns and statements, compiled code only on the slow path of its entry tick
     * ({@link #enter}), which then runs the function instrumented. With no hook, false.
     */
    public boolean hooksOn;
    /**
     * coroutine.yield of this state's library, or null: a stackless coroutine body
     * ({@link StacklessBody}) that calls it suspends by returning instead.
     */
    public LuaFunction yieldFunction;
    /** Coroutines with a call, return or line hook. */
    private int tracedCoroutines;
    /** Coroutines with a count hook. */
    private int countedCoroutines;

    /** Anything a host or library wants to hang off the state (Lunatik runtime, loaded libs). */
    private final java.util.Map<Object, Object> extensions = new java.util.HashMap<>();

    public LuaState(Dialect dialect) {
        this.dialect = dialect;
        this.main = new Coroutine(this);
        this.current = main;
        for (LuaString m : Meta.allNames()) {
            intern(m);
        }
    }

    private boolean jit = true;

    /** Whether this state compiles functions to JVM bytecode (else interprets them). */
    public boolean jitEnabled() {
        return jit;
    }

    public void setJitEnabled(boolean on) {
        jit = on;
    }

    private int jitSplit = Integer.getInteger("lunatik.jit.split", 0);

    /** The budget with which every function is compiled in split mode (0: only those too large for one method). */
    public int jitSplit() {
        return jitSplit;
    }

    /**
     * Compiles every function of the chunks loaded from now on in split mode, with
     * {@code budget} estimated bytes per JVM method (1: as many helper methods as can be), as
     * functions too large for one method are: tests run programs so to check that mode.
     * 0 restores the default ({@code -Dlunatik.jit.split=N} sets it for new states).
     */
    public void setJitSplit(int budget) {
        jitSplit = budget;
    }

    private boolean jitResumableAll;

    /** Whether every compiled closure gets its stackless-body code at once (see {@link #setJitResumableAll}). */
    public boolean jitResumableAll() {
        return jitResumableAll;
    }

    /**
     * Makes every compiled function simple enough to be a stackless coroutine body get that
     * code when its first closure is made, not when a coroutine first runs it: tests run
     * programs so, to check that such code is generated and verified for every such function.
     */
    public void setJitResumableAll(boolean on) {
        jitResumableAll = on;
    }

    private final CompileStats compileStats = new CompileStats();

    /** How many functions of the chunks loaded so far were compiled, and how many interpreted. */
    public CompileStats compileStats() {
        return compileStats;
    }

    /** Short strings of loaded code and library names, shared so table keys match by identity. */
    private final java.util.WeakHashMap<LuaString, java.lang.ref.WeakReference<LuaString>> interned =
        new java.util.WeakHashMap<>();

    /**
     * The state's canonical instance of a short string (up to 40 bytes): constants of compiled
     * chunks and library field names, so that {@code obj.field} finds its key by identity.
     */
    public LuaString intern(LuaString s) {
        if (s.length() > 40) {
            return s;
        }
        java.lang.ref.WeakReference<LuaString> r = interned.get(s);
        LuaString c = r == null ? null : r.get();
        if (c == null) {
            interned.put(s, new java.lang.ref.WeakReference<>(s));
            return s;
        }
        return c;
    }

    // ---------------------------------------------------------------- finalizers (__gc)

    private final java.util.concurrent.ConcurrentLinkedQueue<Object> toFinalize =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.List<Mark> marked = new java.util.ArrayList<>();
    private boolean inFinalizer;

    /**
     * One marking of an object for finalization, as the state sees it: a weak reference to the
     * object, whether its sentinel has handed it back (the JVM found it unreachable) and whether
     * its {@code __gc} has run (or been cancelled). The JVM clears the weak reference when it
     * finds the object unreachable, and runs the sentinel's finalizer later, on its own thread:
     * between the two, only {@code delivered} tells that the object is still on its way.
     */
    private static final class Mark extends java.lang.ref.WeakReference<Object> {
        volatile boolean delivered;
        volatile boolean done;

        Mark(Object o) {
            super(o);
        }

        /* On its way: found unreachable by the JVM, not yet handed back by its sentinel. */
        boolean inFlight() {
            return !done && !delivered && get() == null;
        }
    }

    /**
     * Tied to an object marked for finalization, and reachable only from it: when the JVM finds
     * the object unreachable it finalizes the sentinel, which hands the object back to its state
     * (resurrecting it, as Lua does) to have its {@code __gc} run on the state's own thread at
     * the next safe point. JVM finalization is deprecated but is the one mechanism that gives
     * the object itself back, which {@code __gc} needs.
     */
    private static final class Sentinel {
        private final Object obj;
        private final LuaState L;
        final Mark mark;

        Sentinel(Object obj, LuaState L, Mark mark) {
            this.obj = obj;
            this.L = L;
            this.mark = mark;
        }

        @Override
        @SuppressWarnings({"removal", "deprecation", "checkstyle:NoFinalizer"})
        protected void finalize() {
            if (mark.done) {
                return; // finalized by close() while still reachable
            }
            L.toFinalize.add(obj);
            mark.delivered = true; // after the add: close() drains the queue once this is seen
            L.ticks = 0; // run it soon
        }
    }

    /** Marks a table or userdata for finalization (setmetatable with a metatable that has {@code __gc}). */
    public void markForFinalization(Object o) {
        Mark m;
        if (o instanceof LuaTable t && t.gcSentinel == null) {
            m = new Mark(o);
            t.gcSentinel = new Sentinel(t, this, m);
        } else if (o instanceof LuaUserdata u && u.gcSentinel == null) {
            m = new Mark(o);
            u.gcSentinel = new Sentinel(u, this, m);
        } else {
            return;
        }
        marked.add(m);
        if (marked.size() > 1024 && (marked.size() & 1023) == 0) {
            marked.removeIf(r -> r.done || r.delivered && r.get() == null);
        }
    }

    /** Whether a {@code __gc} metamethod is running (collectgarbage answers fail in it, as Lua's). */
    public boolean isFinalizing() {
        return inFinalizer;
    }

    /** Runs the {@code __gc} of objects found unreachable (collectgarbage and safe points call this). */
    public void runPendingFinalizers() {
        if (inFinalizer) {
            return;
        }
        inFinalizer = true;
        Throwable unwind;
        try {
            unwind = drainPending();
        } finally {
            inFinalizer = false;
        }
        rethrow(unwind);
    }

    /* Finalizes every queued object; returns the first Unwinding a __gc raised, or null. */
    private Throwable drainPending() {
        Throwable unwind = null;
        Object o;
        while ((o = toFinalize.poll()) != null) {
            Throwable u = finalizeObject(o);
            unwind = unwind == null ? u : unwind;
        }
        return unwind;
    }

    /* Throws an Unwinding kept while finalizers ran (they are unchecked); nothing when null. */
    private static void rethrow(Throwable unwind) {
        if (unwind instanceof RuntimeException r) {
            throw r;
        }
        if (unwind instanceof Error e) {
            throw e;
        }
    }

    /** Finalized in the same collection as the objects it follows: tells that they are queued. */
    private static final class Canary {
        private final java.util.concurrent.CountDownLatch done;

        Canary(java.util.concurrent.CountDownLatch done) {
            this.done = done;
        }

        @Override
        @SuppressWarnings({"removal", "deprecation"})
        protected void finalize() {
            done.countDown();
        }
    }

    /** For memory accounting: the values the state holds outside any Lua value or stack. */
    void forEachRoot(java.util.function.Consumer<Object> refs) {
        for (Object o : new Object[] {globals, registry, stringMeta, numberMeta, booleanMeta, nilMeta,
                                      functionMeta, threadMeta, main, current, interruptValue, haltValue}) {
            if (o != null) {
                refs.accept(o);
            }
        }
    }

    /**
     * A full collection: the JVM's, then the finalizers it found. The JVM hands unreachable
     * objects to its finalizer thread asynchronously, so a canary made unreachable just before
     * shows when this collection's finalizers are under way.
     */
    @SuppressWarnings("removal")
    public void fullGc() {
        java.util.concurrent.CountDownLatch canary = new java.util.concurrent.CountDownLatch(1);
        new Canary(canary);
        System.gc();
        try {
            canary.await(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.runFinalization();
        runPendingFinalizers();
    }

    /*
     * Runs the __gc of o. Nothing it raises may keep the other finalizers from running: an
     * error becomes a warning (call has already made any Java throwable a Lua error), and a
     * deliberate unwinding (os.exit in a __gc) is returned, for the caller to raise once every
     * finalizer of its batch has run.
     */
    private Throwable finalizeObject(Object o) {
        Object sentinel = null;
        if (o instanceof LuaTable t) {
            sentinel = t.gcSentinel;
            t.gcSentinel = null;
        } else if (o instanceof LuaUserdata u) {
            sentinel = u.gcSentinel;
            u.gcSentinel = null;
        }
        if (sentinel instanceof Sentinel s) {
            s.mark.done = true;
        }
        Object mm = metamethod(o, Meta.GC);
        if (mm == null) {
            return null;
        }
        try {
            callFinalizer(mm, o);
        } catch (LuaError e) {
            Object v = e.value();
            // as lua5.4: a message that is not a string (or a number) is not shown
            warnGc(v instanceof LuaString || v instanceof Long || v instanceof Double ? e.getMessage()
                : "error object is not a string");
        } catch (Throwable t) {
            if (t instanceof Unwinding) {
                return t;
            }
            warnGc(internalError("__gc", t).getMessage());
        }
        return null;
    }

    /*
     * Runs a __gc metamethod as Lua does: from the function running (its level 2; a library
     * function such as collectgarbage has its frame), named "__gc", with no message handler
     * and no hooks.
     */
    private void callFinalizer(Object mm, Object o) {
        Coroutine co = current;
        boolean lib = co.cBase == co.depth;
        if (lib) {
            co.push(new CallFrame.Java(co.cFn));
        }
        Object handler = co.msgHandler;
        co.msgHandler = null;
        boolean hooks = co.inHook;
        co.inHook = true; // no hooks in a finalizer, as in Lua
        try {
            co.callMarked(CallFrame.BY_FINALIZER, () -> callDirect(mm, o));
        } catch (StackOverflowError e) {
            throw stackOverflow();
        } finally {
            co.inHook = hooks;
            co.msgHandler = handler;
            if (lib) {
                co.pop();
            }
        }
    }

    /* An error in a __gc is a warning, shown only when warnings are on (warn("@on")), as in Lua. */
    private void warnGc(String message) {
        if (!Boolean.TRUE.equals(extension("warn.on"))) {
            return;
        }
        err.println("Lua warning: error in __gc (" + message + ")");
        err.flush();
    }

    /**
     * Closes the state: runs the {@code __gc} of every object still marked for finalization,
     * newest first, as {@code lua_close} does, whatever each of them raises. Objects marked
     * while this runs are not finalized (as Lua stops marking when it closes). An
     * {@code os.exit} from a {@code __gc} is raised after all of them have run. Objects the JVM
     * has found unreachable but not yet handed back are waited for (a bounded wait), so that
     * none is missed because the JVM's finalizer thread was late.
     */
    public void close() {
        boolean nested = inFinalizer;
        inFinalizer = true;
        Throwable unwind;
        try {
            java.util.List<Mark> all = new java.util.ArrayList<>(marked);
            marked.clear();
            awaitInFlight(all);
            unwind = drainPending();
            for (int i = all.size() - 1; i >= 0; i--) {
                Mark m = all.get(i);
                Object o = m.get();
                if (!m.done && o != null) {
                    Throwable u = finalizeObject(o);
                    unwind = unwind == null ? u : unwind;
                }
            }
        } finally {
            inFinalizer = nested;
        }
        rethrow(unwind);
    }

    /* Waits (up to CLOSE_WAIT_NANOS) until every object found unreachable is handed back. */
    @SuppressWarnings("removal")
    private static void awaitInFlight(java.util.List<Mark> all) {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (anyInFlight(all) && System.nanoTime() - deadline < 0) {
            System.runFinalization(); // runs them on a second thread if the JVM's is busy
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /* (a loop, not a stream: the first stream of a JVM costs about a millisecond of class set-up) */
    private static boolean anyInFlight(java.util.List<Mark> all) {
        for (Mark m : all) {
            if (m.inFlight()) {
                return true;
            }
        }
        return false;
    }

    private static final long CLOSE_WAIT_NANOS = 2_000_000_000L;

    // ---------------------------------------------------------------- streams

    public PrintStream out() {
        return out;
    }

    private java.io.InputStream in = System.in;

    /** Standard input of the state ({@code loadfile()} with no name reads it): the process's, unless set. */
    public java.io.InputStream in() {
        return in;
    }

    /** Sets the standard input (a host with none, such as a runtime of the daemon, gives an empty stream). */
    public void setIn(java.io.InputStream i) {
        in = i;
    }

    public PrintStream err() {
        return err;
    }

    public void setOut(OutputStream o) {
        out = o instanceof PrintStream p ? p : new PrintStream(o, true);
    }

    public void setErr(OutputStream o) {
        err = o instanceof PrintStream p ? p : new PrintStream(o, true);
    }

    // ---------------------------------------------------------------- metatables

    /** The metatable of any value, or null. */
    public LuaTable getMetatable(Object v) {
        if (v instanceof LuaTable t) {
            return t.getMetatable();
        }
        if (v instanceof LuaString) {
            return stringMeta;
        }
        if (v instanceof LuaUserdata u) {
            return u.getMetatable();
        }
        if (v instanceof Long || v instanceof Double) {
            return numberMeta;
        }
        if (v instanceof Boolean) {
            return booleanMeta;
        }
        if (v == null) {
            return nilMeta;
        }
        if (v instanceof LuaFunction) {
            return functionMeta;
        }
        if (v instanceof Coroutine) {
            return threadMeta;
        }
        return null;
    }

    /** Sets the metatable of a table or userdata, or of a whole type (debug.setmetatable). */
    public void setMetatable(Object v, LuaTable mt) {
        if (v instanceof LuaTable t) {
            t.setMetatable(mt);
        } else if (v instanceof LuaUserdata u) {
            u.setMetatable(mt);
        } else if (v instanceof LuaString) {
            stringMeta = mt;
        } else if (v instanceof Long || v instanceof Double) {
            numberMeta = mt;
        } else if (v instanceof Boolean) {
            booleanMeta = mt;
        } else if (v == null) {
            nilMeta = mt;
        } else if (v instanceof LuaFunction) {
            functionMeta = mt;
        } else if (v instanceof Coroutine) {
            threadMeta = mt;
        }
    }

    /** The metatable shared by all strings (set up by the string library). */
    public LuaTable stringMetatable() {
        return stringMeta;
    }

    /** A metamethod of {@code v}, or null. */
    public Object metamethod(Object v, LuaString event) {
        LuaTable mt = getMetatable(v);
        if (mt == null) {
            return null;
        }
        int bit = Meta.absentBit(event);
        return bit == 0 ? mt.get(event) : mt.metaField(event, bit);
    }

    // ---------------------------------------------------------------- extensions

    @SuppressWarnings("unchecked")
    public <T> T extension(Object key) {
        return (T) extensions.get(key);
    }

    public void setExtension(Object key, Object value) {
        extensions.put(key, value);
    }

    // ---------------------------------------------------------------- loading

    /**
     * Compiles a chunk. {@code chunkName} follows Lua's convention ("@file.lua", "=stdin", or
     * the source itself); {@code env} becomes the chunk's {@code _ENV} (null: the globals).
     * A syntax error raises a LuaError whose value is the message.
     */
    public LuaFunction load(byte[] source, String chunkName, Object env) {
        return loadIn(source, chunkName, env == null ? globals : env);
    }

    /**
     * Loads a chunk as {@code lua_load} does: text, or a binary chunk of {@code string.dump};
     * {@code env} becomes the chunk's first upvalue as it is, nil included.
     */
    public LuaFunction loadIn(byte[] source, String chunkName, Object env) {
        if (source.length > 0 && source[0] == lunatik.lua.interp.BinaryChunk.SIGNATURE) {
            return lunatik.lua.interp.BinaryChunk.load(this, source, chunkName, env);
        }
        return Compiler.load(this, source, chunkName, env);
    }

    /** Loads the contents of a script file, as {@code luaL_loadfile}: see {@link #skipFileHeader}. */
    public LuaFunction loadFile(byte[] contents, String chunkName, Object env) {
        return load(skipFileHeader(contents), chunkName, env);
    }

    /**
     * The chunk in a file's contents, as {@code luaL_loadfilex} reads it: without a UTF-8 byte
     * order mark, and without a first line starting with '#' (Unix exec files), whose newline
     * stays so that line numbers do not change (unless a binary chunk follows it).
     */
    public static byte[] skipFileHeader(byte[] src) {
        int i = src.length >= 3 && (src[0] & 0xff) == 0xef && (src[1] & 0xff) == 0xbb && (src[2] & 0xff) == 0xbf ? 3 : 0;
        if (i < src.length && src[i] == '#') {
            while (i < src.length && src[i] != '\n') {
                i++;
            }
            if (i + 1 < src.length && src[i + 1] == lunatik.lua.interp.BinaryChunk.SIGNATURE) {
                i++;
            }
        }
        return i == 0 ? src : java.util.Arrays.copyOfRange(src, i, src.length);
    }

    /** Compiles a chunk given as Java text, with the globals as environment. */
    public LuaFunction load(String source, String chunkName) {
        return load(source.getBytes(java.nio.charset.StandardCharsets.UTF_8), chunkName, null);
    }

    // ---------------------------------------------------------------- calls

    /** The running coroutine. */
    public Coroutine current() {
        return current;
    }

    /** The main coroutine. */
    public Coroutine mainCoroutine() {
        return main;
    }

    /**
     * Calls {@code fn} (any value; {@code __call} is honoured) from Java with {@code args}.
     * Returns a value or a {@link Varargs}. The call shows on the call stack as a Java frame,
     * as a C function's call does in Lua. Only Lua errors (and {@link Unwinding}s) come out:
     * any other Java throwable becomes one ({@link #internalError}).
     */
    public Object call(Object fn, Object... args) {
        LuaFunction f;
        if (fn instanceof LuaFunction g) {
            f = g;
        } else {
            Ops.Callee c = Ops.toCallable(this, fn, args, "");
            f = c.fn();
            args = c.args();
        }
        Coroutine co = current;
        enterC();
        // the frame of the Java function making the call (a library function, or the host)
        co.push(new CallFrame.Java(co.cBase == co.depth ? co.cFn : null));
        try {
            return Ops.resolve(f.invokeTail(args));
        } catch (LuaError e) {
            throw e;
        } catch (StackOverflowError e) {
            throw stackOverflow();
        } catch (Throwable t) {
            if (Unwinding.passes(t)) {
                throw t;
            }
            throw internalError(f.name(), t);
        } finally {
            co.pop();
            cCalls--;
        }
    }

    /**
     * Calls a metamethod from an operation and returns its first result. Unlike {@link #call}
     * no Java frame is pushed: as in Lua, a metamethod runs as if called by the Lua code whose
     * operation triggered it (so {@code error(msg, 2)} in it points at that code).
     */
    public Object callMeta(Object mm, Object a, Object b) {
        if (mm instanceof LuaFunction f) {
            return callMetaFunction(f, a, b);
        }
        return call1(mm, a, b);
    }

    /** A metamethod that is a function, called with two values: its first result. */
    private Object callMetaFunction(LuaFunction f, Object a, Object b) {
        enterC();
        try {
            Object r = Ops.resolve(f.tail2(a, b));
            return r instanceof Varargs v ? v.get(0) : r;
        } finally {
            cCalls--;
        }
    }

    /** Nested calls of metamethods and from Java into Lua (Lua's C calls), for "C stack overflow". */
    private int cCalls;
    /** Lua's LUAI_MAXCCALLS. */
    private static final int MAX_C_CALLS = 200;

    /*
     * One more nested C call: as lua5.4, the 200th raises "C stack overflow", and past 220
     * (handlers of that error calling on) "error in error handling".
     */
    private void enterC() {
        if (++cCalls >= MAX_C_CALLS) {
            int n = cCalls;
            if (n == MAX_C_CALLS) {
                cCalls--;
                throw new LuaError(Ops.str(where(0) + "C stack overflow"));
            }
            if (n >= MAX_C_CALLS / 10 * 11) {
                cCalls--;
                throw new LuaError(Ops.str("error in error handling"));
            }
        }
    }

    /**
     * As {@link #callMeta(Object, Object, Object)} for the metamethod of {@code event}
     * ({@link Meta}): a value that cannot be called is named as Lua names it, "attempt to call
     * a number value (metamethod 'add')" (without the name when a library function runs).
     */
    public Object callMeta(LuaString event, Object mm, Object a, Object b) {
        if (mm instanceof LuaFunction f) {
            return callMetaFunction(f, a, b);
        }
        // a __call chain ending in a value that cannot be called names the metamethod, as Lua
        Coroutine co = current;
        String name = co.cBase == co.depth ? "" : " (metamethod '" + event.toString().substring(2) + "')";
        Ops.Callee c = Ops.toCallable(this, mm, new Object[] {a, b}, name);
        return Varargs.first(call(c.fn(), c.args()));
    }

    /** As {@link #callMeta(Object, Object, Object)} with three arguments, no result. */
    public void callMeta(Object mm, Object a, Object b, Object c) {
        if (mm instanceof LuaFunction f) {
            enterC();
            try {
                Ops.resolve(f.tail3(a, b, c));
            } finally {
                cCalls--;
            }
            return;
        }
        call(mm, a, b, c);
    }

    /**
     * Calls {@code fn} and returns its first result, with no yield allowed in it (as Lua calls
     * a message handler: a yield there is "attempt to yield across a C-call boundary").
     */
    public Object callNoYield(Object fn, Object... args) {
        Coroutine co = current;
        co.nny++;
        try {
            return call1(fn, args);
        } finally {
            co.nny--;
        }
    }

    /** Calls {@code fn} and returns only its first result. */
    public Object call1(Object fn, Object... args) {
        return Varargs.first(call(fn, args));
    }

    /**
     * An error leaves the innermost Lua frame: if an xpcall handler is active in this coroutine
     * and has not seen the error, it runs now, with the erroring frames still on the stack (so
     * debug.traceback shows them), and its result becomes the error value.
     */
    public LuaError onError(Coroutine co, LuaError e) {
        e.raisedIn(co);
        Object h = co.msgHandler;
        if (h == null || e.isHandled()) {
            return e;
        }
        if (e.isOverflow()) {
            // no stack is left here to run the handler (our frames are Java frames): it runs
            // where the xpcall catches the error, on this call stack kept (callHandler)
            e.keepStack(co.top, co.depth);
            return e;
        }
        e.markHandled();
        co.msgHandler = null; // an error in the handler is not handled again
        try {
            Object r = callDirect(h, e.value());
            return e.sameOrigin(new LuaError(r).markHandled());
        } catch (LuaError inner) {
            // Lua calls the handler again for its own error until the C stack overflows
            return e.sameOrigin(new LuaError(Ops.str("error in error handling")).markHandled());
        } catch (StackOverflowError so) {
            return e.sameOrigin(new LuaError(Ops.str("error in error handling")).markHandled());
        } finally {
            co.msgHandler = h;
        }
    }

    /**
     * An error leaves the Java library function {@code fn} (raised by it, as {@code error} and
     * argument checks do, or passing through it): where it was raised, the function shows
     * above the frames, as Lua's C frame does, for the message handler (a traceback starts
     * "[C]: in function 'error'") and for a coroutine the error kills.
     */
    public LuaError onLibraryError(Coroutine co, LuaFunction fn, LuaError e) {
        if (e.raisedAt() != null || e.isHandled() || co.depth >= maxDepth) {
            return e;
        }
        co.push(new CallFrame.Java(fn));
        try {
            return onError(co, e);
        } finally {
            co.pop();
        }
    }

    /*
     * Calls fn (not yieldable) with no frame of its own under it, as Lua calls a message handler:
     * the handler's level 1 is where the error was raised.
     */
    private Object callDirect(Object fn, Object... args) {
        Coroutine co = current;
        LuaFunction f;
        if (fn instanceof LuaFunction g) {
            f = g;
        } else {
            Ops.Callee c = Ops.toCallable(this, fn, args, "");
            f = c.fn();
            args = c.args();
        }
        co.nny++;
        try {
            return Varargs.first(Ops.resolve(f.invokeTail(args)));
        } finally {
            co.nny--;
        }
    }

    /**
     * A Java throwable that does not pass boundaries ({@link Unwinding#passes}) leaving the body
     * of the Lua function {@code function}, the innermost frame of {@code co}: the Lua error
     * that takes its place, positioned in that function and through the message handler as any
     * error there would be.
     */
    public LuaError onInternalError(Coroutine co, Throwable t, String function) {
        return onError(co, internalError(function, t, 0));
    }

    /** The "stack overflow" error, positioned at the current line. */
    public LuaError stackOverflow() {
        return new LuaError(Ops.str(where(0) + "stack overflow")).markOverflow();
    }

    /**
     * What a Lua function running in {@code co} raises when the JVM stack overflows in it: the
     * "stack overflow" error, positioned there, through {@link #onError} (which keeps the call
     * stack for the message handler).
     */
    public LuaError onStackOverflow(Coroutine co) {
        return onError(co, stackOverflow());
    }

    /** Frames a message handler may add past the depth limit after a stack overflow (Lua's extra stack). */
    private static final int HANDLER_EXTRA_DEPTH = 200;

    /**
     * Runs xpcall's message handler {@code h} on error {@code e}, which it has not seen yet,
     * from the xpcall, and returns its result; the handler may not yield. For a stack overflow,
     * whose handler could not run where it was raised (no stack was left), the handler sees
     * the call stack as it was there (so debug.traceback shows it), with a few frames to spare
     * past the depth limit, as Lua gives a handler extra stack; an overflow in the handler
     * itself raises, and xpcall reports "error in error handling".
     */
    public Object callHandler(Object h, LuaError e) {
        Coroutine co = current;
        CallFrame top = co.top;
        int depth = co.depth;
        int limit = maxDepth;
        if (e.stackTop() != null) {
            co.top = e.stackTop();
            co.depth = e.stackDepth();
            maxDepth = Math.max(limit, co.depth) + HANDLER_EXTRA_DEPTH;
            limitsChanged();
        }
        try {
            return callDirect(h, e.value());
        } finally {
            co.top = top;
            co.depth = depth;
            maxDepth = limit;
            limitsChanged();
        }
    }

    /** Sets the frame-depth limit of each coroutine (tests and hosts with small stacks). */
    public void setMaxDepth(int n) {
        maxDepth = n;
        limitsChanged();
    }

    public int maxDepth() {
        return maxDepth;
    }

    // ---------------------------------------------------------------- internal errors

    /** The default report of an internal error: the Java stack trace, at debug level only. */
    private static final java.util.function.BiConsumer<String, Throwable> LOG_INTERNAL_ERROR = (fn, t) ->
        System.getLogger("lunatik.lua").log(System.Logger.Level.DEBUG, "internal error in '" + fn + "'", t);

    private java.util.function.BiConsumer<String, Throwable> internalErrorHandler = LOG_INTERNAL_ERROR;

    /**
     * Sets what hears of every Java throwable that this state turned into a Lua error (an
     * exception a library function did not expect, an exhausted heap): the name of the function
     * it escaped from ("string.rep", or the Lua function running) and the throwable. Such a
     * conversion is a safety net, so each one is a bug worth knowing of. The default logs it on
     * {@code System.getLogger("lunatik.lua")} at DEBUG, with its stack trace; null restores it.
     */
    public void setInternalErrorHandler(java.util.function.BiConsumer<String, Throwable> handler) {
        internalErrorHandler = handler == null ? LOG_INTERNAL_ERROR : handler;
    }

    /**
     * The Lua error that stands for {@code t}, a Java throwable that escaped {@code function}
     * (null when unknown) and that is neither a Lua error nor an {@link Unwinding}: "not enough
     * memory" for an exhausted heap, else "internal error in 'f' (java.lang.SomeException)"
     * positioned as a library function's errors are. Reports it to the internal-error handler.
     */
    public LuaError internalError(String function, Throwable t) {
        return internalError(function, t, 1);
    }

    /* As internalError(function, t), positioned at the function at that level (where). */
    private LuaError internalError(String function, Throwable t, int level) {
        String name = function == null || function.equals("?") ? null : function;
        reportInternalError(name == null ? "?" : name, t);
        if (t instanceof OutOfMemoryError) {
            return new LuaError(Ops.str("not enough memory"));
        }
        String in = name == null ? "" : " in '" + name + "'";
        return new LuaError(Ops.str(where(level) + "internal error" + in + " (" + t.getClass().getName() + ")"));
    }

    /* A handler that fails must not change what the script sees: its failure is dropped. */
    private void reportInternalError(String function, Throwable t) {
        try {
            internalErrorHandler.accept(function, t);
        } catch (RuntimeException | OutOfMemoryError e) {
            // nothing better to do: the Lua error is raised all the same
        }
    }

    // ---------------------------------------------------------------- coroutines

    /** Yields the running coroutine with {@code values}; returns the values of the next resume. */
    public Object yield(Object values) {
        Coroutine co = current;
        if (co.isMain()) {
            throw new LuaError(Ops.str("attempt to yield from outside a coroutine"));
        }
        if (co.nny > 0) {
            throw new LuaError(Ops.str("attempt to yield across a C-call boundary"));
        }
        return co.yield(values);
    }

    // ---------------------------------------------------------------- positions

    /**
     * "short_src:line: " of the function at {@code level} of the running coroutine's stack, as
     * {@code luaL_where} counts levels (0 = the running function, 1 = its caller), or "" when
     * that is a Java function or does not exist.
     */
    public String where(int level) {
        Coroutine co = current;
        boolean library = co.cBase == co.depth;
        if (library) {
            // a Java library function is running: it is level 0, and has no position
            if (level == 0) {
                return "";
            }
            level--;
        }
        CallFrame f = co.frame(level);
        if (f == null || !f.isLua()) {
            return "";
        }
        int line = f.visibleLine();
        if (line <= 0 && library) {
            return ""; // luaL_where gives no position without a line; a runtime error gives "?:-1:"
        }
        return f.shortSource() + ":" + line + ": ";
    }

    /**
     * A traceback of the running coroutine, in the standard format, from {@code level} as
     * {@code luaL_traceback} counts levels (0: the Java function running, if any, or the
     * innermost frame).
     */
    public String traceback(String message, int level) {
        return Traceback.of(this, current, message, level);
    }

    // ---------------------------------------------------------------- execution control

    /** Called on backward jumps and calls: cheap countdown, slow path when it runs out. */
    public void tick() {
        if (--ticks < 0) {
            onTickBudget();
        }
    }

    private Runnable budgetCheck;

    /**
     * A check the host runs at each execution-control point (every few thousand ticks), on the
     * state's thread: it may raise a LuaError (a memory budget, say).
     */
    public void setBudgetCheck(Runnable check) {
        budgetCheck = check;
    }

    /** Ticks a handler gets, once per entry, after a stop condition is first raised. */
    private static final int GRACE_TICKS = 1000;

    /*
     * A stop condition (a halt, an interrupt, an exhausted budget) raises an error at the next
     * check. A script can catch it with pcall, so it is not forgotten once raised: the first time
     * in an entry the script gets a short grace (a handler can format a message and return), and
     * from then on every check raises again, so no loop of pcalls can outlive it. Only the start
     * of the next entry (resetBudget) clears an interrupt or a budget, and only clearHalt a halt.
     */
    private void onTickBudget() {
        int used = Math.max(0, (hooksOn ? 0 : tickChunk) - ticks);
        ticks = hooksOn ? 0 : tickChunk; // with a hook on, every entry takes this path
        if (halted) {
            throw stopCondition(haltValue);
        }
        if (interrupted) {
            throw stopCondition(interruptValue);
        }
        if (budgetCheck != null) {
            budgetCheck.run();
        }
        if (!toFinalize.isEmpty()) {
            runPendingFinalizers();
        }
        if (budget != Long.MAX_VALUE) {
            budget -= used;
            if (budget < 0) {
                throw stopCondition(Ops.str(where(0) + "instruction budget exceeded"));
            }
        }
        Coroutine co = current;
        if ((co.hookMask & Coroutine.HOOK_COUNT) != 0 && !co.inHook) {
            co.countLeft -= Math.max(1, used);
            if (co.countLeft <= 0) {
                co.countLeft = co.hookCount;
                runHook(co, "count", null);
            }
        }
    }

    /**
     * The entry tick of a compiled function: true when the function must run instrumented
     * instead (a call, return or line hook of the running coroutine is set). Costs what
     * {@link #tick} costs: the hook is only looked at on the slow path, which every entry takes
     * while some coroutine has a hook.
     */
    public boolean enter() {
        if (--ticks < 0) {
            return onEnterBudget();
        }
        return false;
    }

    private boolean onEnterBudget() {
        onTickBudget();
        return hooksOn && current.traced();
    }

    /**
     * Sets the hook of {@code co} as debug.sethook does: {@code mask} of
     * {@link Coroutine#HOOK_CALL} and the others, {@code count} for count events (0: none);
     * a null hook or an empty mask removes it.
     */
    public void setHook(Coroutine co, LuaFunction hook, int mask, int count) {
        if (count > 0) {
            mask |= Coroutine.HOOK_COUNT;
        } else {
            mask &= ~Coroutine.HOOK_COUNT;
        }
        if (hook == null || mask == 0) {
            hook = null;
            mask = 0;
            count = 0;
        }
        int crl = Coroutine.HOOK_CALL | Coroutine.HOOK_RET | Coroutine.HOOK_LINE;
        boolean tracedBefore = (co.hookMask & crl) != 0;
        boolean countedBefore = (co.hookMask & Coroutine.HOOK_COUNT) != 0;
        co.hook = hook;
        co.hookMask = mask;
        co.hookCount = count;
        co.countLeft = count;
        boolean traced = (mask & crl) != 0;
        boolean counted = (mask & Coroutine.HOOK_COUNT) != 0;
        tracedCoroutines += (traced ? 1 : 0) - (tracedBefore ? 1 : 0);
        countedCoroutines += (counted ? 1 : 0) - (countedBefore ? 1 : 0);
        hooksOn = tracedCoroutines > 0;
        if (counted) {
            tickChunk = Math.max(1, Math.min(count, TICK_CHUNK));
        } else if (countedCoroutines == 0) {
            // the budget's own chunk again (not setInstructionBudget: that would refill the budget)
            tickChunk = budgetLimit == Long.MAX_VALUE ? TICK_CHUNK : (int) Math.min(TICK_CHUNK, Math.max(1, budgetLimit / 16));
        }
        ticks = hooksOn ? 0 : Math.min(ticks, tickChunk);
    }

    /** Installs a count hook on the running coroutine (null removes its hook). */
    public void setCountHook(LuaFunction hook, int count) {
        setHook(current, hook, 0, count);
    }

    /** The running coroutine's hook, or null. */
    public LuaFunction countHook() {
        return current.hook;
    }

    public int hookCount() {
        return current.hookCount;
    }

    /**
     * Calls {@code co}'s hook for {@code event} ("call", "line"...; {@code line} or nil as its
     * second argument) as Lua does: with the hooked function at the hook's level 2, named
     * "hook" itself, no hook inside it.
     */
    void runHook(Coroutine co, String event, Object line) {
        LuaFunction h = co.hook;
        if (h == null) {
            return;
        }
        co.inHook = true;
        try {
            co.callMarked(CallFrame.BY_HOOK, () -> callDirect(h, Ops.str(event), line));
        } finally {
            co.inHook = false;
        }
    }

    /** A Lua function starts in frame {@code f}, the top of the running coroutine: the call hook. */
    public void hookCall(CallFrame f) {
        Coroutine co = current;
        if ((co.hookMask & Coroutine.HOOK_CALL) != 0 && !co.inHook) {
            runHook(co, co.isTailCalled(f) ? "tail call" : "call", null);
        }
    }

    /** The function of the top frame returns: the return hook. */
    public void hookReturn() {
        Coroutine co = current;
        if ((co.hookMask & Coroutine.HOOK_RET) != 0 && !co.inHook) {
            runHook(co, "return", null);
        }
    }

    /** Whether the running coroutine has a line hook that may run now. */
    public boolean lineHooked() {
        Coroutine co = current;
        return (co.hookMask & Coroutine.HOOK_LINE) != 0 && !co.inHook;
    }

    /** The line hook, for a new line of the top frame (null: a function without line information). */
    public void hookLine(Long line) {
        runHook(current, "line", line);
    }

    /** The return event of library function {@code fn}, which turned a return hook on. */
    public void hookLibReturn(LuaFunction fn) {
        Coroutine co = current;
        if ((co.hookMask & Coroutine.HOOK_RET) != 0 && !co.inHook) {
            co.push(new CallFrame.Java(fn));
            try {
                runHook(co, "return", null);
            } finally {
                co.pop();
            }
        }
    }

    /**
     * A Java library function is called while a hook is on: its call and return events, with
     * a frame for it under the hook (as Lua's C frame).
     */
    public Object invokeHooked(LuaFunction fn, java.util.function.Supplier<Object> body) {
        Coroutine co = current;
        if ((co.hookMask & (Coroutine.HOOK_CALL | Coroutine.HOOK_RET)) == 0 || co.inHook) {
            return body.get();
        }
        if ((co.hookMask & Coroutine.HOOK_CALL) != 0) {
            co.push(new CallFrame.Java(fn));
            try {
                runHook(co, "call", null);
            } finally {
                co.pop();
            }
        }
        Object r = body.get();
        if ((co.hookMask & Coroutine.HOOK_RET) != 0 && !co.inHook) {
            co.push(new CallFrame.Java(fn));
            try {
                runHook(co, "return", null);
            } finally {
                co.pop();
            }
        }
        return r;
    }

    /**
     * The error of a stop condition; arms the next check: after the entry's one grace period,
     * the very next tick.
     */
    private LuaError stopCondition(Object value) {
        if (graceUsed) {
            ticks = 0;
        } else {
            graceUsed = true;
            ticks = GRACE_TICKS;
        }
        return new LuaError(value);
    }

    /**
     * Raises the error of a pending stop condition (halt or interrupt) now, for library
     * functions about to block or to loop without ticking.
     */
    public void checkInterrupt() {
        if (halted) {
            throw stopCondition(haltValue);
        }
        if (interrupted) {
            throw stopCondition(interruptValue);
        }
    }

    /** Whether a halt or an interrupt is pending (a blocking call should give up). */
    public boolean isInterrupted() {
        return halted || interrupted;
    }

    /**
     * Asks the running script to stop: the next backward jump or call raises a Lua error whose
     * value is {@code value}, and so does every check after it until the next entry begins
     * ({@link #resetBudget}). Safe to call from any thread.
     */
    public void interrupt(Object value) {
        interruptValue = value;
        interrupted = true;
        ticks = 0;
    }

    /**
     * Stops the state for good: every check raises {@code value} from now on, whatever entry
     * runs, until {@link #clearHalt}. A host stopping a runtime halts its state so that no
     * {@code pcall} can keep a script running. Safe to call from any thread.
     */
    public void halt(Object value) {
        haltValue = value;
        halted = true;
        ticks = 0;
    }

    /** Lifts a halt (to run the state's finalizers when it is closed, say). */
    public void clearHalt() {
        halted = false;
        haltValue = null;
    }

    /** Whether the state has been halted. */
    public boolean isHalted() {
        return halted;
    }

    /** Sets the instruction budget of each entry into the state (Long.MAX_VALUE: none). */
    public void setInstructionBudget(long n) {
        budgetLimit = n;
        budget = n;
        tickChunk = n == Long.MAX_VALUE ? TICK_CHUNK : (int) Math.min(TICK_CHUNK, Math.max(1, n / 16));
        ticks = Math.min(ticks, tickChunk);
    }

    /**
     * Begins a new entry (a host's call into the state): a full instruction budget, and no
     * interrupt or grace left over from the last entry. A halt stays.
     */
    public void resetBudget() {
        budget = budgetLimit;
        interrupted = false;
        interruptValue = null;
        graceUsed = false;
        if (halted) {
            ticks = 0;
        }
    }

    public long instructionBudget() {
        return budgetLimit;
    }

    /**
     * A blocking call (a sleep, a wait for I/O) ends a slice of the entry: the instruction budget
     * is refilled, unless it has run out already (a spent budget stays spent until the entry
     * ends). So a long-lived thread that waits between bursts of work is limited per burst, and
     * one that never waits is stopped as before.
     */
    public void refillBudget() {
        if (budget >= 0) {
            budget = budgetLimit;
        }
    }

}
