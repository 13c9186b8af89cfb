package lunatik.lua.lib;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * {@code string.pack}, {@code string.packsize} and {@code string.unpack} (manual §6.4.2):
 * binary serialization driven by a format string.
 *
 * <p>The platform described by the formats is the reference one (x86-64 Linux): little-endian
 * native order, {@code int} of 4 bytes, {@code long}, {@code size_t} and {@code lua_Integer}
 * of 8, native maximum alignment 8. Padding bytes are zeros. In the KERNEL dialect the
 * options {@code f} and {@code d} do not exist and {@code n} is a {@code lua_Integer}.
 */
final class StringPack {
    private StringPack() {
    }

    /** Largest integral size ({@code i16}). */
    private static final int MAX_INT_SIZE = 16;
    /** Size of a lua_Integer. */
    private static final int SZINT = 8;
    /** Alignment of {@code !} without a number. */
    private static final int NATIVE_ALIGN = 8;
    /** Largest total size packsize accepts (Lua's MAXSIZE: INT_MAX). */
    private static final long MAX_PACKSIZE = Integer.MAX_VALUE;

    /** What an option does. */
    private enum Kind { INT, UINT, FLOAT, DOUBLE, CHAR, STRING, ZSTR, PADDING, PADALIGN, NOP }

    /**
     * Reads a format string option by option, keeping the endianness and maximum alignment
     * that {@code < > = !} set.
     */
    private static final class Parser {
        private final Args a;
        private final byte[] f;
        private final int end;
        private final boolean floats;
        private int pos;
        private long options;
        boolean little = true;
        private int maxAlign = 1;

        /** The option last read by {@link #next}: its kind, size, and padding before it. */
        Kind kind;
        int size;
        int toAlign;
        /** The alignment of the option last read (a power of 2; 1 when it has none). */
        int alignTo;

        Parser(Args a, LuaString fmt) {
            this.a = a;
            this.f = fmt.bytes();
            this.end = fmt.length();
            this.floats = a.state().dialect.hasFloats();
        }

        boolean hasMore() {
            return pos < end;
        }

        /** Reads the next option; {@code total} is the size so far, for its alignment. */
        void next(long total) {
            StringLib.poll(a.state(), ++options);
            kind = option();
            int align = size;
            if (kind == Kind.PADALIGN) {
                // 'X' aligns to the size of the option after it, which is otherwise ignored
                int own = size;
                Kind k = pos < end ? option() : Kind.CHAR;
                align = size;
                size = own;
                if (k == Kind.CHAR || align == 0) {
                    throw a.argError(1, "invalid next option for option 'X'");
                }
            }
            toAlign = 0;
            alignTo = 1;
            if (align > 1 && kind != Kind.CHAR) {
                align = Math.min(align, maxAlign);
                if ((align & (align - 1)) != 0) {
                    throw a.argError(1, "format asks for alignment not power of 2");
                }
                alignTo = align;
                toAlign = padding(total, align);
            }
        }

        /* Reads one option letter with its number; sets size and returns its kind. */
        private Kind option() {
            int c = f[pos++] & 0xff;
            size = 0;
            switch (c) {
                case 'b': size = 1; return Kind.INT;
                case 'B': size = 1; return Kind.UINT;
                case 'h': size = 2; return Kind.INT;
                case 'H': size = 2; return Kind.UINT;
                case 'l', 'j': size = 8; return Kind.INT;
                case 'L', 'J', 'T': size = 8; return Kind.UINT;
                case 'i': size = numLimit(4); return Kind.INT;
                case 'I': size = numLimit(4); return Kind.UINT;
                case 'f':
                    if (!floats) {
                        throw invalidOption(c);
                    }
                    size = 4;
                    return Kind.FLOAT;
                case 'd':
                    if (!floats) {
                        throw invalidOption(c);
                    }
                    size = 8;
                    return Kind.DOUBLE;
                case 'n': size = 8; return floats ? Kind.DOUBLE : Kind.INT;
                case 's': size = numLimit(8); return Kind.STRING;
                case 'c':
                    size = num(-1);
                    if (size == -1) {
                        throw a.error("missing size for format option 'c'");
                    }
                    return Kind.CHAR;
                case 'z': return Kind.ZSTR;
                case 'x': size = 1; return Kind.PADDING;
                case 'X': return Kind.PADALIGN;
                case ' ': return Kind.NOP;
                case '<', '=': little = true; return Kind.NOP;
                case '>': little = false; return Kind.NOP;
                case '!': maxAlign = numLimit(NATIVE_ALIGN); return Kind.NOP;
                default: throw invalidOption(c);
            }
        }

