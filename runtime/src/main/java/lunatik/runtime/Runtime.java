package lunatik.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.lua.vm.StateHeap;
import lunatik.runtime.lib.LunatikLib;

/**
 * A runtime (spec §1, §3, §9.2): one KERNEL-dialect Lua state, a lock and a reference count,
 * created from a script name. The script's first return value is kept as the runtime's entry
 * function. Everything that enters the state from outside goes through {@link #run}, under the
 * lock, with a fresh instruction and memory budget: a runaway script gets a Lua error, the host
 * and the other runtimes go on.
 *
 * <p>Lifetime, as Lunatik's: the creator holds the first reference, and everything that uses the
 * runtime (its Lua object in another runtime, a thread running it, a device, hook, notifier or
 * probe it registered) holds one more ({@link #get}, {@link #put}). {@link #shutdown} closes the
 * state whoever holds references (their later entries fail with ENXIO); when the last reference
 * goes, the state is closed on a thread of its own, so dropping a reference never blocks (it
 * may happen in a finalizer, or under another runtime's lock).
 *
 * <p>Stopping means stopping: {@link #shutdown} waits a moment for a callback in progress, as
 * Lunatik's stop does, then halts the state (every execution check raises, so no {@code pcall}
 * keeps a script going) and interrupts the thread inside it (so blocking calls wake), and
 * returns within about two seconds whatever the script does.
 */
public final class Runtime {
    /** A piece of work done inside a runtime's state, under its lock. */
    @FunctionalInterface
    public interface Handler<T> {
        T handle(LuaState L);
    }

    private static final Object RUNTIME_KEY = new Object();
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    /** How long a stop waits for a callback in progress before it interrupts it. */
    static final long STOP_GRACE_MS = 200;
    /** How long a stop waits, after interrupting, for the thread inside to leave. */
    static final long STOP_FORCE_MS = 1500;
    /** How long the finalizers ({@code __gc}) of a closing state may run before they are halted. */
    static final long CLOSE_LIMIT_MS = 1000;
    static final int EINTR = 4;
    /** The errno of a {@link #run(Duration, Handler)} that found the runtime busy. */
    public static final int EBUSY = 16;

    private final Host host;
    private final String script;
    private final boolean sleepable;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile LuaState state;
    private volatile boolean ready;
    private Object entry;
    private final long instructionBudget;
    private final long memoryBudget;
    private volatile Duration entryTimeLimit;
    /**
     * Guards the beginning and end of an outer entry against interrupts from other threads (a
     * time limit, a stop, a FUSE interrupt), so that an interrupt meant for one entry can never
     * reach the next one.
     */
    private final Object entryGuard = new Object();
    /** Outer entries begun (guarded by entryGuard). */
    private long entrySeq;
    /** The thread inside the runtime (holding its lock), or null. */
    private volatile Thread owner;
    /** The thread this runtime interrupted (a stop, a time limit): its status is cleared on the way out. */
    private volatile Thread interruptedThread;
    /** A stop that could not wait for the thread inside: that thread closes the state on its way out. */
    private volatile LuaState closeOnExit;
    /** Changes to the state asked for by other threads, made at the start of the next entry. */
    private final ConcurrentLinkedQueue<Consumer<LuaState>> deferred = new ConcurrentLinkedQueue<>();
    // memory accounting of the current entry (under the lock)
    private long allocationBase;
    private long memoryCheckInterval;
    private boolean overMemory;

    private Runtime(Host host, String script, boolean sleepable) {
        this.host = host;
        this.script = script;
        this.sleepable = sleepable;
        this.instructionBudget = host.instructionBudget();
        this.memoryBudget = host.memoryBudget();
    }

    /**
     * Makes the runtime of {@code script}: a new state that runs the script's top level. On any
     * failure the state is closed, so whatever the script made (devices, hooks, threads...) is
     * released before the error reaches the caller.
     */
    static Runtime create(Host host, String script, boolean sleepable) throws LuaException {
        Runtime rt = new Runtime(host, script, sleepable);
        byte[] src = readScript(host, script);
        LuaState L = rt.newState();
        rt.state = L;
        host.register(rt);
        try {
            rt.entry = rt.run(S -> Varargs.first(S.call(S.loadFile(src, "@" + host.scriptPath(script), null))));
            rt.ready = true;
        } catch (LuaException e) {
            rt.shutdown();
            throw new LuaException(e.getMessage(), LuaException.ENOEXEC);
        }
        return rt;
    }

