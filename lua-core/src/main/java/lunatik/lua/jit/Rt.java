package lunatik.lua.jit;

import lunatik.lua.interp.Cell;
import lunatik.lua.interp.ClosureFactory;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.StacklessBody;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import lunatik.lua.vm.TailCall;
import lunatik.lua.vm.Unwinding;

/**
 * Run-time helpers called by compiled code: small static methods with a fast path HotSpot
 * inlines and a slow path that defers to {@link Ops}. Helpers that may raise take the frame
 * and site, and record the site in the frame only on their slow path, so messages get the line
 * without a store on every operation.
 */
public final class Rt {
    private Rt() {
    }

    private static LuaState L(CFrame f) {
        return f.fn.L;
    }

    // ---------------------------------------------------------------- indexing

    /*
     * The helpers keep their common path inline and the rest out of line: HotSpot counts every
     * byte it inlines against one budget per compiled method, used up fast by a big body.
     */

    public static Object index(Object o, Object k, CFrame f, int site) {
        if (o instanceof LuaTable t) {
            Object v = t.get(k);
            if (v != null || t.getMetatable() == null) {
                return v;
            }
        }
        return indexSlow(o, k, f, site);
    }

    private static Object indexSlow(Object o, Object k, CFrame f, int site) {
        at(f, site);
        return Ops.index(L(f), o, k, f.site(site));
    }

    public static Object indexStr(Object o, LuaString k, CFrame f, int site) {
        return lookup(o, k, f, site, false);
    }

    /*
     * o[k] for a constant string k, the field of indexStr or the method of method(): the
     * table's own key, else what the site's cache holds for o's metatable, else the chain.
     */
    private static Object lookup(Object o, LuaString k, CFrame f, int site, boolean method) {
        LuaTable mt;
        if (o instanceof LuaTable t) {
            Object v = t.get(k);
            if (v != null) {
                return v;
            }
            mt = t.getMetatable();
            if (mt == null) {
                return null;
            }
        } else if (o instanceof LuaString) {
            mt = L(f).getMetatable(o);
        } else {
            mt = null;
        }
        if (mt != null) {
            Object v = IndexCache.find(f.site(site).indexCache, mt, LuaTable.chainEpoch());
            if (v != IndexCache.MISS) {
                return v;
            }
        }
        return indexChain(o, mt, k, f, site, method);
    }

    /**
     * {@code o[k]} where o (a table without the key, or a string) has metatable mt (or none):
     * through mt's __index chain. When the chain is tables only, the result is kept in the
     * site's {@link IndexCache} under mt and the chain epoch (the chain's tables marked, see
     * {@link LuaTable#markInChain}), so the next lookup here through the same metatable is one
     * comparison; else (an __index function, a weak table, a long chain) the general path.
     */
    private static Object indexChain(Object o, LuaTable mt, LuaString k, CFrame f, int site, boolean method) {
        if (mt != null) {
            long epoch = LuaTable.chainEpoch();
            LuaTable m = mt;
            for (int depth = 0; depth < IndexCache.MAX_DEPTH; depth++) {
                if (!m.markInChain()) {
                    break;
                }
                Object h = m.metaField(Meta.INDEX, LuaTable.ABSENT_INDEX);
                Object v = null;
                boolean found = h == null;
                if (h instanceof LuaTable ht) {
                    if (!ht.markInChain()) {
                        break;
                    }
                    v = ht.get(k);
                    m = ht.getMetatable();
                    found = v != null || m == null;
                } else if (h != null) {
                    break; // a function (or another value with its own metatable)
                }
                if (found) {
                    if (v == null && !(o instanceof LuaTable)) {
                        break; // a string method that is not there: the general path says so
                    }
                    Site s = f.site(site);
                    s.indexCache = IndexCache.add(s.indexCache, mt, epoch, v);
                    return v;
                }
            }
        }
        at(f, site);
        Site s = f.site(site);
        return Ops.index(L(f), o, k, method ? i -> s.describe(1) : s);
    }

    public static Object indexInt(Object o, long k, CFrame f, int site) {
        if (o instanceof LuaTable t) {
            Object v = t.get(k);
            if (v != null || t.getMetatable() == null) {
                return v;
            }
        }
        return indexSlow(o, k, f, site);
    }

