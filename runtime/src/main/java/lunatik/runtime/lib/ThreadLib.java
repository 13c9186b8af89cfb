package lunatik.runtime.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LuaException;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;
import lunatik.runtime.Runtime;

/**
 * The {@code thread} module (spec §8.15): a kernel thread becomes a Java platform thread that
 * holds its runtime's lock for its whole run and resumes the runtime's entry once.
 * {@code shouldstop} is the thread's stop flag; {@code stop} sets it, interrupts the thread (so
 * an interruptible wait returns "interrupt", as kthread_stop wakes a sleeping kthread) and waits
 * for the thread to finish.
 *
 * <p>Lifetimes, as Lunatik's newer releases have them: the thread holds a reference on the
 * runtime it runs while its body runs; the runtime that called {@code thread.run} keeps the
 * thread object while the body runs (dropping it stops nothing), and its end (its stop, or the
 * failure of its script) stops the thread as {@code stop} does, without waiting.
 */
public final class ThreadLib {
    private ThreadLib() {
    }

    /** A thread this module knows: made by thread.run, or the current one (thread.current). */
    public static final class Task {
        final Thread thread;
        final boolean ours;
        /** The runtime the thread runs (null for thread.current()). */
        final Runtime rt;
        /** The state that called thread.run (which keeps the thread object while the body runs). */
        final LuaState caller;
        volatile Object pinned;
        volatile boolean stopRequested;
        volatile boolean started;
        volatile boolean failed;

        Task(Thread thread, boolean ours, Runtime rt, LuaState caller) {
            this.thread = thread;
            this.ours = ours;
            this.rt = rt;
            this.caller = caller;
        }

        /** Whether stop() was asked for this task. */
        public boolean shouldStop() {
            return stopRequested;
        }

        /**
         * Asks the thread to stop without waiting for it: shouldstop() turns true, a sleep wakes,
         * and a body that does not look is interrupted a moment later.
         */
        void requestStop() {
            stopRequested = true;
            thread.interrupt();
            lunatik.runtime.Host.later(java.time.Duration.ofMillis(STOP_GRACE_MS), () -> {
                if (thread.isAlive()) {
                    rt.interruptEntry(thread, Ops.str("thread has been stopped"));
                }
            });
        }

        /** The body has ended: the calling runtime lets go of the thread object. */
        void unpin() {
            Object u = pinned;
            pinned = null;
            if (u != null) {
                Registered.changeState(caller, S -> S.registry.put(u, null));
            }
        }
    }

    /** The task of the running thread, when thread.run made it. */
    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** Whether the running thread is a spawned one that was asked to stop. */
    public static boolean shouldStop() {
        Task t = CURRENT.get();
        return t != null && t.stopRequested;
    }

    public static final ObjectClass CLASS = ObjectClass.builder("thread")
        .sleep()
        .monitored()
        .method("stop", (self, a) -> {
            stop(a.state(), (Task) self.payload());
            return Varargs.NONE;
        })
        .method("task", (self, a) -> task((Task) self.payload()))
        .collect((S, o) -> {
            // the calling runtime ends (or the object is collected, which cannot happen while
            // the body runs, as the object is kept): its running thread is stopped
            if (o.payload() instanceof Task t && t.ours && t.caller == S && t.thread.isAlive()) {
                t.requestStop();
            }
        })
        .build();

