package lunatik.lua.lib;

import java.util.Arrays;
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
 * The {@code string} library of Lua 5.4 (manual §6.4), for both dialects.
 *
 * <p>Map of the parts:
 * <ul>
 *   <li>this class: {@link #open}, the string metatable (its {@code __index} and the string
 *       arithmetic metamethods), and the functions on bytes and positions: {@code byte char
 *       dump len lower rep reverse sub upper}, plus the pattern functions {@code find match
 *       gmatch gsub} that drive {@link LuaPattern};</li>
 *   <li>{@link LuaPattern}: the matcher of Lua patterns;</li>
 *   <li>{@link StringFormat}: {@code string.format};</li>
 *   <li>{@link StringPack}: {@code string.pack}, {@code packsize}, {@code unpack}.</li>
 * </ul>
 *
 * <p>Strings are bytes ({@link LuaString}); every operation works on bytes in the C locale,
 * as the reference implementation does. In the KERNEL dialect the float conversions of
 * {@code format}, the {@code f d} options of {@code pack}, and the {@code __div}/{@code __pow}
 * metamethods are absent.
 */
public final class StringLib {
    private StringLib() {
    }

    /** Longest string the library builds (Java arrays stop a little short of 2^31 bytes). */
    static final int MAX_SIZE = LuaString.MAX_LENGTH;