    public static void setIndex(Object o, Object k, Object v, CFrame f, int site) {
        if (o instanceof LuaTable t && noNewindex(t)) {
            if (k instanceof LuaString s) {
                t.put(s, v);
                return;
            }
            if (k instanceof Long l) {
                t.put(l.longValue(), v);
                return;
            }
        }
        setIndexSlow(o, k, v, f, site);
    }

    private static void setIndexSlow(Object o, Object k, Object v, CFrame f, int site) {
        if (o instanceof LuaTable t && k != null && !(k instanceof Double d && d.isNaN()) && noNewindex(t)) {
            t.put(k, v);
            return;
        }
        at(f, site);
        Ops.setIndex(L(f), o, k, v, new Target(f.site(site)));
    }

    public static void setIndexInt(Object o, long k, Object v, CFrame f, int site) {
        if (o instanceof LuaTable t && noNewindex(t)) {
            t.put(k, v);
            return;
        }
        setIndexSlow(o, k, v, f, site);
    }

    /* Whether an assignment to t is raw whatever the key: no metatable, or one without __newindex. */
    private static boolean noNewindex(LuaTable t) {
        LuaTable mt = t.getMetatable();
        return mt == null || mt.metaField(Meta.NEWINDEX, LuaTable.ABSENT_NEWINDEX) == null;
    }

    /** Assignment sites describe the indexed object as operand 0. */
    private record Target(Site s) implements Ops.VarInfo {
        @Override
        public String describe(int i) {
            return s.describe(0);
        }
    }

    public static Object method(Object self, LuaString name, CFrame f, int site) {
        return lookup(self, name, f, site, true);
    }

    // ---------------------------------------------------------------- arithmetic