    private static byte[] readScript(Host host, String script) throws LuaException {
        Path file;
        try {
            file = host.scriptPath(script);
        } catch (IllegalArgumentException e) {
            // "..", a leading '/', a NUL byte: not a script of the root (C Lunatik would open
            // whatever the kernel's VFS finds there)
            throw new LuaException("cannot open " + host.root() + "/" + script + ".lua: " + e.getMessage()
                + " (script names are paths below the script root)", LuaException.ENOEXEC);
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LuaException("cannot open " + file, LuaException.ENOEXEC);
        } catch (IOException e) {
            throw new LuaException("cannot open " + file + ": " + e.getMessage(), LuaException.ENOEXEC);
        }
    }

    private LuaState newState() {
        LuaState L = new LuaState(Dialect.KERNEL);
        L.setExtension(RUNTIME_KEY, this);
        PrintStream log = new PrintStream(new LineSink(host), true, StandardCharsets.UTF_8);
        L.setOut(log);
        L.setErr(log);
        L.setIn(java.io.InputStream.nullInputStream()); // no standard input in the kernel: loadfile() reads nothing
        // a Java exception the engine turned into a Lua error: the script sees the error, the
        // daemon's debug log the stack trace
        L.setInternalErrorHandler((fn, t) -> host.debug("runtime '" + script + "': " + fn + " failed in Java", t));
        Stdlib.open(L);
        Lunatik.open(L, sleepable);
        host.modules().forEach((name, opener) -> lunatik.lua.lib.PackageLib.registerJavaModule(L, name, opener));
        if (L.globals.get(Ops.str("package")) instanceof LuaTable pkg) {
            pkg.put(Ops.str("path"), Ops.str(host.packagePath()));
        }
        Object lib = LunatikLib.open(L);
        if (L.registry.get(Ops.str("_LOADED")) instanceof LuaTable loaded) {
            loaded.put(Ops.str("lunatik"), lib);
        }
        L.setInstructionBudget(instructionBudget);
        L.setBudgetCheck(this::checkMemory);
        return L;
    }

    /** Print and warn output of a runtime: one log line per line written. */
    private static final class LineSink extends OutputStream {
        private final Host host;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineSink(Host host) {
            this.host = host;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                host.log(LuaString.wrap(line.toByteArray()).toString());
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private void startEntry(LuaState L) {
        L.resetBudget();
        allocationBase = THREADS.getCurrentThreadAllocatedBytes();
        memoryCheckInterval = Math.max(1, memoryBudget / 4);
        overMemory = false;
    }

    /**
     * Raises "not enough memory" in the script when the runtime holds more than its budget.
     * What the state holds is counted ({@link StateHeap}, as collectgarbage("count")) each time
     * this entry has allocated a quarter of the budget since the last count, so a script that
     * makes garbage runs on, and one that keeps what it makes is stopped. After an error the count is
     * taken sixteen times as often, and a state found over its budget twice running is
     * interrupted for the rest of the entry: catching the error does not buy more memory.
     */
    private void checkMemory() {
        long now = THREADS.getCurrentThreadAllocatedBytes();
        if (now - allocationBase <= memoryCheckInterval) {
            return;
        }
        LuaState L = state;
        allocationBase = now;
        if (L == null || StateHeap.liveBytes(L) <= memoryBudget) {
            memoryCheckInterval = Math.max(1, memoryBudget / 4);
            overMemory = false;
            return;
        }
        LuaString msg = Ops.str("not enough memory");
        if (overMemory) {
            L.interrupt(msg);
        }
        overMemory = true;
        memoryCheckInterval = Math.max(1, memoryBudget / 16);
        throw new LuaError(msg);
    }

    /** The runtime of a state (the C API's {@code lunatik_toruntime}), or null. */
    public static Runtime of(LuaState L) {
        return L.extension(RUNTIME_KEY);
    }

    /**
     * Runs {@code h} in the runtime's state under its lock, with fresh budgets (the C API's
     * {@code lunatik_run}). Whatever the handler throws becomes a LuaException: a Lua error with
     * the script's message, any other throwable with a message that says what it was (and its
     * stack trace in the debug log). A call made from inside the runtime (the same thread)
     * continues the entry in progress. Waiting for the lock can be interrupted (EINTR).
     * @throws LuaException with errno ENXIO when the runtime has been stopped
     */
    public <T> T run(Handler<T> h) throws LuaException {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Object cut = host.interruptFor(Thread.currentThread(), this); // what the entry this is made from was cut with
            throw new LuaException(cut != null ? cut.toString() : "interrupted", EINTR);
        }
        return enter(h);
    }

