package lunatik.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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

    private final Host host;
    private final String script;
    private final boolean sleepable;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile LuaState state;
    private volatile boolean ready;
    private Object entry;
    private final long instructionBudget;
    private final long memoryBudget;
    private long allocationBase;

    private Runtime(Host host, String script, boolean sleepable) {
        this.host = host;
        this.script = script;
        this.sleepable = sleepable;
        this.instructionBudget = host.instructionBudget();
        this.memoryBudget = host.memoryBudget();
    }

    static Runtime create(Host host, String script, boolean sleepable) throws LuaException {
        Runtime rt = new Runtime(host, script, sleepable);
        LuaState L = rt.newState();
        Path file = host.scriptPath(script);
        byte[] src;
        try {
            src = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LuaException("cannot open " + file, LuaException.ENOEXEC);
        } catch (IOException e) {
            throw new LuaException("cannot open " + file + ": " + e.getMessage(), LuaException.ENOEXEC);
        }
        rt.lock.lock();
        try {
            rt.startEntry(L);
            LuaFunction chunk = L.load(src, "@" + file, null);
            rt.entry = Varargs.first(L.call(chunk));
            rt.ready = true;
            rt.state = L;
        } catch (LuaError e) {
            L.close();
            throw new LuaException(e, LuaException.ENOEXEC);
        } catch (StackOverflowError e) {
            throw new LuaException("stack overflow", LuaException.ENOEXEC);
        } finally {
            rt.lock.unlock();
        }
        return rt;
    }

    private LuaState newState() {
        LuaState L = new LuaState(Dialect.KERNEL);
        L.setExtension(RUNTIME_KEY, this);
        PrintStream log = new PrintStream(new LineSink(host), true, StandardCharsets.UTF_8);
        L.setOut(log);
        L.setErr(log);
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
    }

    /**
     * Raises "not enough memory" in the script when the runtime holds more than its budget.
     * What the state holds is counted ({@link StateHeap}, as collectgarbage("count")) each time
     * this entry has allocated a budget's worth since the last count, so a script that makes
     * garbage runs on, and one that keeps what it makes is stopped.
     */
    private void checkMemory() {
        long now = THREADS.getCurrentThreadAllocatedBytes();
        if (now - allocationBase <= memoryBudget) {
            return;
        }
        LuaState L = state;
        if (L != null && StateHeap.liveBytes(L) <= memoryBudget) {
            allocationBase = THREADS.getCurrentThreadAllocatedBytes();
            return;
        }
        allocationBase = Long.MAX_VALUE / 2; // one error per entry
        throw new LuaError(Ops.str("not enough memory"));
    }

    /** The runtime of a state (the C API's {@code lunatik_toruntime}), or null. */
    public static Runtime of(LuaState L) {
        return L.extension(RUNTIME_KEY);
    }

    /**
     * Runs {@code h} in the runtime's state under its lock, with fresh budgets (the C API's
     * {@code lunatik_run}). A Lua error becomes a LuaException with the script's message.
     * @throws LuaException with errno ENXIO when the runtime has been stopped
     */
    public <T> T run(Handler<T> h) throws LuaException {
        lock.lock();
        try {
            LuaState L = state;
            if (L == null) {
                throw new LuaException("runtime '" + script + "' has been stopped", LuaException.ENXIO);
            }
            startEntry(L);
            return h.handle(L);
        } catch (LuaError e) {
            throw new LuaException(e, 0);
        } catch (StackOverflowError e) {
            throw new LuaException("stack overflow", 0);
        } finally {
            lock.unlock();
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
     * Stops the runtime (the C API's {@code lunatik_stop}): detaches the state under the lock,
     * so it waits for a callback in progress, closes it (running every {@code __gc}: objects are
     * released, devices removed...), then drops the creator's reference. Returns whether the
     * runtime was released.
     */
    public boolean stop() {
        LuaState L;
        lock.lock();
        try {
            L = state;
            state = null;
        } finally {
            lock.unlock();
        }
        if (L != null) {
            L.close();
        }
        return put();
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

    /** Drops a reference; true when it was the last. */
    public boolean put() {
        return refs.decrementAndGet() == 0;
    }

    public int references() {
        return refs.get();
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