        private LuaError invalidOption(int c) {
            byte[] msg = Ops.str(a.state().where(1) + "invalid format option '?'").bytes().clone();
            msg[msg.length - 2] = (byte) c; // the option byte as is, even outside ASCII
            return new LuaError(LuaString.wrap(msg));
        }

        /* An optional decimal number; stops before it could overflow an int, as Lua does. */
        private int num(int def) {
            if (pos >= end || !isDigit(f[pos])) {
                return def;
            }
            int n = 0;
            do {
                n = n * 10 + (f[pos++] - '0');
            } while (pos < end && isDigit(f[pos]) && n <= (Integer.MAX_VALUE - 9) / 10);
            return n;
        }

        private int numLimit(int def) {
            int n = num(def);
            if (n > MAX_INT_SIZE || n <= 0) {
                throw a.error("integral size (" + n + ") out of limits [1," + MAX_INT_SIZE + "]");
            }
            return n;
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }
    }

    /* The bytes of padding before an option of alignment align (a power of 2) at total. */
    private static int padding(long total, int align) {
        return (int) ((align - (total & (align - 1))) & (align - 1));
    }

    /**
     * A valid format read once: its options (no-ops left out) with their kinds, sizes,
     * alignments and byte orders. Formats are nearly always constants, so pack and unpack keep
     * the plans of the last formats seen ({@link #plan}) instead of reading the format again at
     * every call. An invalid format has no plan: the {@link Parser} reads it and raises its
     * error at the option where Lua raises it, after the arguments before it are checked.
     */
    private static final class Plan {
        final LuaString fmt;
        final boolean floats;
        final Kind[] kinds;
        final int[] sizes;
        final int[] aligns;
        final boolean[] little;
        /** Values unpack returns (before the position), arguments pack takes. */
        final int values;

        Plan(LuaString fmt, boolean floats, Kind[] kinds, int[] sizes, int[] aligns, boolean[] little, int values) {
            this.fmt = fmt;
            this.floats = floats;
            this.kinds = kinds;
            this.sizes = sizes;
            this.aligns = aligns;
            this.little = little;
            this.values = values;
        }
    }

    /** Longest format given a plan; longer ones are read each time. */
    private static final int PLAN_MAX_FORMAT = 64;
    /** The plans of one state's last formats, by the format's hash (one per state: nothing static). */
    static final class Plans {
        private final Plan[] slots = new Plan[128];
    }

    /* The plan of fmt, or null when it has none (invalid, or long). */
    private static Plan plan(Plans plans, Args a, LuaString fmt) {
        boolean floats = a.state().dialect.hasFloats();
        Plan[] slots = plans.slots;
        int slot = fmt.hashCode() & (slots.length - 1);
        Plan p = slots[slot];
        if (p != null && p.floats == floats && (p.fmt == fmt || p.fmt.equals(fmt))) {
            return p;
        }
        if (fmt.length() > PLAN_MAX_FORMAT) {
            return null;
        }
        p = readPlan(a, fmt, floats);
        if (p != null) {
            slots[slot] = p;
        }
        return p;
    }