    /**
     * As {@link #run}, waiting at most {@code wait} for the lock (a callback that many runtimes
     * take turns on, such as a notifier chain's, must not stall behind one busy runtime).
     * @throws LuaException with errno EBUSY when the lock was not free in time
     */
    public <T> T run(Duration wait, Handler<T> h) throws LuaException {
        try {
            if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LuaException("runtime '" + script + "' was busy for " + wait.toMillis() + " ms", EBUSY);
            }
        } catch (InterruptedException e) {
            throw new LuaException("interrupted", EINTR);
        }
        return enter(h);
    }

    /**
     * As {@link #run}, but waiting for the lock cannot be interrupted: a thread's run (a stop
     * asked before the thread got in still lets it in, to see shouldstop() turn true).
     */
    public <T> T runUninterruptibly(Handler<T> h) throws LuaException {
        lock.lock();
        return enter(h);
    }

    /** The entry itself, with the lock taken. */
    private <T> T enter(Handler<T> h) throws LuaException {
        Thread me = Thread.currentThread();
        boolean outer = lock.getHoldCount() == 1;
        ScheduledFuture<?> timer = null;
        try {
            LuaState L = state;
            if (L == null || (outer && stopping.get())) {
                throw stopped();
            }
            if (outer) {
                long seq;
                synchronized (entryGuard) {
                    owner = me;
                    seq = ++entrySeq;
                    startEntry(L);
                    Object cut = host.interruptFor(me, this); // entered from an entry being cut
                    if (cut != null) {
                        L.interrupt(cut);
                        interruptedThread = me;
                    }
                }
                drainDeferred(L);
                timer = armTimeLimit(me, seq);
            }
            return h.handle(L);
        } catch (LuaError e) {
            throw new LuaException(e, 0);
        } catch (StackOverflowError e) {
            throw new LuaException("stack overflow", 0);
        } catch (OutOfMemoryError e) {
            throw new LuaException("not enough memory", 0);
        } catch (RuntimeException | Error e) {
            host.debug("runtime '" + script + "': a Java exception reached the runtime's edge", e);
            throw new LuaException("internal error (" + e + ")", 0);
        } finally {
            if (outer) {
                leave(me, timer);
            }
            lock.unlock();
            if (outer) {
                closeIfAbandoned();
            }
        }
    }

    private LuaException stopped() {
        return new LuaException("runtime '" + script + "' has been stopped", LuaException.ENXIO);
    }

    /** The end of an outer entry: the watch is off, and an interrupt we caused is not left behind. */
    private void leave(Thread me, ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
        host.entryEnded(me, this);
        synchronized (entryGuard) {
            owner = null;
            if (interruptedThread == me) {
                interruptedThread = null;
                Thread.interrupted();
            }
        }
    }

    /** A stop that gave up waiting for this thread left the closing of the state to it. */
    private void closeIfAbandoned() {
        LuaState L = closeOnExit;
        if (L != null && !lock.isHeldByCurrentThread()) {
            closeOnExit = null;
            closeState(L);
        }
    }

