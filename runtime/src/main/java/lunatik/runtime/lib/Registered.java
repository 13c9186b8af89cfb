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
        if (rt != null) {
            rt.host().log(line);
        } else {
            L.err().println(line);
            L.err().flush();
        }
    }

    /** Keeps {@code u} (and {@code value} with it) in the registry until {@link #unpin}. */
    void pin(LuaUserdata u, Object value) {
        pin = u;
        L.registry.put(u, value);
    }

    void unpin() {
        Object u = pin;
        pin = null;
        if (u != null) {
            L.registry.put(u, null);
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
}
