package lunatik.runtime.lib;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LuaException;

/**
 * A notifier chain, as the kernel's (kernel/notifier.c): the notifiers of one kind, of every
 * runtime, in one list, higher priority first and, among equal priorities, in the order they
 * were registered (notifier_chain_register). An event goes down the chain
 * (notifier_call_chain): each callback runs in its own runtime, under that runtime's lock, one
 * at a time; a verdict with NOTIFY_STOP_MASK (STOP, BAD) ends the chain for that event, DONE and
 * OK let it go on; the chain's result is the last verdict.
 *
 * <p>No lock is held while a callback runs but its own runtime's, so a callback may register or
 * stop notifiers (of this chain too: the chain in progress goes on with the list it started
 * with, a stopped notifier is skipped). A runtime that is busy for longer than {@link #WAIT}
 * (its own script holds it) is passed by for that event, with a line in its log; a runtime
 * being stopped is passed by at once (its entries fail), and a callback that runs longer than
 * the chain's limit is interrupted (its error is logged and the event goes on), so nothing
 * wedges the chain; nor does a call that fails in Java (logged, the event goes on).
 */
final class NotifierChain {
    static final long DONE = 0;
    static final long OK = 1;
    static final long STOP_MASK = 0x8000;
    static final long STOP = 0x8001;
    static final long BAD = 0x8002;
    /** How long an event waits for a busy runtime before passing it by. */
    static final Duration WAIT = Duration.ofSeconds(2);

    /** One notifier on a chain: a callback in its runtime, and when it joined. */
    static class Link extends Registered {
        final LuaFunction cb;
        final int priority;
        /** The chain's clock when it joined: it sees the events read after that. */
        volatile long since = Long.MAX_VALUE;
        volatile boolean released;
        /** The thread running its callback now (its stop from there is refused). */
        volatile Thread running;

        Link(LuaState L, LuaFunction cb, int priority) {
            super(L);
            this.cb = cb;
            this.priority = priority;
        }

        /**
         * Calls the callback in its runtime with {@code args}; its verdict: the integer it
         * returned, DONE for nil (or anything not a number); a Lua error is logged and lets the
         * event go on (OK, as Lunatik's luanotifier returns).
         */
        long call(Duration limit, Object... args) {
            if (released) {
                return DONE;
            }
            try {
                return inRuntime(WAIT, S -> {
                    if (released) {
                        return DONE;
                    }
                    Thread me = Thread.currentThread();
                    java.util.concurrent.ScheduledFuture<?> watch = rt == null ? null
                        : lunatik.runtime.Host.later(limit, () -> rt.interruptEntry(me,
                            lunatik.lua.vm.Ops.str("notifier callback ran longer than " + limit.toMillis() + " ms")));
                    try {
                        return callHere(S, args);
                    } finally {
                        if (watch != null) {
                            watch.cancel(false);
                        }
                    }
                });
            } catch (LuaException x) {
                if (x.errno() != LuaException.ENXIO) {
                    log("notifier: " + x.getMessage() + (x.errno() == lunatik.runtime.Runtime.EBUSY
                        ? ": the event passed it by" : ""));
                } // else the runtime is gone: so is this notifier, soon
                return OK;
            } catch (RuntimeException x) {
                // a fault of ours, not of the callback: said, and the event goes on to the others
                log("notifier: the callback could not be called: " + x);
                return OK;
            }
        }

        /** The call itself, in the runtime already (under its lock). */
        long callHere(LuaState S, Object... args) {
            Thread me = Thread.currentThread();
            Thread before = running;
            running = me;
            try {
                return verdict(S.call1(cb, args));
            } catch (LuaError x) {
                log(x.getMessage());
                return OK;
            } finally {
                running = before;
            }
        }

        /** Leaves the registry (its runtime lets it go); the chain is left by the owner. */
        void release() {
            released = true;
            unpin();
        }
    }

    /** lua_tointeger of a callback's result, as an int verdict: nil and non-numbers are DONE. */
    static long verdict(Object r) {
        if (r instanceof Long l) {
            return (int) (long) l;
        }
        if (r instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return (int) d.longValue();
        }
        return DONE;
    }

    private final AtomicLong clock = new AtomicLong();
    private volatile Link[] links = new Link[0];
    /** How long one callback may run before it is interrupted (an error, logged: the event goes on). */
    private final Duration limit;

    NotifierChain(Duration limit) {
        this.limit = limit;
    }

    /** A tick of the chain's clock: an event read now is stamped with it. */
    long stamp() {
        return clock.incrementAndGet();
    }

    /** Adds {@code l} after every notifier of its priority or higher; whether it is the first. */
    synchronized boolean register(Link l) {
        Link[] old = links;
        int at = 0;
        while (at < old.length && old[at].priority >= l.priority) {
            at++;
        }
        Link[] now = new Link[old.length + 1];
        System.arraycopy(old, 0, now, 0, at);
        now[at] = l;
        System.arraycopy(old, at, now, at + 1, old.length - at);
        l.since = clock.incrementAndGet();
        links = now;
        return old.length == 0;
    }

    /** Takes {@code l} off the chain (it never waits for a call in progress); whether the chain is empty now. */
    synchronized boolean unregister(Link l) {
        Link[] old = links;
        int at = java.util.Arrays.asList(old).indexOf(l);
        if (at < 0) {
            return old.length == 0;
        }
        Link[] now = new Link[old.length - 1];
        System.arraycopy(old, 0, now, 0, at);
        System.arraycopy(old, at + 1, now, at, old.length - at - 1);
        links = now;
        return now.length == 0;
    }

    boolean isEmpty() {
        return links.length == 0;
    }

    /**
     * Sends an event stamped {@code stamp} down the chain (the notifiers that joined before it):
     * notifier_call_chain. Returns the last verdict (DONE when no one was called).
     */
    long call(long stamp, Object... args) {
        long ret = DONE;
        for (Link l : links) {
            if (l.released || l.since >= stamp) {
                continue;
            }
            ret = l.call(limit, args);
            if ((ret & STOP_MASK) != 0) {
                break;
            }
        }
        return ret;
    }
}