    /*lua @module thread
     * Threads that run a runtime: a kernel thread becomes a Java platform thread that holds the
     * runtime's lock for its whole run and resumes the runtime's entry function once (as a
     * coroutine). The thread holds a reference on the runtime while its body runs; the runtime
     * that called `thread.run` keeps the thread object while the body runs, and its end (its stop,
     * or its script failing) stops the thread as `stop` does, without waiting.
     * @differs `t:stop()` on a thread that ignores `shouldstop()` does not wait forever: after
     * 300 ms its Lua code is interrupted ("thread has been stopped"), and after 1.2 s more the stop
     * gives up and prints "thread '<name>' did not stop". Lifetimes follow Lunatik's newer releases.
     */
    /*lua thread.run(runtime, name)
     * Starts a thread named `name` that resumes `runtime`'s entry function once.
     * @param runtime lunatik: a sleepable runtime (from `lunatik.runtime`)
     * @param name string: the thread's name (`task().command`)
     * @return a thread object
     * @raise "bad argument #1 to 'run' (lunatik expected, got <type>)";
     *   "cannot use non-sleepable runtime in this context" (argument error) for a non-sleepable
     *   runtime; "failed to create a new thread"
     */
    /*lua thread.shouldstop()
     * Whether the running thread (one `thread.run` made) has been asked to stop.
     * @return boolean; false outside such a thread
     */
    /*lua thread.current()
     * The running thread, as a thread object (one `thread.run` made, or another that cannot be
     * stopped).
     * @return a thread object
     */
    /*lua thread:stop()
     * Asks the thread to stop (`shouldstop()` turns true, a sleep or wait wakes with "interrupt")
     * and waits for it to end. Prints "thread wasn't created by us", "thread has already stopped"
     * or "thread has failed to execute" (to the state's error output) when there is nothing to
     * stop. A thread stopping itself ends when its function returns.
     */
    /*lua thread:task()
     * What the kernel's task_struct would say.
     * @return a table `{cpu = 0, command = <name>, pid = <Java thread id>, tgid = <daemon's pid>}`
     * @differs `cpu` is always 0; `pid` is the JVM thread's id, not a Linux tid.
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "thread", "run", a -> {
            LunatikObject o = Objects.toObject(a.get(1));
            if (o == null || !(o.payload() instanceof Runtime rt)) {
                throw a.typeError(1, "lunatik");
            }
            if (!rt.isSleepable()) {
                throw a.argError(1, "cannot use non-sleepable runtime in this context");
            }
            String name = a.checkString(2).toString();
            Task t = create(rt, name, L);
            LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, t, true));
            t.pinned = u;
            L.registry.put(u, Boolean.TRUE); // kept while the body runs
            start(t);
            return u;
        });
        LibFunction.register(L, lib, "thread", "shouldstop", a -> shouldStop());
        LibFunction.register(L, lib, "thread", "current", a -> {
            Task t = CURRENT.get();
            if (t == null) {
                t = new Task(Thread.currentThread(), false, null, L);
            }
            return Objects.push(L, new LunatikObject(CLASS, t, true));
        });
        return lib;
    }

    /**
     * The thread of {@code rt}, not started. It holds a reference on the runtime while it runs
     * (the runtime object may be collected meanwhile, as in Lunatik's echod: the runtime lives
     * on), and drops it when it ends.
     */
    private static Task create(Runtime rt, String name, LuaState caller) {
        Task[] holder = new Task[1];
        Thread th = new Thread(null, () -> {
            Task t = holder[0];
            CURRENT.set(t);
            t.started = true;
            try {
                rt.runUninterruptibly(L -> {
                    rt.resumeEntry(L, LuaFunction.NO_ARGS);
                    return null;
                });
            } catch (LuaException e) {
                t.failed = true;
                rt.host().log("[" + Integer.toHexString(System.identityHashCode(t)) + "] " + e.getMessage());
            } finally {
                t.unpin();
                rt.put();
            }
        }, name, 256L << 20);
        th.setDaemon(true);
        holder[0] = new Task(th, true, rt, caller);
        return holder[0];
    }

    private static void start(Task t) {
        t.rt.get();
        try {
            t.thread.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            t.rt.put();
            t.unpin();
            throw new LuaError(Ops.str("failed to create a new thread"));
        }
    }

    /** How long a stopped thread gets to see shouldstop() and end on its own. */
    static final long STOP_GRACE_MS = 300;
    /** How long it gets, once its Lua code is interrupted, to leave. */
    static final long STOP_FORCE_MS = 1200;

    /**
     * kthread_stop: asks the thread to stop (shouldstop() turns true, a sleep or wait wakes) and
     * waits for it. Unlike a kthread, a thread that does not look at shouldstop() is not waited
     * for forever: after a moment its Lua code is interrupted (every check raises until it
     * ends), and after a little more the stop gives up waiting and says so.
     */
    private static void stop(LuaState L, Task t) {
        if (!t.ours) {
            L.err().println("thread wasn't created by us");
            return;
        }
        if (!t.thread.isAlive()) {
            L.err().println(t.failed ? "thread has failed to execute" : "thread has already stopped");
            return;
        }
        t.stopRequested = true;
        if (t.thread == Thread.currentThread()) {
            return; // a thread stopping itself ends when its function returns
        }
        t.thread.interrupt();
        if (join(t.thread, STOP_GRACE_MS)) {
            return;
        }
        t.rt.interruptEntry(t.thread, Ops.str("thread has been stopped"));
        if (!join(t.thread, STOP_FORCE_MS)) {
            L.err().println("thread '" + t.thread.getName() + "' did not stop");
        }
    }

    /** Waits up to {@code ms} for {@code t} to end; whether it did. An interrupt ends the wait. */
    private static boolean join(Thread t, long ms) {
        try {
            return t.join(java.time.Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !t.isAlive();
        }
    }

    private static LuaTable task(Task t) {
        LuaTable r = new LuaTable();
        r.put(Ops.str("cpu"), 0L);
        r.put(Ops.str("command"), Ops.str(t.thread.getName()));
        r.put(Ops.str("pid"), t.thread.threadId());
        r.put(Ops.str("tgid"), ProcessHandle.current().pid());
        return r;
    }
}