    public static Object add(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x + y;
        }
        return floatOrSlow(Meta.ADD, a, b, f, site);
    }

    public static Object sub(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x - y;
        }
        return floatOrSlow(Meta.SUB, a, b, f, site);
    }

    public static Object mul(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x * y;
        }
        return floatOrSlow(Meta.MUL, a, b, f, site);
    }

    /*
     * One helper per operator, so that a compiled operation is its operands, the frame and the
     * site, and a call (a generic helper taking the operator first needed the operands parked
     * in temporaries: that made small Lua functions too big for HotSpot to inline).
     */

    public static Object mod(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y && y > 0) {
            return Math.floorMod((long) x, (long) y);
        }
        return floatOrSlow(Meta.MOD, a, b, f, site);
    }

    public static Object pow(Object a, Object b, CFrame f, int site) {
        return floatOrSlow(Meta.POW, a, b, f, site);
    }

    public static Object div(Object a, Object b, CFrame f, int site) {
        if (a instanceof Double x && b instanceof Double y) {
            return x / y;
        }
        if (a instanceof Long x && b instanceof Long y && y > 0 && !L(f).dialect.hasFloats()) {
            return Math.floorDiv((long) x, (long) y); // the kernel dialect's '/'
        }
        return arithSlow(Meta.DIV, a, b, f, site);
    }

    /** Operator {@code op} on two floats, else the general way. */
    private static Object floatOrSlow(int op, Object a, Object b, CFrame f, int site) {
        if (a instanceof Double x && b instanceof Double y) {
            return Ops.arithFloat(op, x, y);
        }
        return arithSlow(op, a, b, f, site);
    }

    public static Object idiv(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y && y > 0) {
            return Math.floorDiv((long) x, (long) y);
        }
        return floatOrSlow(Meta.IDIV, a, b, f, site);
    }

    public static Object band(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x & y;
        }
        return arithSlow(Meta.BAND, a, b, f, site);
    }

    public static Object bor(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x | y;
        }
        return arithSlow(Meta.BOR, a, b, f, site);
    }

    public static Object bxor(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x ^ y;
        }
        return arithSlow(Meta.BXOR, a, b, f, site);
    }

    public static Object shl(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return Ops.shl(x, y);
        }
        return arithSlow(Meta.SHL, a, b, f, site);
    }

    public static Object shr(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return Ops.shr(x, y);
        }
        return arithSlow(Meta.SHR, a, b, f, site);
    }

    private static Object arithSlow(int op, Object a, Object b, CFrame f, int site) {
        at(f, site);
        return Ops.arith(L(f), op, a, b, f.site(site));
    }

    /** Integer floor division for statically integer operands (raises on zero). */
    public static long idiv(long a, long b, CFrame f, int site) {
        if (b > 0) {
            return Math.floorDiv(a, b);
        }
        at(f, site);
        return Ops.idivChecked(L(f), a, b);
    }

    public static long mod(long a, long b, CFrame f, int site) {
        if (b > 0) {
            return Math.floorMod(a, b);
        }
        at(f, site);
        return Ops.modChecked(L(f), a, b);
    }

    public static Object unm(Object a, CFrame f, int site) {
        if (a instanceof Long x) {
            return -x;
        }
        if (a instanceof Double d) {
            return -d;
        }
        at(f, site);
        return Ops.unm(L(f), a, f.site(site));
    }

    public static Object bnot(Object a, CFrame f, int site) {
        if (a instanceof Long x) {
            return ~x;
        }
        at(f, site);
        return Ops.bnot(L(f), a, f.site(site));
    }

    public static Object len(Object a, CFrame f, int site) {
        if (a instanceof LuaTable t && t.getMetatable() == null) {
            return t.length();
        }
        if (a instanceof LuaString s) {
            return (long) s.length();
        }
        at(f, site);
        return Ops.len(L(f), a, f.site(site));
    }

    public static Object concat2(Object a, Object b, CFrame f, int site) {
        if (a instanceof LuaString x && b instanceof LuaString y && x.length() <= LuaString.MAX_LENGTH - y.length()) {
            return x.concat(y);
        }
        at(f, site);
        return Ops.concat(L(f), a, b, f.site(site));
    }

    /**
     * A concatenation chain: joined in one allocation when every part is a string or number,
     * else as Lua does it, pairwise from the right ({@link Ops#concatPairwise}).
     */
    public static Object concat(Object[] v, CFrame f, int site) {
        LuaString r = Ops.joinPlain(v);
        if (r != null) {
            return r;
        }
        at(f, site);
        return Ops.concatPairwise(L(f), v, f.site(site));
    }

    // ---------------------------------------------------------------- comparison

    public static boolean truthy(Object v) {
        return v != null && v != Boolean.FALSE;
    }

    public static Object bool(boolean b) {
        return b ? Boolean.TRUE : Boolean.FALSE;
    }

    public static boolean eq(Object a, Object b, CFrame f, int site) {
        if (a == b) {
            return !(a instanceof Double d && d.isNaN());
        }
        if (a instanceof Long x && b instanceof Long y) {
            return x.longValue() == y.longValue();
        }
        return eqSlow(a, b, f, site);
    }

    private static boolean eqSlow(Object a, Object b, CFrame f, int site) {
        if (a instanceof LuaTable || a instanceof LuaUserdata) {
            at(f, site);
            return Ops.equals(L(f), a, b);
        }
        return Ops.rawEquals(a, b);
    }

    public static boolean lt(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x < y;
        }
        return ltSlow(a, b, f, site);
    }

    private static boolean ltSlow(Object a, Object b, CFrame f, int site) {
        at(f, site);
        return Ops.lessThan(L(f), a, b);
    }

    public static boolean le(Object a, Object b, CFrame f, int site) {
        if (a instanceof Long x && b instanceof Long y) {
            return x <= y;
        }
        return leSlow(a, b, f, site);
    }

    private static boolean leSlow(Object a, Object b, CFrame f, int site) {
        at(f, site);
        return Ops.lessEqual(L(f), a, b);
    }

    /** {@code a > b}, evaluated as {@code b < a} after both operands. */
    public static boolean gtSwap(Object a, Object b, CFrame f, int site) {
        return lt(b, a, f, site);
    }

    public static boolean geSwap(Object a, Object b, CFrame f, int site) {
        return le(b, a, f, site);
    }

    // ---------------------------------------------------------------- calls and values

    /** Calls a value that is not a LuaFunction (its {@code __call}), or raises "attempt to call". */
    private static Object callOther(Object fv, Object[] a, CFrame f, int site) {
        at(f, site);
        return Ops.callThroughMeta(L(f), fv, a, f.site(site).describe(0));
    }

    /**
     * What a call site calls: {@code fv} when it is a function, else one that, called with the
     * arguments, calls fv's {@code __call} or raises the call's error ({@link #callOther}).
     */
    public static LuaFunction callable(Object fv, CFrame f, int site) {
        if (fv instanceof LuaFunction g) {
            return g;
        }
        return new CallOther(fv, f, site);
    }

    /** A call site's call of a value that is not a function. */
    private static final class CallOther extends LuaFunction {
        private final Object fv;
        private final CFrame f;
        private final int site;

        CallOther(Object fv, CFrame f, int site) {
            this.fv = fv;
            this.f = f;
            this.site = site;
        }

        @Override
        public Object invoke(Object[] args) {
            return callOther(fv, args, f, site);
        }
    }

    /** A pending tail call ({@code return f(args)}); non-functions resolve their {@code __call} now. */
    public static Object tailCall(Object fv, Object[] a, CFrame f, int site) {
        if (fv instanceof lunatik.lua.vm.LibFunction lib) {
            // as in Lua 5.4, a Java function in tail position runs while the caller's frame is
            // still there (so error positions and levels see it); it cannot recurse anyway
            at(f, site);
            return lib.invoke(a);
        }
        if (fv instanceof LuaFunction g) {
            return new TailCall(g, a, L(f).current());
        }
        return callOther(fv, a, f, site);
    }

    /** How many direct tail calls (tailKind 0) a coroutine's Java stack holds at most. */
    static final int MAX_DIRECT_TAILS = 32;

    /**
     * How compiled code makes {@code return f(args)}: 0, a Lua function, called by the
     * returning method once its frame is popped (tailEnter, tailExit); 1, a library function,
     * called with the frame still there (as in Lua 5.4: errors and levels see it); 2, through
     * {@link #tailCall} (anything else, a hook on, or too many direct tail calls on the stack).
     */
    public static int tailKind(Object fv, CFrame f, int site) {
        at(f, site);
        if (fv instanceof lunatik.lua.interp.LuaClosure) {
            return f.co.tailDirect < MAX_DIRECT_TAILS && !f.fn.L.hooksOn ? 0 : 2;
        }
        return fv instanceof lunatik.lua.vm.LibFunction ? 1 : 2;
    }

    /**
     * Before a direct tail call: the caller's frame popped, and the frame under it marked as
     * the pending-call trampoline marks it (the callee runs in tail position: getinfo's
     * istailcall, "(...tail calls...)"). Returns the mark it had, for {@link #tailExit}.
     */
    public static boolean tailEnter(CFrame f) {
        Coroutine co = f.co;
        co.pop();
        co.tailDirect++;
        return co.markTailAbove(f.parent(), true);
    }

    /** After a direct tail call, returned or thrown: the mark put back on the frame below. */
    public static void tailExit(CFrame f, boolean was) {
        Coroutine co = f.co;
        co.tailDirect--;
        co.markTailAbove(f.parent(), was);
    }

    public static Object first(Object r) {
        return r instanceof Varargs v ? v.get(0) : r;
    }

    /** {@code head} followed by the values of a multi-valued result. */
    public static Object[] expand(Object[] head, Object multi) {
        int n = head.length;
        if (multi instanceof Varargs v) {
            int m = v.count();
            Object[] a = java.util.Arrays.copyOf(head, n + m);
            for (int i = 0; i < m; i++) {
                a[n + i] = v.get(i);
            }
            return a;
        }
        Object[] a = java.util.Arrays.copyOf(head, n + 1);
        a[n] = multi;
        return a;
    }

    /** {@code head} followed by the values of a multi-valued result, adjusted to exactly {@code n}. */
    public static Object[] adjust(Object[] head, Object multi, int n) {
        Object[] a = java.util.Arrays.copyOf(head, Math.max(n, head.length));
        int h = head.length;
        for (int i = 0; h + i < n; i++) {
            a[h + i] = Varargs.get(multi, i);
        }
        return a;
    }

    public static Object varargs(Object[] va) {
        return Varargs.of(va, va.length);
    }

    public static Object vararg1(Object[] va) {
        return va.length > 0 ? va[0] : null;
    }

    public static Object ret(Object[] values) {
        return Varargs.of(values);
    }

    public static Object arg(Object[] args, int i) {
        return i < args.length ? args[i] : null;
    }

    public static Object[] varargsOf(Object[] args, int np) {
        return args.length > np ? java.util.Arrays.copyOfRange(args, np, args.length) : LuaFunction.NO_ARGS;
    }

    public static Object upget(Cell[] ups, int i) {
        return ups[i].v;
    }

    public static LuaFunction closure(ClosureFactory fac, LuaState L, Cell[] ups) {
        return fac.create(L, ups);
    }

    // ---------------------------------------------------------------- tables

    public static void tableSet(LuaTable t, Object k, Object v, CFrame f, int site) {
        if (k == null || (k instanceof Double d && d.isNaN())) {
            at(f, site);
            Ops.rawSet(L(f), t, k, v);
        }
        t.put(k, v);
    }

    public static void tableMulti(LuaTable t, long start, Object multi) {
        if (multi instanceof Varargs v) {
            int n = v.count();
            t.ensureArray((int) (start - 1 + n));
            for (int i = 0; i < n; i++) {
                t.put(start + i, v.get(i));
            }
        } else {
            t.put(start, multi);
        }
    }

    // ---------------------------------------------------------------- loops

    /** Whether an integer loop from {@code init} by {@code step} runs at all, given a limit of any type. */
    public static boolean forSkip(long init, Object limit, long step, CFrame f, int site) {
        if (limit instanceof Long l && step != 0) {
            return step > 0 ? init > l : init < l;
        }
        return forSkipSlow(init, limit, step, f, site);
    }

    private static boolean forSkipSlow(long init, Object limit, long step, CFrame f, int site) {
        if (step == 0) {
            at(f, site);
            throw new LuaError(Ops.str(L(f).where(0) + "'for' step is zero"));
        }
        if (limit instanceof Long l) {
            return step > 0 ? init > l : init < l;
        }
        if (!(limit instanceof Double)) {
            limit = forNumber(limit, "limit", f, site);
            if (limit instanceof Long l) {
                return step > 0 ? init > l : init < l;
            }
        }
        double d = (Double) limit;
        if (Double.isNaN(d)) {
            return true;
        }
        if (step > 0) {
            d = Math.floor(d);
            return d < -0x1p63 || (d < 0x1p63 && init > (long) d);
        }
        d = Math.ceil(d);
        return d >= 0x1p63 || (d >= -0x1p63 && init < (long) d);
    }

    /** Iterations after the first (unsigned) of a loop that {@link #forSkip} said runs. */
    public static long forCount(long init, Object limit, long step) {
        if (limit instanceof Long l) {
            return forCount(init, (long) l, step);
        }
        return forCountSlow(init, limit, step);
    }

    /** {@link #forCount(long, Object, long)} of an integer limit. */
    public static long forCount(long init, long lim, long step) {
        return step > 0 ? Long.divideUnsigned(lim - init, step) : Long.divideUnsigned(init - lim, -step);
    }

    private static long forCountSlow(long init, Object limit, long step) {
        Object n = limit instanceof LuaString s ? Ops.stringToNumber(s, lunatik.lua.vm.Dialect.FULL) : limit;
        if (n instanceof Long l) {
            return forCount(init, (long) l, step);
        }
        double d = (Double) n;
        long lim;
        if (step > 0) {
            d = Math.floor(d);
            lim = d >= 0x1p63 ? Long.MAX_VALUE : (long) d;
        } else {
            d = Math.ceil(d);
            lim = d < -0x1p63 ? Long.MIN_VALUE : (long) d;
        }
        return forCount(init, lim, step);
    }

    /** A 'for' initial value, limit or step converted to a number, or the reference error. */
    public static Object forNumber(Object v, String what, CFrame f, int site) {
        if (v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof LuaString s) {
            Object n = Ops.stringToNumber(s, L(f).dialect);
            if (n != null) {
                return n;
            }
        }
        at(f, site);
        throw new LuaError(Ops.str(L(f).where(0) + "bad 'for' " + what + " (number expected, got "
            + Ops.objTypeName(L(f), v) + ")"));
    }

    /** A numeric loop whose start or step is not known to be an integer: the general form. */
    public static final class ForLoop {
        boolean isInt;
        long i;
        long count;
        long step;
        double fi;
        double flim;
        double fstep;
        boolean first = true;

        /** Advances; false when the loop is over. */
        public boolean next() {
            if (isInt) {
                if (first) {
                    first = false;
                    return true;
                }
                if (count-- == 0) {
                    return false;
                }
                i += step;
                return true;
            }
            if (first) {
                first = false;
            } else {
                fi += fstep;
            }
            return fstep > 0 ? fi <= flim : fi >= flim;
        }

        public Object value() {
            return isInt ? (Object) i : (Object) fi;
        }
    }

    public static ForLoop forPrep(Object s0, Object l0, Object st0, CFrame f, int site) {
        boolean floatLoop = Ops.forIsFloat(L(f), s0, st0);
        s0 = forNumber(s0, "initial value", f, site);
        l0 = forNumber(l0, "limit", f, site);
        st0 = forNumber(st0, "step", f, site);
        if (floatLoop) {
            s0 = ((Number) s0).doubleValue();
        }
        ForLoop fl = new ForLoop();
        if (s0 instanceof Long is && st0 instanceof Long ist) {
            fl.isInt = true;
            if (forSkip(is, l0, ist, f, site)) {
                fl.isInt = false;
                fl.fstep = 1;
                fl.fi = 1;
                fl.flim = 0;
                return fl;
            }
            fl.i = is;
            fl.step = ist;
            fl.count = forCount(is, l0, ist);
            return fl;
        }
        fl.fi = ((Number) s0).doubleValue();
        fl.flim = ((Number) l0).doubleValue();
        fl.fstep = ((Number) st0).doubleValue();
        if (fl.fstep == 0) {
            at(f, site);
            throw new LuaError(Ops.str(L(f).where(0) + "'for' step is zero"));
        }
        return fl;
    }

    /** Whether a generic for can walk the table itself: the iterator is the library's next. */
    public static boolean isNextLoop(Object fn, Object s) {
        return fn instanceof lunatik.lua.vm.LibFunction lf && s instanceof LuaTable && lf.name().equals("next");
    }

    public static int nextSlot(LuaTable t, Object key, CFrame f, int site) {
        int slot = t.nextSlot(key);
        if (slot == -2) {
            at(f, site);
            throw new LuaError(Ops.str("invalid key to 'next'")); // raised in next, a Java function: no position
        }
        return slot;
    }

    // ---------------------------------------------------------------- to-be-closed

    public static void checkClosable(Object v, String name, CFrame f, int site) {
        if (v != null && v != Boolean.FALSE && L(f).metamethod(v, Meta.CLOSE) == null) {
            at(f, site);
            throw new LuaError(Ops.str(L(f).where(0) + "variable '" + name + "' got a non-closable value"));
        }
    }

    /**
     * Closes a to-be-closed value on a normal exit of its scope; {@code site} (or -1) gives the
     * line lua5.4 reports there: the block's last token, the loop's end, the return, the label.
     */
    public static void close(Object v, CFrame f, int site) {
        if (v != null && v != Boolean.FALSE) {
            if (site >= 0) {
                at(f, site);
            }
            Ops.callClose(L(f), v);
        }
    }

    // ---------------------------------------------------------------- entry and exit

    /*
     * A compiled function's entry and exit are these calls rather than their bytecode inline:
     * HotSpot inlines by bytecode size, and a small Lua function must stay under its limit.
     */

    /**
     * The entry of a compiled function: the entry tick, then its frame pushed on the running
     * coroutine; null (nothing pushed) when a call, return or line hook is set, for the
     * function then runs instrumented ({@link #hooked}).
     */
    public static CFrame enter(CompiledFunction cf) {
        LuaState L = cf.L;
        return L.enter() ? null : pushed(L, new CFrame(cf, null));
    }

    /**
     * As {@link #enter}, for a function that spills its locals at calls (the chunk names
     * debug.getlocal or setlocal): its frame has the spill array.
     */
    public static CFrame enterSpilling(CompiledFunction cf) {
        LuaState L = cf.L;
        return L.enter() ? null : pushed(L, new CFrame(cf));
    }

    /**
     * The entry of a leaf function (one that calls nothing, has no loop and no to-be-closed
     * variable: JitCompiler's {@code leaf}): a frame that is not pushed, the closure's own one
     * reused from call to call. The leaf's slow paths push it ({@link #at}) before anything
     * that may see the stack (a metamethod, an error, its message handler), so positions,
     * tracebacks and levels are as with a pushed frame; its fast paths never see it. Null when
     * a hook is set (as {@link #enter}); pushed at once while a stackless coroutine body runs
     * (there every entry must be a push: see StacklessBody).
     */
    public static CFrame enterLeaf(CompiledFunction cf) {
        LuaState L = cf.L;
        if (L.enter()) {
            return null;
        }
        CFrame f = cf.leafFrame;
        if (f != null && f.off && !L.stacklessRunning()) {
            return f;
        }
        return newLeafFrame(cf, L);
    }

    /*
     * The closure's first call, or its frame in use (pushed by a call still running: one that a
     * metamethod called again, one in a suspended coroutine, one an error left on a dead
     * coroutine's stack): a new one, kept for the next calls.
     */
    private static CFrame newLeafFrame(CompiledFunction cf, LuaState L) {
        CFrame f = new CFrame(cf, null);
        if (L.stacklessRunning()) {
            return pushed(L, f);
        }
        f.off = true;
        cf.leafFrame = f;
        return f;
    }

    /** The normal exit of a leaf: its frame popped if a slow path pushed it, and free again. */
    public static void leaveLeaf(CFrame f) {
        if (!f.off) {
            f.co.pop();
            f.co = null; // (the frame stays with its closure: it keeps no coroutine alive)
            f.off = true;
        }
    }

    /** A slow path at {@code site}: the position recorded, and a leaf's frame pushed. */
    static void at(CFrame f, int site) {
        f.pc = site;
        if (f.off) {
            pushLeaf(f);
        }
    }

    private static void pushLeaf(CFrame f) {
        Coroutine co = f.fn.L.current();
        co.pushAgain(f);
        f.co = co;
        f.off = false;
    }

    private static CFrame pushed(LuaState L, CFrame f) {
        Coroutine co = L.current();
        co.push(f);
        f.co = co;
        return f;
    }

    /** The tree of {@code cf}'s function: kept, or parsed again from its chunk's text. */
    static lunatik.lua.parse.Ast.Function astOf(CompiledFunction cf) {
        FnInfo info = cf.info;
        lunatik.lua.parse.Ast.Function fn = info.ast;
        if (fn == null) {
            lunatik.lua.interp.FunctionShape s = info.shape;
            fn = lunatik.lua.parse.Parser.parseFunction(s.chunkText(), s.chunkName(),
                cf.L.dialect == lunatik.lua.vm.Dialect.KERNEL, cf.L::intern, s.index(), s.stripped());
        }
        return fn;
    }

    // ---------------------------------------------------------------- stackless coroutine bodies

    /**
     * A call in a stackless coroutine body's code (see {@link JitCompiler#resumable}): while
     * the body runs stackless, a call of coroutine.yield suspends it (the body returns
     * {@link StacklessBody#SUSPEND}, which this returns), and a call of a Lua function stops it
     * before the call ({@link StacklessBody.Migrate}); a library function is called as always
     * (one that runs Lua code either makes a C-call boundary or, as pcall, lets the Lua
     * function's entry stop the body). On a continuation, a plain call.
     */
    public static Object rcall(LuaFunction fn, Object[] args, CFrame f) {
        Coroutine co = f.co;
        if (co.stackless) {
            LuaState L = f.fn.L;
            if (fn == L.yieldFunction && !L.hooksOn) {
                return co.yieldStackless(args);
            }
            if (!(fn instanceof lunatik.lua.vm.LibFunction)) {
                throw StacklessBody.Migrate.INSTANCE;
            }
        }
        return Ops.resolve(fn.invokeTail(args));
    }

    /**
     * A generic for's closing value {@code v} in a stackless body: with one, the body goes on on
     * a continuation (a suspended stackless body has nothing to close when closed).
     */
    public static void noClosingStackless(Object v, CFrame f) {
        if (v != null && v != Boolean.FALSE && f.co.stackless) {
            throw StacklessBody.Migrate.INSTANCE;
        }
    }

    /** The results of the yield a stackless body goes on after: the values of the resume. */
    public static Object resumed(CFrame f) {
        return f.co.takeTransfer();
    }

    /**
     * A stackless body stops at point {@code k} (its locals stored): after a yielding call when
     * positive, where it returns {@link StacklessBody#SUSPEND}; at a statement's start when
     * negative, where it returns {@link StacklessBody#MIGRATE}.
     */
    public static Object stop(CFrame f, int k) {
        if (k > 0) {
            f.resumeAt = k;
            return StacklessBody.SUSPEND;
        }
        f.resumeAt = -k;
        return StacklessBody.MIGRATE;
    }

    /** After a stackless body got its JVM locals back: the frame keeps none of their values alive. */
    public static void restored(CFrame f) {
        java.util.Arrays.fill(f.savedRefs, null);
    }

    /** The arrays a stackless body keeps its JVM locals in while stopped ({@code n} slots). */
    public static void saveArea(CFrame f, int n) {
        if (f.savedRefs == null) {
            f.savedRefs = new Object[n];
            f.savedPrims = new long[n];
        }
    }

    /** The normal exit of a compiled function: its frame popped. */
    public static void leave(CFrame f) {
        f.co.pop();
    }

    /**
     * What a compiled function throws when {@code t} leaves its body, its frame popped: a Lua
     * error after the state's message handler saw it (with the frame still there), a deliberate
     * unwinding as it is, any other throwable as a Lua error raised in the function.
     */
    public static Throwable unwind(Throwable t, CFrame f) {
        LuaState L = f.fn.L;
        if (f.off) {
            // a leaf's frame not pushed: a throwable from no slow path (an unwinding, an internal
            // error, a Lua error from a table's storage): the message handler sees the leaf too
            // when it can be pushed, else nothing is popped
            f.pc = -1; // (no site: the function's line; a reused frame may hold an old one)
            try {
                pushLeaf(f);
            } catch (RuntimeException | StackOverflowError x) {
                Coroutine co = L.current();
                return t instanceof LuaError e ? L.onError(co, e) : onThrowable(t, L, co, f.fn);
            }
        }
        Coroutine co = f.co;
        Throwable r = t instanceof LuaError e ? L.onError(co, e) : onThrowable(t, L, co, f.fn);
        co.pop();
        if (f.fn.leafFrame == f) {
            // a leaf's frame is not used again (it stays marked as pushed): a dead coroutine's
            // stack may keep it for its traceback, and the closure must not keep that coroutine
            f.fn.leafFrame = null;
        }
        return r;
    }

    /**
     * What a compiled function throws when {@code t}, not a Lua error, leaves its body: a
     * deliberate unwinding as it is, anything else as a Lua error raised in {@code fn}
     * ({@link LuaState#onInternalError}).
     */
    public static Throwable onThrowable(Throwable t, LuaState L, Coroutine co, LuaFunction fn) {
        if (t instanceof StackOverflowError) {
            return L.onStackOverflow(co); // a Lua error here, where the stack is known
        }
        if (Unwinding.passes(t)) {
            return t;
        }
        return L.onInternalError(co, t, fn.name());
    }

    public static LuaError closeOnError(Object v, Throwable t, CFrame f) {
        if (!Unwinding.passes(t)) {
            // a Java throwable: the Lua error it becomes is what the variable is closed with
            t = L(f).onInternalError(L(f).current(), t, f.fn.name());
        }
        if (!(t instanceof LuaError e)) {
            if (t instanceof RuntimeException r) {
                close(v, f, -1);
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
        if (v != null && v != Boolean.FALSE) {
            LuaState L = L(f);
            try {
                L.call(L.metamethod(v, Meta.CLOSE), v, e.value());
            } catch (LuaError e2) {
                return e2;
            }
        }
        return e;
    }

    /** Resolves a pending tail call before closing variables (a return with tbc variables is not a tail call). */
    public static Object resolve(Object r) {
        return Ops.resolve(r);
    }

    /** After a spill of {@code n} locals: clears what an earlier spill left beyond them. */
    public static void spilled(CFrame f, int n) {
        int old = f.spilled;
        if (old > n) {
            java.util.Arrays.fill(f.locals, n, old, null);
        }
        f.spilled = n;
    }

    /**
     * A compiled function entered while a call, return or line hook is set: it runs in the
     * interpreter, which has those events, on the same upvalues (its frames show {@code cf}).
     */
    public static Object hooked(CompiledFunction cf) {
        return hooked(cf, new Object[0]);
    }

    public static Object hooked(CompiledFunction cf, Object a) {
        return hooked(cf, new Object[] {a});
    }

    public static Object hooked(CompiledFunction cf, Object a, Object b) {
        return hooked(cf, new Object[] {a, b});
    }

    public static Object hooked(CompiledFunction cf, Object a, Object b, Object c) {
        return hooked(cf, new Object[] {a, b, c});
    }

    public static Object hooked(CompiledFunction cf, Object[] args) {
        LuaFunction t = cf.twin;
        if (t == null) {
            FnInfo info = cf.info;
            if (info.twin == null) {
                info.twin = lunatik.lua.interp.Compiler.instrumented(astOf(cf));
            }
            t = cf.twin = lunatik.lua.interp.Closure.twin(info.twin, cf.L, cf.upvals, cf);
        }
        return t.invokeTail(args);
    }
}
