package lunatik.lua.value;

/**
 * A Lua table: an array part for the keys 1..n and an open-addressing hash part for the rest.
 *
 * <p>Layout, after Lua's {@code ltable.c}: positive integer keys that fit densely live in
 * {@link #array}; every other key lives in the hash part, a linear-probing table of parallel
 * key and value arrays. Removing a key (assigning nil) keeps the key in its slot with a nil
 * value (a "dead" key, as in Lua), so that a {@code next} traversal that assigns to existing
 * fields, including nil, goes on correctly; dead keys are dropped when the hash part is
 * rebuilt, which happens only when a new key is inserted into a full part. A rebuild also
 * re-computes the array size as Lua does: the largest n such that more than half of 1..n is
 * used.
 *
 * <p>Keys are normalized: a float with an integral value is stored as the integer. This class
 * is raw access only; metamethods live in the interpreter's operations.
 */
public final class LuaTable {
    private static final Object[] NO_OBJECTS = new Object[0];

    private Object[] array = NO_OBJECTS; // array[i] holds key i+1
    private Object[] node;               // hash part: key i at 2i, its value at 2i + 1; null when empty
    private int hashUsed;                // slots holding a key, live or dead
    private int borderHint;              // last length computed
    private LuaTable metatable;

    /** An empty table. */
    public LuaTable() {
    }

    /** An empty table with room for {@code narr} array items and {@code nhash} other keys. */
    public LuaTable(int narr, int nhash) {
        if (narr > 0) {
            array = new Object[narr];
        }
        if (nhash > 0) {
            newHash(ceilPow2(nhash));
        }
    }

    public LuaTable getMetatable() {
        return metatable;
    }

    /**
     * Sets the metatable. Its {@code __mode} ("k", "v", "kv") is read now: a weak table keeps
     * its collectable keys or values through weak references, so the JVM's collector removes
     * entries no one else refers to. (Lua reads the mode at each collection; here it is read
     * when the metatable is set, which is how weak tables are made in practice. Keys are weak
     * references, not ephemerons: a value that refers to its own key keeps the entry.)
     */
    public void setMetatable(LuaTable mt) {
        if (inChain) {
            CHAIN_EPOCH.incrementAndGet();
        }
        metatable = mt;
        boolean wk = false;
        boolean wv = false;
        if (mt != null && mt.metaField(MODE, ABSENT_MODE) instanceof LuaString m) {
            for (byte b : m.bytes()) {
                wk |= b == 'k';
                wv |= b == 'v';
            }
        }
        if (wk != weakKeys() || wv != weakValues()) {
            rewrap(wk, wv);
        }
    }

    private static final LuaString MODE = LuaString.of("__mode");

    // ---------------------------------------------------------------- absent metamethods

    /*
     * As Lua's flags (fasttm): bits of metamethod keys a lookup found absent from this table,
     * so that the next lookup of that key answers nil without hashing. Any write to the hash
     * part clears them all. The bits a caller may use:
     */
    public static final int ABSENT_INDEX = 1;
    public static final int ABSENT_NEWINDEX = 2;
    public static final int ABSENT_GC = 4;
    public static final int ABSENT_MODE = 8;
    public static final int ABSENT_METATABLE = 16;
    public static final int ABSENT_EQ = 32;
    public static final int ABSENT_LEN = 64;

    private byte absent;

    /**
     * {@code get(key)} for a metamethod key whose absence {@code bit} (an ABSENT_ constant for
     * that key) may remember.
     */
    public Object metaField(LuaString key, int bit) {
        if ((absent & bit) != 0) {
            return null;
        }
        Object v = get(key);
        if (v == null) {
            absent |= (byte) bit;
        }
        return v;
    }

    // ---------------------------------------------------------------- inline caches

    /*
     * Compiled code caches the result of a string-key lookup that missed its table and went
     * through the metatable's __index chain (the method of an object's class), keyed on the
     * metatable (see lunatik.lua.jit.Rt). Such a result depends on the hash parts and metatables
     * of the tables of the chain: they are marked, and any change to a marked table moves this
     * epoch on, which every cached result was taken at. Marked tables are classes and
     * metatables, written when they are made, so the epoch rarely moves; an object's own
     * fields are not marked. The epoch only ever grows (atomic increments), so a thread that
     * changed a table sees a newer epoch than its caches were taken at, whatever other threads
     * (other states) do to it. It is a cache key, not state: nothing else reads it.
     */
    private static final java.util.concurrent.atomic.AtomicLong CHAIN_EPOCH = new java.util.concurrent.atomic.AtomicLong();

