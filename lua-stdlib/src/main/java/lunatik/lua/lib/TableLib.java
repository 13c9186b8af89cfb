package lunatik.lua.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;

/**
 * The {@code table} library of Lua 5.4 (manual §6.6), the same in both dialects.
 *
 * <p>As in Lua 5.4, the functions go through the metamethods {@code __index},
 * {@code __newindex} and {@code __len}: a "table" argument may be any value whose metatable
 * provides the operations the function needs.
 */
public final class TableLib {
    /** Operations a "table" argument must support (see {@link #checkTab}). */
    private static final int TAB_R = 1;
    private static final int TAB_W = 2;
    private static final int TAB_L = 4;
    private static final int TAB_RW = TAB_R | TAB_W;

    /** Most values {@code unpack} returns (Lua's C stack limit, LUAI_MAXSTACK). */
    private static final long MAX_UNPACK = LuaState.MAX_STACK;

    private TableLib() {
    }

    /** Creates the {@code table} library table and sets the global {@code table}. */
    public static void open(LuaState L) {
        LuaTable t = new LuaTable(0, 8);
        LibFunction.register(L, t, new LibFunction.Own(L, "table", "concat") {
            @Override
            protected Object call(Args a) {
                return TableLib.concat(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "table", "insert") {
            @Override
            protected Object call(Args a) {
                return TableLib.insert(a);
            }
        });
        LibFunction.register(L, t, "table", "move", TableLib::move);
        LibFunction.register(L, t, "table", "pack", TableLib::pack);
        LibFunction.register(L, t, new LibFunction.Own(L, "table", "remove") {
            @Override
            protected Object call(Args a) {
                return TableLib.remove(a);
            }
        });
        LibFunction.register(L, t, "table", "sort", TableLib::sort);
        LibFunction.register(L, t, new LibFunction.Own(L, "table", "unpack") {
            @Override
            protected Object call(Args a) {
                return TableLib.unpack(a);
            }
        });
        L.globals.put(Ops.str("table"), t);
    }

    // ---------------------------------------------------------------- argument checks

    /**
     * Checks that argument {@code n} is a table, or a value whose metatable has the fields
     * {@code __index} (TAB_R), {@code __newindex} (TAB_W) and {@code __len} (TAB_L) that
     * {@code what} asks for; otherwise "table expected".
     */
    private static void checkTab(Args a, int n, int what) {
        Object v = a.get(n);
        if (v instanceof LuaTable) {
            return;
        }
        LuaTable mt = a.isNone(n) ? null : a.state().getMetatable(v);
        if (mt != null
            && ((what & TAB_R) == 0 || mt.get(Meta.INDEX) != null)
            && ((what & TAB_W) == 0 || mt.get(Meta.NEWINDEX) != null)
            && ((what & TAB_L) == 0 || mt.get(Meta.LEN) != null)) {
            return;
        }
        throw a.typeError(n, "table");
    }

    /** {@link #checkTab} plus the length of the argument (with {@code __len}). */
    private static long getn(Args a, int n, int what) {
        checkTab(a, n, what | TAB_L);
        return length(a, a.get(n));
    }

    /** {@code #v} as an integer (luaL_len): "object length is not an integer" otherwise. */
    private static long length(Args a, Object v) {
        LuaState L = a.state();
        if (v instanceof LuaTable t && t.getMetatable() == null) {
            return t.length();
        }
        Long n = Ops.toInteger(Ops.len(L, v, null), L.dialect);
        if (n == null) {
            throw a.error("object length is not an integer");
        }
        return n;
    }

    // ---------------------------------------------------------------- element access

    /** {@code t[i]} with {@code __index}. */
    private static Object geti(LuaState L, Object t, long i) {
        if (t instanceof LuaTable tt) {
            Object v = tt.get(i);
            if (v != null || tt.getMetatable() == null) {
                return v;
            }
        }
        return Ops.index(L, t, i, null);
    }

    /** {@code t[i] = v} with {@code __newindex}. */
    private static void seti(LuaState L, Object t, long i, Object v) {
        if (t instanceof LuaTable tt && tt.getMetatable() == null) {
            tt.put(i, v);
            return;
        }
        Ops.setIndex(L, t, i, v, null);
    }

    // ---------------------------------------------------------------- functions

    private static Object concat(Args a) {
        LuaState L = a.state();
        long last = getn(a, 1, TAB_R);
        LuaString sep = a.optString(2, LuaString.EMPTY);
        long i = a.optInteger(3, 1);
        last = a.optInteger(4, last);
        Object t = a.get(1);
        StringBytes buf = new StringBytes();
        // "i < last" then "i == last": no overflow when last is maxinteger
        for (; i < last; i++) {
            addField(a, buf, t, i);
            buf.write(sep.bytes(), 0, sep.length());
            L.tick();
        }
        if (i == last) {
            addField(a, buf, t, i);
        }
        return buf.toLuaString();
    }

    private static void addField(Args a, StringBytes buf, Object t, long i) {
        Object v = geti(a.state(), t, i);
        LuaString s = Ops.toStringCoerce(v);
        if (s == null) {
            throw a.error("invalid value (" + Ops.typeName(v) + ") at index " + i + " in table for 'concat'");
        }
        buf.write(s.bytes(), 0, s.length());
    }

    private static Object insert(Args a) {
        LuaState L = a.state();
        long e = getn(a, 1, TAB_RW) + 1; // first empty element
        Object t = a.get(1);
        long pos;
        switch (a.count()) {
            case 2 -> pos = e;
            case 3 -> {
                pos = a.checkInteger(2);
                // unsigned compare: 1 <= pos <= e in one test
                if (Long.compareUnsigned(pos - 1, e) >= 0) {
                    throw a.argError(2, "position out of bounds");
                }
                for (long i = e; i > pos; i--) {
                    seti(L, t, i, geti(L, t, i - 1));
                    L.tick();
                }
            }
            default -> throw a.error("wrong number of arguments to 'insert'");
        }
        seti(L, t, pos, a.get(a.count()));
        return Varargs.NONE;
    }

    private static Object move(Args a) {
        LuaState L = a.state();
        long f = a.checkInteger(2);
        long e = a.checkInteger(3);
        long t = a.checkInteger(4);
        int tt = a.isNoneOrNil(5) ? 1 : 5; // destination table argument
        checkTab(a, 1, TAB_R);
        checkTab(a, tt, TAB_W);
        Object src = a.get(1);
        Object dst = a.get(tt);
        if (e >= f) {
            if (!(f > 0 || e < Long.MAX_VALUE + f)) {
                throw a.argError(3, "too many elements to move");
            }
            long n = e - f; // number of elements minus 1
            if (t > Long.MAX_VALUE - n) {
                throw a.argError(4, "destination wrap around");
            }
            // overlapping move to the right in the same table: copy from the end
            if (t > e || t <= f || (tt != 1 && !Ops.equals(L, src, dst))) {
                for (long i = 0; i <= n; i++) {
                    seti(L, dst, t + i, geti(L, src, f + i));
                    L.tick();
                }
            } else {
                for (long i = n; i >= 0; i--) {
                    seti(L, dst, t + i, geti(L, src, f + i));
                    L.tick();
                }
            }
        }
        return dst;
    }

    private static Object pack(Args a) {
        int n = a.count();
        LuaTable t = new LuaTable(n, 1);
        Object[] v = a.array();
        for (int i = 0; i < n; i++) {
            t.put(i + 1, v[i]);
        }
        t.put(Ops.str("n"), (long) n);
        return t;
    }

    private static Object remove(Args a) {
        LuaState L = a.state();
        long size = getn(a, 1, TAB_RW);
        Object t = a.get(1);
        long pos = a.optInteger(2, size);
        // as Lua 5.4, the message names argument #1; size + 1 is allowed
        if (pos != size && Long.compareUnsigned(pos - 1, size) > 0) {
            throw a.argError(1, "position out of bounds");
        }
        Object removed = geti(L, t, pos);
        for (; pos < size; pos++) {
            seti(L, t, pos, geti(L, t, pos + 1));
            L.tick();
        }
        seti(L, t, pos, null);
        return removed;
    }

    private static Object unpack(Args a) {
        LuaState L = a.state();
        Object t = a.get(1);
        long i = a.optInteger(2, 1);
        long e = a.isNoneOrNil(3) ? length(a, t) : a.checkInteger(3);
        if (i > e) {
            return Varargs.NONE;
        }
        long n = e - i; // number of results minus 1, as an unsigned value
        if (Long.compareUnsigned(n, MAX_UNPACK) >= 0) {
            throw a.error("too many results to unpack");
        }
        Object[] r = new Object[(int) n + 1];
        for (int k = 0; k <= n; k++) {
            r[k] = geti(L, t, i + k);
            L.tick();
        }
        return Varargs.of(r, r.length);
    }

    private static Object sort(Args a) {
        long n = getn(a, 1, TAB_RW);
        if (n > 1) {
            if (n >= Integer.MAX_VALUE) {
                throw a.argError(1, "array too big");
            }
            LuaFunction comp = null;
            if (!a.isNoneOrNil(2)) {
                comp = a.checkFunction(2);
            }
            new Sorter(a, a.get(1), comp).sort(1, n);
        }
        return Varargs.NONE;
    }

    /**
     * Quicksort over {@code t[lo..up]} through the metamethods, as Lua's own sort: median of
     * three, the pivot parked at {@code up - 1}, and scans bounded by the sentinels the median
     * leaves at both ends, so that an inconsistent comparator is caught ("invalid order function
     * for sorting") instead of running off the range. The smaller part is sorted recursively and
     * the larger one iteratively, so the Java stack stays O(log n) deep whatever the pivots.
     */
    private static final class Sorter {
        /** Ranges larger than this get a pseudo-random pivot after an unbalanced partition. */
        private static final long RANDOM_PIVOT_LIMIT = 100;

        private final Args args;
        private final LuaState L;
        private final Object t;
        private final LuaFunction comp;
        private long seed = System.nanoTime() | 1;

        Sorter(Args args, Object t, LuaFunction comp) {
            this.args = args;
            this.L = args.state();
            this.t = t;
            this.comp = comp;
        }

        private boolean less(Object x, Object y) {
            L.tick();
            if (comp == null) {
                return Ops.lessThan(L, x, y);
            }
            return Ops.isTrue(L.call1(comp, x, y));
        }

        private Object get(long i) {
            return geti(L, t, i);
        }

        private void set(long i, Object v) {
            seti(L, t, i, v);
        }

        private void swap(long i, long j, Object vi, Object vj) {
            set(i, vj);
            set(j, vi);
        }

        void sort(long lo, long up) {
            boolean unbalanced = false;
            while (lo < up) {
                Object x = get(lo);
                Object y = get(up);
                if (less(y, x)) {
                    swap(lo, up, x, y);
                }
                if (up - lo == 1) {
                    return;
                }
                long p = pivot(lo, up, unbalanced);
                Object pv = get(p);
                x = get(lo);
                if (less(pv, x)) {
                    swap(p, lo, pv, x);
                } else {
                    y = get(up);
                    if (less(y, pv)) {
                        swap(p, up, pv, y);
                    }
                }
                if (up - lo == 2) {
                    return;
                }
                pv = get(p);
                swap(p, up - 1, pv, get(up - 1));
                long k = partition(lo, up, pv);
                // recurse into the smaller part, loop on the larger one
                long small;
                if (k - lo < up - k) {
                    small = k - lo;
                    sort(lo, k - 1);
                    lo = k + 1;
                } else {
                    small = up - k;
                    sort(k + 1, up);
                    up = k - 1;
                }
                unbalanced = small < (up - lo) / 8;
            }
        }

        /** The middle, or a pseudo-random point of the middle half after a bad split. */
        private long pivot(long lo, long up, boolean unbalanced) {
            long size = up - lo;
            if (!unbalanced || size <= RANDOM_PIVOT_LIMIT) {
                return lo + size / 2;
            }
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            return lo + size / 4 + Math.floorMod(seed, size / 2);
        }

        /**
         * Partitions {@code [lo, up]} around {@code pv} (which sits at {@code up - 1}, with
         * {@code t[lo] <= pv <= t[up]}); returns the final position of the pivot.
         */
        private long partition(long lo, long up, Object pv) {
            long i = lo;
            long j = up - 1;
            for (;;) {
                Object x;
                while (less(x = get(++i), pv)) {
                    if (i == up - 1) {
                        throw invalidOrder();
                    }
                }
                Object y;
                while (less(pv, y = get(--j))) {
                    if (j < i) {
                        throw invalidOrder();
                    }
                }
                if (j < i) {
                    set(up - 1, x);
                    set(i, pv);
                    return i;
                }
                swap(i, j, x, y);
            }
        }

        private LuaError invalidOrder() {
            return args.error("invalid order function for sorting");
        }
    }
}