    private static Plan readPlan(Args a, LuaString fmt, boolean floats) {
        Parser h = new Parser(a, fmt);
        int n = 0;
        int values = 0;
        Kind[] kinds = new Kind[fmt.length()];
        int[] sizes = new int[fmt.length()];
        int[] aligns = new int[fmt.length()];
        boolean[] little = new boolean[fmt.length()];
        try {
            while (h.hasMore()) {
                h.next(0);
                if (h.kind == Kind.NOP) {
                    continue;
                }
                kinds[n] = h.kind;
                sizes[n] = h.size;
                aligns[n] = h.alignTo;
                little[n] = h.little;
                n++;
                if (h.kind != Kind.PADDING && h.kind != Kind.PADALIGN) {
                    values++;
                }
            }
        } catch (LuaError e) {
            return null;
        }
        if (values >= LuaState.MAX_STACK - 1) {
            return null; // the parser raises the stack overflow where Lua does
        }
        return new Plan(fmt, floats, Arrays.copyOf(kinds, n),
            Arrays.copyOf(sizes, n), Arrays.copyOf(aligns, n), Arrays.copyOf(little, n), values);
    }

    // ---------------------------------------------------------------- pack

    /** {@code string.pack(fmt, v1, v2, ...)}. */
    static Object pack(Plans plans, Args a) {
        LuaString fmt = a.checkString(1);
        Plan p = plan(plans, a, fmt);
        if (p != null && a.count() > p.values) {
            return pack(a, p);
        }
        // the reference pushes a nil after the arguments: a missing one is "got nil"
        a = new Args(a.function(), Arrays.copyOf(a.array(), a.count() + 1));
        Parser h = new Parser(a, fmt);
        StringLib.Buffer out = new StringLib.Buffer(32);
        int arg = 1;
        long total = 0;
        while (h.hasMore()) {
            h.next(total);
            total += h.toAlign + (long) h.size;
            out.addZeros(h.toAlign);
            switch (h.kind) {
                case INT -> packSigned(a, out, h.size, h.little, ++arg);
                case UINT -> packUnsigned(a, out, h.size, h.little, ++arg);
                case FLOAT -> packInt(out, Float.floatToRawIntBits((float) a.checkDouble(++arg)), h.little, 4, false);
                case DOUBLE -> packInt(out, Double.doubleToRawLongBits(a.checkDouble(++arg)), h.little, 8, false);
                case CHAR -> packChars(a, out, h.size, ++arg);
                case STRING -> total += packString(a, out, h.size, h.little, ++arg);
                case ZSTR -> total += packZString(a, out, ++arg);
                case PADDING -> out.add(0);
                default -> {
                    // PADALIGN and NOP consume no argument
                }
            }
        }
        return out.toLuaString();
    }

    /*
     * pack by a plan, when every argument the format takes is there (else the parser's loop,
     * whose argument errors say "got nil" for a missing one, as the reference).
     */
    private static Object pack(Args a, Plan p) {
        StringLib.Buffer out = new StringLib.Buffer(32);
        int arg = 1;
        long total = 0;
        Kind[] kinds = p.kinds;
        for (int i = 0; i < kinds.length; i++) {
            int size = p.sizes[i];
            boolean little = p.little[i];
            int toAlign = p.aligns[i] > 1 ? padding(total, p.aligns[i]) : 0;
            total += toAlign + (long) size;
            out.addZeros(toAlign);
            switch (kinds[i]) {
                case INT -> packSigned(a, out, size, little, ++arg);
                case UINT -> packUnsigned(a, out, size, little, ++arg);
                case FLOAT -> packInt(out, Float.floatToRawIntBits((float) a.checkDouble(++arg)), little, 4, false);
                case DOUBLE -> packInt(out, Double.doubleToRawLongBits(a.checkDouble(++arg)), little, 8, false);
                case CHAR -> packChars(a, out, size, ++arg);
                case STRING -> total += packString(a, out, size, little, ++arg);
                case ZSTR -> total += packZString(a, out, ++arg);
                case PADDING -> out.add(0);
                default -> {
                    // PADALIGN consumes no argument
                }
            }
        }
        return out.toLuaString();
    }

    private static void packSigned(Args a, StringLib.Buffer out, int size, boolean little, int arg) {
        long v = a.checkInteger(arg);
        if (size < SZINT) {
            long lim = 1L << (size * 8 - 1);
            if (v < -lim || v >= lim) {
                throw a.argError(arg, "integer overflow");
            }
        }
        packInt(out, v, little, size, v < 0);
    }

