package lunatik.runtime.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LibFunction;
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
 */
public final class ThreadLib {
    private ThreadLib() {
    }

    /** A thread this module knows: made by thread.run, or the current one (thread.current). */
    public static final class Task {
        final Thread thread;
        final boolean ours;
        volatile boolean stopRequested;
        volatile boolean started;
        volatile boolean failed;

        Task(Thread thread, boolean ours) {
            this.thread = thread;
            this.ours = ours;
        }

        /** Whether stop() was asked for this task. */
        public boolean shouldStop() {
            return stopRequested;
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
        .build();

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
            return Objects.push(L, new LunatikObject(CLASS, start(rt, name), true));
        });
        LibFunction.register(L, lib, "thread", "shouldstop", a -> shouldStop());
        LibFunction.register(L, lib, "thread", "current", a -> {
            Task t = CURRENT.get();
            if (t == null) {
                t = new Task(Thread.currentThread(), false);
            }
            return Objects.push(L, new LunatikObject(CLASS, t, true));
        });
        return lib;
    }

    private static Task start(Runtime rt, String name) {
        Task[] holder = new Task[1];
        Thread th = new Thread(null, () -> {
            Task t = holder[0];
            CURRENT.set(t);
            t.started = true;
            try {
                rt.run(L -> {
                    rt.resumeEntry(L, LuaFunction.NO_ARGS);
                    return null;
                });
            } catch (LuaException e) {
                t.failed = true;
                rt.host().log("[" + Integer.toHexString(System.identityHashCode(t)) + "] " + e.getMessage());
            }
        }, name, 256L << 20);
        holder[0] = new Task(th, true);
        th.setDaemon(true);
        th.start();
        return holder[0];
    }

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
        t.thread.interrupt();
        boolean interrupted = false;
        while (t.thread.isAlive()) {
            try {
                t.thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