    /**
     * Creates the {@code string} table, sets it as global {@code string}, and installs the
     * metatable shared by all strings ({@code __index} = the table, and the arithmetic
     * metamethods that convert numeric strings).
     */
    public static void open(LuaState L) {
        LuaTable t = new LuaTable(0, 20);
        // the functions of packet parsing and short-string work: each a class of its own
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "byte") {
            @Override
            protected Object call(Args a) {
                return StringLib.byteFn(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "char") {
            @Override
            protected Object call(Args a) {
                return StringLib.charFn(a);
            }
        });
        LibFunction.register(L, t, "string", "dump", StringLib::dump);
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "find") {
            @Override
            protected Object call(Args a) {
                return StringLib.find(a, true);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "format") {
            @Override
            protected Object call(Args a) {
                return StringFormat.format(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "gmatch") {
            @Override
            protected Object call(Args a) {
                return StringLib.gmatch(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "gsub") {
            @Override
            protected Object call(Args a) {
                return StringLib.gsub(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "len") {
            @Override
            protected Object call(Args a) {
                return (long) a.checkString(1).length();
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "lower") {
            @Override
            protected Object call(Args a) {
                return StringLib.mapCase(a.checkString(1), false);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "match") {
            @Override
            protected Object call(Args a) {
                return StringLib.find(a, false);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "rep") {
            @Override
            protected Object call(Args a) {
                return StringLib.rep(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "reverse") {
            @Override
            protected Object call(Args a) {
                return StringLib.reverse(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "sub") {
            @Override
            protected Object call(Args a) {
                return StringLib.sub(a);
            }
        });
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "upper") {
            @Override
            protected Object call(Args a) {
                return StringLib.mapCase(a.checkString(1), true);
            }
        });
        StringPack.Plans plans = new StringPack.Plans();
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "pack") {
            @Override
            protected Object call(Args a) {
                return StringPack.pack(plans, a);
            }
        });
        LibFunction.register(L, t, "string", "packsize", StringPack::packsize);
        LibFunction.register(L, t, new LibFunction.Own(L, "string", "unpack") {
            @Override
            protected Object call(Args a) {
                return StringPack.unpack(plans, a);
            }
        });
        L.globals.put(Ops.str("string"), t);
        L.setMetatable(LuaString.EMPTY, metatable(L, t));
    }

    /*
     * The string metatable. Lua 5.4 moved string->number coercion of arithmetic out of the
     * core into these metamethods; KERNEL has no '/' or '^' on floats, hence no __div/__pow.
     */
    private static LuaTable metatable(LuaState L, LuaTable string) {
        LuaTable mt = new LuaTable(0, 10);
        mt.put(Meta.INDEX, string);
        arith(L, mt, Meta.ADD);
        arith(L, mt, Meta.SUB);
        arith(L, mt, Meta.MUL);
        arith(L, mt, Meta.MOD);
        if (L.dialect.hasFloats()) {
            arith(L, mt, Meta.POW);
            arith(L, mt, Meta.DIV);
        }
        arith(L, mt, Meta.IDIV);
        mt.put(Meta.UNM, new LibFunction(L, "__unm", "__unm", StringLib::unm));
        return mt;
    }

    private static void arith(LuaState L, LuaTable mt, int op) {
        LuaString event = Meta.binaryEvent(op);
        String name = event.toString();
        mt.put(event, new LibFunction(L, name, name, a -> Ops.stringArith(L, op, a.get(1), secondOperand(a))));
    }

    /*
     * The second operand of a string metamethod. Called with one argument, the reference
     * implementation sees its own conversion of the first operand in that slot (so
     * getmetatable("").__add("1") is 2): reproduced for fidelity.
     */
    private static Object secondOperand(Args a) {
        if (a.count() >= 2) {
            return a.get(2);
        }
        return Ops.toNumber(a.get(1), a.state().dialect);
    }

    /* __unm(a, b): the VM passes the operand twice; the negated value is the second one's. */
    private static Object unm(Args a) {
        LuaState L = a.state();
        Object x = a.get(1);
        Object y = secondOperand(a);
        Object nx = Ops.toNumber(x, L.dialect);
        Object ny = Ops.toNumber(y, L.dialect);
        if (nx != null && ny != null) {
            return ny instanceof Long l ? (Object) (-l) : (Object) (-(Double) ny);
        }
        if (!(y instanceof LuaString)) {
            Object mm = L.metamethod(y, Meta.UNM);
            if (mm != null) {
                return L.call1(mm, x, y);
            }
        }
        throw new LuaError(Ops.str(L.where(1) + "attempt to unm a '" + Ops.typeName(x) + "' with a '"
            + Ops.typeName(y) + "'"));
    }

    // ---------------------------------------------------------------- positions

    /*
     * A start position made absolute (1-based): negative counts from the end, and anything
     * before the start clamps to 1 (Lua's posrelatI).
     */
    static long startPos(long pos, int len) {
        if (pos > 0) {
            return pos;
        }
        if (pos == 0 || pos < -(long) len) {
            return 1;
        }
        return len + pos + 1;
    }

    /* An end position made absolute and clamped to [0, len] (Lua's getendpos). */
    private static long endPos(Args a, int arg, long def, int len) {
        long pos = a.optInteger(arg, def);
        if (pos > len) {
            return len;
        }
        if (pos >= 0) {
            return pos;
        }
        if (pos < -(long) len) {
            return 0;
        }
        return len + pos + 1;
    }

    // ---------------------------------------------------------------- simple functions

    private static Object byteFn(Args a) {
        LuaString s = a.checkString(1);
        int len = s.length();
        long pi = a.optInteger(2, 1);
        long end = endPos(a, 3, pi, len);
        long start = startPos(pi, len);
        if (start > end) {
            return Varargs.NONE;
        }
        if (end - start >= Integer.MAX_VALUE) {
            throw a.error("string slice too long");
        }
        if (end - start >= LuaState.MAX_STACK) {
            throw a.error("stack overflow (string slice too long)");
        }
        int n = (int) (end - start + 1);
        Object[] r = new Object[n];
        for (int i = 0; i < n; i++) {
            r[i] = Ops.box(s.byteAt((int) start - 1 + i));
        }
        return Varargs.of(r);
    }

    private static Object charFn(Args a) {
        int n = a.count();
        byte[] b = new byte[n];
        for (int i = 1; i <= n; i++) {
            long c = a.checkInteger(i);
            if (Long.compareUnsigned(c, 255) > 0) {
                throw a.argError(i, "value out of range");
            }
            b[i - 1] = (byte) c;
        }
        return LuaString.wrap(b);
    }

    /*
     * A Lua function's binary chunk (see BinaryChunk: the source of its chunk and its place
     * there); a Java function has none, as a C function has none in Lua.
     */
    private static Object dump(Args a) {
        a.checkType(1, "function");
        boolean strip = Ops.isTrue(a.get(2));
        if (a.get(1) instanceof lunatik.lua.interp.LuaClosure c && c.shape().chunkText() != null) {
            return LuaString.wrap(lunatik.lua.interp.BinaryChunk.dump(a.state(), c, strip));
        }
        throw a.error("unable to dump given function");
    }

    private static LuaString mapCase(LuaString s, boolean upper) {
        byte[] b = s.bytes().clone();
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) {
                b[i] = (byte) (c ^ 0x20);
            }
        }
        return LuaString.wrap(b);
    }

    private static Object rep(Args a) {
        LuaString s = a.checkString(1);
        long n = a.checkInteger(2);
        LuaString sep = a.optString(3, LuaString.EMPTY);
        if (n <= 0) {
            return LuaString.EMPTY;
        }
        long unit = (long) s.length() + sep.length();
        if (unit == 0) {
            return LuaString.EMPTY;
        }
        if (unit > MAX_SIZE / n) {
            throw a.error("resulting string too large");
        }
        int total = (int) (n * unit - sep.length());
        byte[] r = allocate(total);
        System.arraycopy(s.bytes(), 0, r, 0, s.length());
        if (n > 1) {
            System.arraycopy(sep.bytes(), 0, r, s.length(), sep.length());
        }
        fillPeriodic(a.state(), r, (int) Math.min(unit, total));
        return LuaString.wrap(r);
    }

    /** Most bytes copied between two polls of the state by the loops that build long strings. */
    static final int COPY_CHUNK = 1 << 20;

    /**
     * Polls the state ({@link LuaState#tick}) once every 4096 steps of a loop over the bytes
     * or characters of a string: a loop over a huge string stays interruptible and counts
     * against the instruction budget, at a negligible cost per step.
     */
    static void poll(LuaState L, long step) {
        if ((step & 0xfff) == 0) {
            L.tick();
        }
    }

    /*
     * Repeats the first `period` bytes of r over all of it: doubles the filled prefix (always
     * a whole number of periods, so each copy stays in phase), copying at most a MiB at a time
     * and polling the state between copies, so that a 2 GiB string.rep can be interrupted.
     */
    private static void fillPeriodic(LuaState L, byte[] r, int period) {
        int total = r.length;
        int filled = period;
        while (filled < total) {
            int len = Math.min(filled, total - filled);
            for (int done = 0; done < len; done += COPY_CHUNK) {
                System.arraycopy(r, done, r, filled + done, Math.min(COPY_CHUNK, len - done));
                L.tick();
            }
            filled += len;
        }
    }

    /** A new array of {@code n} bytes; an exhausted heap is Lua's "not enough memory". */
    static byte[] allocate(int n) {
        try {
            return new byte[n];
        } catch (OutOfMemoryError e) {
            throw new LuaError("not enough memory");
        }
    }

    private static Object reverse(Args a) {
        LuaString s = a.checkString(1);
        byte[] b = s.bytes();
        int n = s.length();
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = b[n - 1 - i];
        }
        return LuaString.wrap(r);
    }

    private static Object sub(Args a) {
        LuaString s = a.checkString(1);
        int len = s.length();
        long start = startPos(a.checkInteger(2), len);
        long end = endPos(a, 3, -1, len);
        if (start > end) {
            return LuaString.EMPTY;
        }
        return s.substring((int) start - 1, (int) end);
    }

    // ---------------------------------------------------------------- patterns

    /* string.find (find = true) and string.match. */
    private static Object find(Args a, boolean find) {
        LuaString s = a.checkString(1);
        LuaString p = a.checkString(2);
        int len = s.length();
        long init = startPos(a.optInteger(3, 1), len) - 1;
        if (init > len) {
            return null;
        }
        if (find && (a.toBoolean(4) || LuaPattern.isPlain(p))) {
            int i = plainFind(a.state(), s, p, (int) init);
            return i < 0 ? null : Varargs.of((long) i + 1, (long) i + p.length());
        }
        LuaPattern m = new LuaPattern(a.state(), s, p);
        boolean anchor = p.length() > 0 && p.byteAt(0) == '^';
        int pi = anchor ? 1 : 0;
        int si = (int) init;
        int lit = anchor ? -1 : m.firstLiteral(pi);
        do {
            if (lit >= 0 && (si = m.indexOf(lit, si)) < 0) {
                return null; // no match can start past here
            }
            m.reset();
            int e = m.match(si, pi);
            if (e != LuaPattern.NO_MATCH) {
                if (!find) {
                    return captures(m, si, e);
                }
                Object[] r = new Object[2 + m.captureCount(false)];
                r[0] = (long) si + 1;
                r[1] = (long) e;
                m.captures(si, e, false, r, 2);
                return Varargs.of(r);
            }
            si++;
        } while (si <= len && !anchor);
        return null;
    }

    /*
     * Index of p in s at or after from, or -1. A long needle in a long subject makes the
     * search quadratic, so each candidate position polls the state once per KiB it compares.
     */
    private static int plainFind(LuaState L, LuaString s, LuaString p, int from) {
        int m = p.length();
        if (m == 0) {
            return from;
        }
        byte[] sb = s.bytes();
        byte[] pb = p.bytes();
        byte first = pb[0];
        for (int i = from, last = s.length() - m; i <= last; i++) {
            if (sb[i] == first) {
                for (int k = m >> 10; k >= 0; k--) {
                    L.tick();
                }
                if (Arrays.equals(sb, i + 1, i + m, pb, 1, m)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /* The captures of a match (the whole match when there are none) as a call result. */
    private static Object captures(LuaPattern m, int si, int e) {
        Object[] r = new Object[m.captureCount(true)];
        m.captures(si, e, true, r, 0);
        return Varargs.of(r);
    }

    /*
     * string.gmatch: an iterator over successive matches. The pattern is not anchored ('^' is
     * an ordinary character here, as in Lua 5.4), and an empty match right where the previous
     * match ended is skipped so that the iteration advances.
     */
    private static Object gmatch(Args a) {
        LuaState L = a.state();
        LuaString s = a.checkString(1);
        LuaString p = a.checkString(2);
        int len = s.length();
        long init = startPos(a.optInteger(3, 1), len) - 1;
        if (init > len) {
            init = len + 1;
        }
        LuaPattern m = new LuaPattern(L, s, p);
        int[] state = {(int) init, -1}; // next start, end of the last match
        int lit = m.firstLiteral(0);
        return new LibFunction(L, "?", "?", b -> {
            for (int src = state[0]; src <= len; src++) {
                if (lit >= 0 && (src = m.indexOf(lit, src)) < 0) {
                    state[0] = len + 1; // no match can start past here
                    break;
                }
                m.reset();
                int e = m.match(src, 0);
                if (e != LuaPattern.NO_MATCH && e != state[1]) {
                    state[0] = e;
                    state[1] = e;
                    return captures(m, src, e);
                }
            }
            return Varargs.NONE;
        }).holding(s, p);
    }

    private static Object gsub(Args a) {
        LuaState L = a.state();
        LuaString src = a.checkString(1);
        LuaString p = a.checkString(2);
        Object repl = a.get(3);
        int len = src.length();
        long maxN = a.optInteger(4, len + 1L); // checked before the replacement, as lstrlib.c does
        if (!(repl instanceof LuaString || repl instanceof Long || repl instanceof Double
            || repl instanceof LuaTable || repl instanceof LuaFunction)) {
            throw a.typeError(3, "string/function/table");
        }
        LuaString replString = repl instanceof LuaTable || repl instanceof LuaFunction ? null : a.checkString(3);
        boolean anchor = p.length() > 0 && p.byteAt(0) == '^';
        int pi = anchor ? 1 : 0;
        LuaPattern m = new LuaPattern(L, src, p);
        Buffer out = new Buffer(len);
        byte[] s = src.bytes();
        int si = 0;
        int lastMatch = -1;
        long n = 0;
        int lit = anchor ? -1 : m.firstLiteral(pi);
        while (n < maxN) {
            if (lit >= 0) {
                // positions without the pattern's first byte are copied as they are
                int next = m.indexOf(lit, si);
                if (next < 0) {
                    break;
                }
                out.add(s, si, next - si);
                si = next;
            }
            m.reset();
            int e = m.match(si, pi);
            if (e != LuaPattern.NO_MATCH && e != lastMatch) {
                n++;
                if (replString != null) {
                    addString(L, m, out, s, si, e, replString);
                } else {
                    addValue(L, m, out, s, si, e, repl);
                }
                si = e;
                lastMatch = e;
            } else if (si < len) {
                out.add(s[si++]);
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        out.add(s, si, len - si);
        return Varargs.of(out.toLuaString(), n);
    }

    /* A string replacement: %0-%9 are captures, %% is '%'. */
    private static void addString(LuaState L, LuaPattern m, Buffer out, byte[] s, int si, int e, LuaString repl) {
        byte[] r = repl.bytes();
        int n = repl.length();
        for (int i = 0; i < n; i++) {
            byte c = r[i];
            if (c != '%') {
                out.add(c);
                continue;
            }
            i++;
            int d = i < n ? r[i] : 0;
            if (d == '%') {
                out.add('%');
            } else if (d == '0') {
                out.add(s, si, e - si);
            } else if (d >= '1' && d <= '9') {
                Object v = m.capture(d - '1', si, e);
                out.add(v instanceof LuaString str ? str : Ops.numberToString(v));
            } else {
                throw new LuaError(Ops.str(L.where(1) + "invalid use of '%' in replacement string"));
            }
        }
    }

    /* A table or function replacement; false or nil keeps the original text. */
    private static void addValue(LuaState L, LuaPattern m, Buffer out, byte[] s, int si, int e, Object repl) {
        Object v;
        if (repl instanceof LuaFunction f) {
            Object[] caps = new Object[m.captureCount(true)];
            m.captures(si, e, true, caps, 0);
            v = Varargs.first(L.call(f, caps));
        } else {
            v = Ops.index(L, repl, m.capture(0, si, e), null);
        }
        if (!Ops.isTrue(v)) {
            out.add(s, si, e - si);
        } else if (v instanceof LuaString str) {
            out.add(str);
        } else if (v instanceof Long || v instanceof Double) {
            out.add(Ops.numberToString(v));
        } else {
            throw new LuaError(Ops.str(L.where(1) + "invalid replacement value (a " + Ops.typeName(v) + ")"));
        }
    }

    // ---------------------------------------------------------------- buffer

    /** A growable byte buffer for building results (Lua's luaL_Buffer). */
    static final class Buffer {
        private byte[] b;
        private int n;

        Buffer(int capacity) {
            b = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            long need = (long) n + extra;
            if (need <= b.length) {
                return;
            }
            if (need > MAX_SIZE) {
                throw new LuaError("not enough memory");
            }
            long cap = Math.min(MAX_SIZE, Math.max(need, 2L * b.length));
            byte[] nb = allocate((int) cap);
            System.arraycopy(b, 0, nb, 0, n);
            b = nb;
        }

        /** Adds one byte (the low 8 bits of {@code c}). */
        void add(int c) {
            if (n == b.length) {
                ensure(1);
            }
            b[n++] = (byte) c;
        }

        void add(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        void add(LuaString s) {
            add(s.bytes(), 0, s.length());
        }

        /** Adds {@code count} zero bytes. */
        void addZeros(int count) {
            ensure(count);
            Arrays.fill(b, n, n + count, (byte) 0);
            n += count;
        }

        /*
         * Adds v as an integer of size bytes in the given order. Past the 8 bytes of a
         * lua_Integer, the extra bytes extend the sign of a negative signed value (0xff) and
         * are zero otherwise (neg says which).
         */
        void addInt(long v, boolean little, int size, boolean neg) {
            ensure(size);
            for (int i = 0; i < size; i++) {
                int bv = i < 8 ? (int) (v >>> (8 * i)) : (neg ? 0xff : 0);
                b[little ? n + i : n + size - 1 - i] = (byte) bv;
            }
            n += size;
        }

        /** Adds text made of characters below 256 (one byte each). */
        void add(String ascii) {
            int len = ascii.length();
            ensure(len);
            for (int i = 0; i < len; i++) {
                b[n++] = (byte) ascii.charAt(i);
            }
        }

        int length() {
            return n;
        }

        LuaString toLuaString() {
            return n == b.length ? LuaString.wrap(b) : LuaString.wrap(Arrays.copyOf(b, n));
        }
    }
}