    /** Whether a cached lookup depends on this table (its hash part, its metatable). */
    private boolean inChain;

    /** The epoch of lookups through __index chains: see {@link #markInChain}. */
    public static long chainEpoch() {
        return CHAIN_EPOCH.getOpaque();
    }

    /**
     * Marks this table as one a cached lookup depends on: from now on a change to its hash
     * part or metatable moves {@link #chainEpoch} on. Returns false for a weak table, which
     * cannot be depended on (its entries may go at any collection).
     */
    public boolean markInChain() {
        if (weak) {
            return false;
        }
        inChain = true;
        return true;
    }

    // ---------------------------------------------------------------- weak mode

    /*
     * weak: keys or values are weak; mode: WEAK_KEYS and WEAK_VALUES bits (bytes and booleans,
     * not three booleans: with inChain and absent they fill one word, and a table is 48 bytes)
     */
    private boolean weak;
    private byte mode;
    private static final int WEAK_KEYS = 1;
    private static final int WEAK_VALUES = 2;

    private boolean weakKeys() {
        return (mode & WEAK_KEYS) != 0;
    }

    private boolean weakValues() {
        return (mode & WEAK_VALUES) != 0;
    }

    /**
     * For the state's memory accounting: the estimated bytes of this table and its arrays on
     * the JVM heap; passes each key, value and the metatable it holds strongly to
     * {@code refs} (a weak table's weak entries are counted, not followed).
     */
    public long heapBytes(java.util.function.Consumer<Object> refs) {
        long bytes = 48 + arrayBytes(array.length);
        for (Object v : array) {
            if (v != null) {
                refs.accept(v);
            }
        }
        Object[] h = node;
        if (h != null) {
            bytes += 2 * arrayBytes(h.length / 2); // as a key array and a value array (what Lua's nodes cost)
            for (Object o : h) {
                bytes += held(o, refs);
            }
        }
        if (metatable != null) {
            refs.accept(metatable);
        }
        return bytes;
    }

    private static long held(Object o, java.util.function.Consumer<Object> refs) {
        if (o instanceof WeakRef) {
            return 32;
        }
        if (o != null) {
            refs.accept(o);
        }
        return 0;
    }

    /** Bytes of an Object[] of {@code n} references (compressed), header included, 8-aligned. */
    public static long arrayBytes(int n) {
        return (16 + 4L * n + 7) & ~7L;
    }

    /** A weak key or value: equal to its referent (or to another reference to it), hashed like it. */
    private static final class WeakRef extends java.lang.ref.WeakReference<Object> {
        final int hash;

