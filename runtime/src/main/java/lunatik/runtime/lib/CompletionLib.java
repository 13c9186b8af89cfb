package lunatik.runtime.lib;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code completion} module (spec §8.1, lib/luacompletion.c): the kernel's
 * {@code struct completion}. Each {@code complete()} satisfies one {@code wait()}, past or
 * future (they accumulate); {@code wait([timeout_ms])} returns {@code true}, or
 * {@code nil, "timeout"} when the time ran out, or {@code nil, "interrupt"} when the waiting
 * thread was interrupted (Lunatik's signal or {@code thread:stop()}). Waiting needs a sleepable
 * runtime. The class is not monitored: a waiter must not keep others from completing.
 */
public final class CompletionLib {
    private CompletionLib() {
    }

    /** A completion: its count of pending {@code complete()}s, capped as the kernel's {@code done}. */
    static final class Completion {
        final Semaphore done = new Semaphore(0);

        void complete() {
            synchronized (this) {
                if (done.availablePermits() < Integer.MAX_VALUE) {
                    done.release();
                }
            }
        }

        /** Negative {@code ms}: no timeout (MAX_SCHEDULE_TIMEOUT). */
        Object await(long ms) {
            if (done.tryAcquire()) {
                return Boolean.TRUE; // done already: no sleep, as do_wait_for_common
            }
            try {
                if (ms < 0) {
                    done.acquire();
                    return Boolean.TRUE;
                }
                return done.tryAcquire(ms, TimeUnit.MILLISECONDS) ? Boolean.TRUE : Varargs.of(null, Ops.str("timeout"));
            } catch (InterruptedException e) {
                // the kernel leaves the signal pending: keep the thread's interrupt status
                Thread.currentThread().interrupt();
                return Varargs.of(null, Ops.str("interrupt"));
            }
        }
    }

    /** The class: usable in any runtime, not monitored. */
    public static final ObjectClass CLASS = ObjectClass.builder("completion")
            .method("complete", (self, a) -> {
                self.payload(Completion.class).complete();
                return Varargs.NONE;
            })
            .method("wait", CompletionLib::await)
            .build();

    private static Object await(LunatikObject self, Args a) {
        Completion c = self.payload(Completion.class);
        long ms = a.optInteger(2, -1);
        if (!Lunatik.isSleepable(a.state())) {
            throw new LuaError(Ops.str("cannot use non-sleepable runtime in this context"));
        }
        a.state().checkInterrupt();
        Object r = c.await(ms);
        a.state().checkInterrupt(); // woken because the runtime is stopping: no going on
        a.state().refillBudget();
        return r;
    }

    /** {@code require("completion")}: the module table, {@code {new = ...}}. */
    /*lua @module completion
     * The kernel's `struct completion`: each `complete()` satisfies one `wait()`, past or future
     * (they accumulate). Completions can be shared between runtimes (they are not monitored: a
     * waiter does not keep others from completing).
     */
    /*lua completion.new()
     * Makes a completion.
     * @return a completion object
     */
    /*lua completion:complete()
     * Wakes one waiter, now or the next one to wait (completions accumulate, up to 2^31-1).
     */
    /*lua completion:wait([timeout])
     * Waits for a `complete()`; returns at once when one is pending. A wait begins a new slice of
     * the runtime's instruction budget.
     * @param timeout integer: milliseconds; forever when absent or negative
     * @return `true`; or `nil, "timeout"` when the time ran out; or `nil, "interrupt"` when the
     *   waiting thread was interrupted (its thread stopped)
     * @raise "cannot use non-sleepable runtime in this context" in a non-sleepable runtime; the
     *   runtime's stop interrupts the wait with an error
     */
    public static Object open(LuaState L) {
        Objects.metatable(L, CLASS);
        LuaTable t = new LuaTable();
        LibFunction.register(L, t, "completion", "new",
                a -> Objects.push(a.state(), new LunatikObject(CLASS, new Completion(), Lunatik.isSleepable(a.state()))));
        return t;
    }
}