    private static void packUnsigned(Args a, StringLib.Buffer out, int size, boolean little, int arg) {
        long v = a.checkInteger(arg);
        if (size < SZINT && Long.compareUnsigned(v, 1L << (size * 8)) >= 0) {
            throw a.argError(arg, "unsigned overflow");
        }
        packInt(out, v, little, size, false);
    }

    private static void packChars(Args a, StringLib.Buffer out, int size, int arg) {
        LuaString s = a.checkString(arg);
        if (s.length() > size) {
            throw a.argError(arg, "string longer than given size");
        }
        out.add(s);
        out.addZeros(size - s.length());
    }

    /* s[n]: the length in n bytes, then the bytes. Returns the bytes added past the size. */
    private static long packString(Args a, StringLib.Buffer out, int size, boolean little, int arg) {
        LuaString s = a.checkString(arg);
        long len = s.length();
        if (size < SZINT && len >= 1L << (size * 8)) {
            throw a.argError(arg, "string length does not fit in given size");
        }
        packInt(out, len, little, size, false);
        out.add(s);
        return len;
    }

    /* z: the bytes and a terminating zero. Returns the bytes added. */
    private static long packZString(Args a, StringLib.Buffer out, int arg) {
        LuaString s = a.checkString(arg);
        byte[] b = s.bytes();
        for (int i = 0; i < s.length(); i++) {
            if (b[i] == 0) {
                throw a.argError(arg, "string contains zeros");
            }
        }
        out.add(s);
        out.add(0);
        return s.length() + 1L;
    }

    /*
     * An integer in size bytes. Past the 8 bytes of a lua_Integer, the extra bytes extend the
     * sign of a negative signed value (0xff) and are zero otherwise.
     */
    private static void packInt(StringLib.Buffer out, long v, boolean little, int size, boolean neg) {
        out.addInt(v, little, size, neg);
    }

    // ---------------------------------------------------------------- packsize

    /** {@code string.packsize(fmt)}. */
    static Object packsize(Args a) {
        Parser h = new Parser(a, a.checkString(1));
        long total = 0;
        while (h.hasMore()) {
            h.next(total);
            if (h.kind == Kind.STRING || h.kind == Kind.ZSTR) {
                throw a.argError(1, "variable-length format");
            }
            long size = (long) h.size + h.toAlign;
            if (total > MAX_PACKSIZE - size) {
                throw a.argError(1, "format result too large");
            }
            total += size;
        }
        return total;
    }

    // ---------------------------------------------------------------- unpack

    /** {@code string.unpack(fmt, s [, pos])}. */
    static Object unpack(Plans plans, Args a) {
        LuaString fmt = a.checkString(1);
        LuaString data = a.checkString(2);
        int ld = data.length();
        long start = StringLib.startPos(a.optInteger(3, 1), ld) - 1;
        if (start > ld) {
            throw a.argError(3, "initial position out of string");
        }
        Plan p = plan(plans, a, fmt);
        if (p != null) {
            return unpack(a, p, data, (int) start);
        }
        Parser h = new Parser(a, fmt);
        int pos = (int) start;
        List<Object> results = new ArrayList<>();
        while (h.hasMore()) {
            h.next(pos);
            if ((long) h.toAlign + h.size > ld - pos) {
                throw a.argError(2, "data string too short");
            }
            if (results.size() >= LuaState.MAX_STACK - 1) {
                throw a.error("stack overflow (too many results)");
            }
            pos += h.toAlign;
            switch (h.kind) {
                case INT, UINT -> results.add(unpackInt(a, data, pos, h.little, h.size, h.kind == Kind.INT));
                case FLOAT -> results.add(
                    (double) Float.intBitsToFloat((int) unpackInt(a, data, pos, h.little, 4, false)));
                case DOUBLE -> results.add(Double.longBitsToDouble(unpackInt(a, data, pos, h.little, 8, false)));
                case CHAR -> results.add(data.substring(pos, pos + h.size));
                case STRING -> {
                    long len = unpackInt(a, data, pos, h.little, h.size, false);
                    if (Long.compareUnsigned(len, (long) ld - pos - h.size) > 0) {
                        throw a.argError(2, "data string too short");
                    }
                    results.add(data.substring(pos + h.size, pos + h.size + (int) len));
                    pos += (int) len;
                }
                case ZSTR -> {
                    int z = zeroAt(data, pos);
                    if (z < 0) {
                        throw a.argError(2, "unfinished string for format 'z'");
                    }
                    results.add(data.substring(pos, z));
                    pos = z + 1;
                }
                default -> {
                    // padding, alignment and settings produce no value
                }
            }
            pos += h.size;
        }
        results.add((long) pos + 1);
        return Varargs.of(results.toArray());
    }