    /**
     * A watch that interrupts entry {@code seq} once it has run longer than the entry time
     * limit, with what it entered from there (a script's top level run by lunatik.runtime).
     * The entry is held from ending while the watch interrupts, so a late watch does nothing.
     */
    private ScheduledFuture<?> armTimeLimit(Thread me, long seq) {
        Duration limit = entryTimeLimit;
        if (limit == null) {
            return null;
        }
        LuaString msg = Ops.str("time limit exceeded (" + limit.toMillis() + " ms)");
        return Host.WATCHDOG.schedule(() -> {
            synchronized (entryGuard) {
                if (owner == me && entrySeq == seq) {
                    host.interruptThread(me, msg, Runtime.this);
                }
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Interrupts the entry that {@code t} is running in this runtime, if it is inside: its code
     * raises {@code value} at every check until the entry ends, and a blocking call wakes.
     * Returns whether {@code t} was inside.
     */
    public boolean interruptEntry(Thread t, Object value) {
        return interruptEntry(t, value, true);
    }

    /**
     * As {@link #interruptEntry(Thread, Object)}; {@code wake} false leaves the thread's wake-up
     * to the caller, who first marks every runtime the thread is inside (else a blocking call
     * in a runtime entered from this one wakes before its own runtime is marked, and goes on).
     */
    boolean interruptEntry(Thread t, Object value, boolean wake) {
        synchronized (entryGuard) {
            LuaState L = state;
            if (L == null || owner != t) {
                return false;
            }
            L.interrupt(value);
            interruptedThread = t;
            if (wake) {
                t.interrupt();
            }
            return true;
        }
    }

    /** Interrupts the thread inside, if any, to wake a blocking call (its interrupt status is cleared when it leaves). */
    private void interruptOwner() {
        synchronized (entryGuard) {
            Thread t = owner;
            if (t != null) {
                interruptedThread = t;
                t.interrupt();
            }
        }
    }

    /**
     * Like {@link #run} for callers that already hold the lock or run on the runtime's own
     * thread (the C API's {@code lunatik_handle}); Lua errors propagate as they are.
     */
    public <T> T handle(Handler<T> h) {
        LuaState L = state;
        if (L == null) {
            throw new LuaError(Ops.str("runtime has been stopped"));
        }
        return h.handle(L);
    }

    /**
     * Changes the state (its registry, say) under the lock, from any thread: now if this thread
     * holds the lock or can take it at once, else at the start of the next entry. Nothing is
     * done once the state is closed (its registry goes with it).
     */
    public void withState(Consumer<LuaState> change) {
        boolean held = lock.isHeldByCurrentThread();
        if (held || lock.tryLock()) {
            try {
                LuaState L = state;
                if (L != null) {
                    change.accept(L);
                }
            } finally {
                if (!held) {
                    lock.unlock();
                }
            }
            return;
        }
        deferred.add(change);
    }

    private void drainDeferred(LuaState L) {
        Consumer<LuaState> c;
        while ((c = deferred.poll()) != null) {
            c.accept(L);
        }
    }

    /**
     * Stops the runtime (the C API's {@code lunatik_stop}): closes its state now and drops the
     * caller's reference. Returns whether that was the last reference.
     */
    public boolean stop() {
        shutdown();
        return put();
    }

    /**
     * Closes the state now, whoever holds references (their entries fail with ENXIO from now
     * on). A callback in progress gets {@value #STOP_GRACE_MS} ms to finish, as Lunatik's stop
     * waits for it; then the state is halted and the thread inside interrupted, and the stop
     * waits up to {@value #STOP_FORCE_MS} ms more for it to leave. A thread that still does not
     * leave (stuck where no interrupt reaches) is left to close the state on its way out. The
     * state's finalizers (which release what the script made) run with a time limit. Returns
     * whether this call stopped the runtime (false: it was stopped already).
     */
    public boolean shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return false;
        }
        LuaState L = state;
        if (L == null) {
            return false;
        }
        LuaString msg = Ops.str("runtime '" + script + "' has been stopped");
        if (lock.isHeldByCurrentThread()) {
            // stopped from inside (its own code, or a callback it made): closed on the way out
            L.halt(msg);
            state = null;
            closeOnExit = L;
            return true;
        }
        if (!acquire(L, msg)) {
            state = null;
            closeOnExit = L;
            host.log("runtime '" + script + "' did not stop within " + (STOP_GRACE_MS + STOP_FORCE_MS)
                + " ms; it is closed when its thread returns");
            return true;
        }
        try {
            state = null;
        } finally {
            lock.unlock();
        }
        closeState(L);
        return true;
    }

    /** Takes the lock for a stop: waits, then halts and interrupts, then waits again. */
    private boolean acquire(LuaState L, LuaString msg) {
        try {
            if (lock.tryLock(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                return true;
            }
            L.halt(msg);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_FORCE_MS);
            do {
                interruptOwner(); // again each round: a blocking call may have consumed it
                if (lock.tryLock(50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } while (System.nanoTime() < deadline);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            L.halt(msg);
            return lock.tryLock();
        }
    }

    /**
     * Closes a detached state: its finalizers run (releasing the objects the script made) with
     * the halt lifted and a fresh budget, for at most {@value #CLOSE_LIMIT_MS} ms, after which
     * the state is halted again, so Lua finalizers stop and the Java ones still release.
     */
    private void closeState(LuaState L) {
        L.clearHalt();
        L.resetBudget();
        LuaString msg = Ops.str("runtime '" + script + "' has been stopped");
        ScheduledFuture<?> limit = Host.WATCHDOG.schedule(() -> L.halt(msg), CLOSE_LIMIT_MS, TimeUnit.MILLISECONDS);
        try {
            L.close();
        } catch (RuntimeException | Error e) {
            host.debug("runtime '" + script + "': closing its state failed", e);
            host.log("runtime '" + script + "': closing its state failed: " + e);
        } finally {
            limit.cancel(false);
            L.halt(msg);
            deferred.clear();
            entry = null; // what the entry holds is the closed state's: it goes with it
            entryCo = null;
            host.unregister(this);
        }
    }

    /** Whether the runtime has been stopped. */
    public boolean isStopped() {
        return state == null;
    }

    /** Takes a reference (lunatik_getobject on a runtime). */
    public Runtime get() {
        refs.incrementAndGet();
        return this;
    }

    /**
     * Drops a reference; true when it was the last. The last one closes the state, on a thread of
     * its own: a reference may be dropped where blocking is not allowed (a finalizer, another
     * runtime's callback).
     */
    public boolean put() {
        if (refs.decrementAndGet() != 0) {
            return false;
        }
        if (!stopping.get()) {
            Thread.ofPlatform().daemon().name("lunatik-release-" + script).start(this::shutdown);
        }
        return true;
    }

    public int references() {
        return refs.get();
    }

    /** Interrupts every entry after {@code limit} (null: no limit), from the next entry on. */
    public void setEntryTimeLimit(Duration limit) {
        entryTimeLimit = limit;
    }

    /** The thread inside the runtime now, or null. */
    Thread owner() {
        return owner;
    }

    private lunatik.lua.vm.Coroutine entryCo;

    /**
     * Resumes the entry function as a coroutine with {@code args} (rt:resume and thread.run,
     * spec §3.3), on the caller's thread, inside this runtime's state {@code L} (the caller holds
     * the lock). A yield suspends it until the next resume. As in Lunatik 3.7 nothing is
     * returned, and when the function finishes, the first value it returned becomes the entry
     * (so a script's function can hand over a closure to a later thread.run).
     */
    public void resumeEntry(LuaState L, Object[] args) {
        lunatik.lua.vm.Coroutine co = entryCo;
        if (co == null || co.status() == lunatik.lua.vm.Coroutine.Status.DEAD) {
            if (!(entry instanceof LuaFunction f)) {
                throw new LuaError(Ops.str("cannot resume dead coroutine"));
            }
            co = new lunatik.lua.vm.Coroutine(L, f);
            entryCo = co;
        }
        Object r = co.resume(Varargs.of(args));
        if (co.status() == lunatik.lua.vm.Coroutine.Status.DEAD) {
            entryCo = null;
            entry = Varargs.first(r);
        }
    }

    /** The script's first return value: what resume and thread.run execute. */
    public Object entry() {
        return entry;
    }

    void setEntry(Object e) {
        entry = e;
    }

    public String script() {
        return script;
    }

    public boolean isSleepable() {
        return sleepable;
    }

    /** Whether the script's top level has finished (lunatik_isready). */
    public boolean isReady() {
        return ready;
    }

    public Host host() {
        return host;
    }

    public ReentrantLock lock() {
        return lock;
    }

    public long instructionBudget() {
        return instructionBudget;
    }

    public long memoryBudget() {
        return memoryBudget;
    }

    /** The state, or null once stopped (lunatik_getstate). */
    public LuaState state() {
        return state;
    }
}
