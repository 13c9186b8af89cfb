package lunatik.runtime.lib;

import lunatik.lua.value.LuaUserdata;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;

/**
 * What the payload of a registered object shares (spec §4.3: a device, a hook, a notifier, a
 * probe, whose callbacks the system makes into the runtime): the state and its runtime, the
 * runtime's log, the registry entry that keeps the object alive until it is stopped or its
 * runtime ends, and the way into the runtime for a callback.
 */
abstract class Registered {
    final LuaState L;
    final Runtime rt;
    private volatile Object pin;

    Registered(LuaState L) {
        this.L = L;
        this.rt = Runtime.of(L);
    }

    /** A line in the runtime's log (the state's error stream outside a runtime). */
    void log(String line) {
        lunatik.runtime.Lunatik.log(L, line);
    }

    /**
     * Keeps {@code u} (and {@code value} with it) in the registry until {@link #unpin}, and a
     * reference on the runtime with it (spec §4.3: a registered object holds its runtime). Called
     * from the Lua call that registers, so under the runtime's lock.
     */
    void pin(LuaUserdata u, Object value) {
        pin = u;
        L.registry.put(u, value);
        if (rt != null) {
            rt.get();
        }
    }

    /**
     * Lets go of what {@link #pin} kept. Any thread may release an object (its stop from another
     * runtime, the closing of its state): the registry is changed under the runtime's lock, now
     * or at the runtime's next entry ({@link Runtime#withState}).
     */
    void unpin() {
        Object u = pin;
        pin = null;
        if (u == null) {
            return;
        }
        changeState(S -> S.registry.put(u, null));
        if (rt != null) {
            rt.put();
        }
    }

    /** Changes the state under its lock (see {@link #unpin}); outside a runtime, under the state's monitor. */
    void changeState(java.util.function.Consumer<LuaState> change) {
        changeState(L, change);
    }

    /** Changes {@code S} under its runtime's lock, from any thread ({@link Runtime#withState}). */
    static void changeState(LuaState S, java.util.function.Consumer<LuaState> change) {
        Runtime r = Runtime.of(S);
        if (r != null) {
            r.withState(change);
        } else {
            synchronized (S) {
                change.accept(S);
            }
        }
    }

    /** Runs {@code h} in the runtime, under its lock (on the state itself outside a runtime). */
    <T> T inRuntime(Runtime.Handler<T> h) throws LuaException {
        if (rt != null) {
            return rt.run(h);
        }
        synchronized (L) {
            return h.handle(L);
        }
    }

    /** As {@link #inRuntime(Runtime.Handler)}, waiting at most {@code wait} for the runtime's lock. */
    <T> T inRuntime(java.time.Duration wait, Runtime.Handler<T> h) throws LuaException {
        if (rt != null) {
            return rt.run(wait, h);
        }
        synchronized (L) {
            return h.handle(L);
        }
    }
}