        WeakRef(Object referent) {
            super(referent);
            hash = referent.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            Object r = get();
            if (r == null) {
                return o == this;
            }
            return o == this || o == r || (o instanceof WeakRef w && w.get() == r);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Whether the collector may take this value from a weak table (strings and numbers are values). */
    private static boolean collectable(Object v) {
        return v != null && !(v instanceof LuaString) && !(v instanceof Long) && !(v instanceof Double)
            && !(v instanceof Boolean);
    }

    private Object wrapValue(Object v) {
        return weakValues() && collectable(v) ? new WeakRef(v) : v;
    }

    private Object wrapKey(Object k) {
        return weakKeys() && collectable(k) ? new WeakRef(k) : k;
    }

    private static Object unwrap(Object v) {
        return v instanceof WeakRef w ? w.get() : v;
    }

    /** An entry whose weak key or value was collected. */
    private static boolean cleared(Object k, Object v) {
        return (k instanceof WeakRef wk && wk.get() == null) || (v instanceof WeakRef wv && wv.get() == null);
    }

    /** Re-stores every entry under a new weak mode. */
    private void rewrap(boolean wk, boolean wv) {
        java.util.List<Object> entries = new java.util.ArrayList<>();
        for (int s = nextSlot(null); s >= 0; s = nextSlot(slotKey(s))) {
            entries.add(slotKey(s));
            entries.add(slotValue(s));
        }
        array = NO_OBJECTS;
        newHash(0);
        borderHint = 0;
        mode = (byte) ((wk ? WEAK_KEYS : 0) | (wv ? WEAK_VALUES : 0));
        weak = wk || wv;
        for (int i = 0; i < entries.size(); i += 2) {
            put(entries.get(i), entries.get(i + 1));
        }
    }

    // ---------------------------------------------------------------- reads

    /** Raw get of any key ({@code null} key gives nil). */
    public Object get(Object key) {
        Object v = rawGet(key);
        return weak ? unwrap(v) : v;
    }

    /** Raw get of an integer key. */
    public Object get(long key) {
        Object v = rawGet(key);
        return weak ? unwrap(v) : v;
    }

    /** Raw get of a string key. */
    public Object get(LuaString key) {
        Object v = rawGet(key);
        return weak ? unwrap(v) : v;
    }

    private Object rawGet(Object key) {
        if (key instanceof Long l) {
            return rawGet(l.longValue());
        }
        if (key instanceof LuaString s) {
            return rawGet(s);
        }
        if (key instanceof Double d) {
            double v = d;
            long l = (long) v;
            if (l == v && !(l == Long.MAX_VALUE)) {
                return rawGet(l);
            }
        }
        if (key == null || node == null) {
            return null;
        }
        int j = findSlot(key, key.hashCode());
        return j < 0 ? null : node[j + 1];
    }

    private Object rawGet(long key) {
        Object[] a = array;
        if (key - 1 < a.length && key >= 1) {
            return a[(int) (key - 1)];
        }
        if (node == null) {
            return null;
        }
        int j = findSlot(key, Long.hashCode(key));
        return j < 0 ? null : node[j + 1];
    }

    private Object rawGet(LuaString key) {
        Object[] h = node;
        if (h == null) {
            return null;
        }
        int m = h.length - 1;
        int j = first(key.hashCode(), m);
        for (;;) {
            Object k = h[j];
            if (k == null) {
                return null;
            }
            if (k == key || (k instanceof LuaString s && s.equals(key))) {
                return h[j + 1];
            }
            j = (j + 2) & m;
        }
    }

    /* The index in node (of length m + 1) where the probe for a key of this hash starts: even. */
    private static int first(int hash, int m) {
        return (mix(hash) << 1) & m;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** The index in node of {@code key} (its value is at the next one), or -1. */
    private int findSlot(Object key, int hash) {
        Object[] h = node;
        int m = h.length - 1;
        int j = first(hash, m);
        for (;;) {
            Object k = h[j];
            if (k == null) {
                return -1;
            }
            if (k == key || k.equals(key)) {
                return j;
            }
            j = (j + 2) & m;
        }
    }

    private int findSlot(long key, int hash) {
        Object[] h = node;
        int m = h.length - 1;
        int j = first(hash, m);
        for (;;) {
            Object k = h[j];
            if (k == null) {
                return -1;
            }
            if (k instanceof Long l && l == key) {
                return j;
            }
            j = (j + 2) & m;
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Raw set. The caller has checked that the key is neither nil nor NaN
     * ({@link #isValidKey}); a float key with an integral value is stored as an integer.
     */
    public void put(Object key, Object value) {
        if (key instanceof Long l) {
            put(l.longValue(), value);
            return;
        }
        if (key instanceof Double d) {
            double v = d;
            long l = (long) v;
            if (l == v && l != Long.MAX_VALUE) {
                put(l, value);
                return;
            }
        }
        if (weak) {
            value = wrapValue(value);
            key = wrapKey(key);
        }
        hashPut(key, key.hashCode(), value);
    }

    /** Raw set of an integer key. */
    public void put(long key, Object value) {
        if (weak) {
            value = wrapValue(value);
        }
        Object[] a = array;
        if (key - 1 < a.length && key >= 1) {
            a[(int) (key - 1)] = value;
            return;
        }
        hashPut(key, Long.hashCode(key), value);
    }

    /** Raw set of a string key. */
    public void put(LuaString key, Object value) {
        hashPut(key, key.hashCode(), weak ? wrapValue(value) : value);
    }

    /**
     * A record field of a constructor, {@code {name = value}}, into the table the constructor
     * has just made with room for all its fields ({@link #LuaTable(int, int)}), whose named
     * fields are distinct constants: the key cannot be there yet and needs no room made, so
     * this is a probe for a free node and a store. {@code hash} is the key's
     * {@link LuaString#hashCode}, which the compiler knows. (Compiled code: small enough to leave
     * C2's inlining budget to the code around it.)
     */
    public void initField(LuaString key, int hash, Object value) {
        if (value == null) {
            return;
        }
        Object[] h = node;
        int m = h.length - 1;
        int j = first(hash, m);
        while (h[j] != null) {
            j = (j + 2) & m;
        }
        h[j] = key;
        h[j + 1] = value;
        hashUsed++;
    }

    /** A put of an already wrapped (or not weak) key and value. */
    private void rawPut(Object key, Object value) {
        if (key instanceof Long l) {
            long k = l;
            Object[] a = array;
            if (k - 1 < a.length && k >= 1) {
                a[(int) (k - 1)] = value;
                return;
            }
            hashPut(key, Long.hashCode(k), value);
            return;
        }
        hashPut(key, key.hashCode(), value);
    }

    /** Whether {@code key} may index a table for writing: not nil, not NaN. */
    public static boolean isValidKey(Object key) {
        return key != null && !(key instanceof Double d && d.isNaN());
    }

    /*
     * Sizing follows Lua's, so that '#' on tables with holes answers as the reference does:
     * the hash part has a logical size of 2^k nodes (lsize); a new key that finds it full
     * triggers a rehash, which picks the array size by Lua's rule and sizes the hash part for
     * the remaining keys. Dead keys occupy nodes until then, as in Lua. The physical arrays
     * are twice the logical size to keep probing short.
     */
    private int lsize;

    private static int ceilPow2(int n) {
        return n <= 1 ? n : Integer.highestOneBit(n - 1) << 1;
    }

    private void newHash(int logical) {
        lsize = logical;
        hashUsed = 0;
        if (logical == 0) {
            node = null;
            return;
        }
        int cap = Math.max(4, logical * 2);
        node = new Object[2 * cap];
    }

    private void hashPut(Object key, int hash, Object value) {
        if (inChain) {
            CHAIN_EPOCH.incrementAndGet();
        }
        absent = 0;
        Object[] h = node;
        int j = 0;
        if (h != null) {
            int m = h.length - 1;
            j = first(hash, m);
            for (;;) {
                Object k = h[j];
                if (k == null) {
                    break;
                }
                if (k == key || k.equals(key)) {
                    h[j + 1] = value; // nil leaves a dead key: traversals stay valid
                    return;
                }
                j = (j + 2) & m;
            }
        }
        if (value == null) {
            return;
        }
        if (hashUsed >= lsize) {
            rehash(key);
            rawPut(key, value);
            return;
        }
        h[j] = key;
        h[j + 1] = value;
        hashUsed++;
    }

    /** Resizes the array part to exactly {@code cap} (moving keys between the parts). */
    private void resizeArray(int cap) {
        resize(cap, liveHashCount() + countNonNil(array) - Math.min(countNonNil(array), cap));
    }

    private int liveHashCount() {
        int n = 0;
        Object[] h = node;
        if (h != null) {
            for (int j = 0; j < h.length; j += 2) {
                if (h[j] != null && h[j + 1] != null && !cleared(h[j], h[j + 1])) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Rebuilds both parts: an array of {@code na} slots and a hash part for {@code nh} keys. */
    private void resize(int na, int nh) {
        Object[] oldArray = array;
        Object[] oldNode = node;
        Object[] a = na == oldArray.length ? oldArray : new Object[na];
        if (a != oldArray) {
            System.arraycopy(oldArray, 0, a, 0, Math.min(oldArray.length, na));
        }
        array = a;
        borderHint = 0;
        newHash(ceilPow2(Math.max(nh, 0)));
        for (int i = na; i < oldArray.length; i++) {
            if (oldArray[i] != null) {
                rawPutNoRehash((long) (i + 1), oldArray[i]);
            }
        }
        if (oldNode != null) {
            for (int j = 0; j < oldNode.length; j += 2) {
                Object k = oldNode[j];
                if (k != null && oldNode[j + 1] != null && !cleared(k, oldNode[j + 1])) {
                    rawPutNoRehash(k, oldNode[j + 1]);
                }
            }
        }
    }

    /** Stores during a rebuild, growing the hash part if an estimate fell short. */
    private void rawPutNoRehash(Object key, Object value) {
        if (key instanceof Long l && l >= 1 && l <= array.length) {
            array[(int) (l - 1)] = value;
            return;
        }
        if (hashUsed >= lsize) {
            Object[] old = node;
            newHash(Math.max(1, lsize * 2));
            if (old != null) {
                for (int j = 0; j < old.length; j += 2) {
                    if (old[j] != null && old[j + 1] != null) {
                        rawPutNoRehash(old[j], old[j + 1]);
                    }
                }
            }
        }
        Object[] h = node;
        int m = h.length - 1;
        int j = first(key.hashCode(), m);
        while (h[j] != null) {
            j = (j + 2) & m;
        }
        h[j] = key;
        h[j + 1] = value;
        hashUsed++;
    }

    /**
     * The hash part is full: count the integer keys (including the one being inserted) to
     * choose the array size as Lua's {@code computesizes} does, and size the hash part for
     * the other keys (Lua's {@code rehash}).
     */
    private void rehash(Object extraKey) {
        int[] nums = new int[32]; // nums[b] = keys k with 2^(b-1) < k <= 2^b
        int totalInts = countArray(nums);
        int total = weak ? countNonNil(array) : totalInts; // (no cleared references in a table that is not weak)
        Object[] h = node;
        if (h != null) {
            for (int j = 0; j < h.length; j += 2) {
                if (h[j] != null && h[j + 1] != null && !cleared(h[j], h[j + 1])) {
                    total++;
                    if (unwrap(h[j]) instanceof Long l) {
                        totalInts += countInt(l, nums);
                    }
                }
            }
        }
        if (extraKey instanceof Long l) {
            totalInts += countInt(l, nums);
        }
        total++;
        int na = computeArraySize(nums, totalInts);
        int inArray = 0;
        for (int b = 0, twotoi = 1; b < 32 && twotoi / 2 < na; b++, twotoi <<= 1) {
            inArray += nums[b];
        }
        resize(na, total - inArray);
    }

    private static int countNonNil(Object[] a) {
        int n = 0;
        for (Object o : a) {
            if (o != null && !(o instanceof WeakRef w && w.get() == null)) {
                n++;
            }
        }
        return n;
    }

    /*
     * The keys of the array part in nums, as countInt counts them, slice by slice as Lua's
     * numusearray: the keys 2^(b-1) < k <= 2^b are the indices 2^(b-1) .. 2^b - 1 (b = 0: index 0).
     */
    private int countArray(int[] nums) {
        int total = 0;
        Object[] a = array;
        int lo = 0;
        for (int b = 0; b <= 30 && lo < a.length; b++) {
            int hi = Math.min(a.length, 1 << b);
            int c = 0;
            for (int i = lo; i < hi; i++) {
                if (a[i] != null) {
                    c++;
                }
            }
            nums[b] += c;
            total += c;
            lo = hi;
        }
        return total;
    }

    private static int countInt(long k, int[] nums) {
        if (k >= 1 && k <= (1 << 30)) {
            nums[64 - Long.numberOfLeadingZeros(k - 1)]++;
            return 1;
        }
        return 0;
    }

    private static int computeArraySize(int[] nums, int totalInts) {
        int a = 0;
        int na = 0;
        int optimal = 0;
        for (int b = 0, twotoi = 1; b < 31 && twotoi > 0 && totalInts > twotoi / 2; b++, twotoi <<= 1) {
            a += nums[b];
            if (a > twotoi / 2) {
                optimal = twotoi;
                na = a;
            }
        }
        return na == 0 ? 0 : optimal;
    }

    // ---------------------------------------------------------------- length

    /**
     * The border Lua's {@code #} operator gives without {@code __len}. Follows Lua 5.4's
     * {@code luaH_getn}, with {@link #borderHint} in the role of its {@code alimit}, so that
     * tables with holes give the same answers as the reference.
     */
    public long length() {
        if (weak) {
            return unboundSearch(0);
        }
        Object[] a = array;
        int n = a.length;
        int limit = borderHint > 0 && borderHint <= n ? borderHint : n;
        boolean pow2 = n > 0 && (n & (n - 1)) == 0;
        if (limit > 0 && a[limit - 1] == null) {
            if (limit >= 2 && a[limit - 2] != null) {
                if (pow2 && ((limit - 1) & (limit - 2)) != 0) {
                    borderHint = limit - 1;
                }
                return limit - 1;
            }
            int border = binsearch(a, 0, limit);
            if (pow2 && border > n / 2) {
                borderHint = border;
            }
            return border;
        }
        if (limit != n) {
            if (a[limit] == null) {
                return limit;
            }
            if (a[n - 1] == null) {
                int border = binsearch(a, limit, n);
                borderHint = border;
                return border;
            }
            borderHint = 0;
        }
        if (node == null || get((long) n + 1) == null) {
            return n;
        }
        return unboundSearch(n + 1);
    }

    /**
     * A border at or after {@code i} (where {@code t[i]} is non-nil, or {@code i} is 0) found by
     * doubling then bisecting, as ltable.c's {@code hash_search}; when doubling would overflow,
     * a linear search from 1, as there.
     */
    private long unboundSearch(long i) {
        long j = i == 0 ? 1 : i * 2;
        while (get(j) != null) {
            i = j;
            if (j > Long.MAX_VALUE / 2) {
                long k = 1;
                while (get(k) != null) {
                    k++;
                }
                return k - 1;
            }
            j *= 2;
        }
        while (j - i > 1) {
            long m = (i + j) >>> 1;
            if (get(m) == null) {
                j = m;
            } else {
                i = m;
            }
        }
        return i;
    }

    /** A border in (i, j] of the array: a[i-1] is non-nil (or i == 0) and a[j-1] is nil. */
    private static int binsearch(Object[] a, int i, int j) {
        while (j - i > 1) {
            int m = (i + j) >>> 1;
            if (a[m - 1] == null) {
                j = m;
            } else {
                i = m;
            }
        }
        return i;
    }

    // ---------------------------------------------------------------- traversal

    /**
     * The traversal position after {@code key} ({@code null} starts): the index of the next
     * slot holding a non-nil value, or -1 at the end; -2 if {@code key} is not in the table.
     * Read the entry with {@link #slotKey} and {@link #slotValue}.
     */
    public int nextSlot(Object key) {
        int s = rawNextSlot(key);
        if (weak) {
            while (s >= 0 && (slotValue(s) == null || slotKey(s) == null)) {
                s = rawNextSlotAfter(s);
            }
        }
        return s;
    }

    private int rawNextSlotAfter(int slot) {
        Object[] a = array;
        for (int i = slot + 1; i < a.length; i++) {
            if (a[i] != null) {
                return i;
            }
        }
        Object[] h = node;
        if (h != null) {
            for (int i = Math.max(slot + 1 - a.length, 0); 2 * i < h.length; i++) {
                if (h[2 * i + 1] != null) {
                    return a.length + i;
                }
            }
        }
        return -1;
    }

    private int rawNextSlot(Object key) {
        int start;
        if (key == null) {
            start = 0;
        } else {
            start = slotOf(key);
            if (start < 0) {
                return -2;
            }
            start++;
        }
        return rawNextSlotAfter(start - 1);
    }

    private int slotOf(Object key) {
        if (key instanceof Double d) {
            double v = d;
            long l = (long) v;
            if (l == v && l != Long.MAX_VALUE) {
                key = l;
            }
        }
        if (key instanceof Long l && l >= 1 && l <= array.length) {
            return (int) (l - 1);
        }
        if (node == null) {
            return -1;
        }
        int j = findSlot(key, key.hashCode());
        return j < 0 ? -1 : array.length + j / 2;
    }

    /** The key at a slot returned by {@link #nextSlot}. */
    public Object slotKey(int slot) {
        return slot < array.length ? Long.valueOf(slot + 1) : unwrap(node[2 * (slot - array.length)]);
    }

    /** The value at a slot returned by {@link #nextSlot}. */
    public Object slotValue(int slot) {
        Object v = slot < array.length ? array[slot] : node[2 * (slot - array.length) + 1];
        return weak ? unwrap(v) : v;
    }

    /** The finalization sentinel of a table whose metatable had {@code __gc} (see the state's GC support). */
    public Object gcSentinel;

    /** Size of the array part (for {@code table.move}-style fast paths and tests). */
    public int arrayCapacity() {
        return array.length;
    }

    /** Makes room for at least {@code n} array items (used by constructors and table.pack). */
    public void ensureArray(int n) {
        if (n > array.length) {
            resizeArray(n);
        }
    }

    /** Approximate bytes held by this table's parts (for memory accounting). */
    public long sizeInBytes() {
        return 48 + 4L * array.length + (node == null ? 0 : 4L * node.length);
    }
}
