package lunatik.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Lunatik object (spec §4.1): a class, a payload, a lock and a reference count. Each runtime
 * that holds the object has its own Lua userdata wrapper for it (see {@link Objects}); a wrapper
 * owns one reference, and the payload is released when the last reference goes or when the
 * object is closed.
 */
public class LunatikObject {
    private final ObjectClass cls;
    private volatile Object payload;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger refs = new AtomicInteger(1);
    private final boolean sleep;

    /** A new object with one reference; {@code sleep}: made in a sleepable runtime. */
    public LunatikObject(ObjectClass cls, Object payload, boolean sleep) {
        this.cls = cls;
        this.payload = payload;
        this.sleep = sleep;
    }

    public ObjectClass objectClass() {
        return cls;
    }

    /** The payload, or null once the object has been closed. */
    public Object payload() {
        return payload;
    }

    /** The payload as {@code type}; null when closed. */
    public <T> T payload(Class<T> type) {
        return type.cast(payload);
    }

    /** Whether the object was made in a sleepable runtime (its lock may block). */
    public boolean isSleep() {
        return sleep;
    }

    public ReentrantLock lock() {
        return lock;
    }

    /** Takes a reference (lunatik_getobject). */
    public LunatikObject get() {
        refs.incrementAndGet();
        return this;
    }

    /** Drops a reference (lunatik_putobject); returns true when it was the last and the payload was released. */
    public boolean put() {
        if (refs.decrementAndGet() == 0) {
            close();
            return true;
        }
        return false;
    }

    /** Number of references (for tests and diagnostics). */
    public int references() {
        return refs.get();
    }

    /** Detaches the payload under the lock and releases it now; false if it was already closed. */
    public boolean close() {
        Object p;
        lock.lock();
        try {
            p = payload;
            payload = null;
        } finally {
            lock.unlock();
        }
        if (p == null) {
            return false;
        }
        cls.release.accept(p);
        return true;
    }
}