    /* unpack by a plan: the same checks in the same order as the parser's loop below. */
    private static Object unpack(Args a, Plan p, LuaString data, int pos) {
        int ld = data.length();
        Object[] r = new Object[p.values + 1];
        int k = 0;
        Kind[] kinds = p.kinds;
        for (int i = 0; i < kinds.length; i++) {
            int size = p.sizes[i];
            int toAlign = p.aligns[i] > 1 ? padding(pos, p.aligns[i]) : 0;
            if ((long) toAlign + size > ld - pos) {
                throw a.argError(2, "data string too short");
            }
            pos += toAlign;
            boolean little = p.little[i];
            switch (kinds[i]) {
                case INT -> r[k++] = Ops.box(unpackInt(a, data, pos, little, size, true));
                case UINT -> r[k++] = Ops.box(unpackInt(a, data, pos, little, size, false));
                case FLOAT -> r[k++] = (double) Float.intBitsToFloat((int) unpackInt(a, data, pos, little, 4, false));
                case DOUBLE -> r[k++] = Double.longBitsToDouble(unpackInt(a, data, pos, little, 8, false));
                case CHAR -> r[k++] = data.substring(pos, pos + size);
                case STRING -> {
                    long len = unpackInt(a, data, pos, little, size, false);
                    if (Long.compareUnsigned(len, (long) ld - pos - size) > 0) {
                        throw a.argError(2, "data string too short");
                    }
                    r[k++] = data.substring(pos + size, pos + size + (int) len);
                    pos += (int) len;
                }
                case ZSTR -> {
                    int z = zeroAt(data, pos);
                    if (z < 0) {
                        throw a.argError(2, "unfinished string for format 'z'");
                    }
                    r[k++] = data.substring(pos, z);
                    pos = z + 1;
                }
                default -> {
                    // padding and alignment produce no value
                }
            }
            pos += size;
        }
        r[k] = (long) pos + 1;
        return Varargs.of(r);
    }

    private static int zeroAt(LuaString data, int from) {
        byte[] b = data.bytes();
        for (int i = from; i < data.length(); i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /*
     * An integer of size bytes. Shorter than a lua_Integer: zero- or sign-extended. Longer:
     * the extra bytes must only extend the value (zeros, or 0xff for a negative signed one).
     */
    private static long unpackInt(Args a, LuaString data, int pos, boolean little, int size, boolean signed) {
        int limit = Math.min(size, SZINT);
        byte[] b = data.bytes();
        long v = 0;
        if (little) {
            for (int i = limit - 1; i >= 0; i--) {
                v = (v << 8) | (b[pos + i] & 0xff);
            }
        } else {
            for (int i = size - limit; i < size; i++) {
                v = (v << 8) | (b[pos + i] & 0xff);
            }
        }
        if (size < SZINT) {
            if (signed) {
                int shift = 64 - size * 8;
                v = (v << shift) >> shift;
            }
        } else if (size > SZINT) {
            int mask = !signed || v >= 0 ? 0 : 0xff;
            for (int i = limit; i < size; i++) {
                if (data.byteAt(little ? pos + i : pos + size - 1 - i) != mask) {
                    throw a.error(size + "-byte integer does not fit into Lua Integer");
                }
            }
        }
        return v;
    }
}
