package lunatik.runtime.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code rcu} module (spec §8.11): a hash table of Lunatik objects, keyed by strings, shared
 * between runtimes. The kernel's RCU hashtable becomes a {@link ConcurrentHashMap}: readers take
 * no lock, writers replace an entry atomically.
 *
 * <p>The table holds one reference on every stored object. A reader must not take its
 * reference on an object that a concurrent writer has just dropped to zero (the kernel avoids
 * this with an RCU grace period); {@link #acquire} takes the reference and then checks that the
 * entry still holds the object, giving the reference back and retrying otherwise. An object
 * whose last reference is the table's can only be dropped after it left the map, and it can only
 * come back into a map through someone holding a reference, so a successful check means the
 * reference was taken on a live object.
 *
 * <p>Differences from v3.7 (deliberate fixes): lookups compare whole keys (the kernel matches a
 * stored key that merely starts with the looked-up one, within a bucket); the bucket count is
 * kept but only sizes the map's initial capacity.
 */
public final class RcuLib {
    private RcuLib() {
    }

    /** LUARCU_DEFAULT_SIZE. */
    public static final int DEFAULT_SIZE = 256;

    /** Longest key: LUAL_BUFFERSIZE - 1. */
    public static final int MAX_KEY = 255;

    /** Largest bucket count we pretend to allocate (8 TiB of bucket heads in the kernel). */
    private static final long MAX_BUCKETS = 1L << 40;

    /** The payload of an rcu table. */
    static final class Table {
        final ConcurrentHashMap<LuaString, LunatikObject> map;
        final long buckets;

        Table(long buckets) {
            this.buckets = buckets;
            this.map = new ConcurrentHashMap<>((int) Math.min(buckets, 1024));
        }
    }

    /** The {@code rcu} class: not sleep-bound, not monitored (its {@code __index} is the lookup). */
    public static final ObjectClass CLASS = ObjectClass.builder("rcu").release(RcuLib::release)
        .setup(RcuLib::setup).build();

    // ---------------------------------------------------------------- Java API

    /**
     * A new table with {@code buckets} buckets rounded up to a power of two (at least 1); the
     * caller owns its one reference. A negative count, or one beyond what a kernel could
     * allocate, raises {@link IllegalArgumentException} (Lua sees "not enough memory").
     */
    public static LunatikObject newTable(long buckets) {
        return new LunatikObject(CLASS, new Table(roundBuckets(buckets)), false);
    }

    /** Bucket count of a table (after rounding). */
    public static long buckets(LunatikObject table) {
        return table(table).buckets;
    }

    /**
     * The object stored under {@code key}, with a reference taken for the caller (who must
     * {@link LunatikObject#put} it), or null (luarcu_gettable).
     */
    public static LunatikObject get(LunatikObject table, LuaString key) {
        return acquire(table(table).map, key);
    }

    /**
     * Stores {@code value} under {@code key} (the table takes its own reference) or deletes the
     * entry when {@code value} is null (luarcu_settable). Raises {@link IllegalArgumentException}
     * for a key longer than {@value #MAX_KEY} bytes (the kernel's -ENOMEM).
     */
    public static void put(LunatikObject table, LuaString key, LunatikObject value) {
        if (key.length() > MAX_KEY && value != null) {
            throw new IllegalArgumentException("rcu key longer than " + MAX_KEY + " bytes");
        }
        store(table(table).map, key, value);
    }

    /**
     * Calls {@code f(key, object)} for every entry of a snapshot of the keys; entries deleted
     * meanwhile are skipped. The object's reference is the caller's only during the call.
     */
    public static void forEach(LunatikObject table, BiConsumer<LuaString, LunatikObject> f) {
        Map<LuaString, LunatikObject> map = table(table).map;
        for (LuaString k : List.copyOf(map.keySet())) {
            LunatikObject o = acquire(map, k);
            if (o != null) {
                try {
                    f.accept(k, o);
                } finally {
                    o.put();
                }
            }
        }
    }

    /** Number of entries (for tests and diagnostics). */
    public static int size(LunatikObject table) {
        return table(table).map.size();
    }

    /**
     * Wraps an rcu table (or any object) for {@code L}, taking a reference; for an rcu table
     * the state's rcu metatable is made ready first, so a table can be handed to a state that
     * never required {@code rcu}.
     */
    public static LuaUserdata share(LuaState L, LunatikObject o) {
        if (o.objectClass() == CLASS) {
            metatable(L);
        }
        return Objects.share(L, o);
    }

    // ---------------------------------------------------------------- the module

    /** {@code require("rcu")}. */
    /*lua @module rcu
     * A hash table of Lunatik objects keyed by strings, shared between runtimes: readers take no
     * lock, writers replace an entry atomically. The table holds a reference on every object
     * stored in it. Indexing is the interface: `t[key]` gives a new handle to the stored object
     * (or nil), `t[key] = obj` stores (the object must be shareable: monitored, or of no runtime
     * kind), `t[key] = nil` deletes.
     * @differs Lookups compare whole keys (v3.7 matches a stored key that merely starts with the
     * looked-up one, within a bucket); the bucket count only sizes the initial capacity. A key
     * longer than 255 bytes reads as nil, and storing under one raises "not enough memory".
     */
    /*lua rcu.table([buckets])
     * Makes an empty table.
     * @param buckets integer: bucket count, rounded up to a power of two; 256 when absent
     * @return an rcu table
     * @raise "not enough memory" for a negative count or one beyond 2^40
     */
    /*lua rcu.map(table, callback)
     * Calls `callback(key, object)` for each entry of a snapshot of the keys (entries deleted
     * meanwhile are skipped, entries added meanwhile are not seen).
     * @param table rcu: the table
     * @param callback function
     */
    public static Object open(LuaState L) {
        metatable(L);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "rcu", "table", RcuLib::newTable);
        LibFunction.register(L, lib, "rcu", "map", RcuLib::map);
        return lib;
    }

    /** The state's rcu metatable: the generic one with {@code __index}/{@code __newindex} set. */
    static LuaTable metatable(LuaState L) {
        return Objects.metatable(L, CLASS); // the class's setup adds __index and __newindex
    }

    /** Completes a state's rcu metatable: key lookup and store instead of methods. */
    private static void setup(LuaState L, LuaTable mt) {
        mt.put(Meta.INDEX, new LibFunction(L, "__index", "__index", RcuLib::index));
        mt.put(Meta.NEWINDEX, new LibFunction(L, "__newindex", "__newindex", RcuLib::newIndex));
    }

    /** {@code rcu.table([buckets])}. */
    private static Object newTable(Args a) {
        long n = a.optInteger(1, DEFAULT_SIZE);
        LunatikObject t;
        try {
            t = newTable(n);
        } catch (IllegalArgumentException e) {
            throw new LuaError(Ops.str("not enough memory"));
        }
        metatable(a.state());
        return Objects.push(a.state(), t);
    }

    /** {@code t[key]}: a new handle to the stored object, or nil. */
    private static Object index(Args a) {
        Table t = Objects.checkPayload(a, 1, CLASS, Table.class);
        LuaString key = a.checkString(2);
        if (key.length() > MAX_KEY) {
            return null;
        }
        LunatikObject o = acquire(t.map, key);
        return o == null ? null : wrap(a.state(), o);
    }

    /** {@code t[key] = obj} / {@code t[key] = nil}. */
    private static Object newIndex(Args a) {
        Table t = Objects.checkPayload(a, 1, CLASS, Table.class);
        LuaString key = a.checkString(2);
        LunatikObject o = null;
        if (!a.isNoneOrNil(3)) {
            o = Objects.check(a, 3);
            Objects.checkShareable(a, 3, o);
        }
        if (o != null && key.length() > MAX_KEY) {
            throw new LuaError(Ops.str("not enough memory"));
        }
        store(t.map, key, o);
        return null;
    }

    /** {@code rcu.map(t, cb)}: {@code cb(key, handle)} over a snapshot of the keys. */
    private static Object map(Args a) {
        Table t = Objects.checkPayload(a, 1, CLASS, Table.class);
        LuaFunction cb = a.checkFunction(2);
        LuaState L = a.state();
        List<LuaString> keys = new ArrayList<>(t.map.keySet());
        for (LuaString k : keys) {
            LunatikObject o = acquire(t.map, k);
            if (o != null) {
                L.call(cb, k, wrap(L, o));
            }
        }
        return Varargs.NONE;
    }

    // ---------------------------------------------------------------- internals

    private static long roundBuckets(long n) {
        if (n < 0 || n > MAX_BUCKETS) {
            throw new IllegalArgumentException("rcu table too large: " + n);
        }
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    private static Table table(LunatikObject o) {
        if (o.objectClass() != CLASS) {
            throw new IllegalArgumentException("not an rcu table: " + o.objectClass().name);
        }
        Table t = o.payload(Table.class);
        if (t == null) {
            throw new IllegalStateException("rcu table released");
        }
        return t;
    }

    /** Takes a reference on the object under {@code key} (see the class comment), or null. */
    private static LunatikObject acquire(Map<LuaString, LunatikObject> map, LuaString key) {
        for (;;) {
            LunatikObject o = map.get(key);
            if (o == null) {
                return null;
            }
            o.get();
            if (map.get(key) == o) {
                return o;
            }
            o.put();
        }
    }

    /** Replaces (or with null removes) the entry, moving the table's reference. */
    private static void store(Map<LuaString, LunatikObject> map, LuaString key, LunatikObject o) {
        LunatikObject old;
        if (o == null) {
            old = map.remove(key);
        } else {
            old = map.put(key, o.get());
        }
        if (old != null) {
            old.put();
        }
    }

    /** A new handle for {@code L} to an acquired object; the acquired reference goes back. */
    private static LuaUserdata wrap(LuaState L, LunatikObject o) {
        try {
            Objects.checkClass(L, o.objectClass());
            return share(L, o);
        } finally {
            o.put();
        }
    }

    /** Drops the table's references when the table itself goes. */
    private static void release(Object payload) {
        Table t = (Table) payload;
        for (LuaString k : List.copyOf(t.map.keySet())) {
            LunatikObject o = t.map.remove(k);
            if (o != null) {
                o.put();
            }
        }
    }
}
