package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;

/**
 * The semantics of Lua's operations on values: arithmetic with Lua's integer rules, comparison,
 * concatenation, length, indexing and calls, each with its metamethods, and the conversions
 * between numbers and strings. Used by the interpreter and by the libraries.
 *
 * <p>Integers follow Lua, not Java: floor division and modulo, shifts by 64 or more give 0 and
 * negative counts shift the other way, and overflow wraps around.
 */
public final class Ops {
    private Ops() {
    }

    /* Boxes of 0..1023 (bytes, ports, small counters), made once. */
    private static final Long[] SMALL = new Long[1024];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Long.valueOf(i);
        }
    }

    /**
     * The boxed integer {@code v}, shared for 0..1023: for library functions that return many
     * small integers in an array (string.byte, string.unpack), where no box can be optimized
     * away. Compiled arithmetic keeps {@code Long.valueOf}, which the JVM can remove.
     */
    public static Long box(long v) {
        return v >= 0 && v < SMALL.length ? SMALL[(int) v] : Long.valueOf(v);
    }

    /** Describes an operand for error messages: " (local 'x')", or "" when nothing is known. */
    public interface VarInfo {
        /** The description of operand {@code i} (0 = first, 1 = second) including the leading space. */
        String describe(int i);
    }

    /**
     * A Lua string from Java text (UTF-8); bytes of Lua strings quoted in the text through
     * {@link LuaString#toString()} come back exactly.
     */
    public static LuaString str(String s) {
        return LuaString.fromJava(s);
    }

    // ---------------------------------------------------------------- types

    /** Lua's type name of a value. */
    public static String typeName(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Long || v instanceof Double) {
            return "number";
        }
        if (v instanceof LuaString) {
            return "string";
        }
        if (v instanceof LuaTable) {
            return "table";
        }
        if (v instanceof LuaFunction) {
            return "function";
        }
        if (v instanceof Coroutine) {
            return "thread";
        }
        return "userdata";
    }

    /** The type name used in messages: the {@code __name} of the metatable when it is a string. */
    public static String objTypeName(LuaState L, Object v) {
        LuaTable mt = L.getMetatable(v);
        if (mt != null && (v instanceof LuaTable || v instanceof LuaUserdata)) {
            Object n = mt.get(Meta.NAME);
            if (n instanceof LuaString s) {
                return s.toString();
            }
        }
        return typeName(v);
    }

    /** Lua truthiness: everything but nil and false. */
    public static boolean isTrue(Object v) {
        return v != null && v != Boolean.FALSE;
    }

    // ---------------------------------------------------------------- numbers <-> strings

    /** The number a string converts to (Lua's lua_stringtonumber), or null. */
    public static Object stringToNumber(LuaString s, Dialect d) {
        return NumberParser.parse(s.bytes(), 0, s.length(), d.hasFloats());
    }

    /** A value converted to a number (numbers as they are, numeric strings parsed), or null. */
    public static Object toNumber(Object v, Dialect d) {
        if (v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof LuaString s) {
            return stringToNumber(s, d);
        }
        return null;
    }

    /** A float with an exact integer value as that integer, or null (Lua's luaV_flttointns). */
    public static Long floatToInteger(double d) {
        if (d >= -0x1p63 && d < 0x1p63) {
            long l = (long) d;
            if (l == d) {
                return l;
            }
        }
        return null;
    }

    /** A value converted to an integer (integers, integral floats, such strings), or null. */
    public static Long toInteger(Object v, Dialect d) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double x) {
            return floatToInteger(x);
        }
        if (v instanceof LuaString s) {
            Object n = stringToNumber(s, d);
            return n == null ? null : toInteger(n, d);
        }
        return null;
    }

    /** The text of a number as {@code tostring} gives it. */
    public static String toJavaString(Object n) {
        if (n instanceof Long l) {
            return Long.toString(l);
        }
        return NumberFormat.floatToString((Double) n);
    }

    /** A number as a Lua string ({@code tostring} of a number, "%.14g" for floats). */
    public static LuaString numberToString(Object n) {
        return LuaString.of(toJavaString(n));
    }

    /** String coercion of a value for concatenation: strings and numbers, else null. */
    public static LuaString toStringCoerce(Object v) {
        if (v instanceof LuaString s) {
            return s;
        }
        if (v instanceof Long || v instanceof Double) {
            return numberToString(v);
        }
        return null;
    }

    /** {@code tostring(v)} with {@code __tostring} and {@code __name}. */
    public static LuaString tostring(LuaState L, Object v) {
        Object mm = L.metamethod(v, Meta.TOSTRING);
        if (mm == null && v instanceof LuaString s) {
            return s; // bytes as they are (no round trip through Java text)
        }
        if (mm != null) {
            Object r = L.call1(mm, v);
            if (!(r instanceof LuaString s)) {
                if (r instanceof Long || r instanceof Double) {
                    return numberToString(r);
                }
                throw new LuaError(str("'__tostring' must return a string"));
            }
            return s;
        }
        return str(rawToString(L, v));
    }

    /** {@code tostring} without {@code __tostring}. */
    public static String rawToString(LuaState L, Object v) {
        if (v instanceof LuaString s) {
            return s.toString();
        }
        if (v == null) {
            return "nil";
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Long || v instanceof Double) {
            return toJavaString(v);
        }
        String kind = objTypeName(L, v);
        return kind + ": " + address(v);
    }

    /** A stable pseudo-address for reference values, as Lua prints them. */
    public static String address(Object v) {
        // shaped like a 64-bit heap address, as Lua's %p prints them
        return String.format("0x%x", 0x550000000000L + ((long) System.identityHashCode(v) << 4));
    }

    // ---------------------------------------------------------------- arithmetic

    /** Floor division of integers; raises on division by zero. */
    public static long idiv(long a, long b) {
        if (b == 0) {
            throw new LuaError(str("attempt to divide by zero"));
        }
        if (b == -1) {
            return -a; // avoids overflow trap of MIN/-1
        }
        return Math.floorDiv(a, b);
    }

    /** Lua modulo of integers; raises on zero. */
    public static long mod(long a, long b) {
        if (b == 0) {
            throw new LuaError(str("attempt to perform 'n%0'"));
        }
        if (b == -1) {
            return 0;
        }
        return Math.floorMod(a, b);
    }

    /** Lua modulo of floats. */
    public static double mod(double a, double b) {
        double m = a % b;
        if ((m > 0) ? b < 0 : (m < 0 && b > 0)) { // adjust when the signs differ
            m += b;
        }
        return m;
    }

    /** Lua's shift left: counts of 64 or more give 0; negative counts shift right. */
    public static long shl(long x, long n) {
        if (n < 0) {
            return n <= -64 ? 0 : x >>> -n;
        }
        return n >= 64 ? 0 : x << n;
    }

    /** Lua's logical shift right. */
    public static long shr(long x, long n) {
        if (n < 0) {
            return n <= -64 ? 0 : x << -n;
        }
        return n >= 64 ? 0 : x >>> n;
    }

    /**
     * A binary arithmetic or bitwise operation on any values: numbers directly, otherwise the
     * operands' metamethod (strings get theirs from the string library, as in Lua 5.4),
     * otherwise an error describing the offending operand with {@code info}.
     */
    public static Object arith(LuaState L, int op, Object a, Object b, VarInfo info) {
        if (a instanceof Long x && b instanceof Long y) {
            return arithInt(L, op, x, y);
        }
        if (isNumber(a) && isNumber(b)) {
            return arithNumbers(L, op, a, b, info);
        }
        LuaString event = Meta.binaryEvent(op);
        Object mm = L.metamethod(a, event);
        if (mm == null) {
            mm = L.metamethod(b, event);
        }
        if (mm != null) {
            return L.callMeta(event, mm, a, b);
        }
        throw arithError(L, op, a, b, info);
    }

    /** An operation on two numbers (integers or floats) by Lua's conversion rules. */
    public static Object arithNumbers(LuaState L, int op, Object a, Object b) {
        return arithNumbers(L, op, a, b, null);
    }

    /** As {@link #arithNumbers(LuaState, int, Object, Object)}, naming the operand in errors. */
    public static Object arithNumbers(LuaState L, int op, Object a, Object b, VarInfo info) {
        if (Meta.isBitwise(op)) {
            Long ia = toIntegerStrict(a);
            Long ib = toIntegerStrict(b);
            if (ia == null || ib == null) {
                String d = info == null ? "" : info.describe(ia == null ? 0 : 1);
                throw new LuaError(str(L.where(0) + "number" + d + " has no integer representation"));
            }
            return arithInt(L, op, ia, ib);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return arithInt(L, op, x, y);
        }
        return arithFloat(op, ((Number) a).doubleValue(), ((Number) b).doubleValue());
    }

    /**
     * String arithmetic, as the string library's metamethods do it: both operands converted
     * to numbers, else the second operand's metamethod, else "attempt to add a 'string' with
     * a 'table'".
     */
    public static Object stringArith(LuaState L, int op, Object a, Object b) {
        Object na = toNumber(a, L.dialect);
        Object nb = toNumber(b, L.dialect);
        if (na != null && nb != null) {
            return arithNumbers(L, op, na, nb);
        }
        LuaString event = Meta.binaryEvent(op);
        if (!(b instanceof LuaString)) {
            Object mm = L.metamethod(b, event);
            if (mm != null) {
                return L.callMeta(mm, a, b);
            }
        }
        throw new LuaError(str(L.where(1) + "attempt to " + event.toString().substring(2) + " a '"
            + typeName(a) + "' with a '" + typeName(b) + "'"));
    }

    private static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double;
    }

    private static Long toIntegerStrict(Object n) {
        if (n instanceof Long l) {
            return l;
        }
        return floatToInteger((Double) n);
    }

    private static LuaError arithError(LuaState L, int op, Object a, Object b, VarInfo info) {
        if (Meta.isBitwise(op) && isNumber(a) && isNumber(b)) {
            return new LuaError(str(L.where(0) + "number has no integer representation"));
        }
        int bad = isNumber(a) ? 1 : 0;
        Object v = bad == 0 ? a : b;
        String what = Meta.isBitwise(op) ? "perform bitwise operation on" : "perform arithmetic on";
        return new LuaError(str(L.where(0) + "attempt to " + what + " a " + objTypeName(L, v) + " value"
            + (info == null ? "" : info.describe(bad))));
    }

    /** An operation on two integers (in KERNEL, {@code /} is floor division). */
    public static Object arithInt(LuaState L, int op, long x, long y) {
        switch (op) {
            case Meta.ADD: return x + y;
            case Meta.SUB: return x - y;
            case Meta.MUL: return x * y;
            case Meta.MOD: return modChecked(L, x, y);
            case Meta.IDIV: return idivChecked(L, x, y);
            case Meta.DIV:
                if (!L.dialect.hasFloats()) {
                    return idivChecked(L, x, y);
                }
                return (double) x / (double) y;
            case Meta.POW: return Math.pow(x, y);
            case Meta.BAND: return x & y;
            case Meta.BOR: return x | y;
            case Meta.BXOR: return x ^ y;
            case Meta.SHL: return shl(x, y);
            case Meta.SHR: return shr(x, y);
            default: throw new IllegalArgumentException("op " + op);
        }
    }

    /** Integer floor division raising Lua's positioned error on zero. */
    public static long idivChecked(LuaState L, long x, long y) {
        if (y == 0) {
            throw new LuaError(str(L.where(0) + "attempt to divide by zero"));
        }
        return y == -1 ? -x : Math.floorDiv(x, y);
    }

    /** Integer modulo raising Lua's positioned error on zero. */
    public static long modChecked(LuaState L, long x, long y) {
        if (y == 0) {
            throw new LuaError(str(L.where(0) + "attempt to perform 'n%0'"));
        }
        return y == -1 ? 0 : Math.floorMod(x, y);
    }

    /** An arithmetic operation on two floats. */
    public static double arithFloat(int op, double x, double y) {
        switch (op) {
            case Meta.ADD: return x + y;
            case Meta.SUB: return x - y;
            case Meta.MUL: return x * y;
            case Meta.MOD: return mod(x, y);
            case Meta.IDIV: return Math.floor(x / y);
            case Meta.DIV: return x / y;
            case Meta.POW: return Math.pow(x, y);
            default: throw new IllegalArgumentException("op " + op);
        }
    }

    /** Unary minus. */
    public static Object unm(LuaState L, Object a, VarInfo info) {
        if (a instanceof Long l) {
            return -l;
        }
        if (a instanceof Double d) {
            return -d;
        }
        Object mm = L.metamethod(a, Meta.UNM);
        if (mm != null) {
            return L.callMeta(Meta.UNM, mm, a, a);
        }
        throw new LuaError(str(L.where(0) + "attempt to perform arithmetic on a " + objTypeName(L, a) + " value"
            + (info == null ? "" : info.describe(0))));
    }

    /** Bitwise not. */
    public static Object bnot(LuaState L, Object a, VarInfo info) {
        if (a instanceof Long l) {
            return ~l;
        }
        if (a instanceof Double d) {
            Long l = floatToInteger(d);
            if (l == null) {
                throw new LuaError(str(L.where(0) + "number" + (info == null ? "" : info.describe(0)) + " has no integer representation"));
            }
            return ~l;
        }
        Object mm = L.metamethod(a, Meta.BNOT);
        if (mm != null) {
            return L.callMeta(Meta.BNOT, mm, a, a);
        }
        throw new LuaError(str(L.where(0) + "attempt to perform bitwise operation on a " + objTypeName(L, a) + " value"
            + (info == null ? "" : info.describe(0))));
    }

    // ---------------------------------------------------------------- comparison

    /** Raw equality (no metamethods). */
    public static boolean rawEquals(Object a, Object b) {
        if (a == b) {
            return !(a instanceof Double d && d.isNaN()); // NaN is not equal to itself
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Long x) {
            if (b instanceof Long y) {
                return x.longValue() == y.longValue();
            }
            return b instanceof Double y && (double) x == y && floatToInteger(y) != null && floatToInteger(y) == (long) x;
        }
        if (a instanceof Double x) {
            if (b instanceof Double y) {
                return x.doubleValue() == y.doubleValue();
            }
            return b instanceof Long y && rawEquals(y, x);
        }
        if (a instanceof LuaString s) {
            return s.equals(b);
        }
        if (a instanceof Boolean) {
            return a.equals(b);
        }
        return false;
    }

    /** {@code a == b} with {@code __eq}. */
    public static boolean equals(LuaState L, Object a, Object b) {
        if (a == b) {
            return !(a instanceof Double d && d.isNaN());
        }
        if ((a instanceof LuaTable && b instanceof LuaTable) || (a instanceof LuaUserdata && b instanceof LuaUserdata)) {
            Object mm = L.metamethod(a, Meta.EQ);
            if (mm == null) {
                mm = L.metamethod(b, Meta.EQ);
            }
            return mm != null && isTrue(L.callMeta(Meta.EQ, mm, a, b));
        }
        return rawEquals(a, b);
    }

    /** {@code a < b}. */
    public static boolean lessThan(LuaState L, Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return x < y;
        }
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            return numLess(a, b);
        }
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return x.compareTo(y) < 0;
        }
        Object mm = L.metamethod(a, Meta.LT);
        if (mm == null) {
            mm = L.metamethod(b, Meta.LT);
        }
        if (mm != null) {
            return isTrue(L.callMeta(Meta.LT, mm, a, b));
        }
        throw compareError(L, a, b);
    }

    /** {@code a <= b}. */
    public static boolean lessEqual(LuaState L, Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return x <= y;
        }
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            return numLessEq(a, b);
        }
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return x.compareTo(y) <= 0;
        }
        Object mm = L.metamethod(a, Meta.LE);
        if (mm == null) {
            mm = L.metamethod(b, Meta.LE);
        }
        if (mm != null) {
            return isTrue(L.callMeta(Meta.LE, mm, a, b));
        }
        throw compareError(L, a, b);
    }

    private static LuaError compareError(LuaState L, Object a, Object b) {
        String t1 = objTypeName(L, a);
        String t2 = objTypeName(L, b);
        if (t1.equals(t2)) {
            return new LuaError(str(L.where(0) + "attempt to compare two " + t1 + " values"));
        }
        return new LuaError(str(L.where(0) + "attempt to compare " + t1 + " with " + t2));
    }

    /** Exact mixed integer/float comparison, as Lua does it (no rounding surprises). */
    static boolean numLess(Object a, Object b) {
        if (a instanceof Long x) {
            if (b instanceof Long y) {
                return x < y;
            }
            return intLessFloat(x, (Double) b);
        }
        double x = (Double) a;
        if (b instanceof Double y) {
            return x < y;
        }
        return floatLessInt(x, (Long) b);
    }

    static boolean numLessEq(Object a, Object b) {
        if (a instanceof Long x) {
            if (b instanceof Long y) {
                return x <= y;
            }
            return intLessEqFloat(x, (Double) b);
        }
        double x = (Double) a;
        if (b instanceof Double y) {
            return x <= y;
        }
        return floatLessEqInt(x, (Long) b);
    }

    private static boolean intLessFloat(long i, double f) {
        if (Double.isNaN(f)) {
            return false;
        }
        if (f >= 0x1p63) {
            return true;
        }
        if (f > -0x1p63) {
            return i < (long) Math.ceil(f); // i < f  <=>  i < ceil(f) for an integer i
        }
        return false;
    }

    private static boolean intLessEqFloat(long i, double f) {
        if (Double.isNaN(f)) {
            return false;
        }
        if (f >= 0x1p63) {
            return true;
        }
        if (f >= -0x1p63) {
            return i <= (long) Math.floor(f);
        }
        return false;
    }

    private static boolean floatLessInt(double f, long i) {
        if (Double.isNaN(f)) {
            return false;
        }
        if (f >= 0x1p63) {
            return false;
        }
        if (f >= -0x1p63) {
            return (long) Math.floor(f) < i;
        }
        return true;
    }

    private static boolean floatLessEqInt(double f, long i) {
        if (Double.isNaN(f)) {
            return false;
        }
        if (f >= 0x1p63) {
            return false;
        }
        if (f > -0x1p63) {
            return (long) Math.ceil(f) <= i;
        }
        return true;
    }

    // ---------------------------------------------------------------- length, concat

    /** {@code #v} with {@code __len}. */
    public static Object len(LuaState L, Object v, VarInfo info) {
        if (v instanceof LuaString s) {
            return (long) s.length();
        }
        Object mm = L.metamethod(v, Meta.LEN);
        if (mm != null) {
            return L.callMeta(Meta.LEN, mm, v, v);
        }
        if (v instanceof LuaTable t) {
            return t.length();
        }
        throw new LuaError(str(L.where(0) + "attempt to get length of a " + objTypeName(L, v) + " value"
            + (info == null ? "" : info.describe(0))));
    }

    /** {@code a .. b} with {@code __concat}. */
    public static Object concat(LuaState L, Object a, Object b, VarInfo info) {
        LuaString x = toStringCoerce(a);
        LuaString y = toStringCoerce(b);
        if (x != null && y != null) {
            if (x.length() > LuaString.MAX_LENGTH - y.length()) {
                throw lengthOverflow(L);
            }
            return x.concat(y);
        }
        Object mm = L.metamethod(a, Meta.CONCAT);
        if (mm == null) {
            mm = L.metamethod(b, Meta.CONCAT);
        }
        if (mm != null) {
            return L.callMeta(Meta.CONCAT, mm, a, b);
        }
        int bad = x != null ? 1 : 0;
        Object v = bad == 0 ? a : b;
        throw new LuaError(str(L.where(0) + "attempt to concatenate a " + objTypeName(L, v) + " value"
            + (info == null ? "" : info.describe(bad))));
    }

    /**
     * A concatenation chain {@code v[0] .. v[1] .. ...} joined in one allocation, when every
     * value is a string or a number and the result is not too long; else null (then
     * {@link #concatPairwise}). Numbers in {@code v} (a fresh array) become strings in place
     * once every value is known to be one of the two.
     */
    public static LuaString joinPlain(Object[] v) {
        for (Object x : v) {
            if (!(x instanceof LuaString || x instanceof Long || x instanceof Double)) {
                return null;
            }
        }
        long total = 0;
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] instanceof LuaString)) {
                v[i] = numberToString(v[i]);
            }
            total += ((LuaString) v[i]).length();
        }
        if (total > LuaString.MAX_LENGTH) {
            return null; // concatPairwise raises the overflow
        }
        byte[] r = new byte[(int) total];
        int p = 0;
        for (Object x : v) {
            byte[] bs = ((LuaString) x).bytes();
            System.arraycopy(bs, 0, r, p, bs.length);
            p += bs.length;
        }
        return LuaString.wrap(r);
    }

    /**
     * A concatenation chain as Lua evaluates it, from the right, two values at a time: so a
     * {@code __concat} handler gets its operands as they are ({@code 4 .. 5 .. obj} calls
     * {@code __concat(5, obj)}, then {@code __concat(4, result)}: the numbers stay numbers).
     * {@code info.describe(i)} names operand {@code i} of the chain.
     */
    public static Object concatPairwise(LuaState L, Object[] v, VarInfo info) {
        Object acc = v[v.length - 1];
        for (int i = v.length - 2; i >= 0; i--) {
            final int k = i;
            acc = concat(L, v[i], acc, j -> info.describe(k + j));
        }
        return acc;
    }

    /** "string length overflow": a concatenation longer than {@link LuaString#MAX_LENGTH}. */
    public static LuaError lengthOverflow(LuaState L) {
        return new LuaError(str(L.where(0) + "string length overflow"));
    }

    // ---------------------------------------------------------------- indexing

    /** What {@link #fastIndexStr} returns when the full rules of {@link #index} are needed. */
    public static final Object SLOW = new Object();

    /**
     * The fast path of {@code o[k]} for a string key, shared by both back-ends: the raw field
     * of a table, or nil for a table without a metatable, or the field of a plain {@code __index}
     * table (the one-level class lookup of object-oriented code); {@link #SLOW} when
     * {@link #index} must apply the full rules.
     */
    public static Object fastIndexStr(Object o, LuaString k) {
        if (o instanceof LuaTable t) {
            Object v = t.get(k);
            if (v != null) {
                return v;
            }
            LuaTable mt = t.getMetatable();
            if (mt == null) {
                return null;
            }
            Object h = mt.metaField(Meta.INDEX, LuaTable.ABSENT_INDEX);
            if (h instanceof LuaTable ht && ht.getMetatable() == null) {
                return ht.get(k);
            }
        }
        return SLOW;
    }

    /** {@code o[k]} with {@code __index} chains. */
    public static Object index(LuaState L, Object o, Object k, VarInfo info) {
        for (int loop = 0; loop < 2000; loop++) {
            Object h;
            if (o instanceof LuaTable t) {
                Object v = t.get(k);
                if (v != null) {
                    return v;
                }
                LuaTable mt = t.getMetatable();
                if (mt == null) {
                    return null;
                }
                h = mt.metaField(Meta.INDEX, LuaTable.ABSENT_INDEX);
                if (h == null) {
                    return null;
                }
            } else {
                h = L.metamethod(o, Meta.INDEX);
                if (h == null) {
                    throw new LuaError(str(L.where(0) + "attempt to index a " + objTypeName(L, o) + " value"
                        + (info == null ? "" : info.describe(0))));
                }
            }
            if (h instanceof LuaFunction) {
                return L.callMeta(h, o, k);
            }
            o = h;
            info = null;
        }
        throw new LuaError(str(L.where(0) + "'__index' chain too long; possible loop"));
    }

    /** {@code o[k] = v} with {@code __newindex} chains. */
    public static void setIndex(LuaState L, Object o, Object k, Object v, VarInfo info) {
        for (int loop = 0; loop < 2000; loop++) {
            Object h;
            if (o instanceof LuaTable t) {
                LuaTable mt = t.getMetatable();
                if (mt == null || (h = mt.metaField(Meta.NEWINDEX, LuaTable.ABSENT_NEWINDEX)) == null || t.get(k) != null) {
                    rawSet(L, t, k, v);
                    return;
                }
            } else {
                h = L.metamethod(o, Meta.NEWINDEX);
                if (h == null) {
                    throw new LuaError(str(L.where(0) + "attempt to index a " + objTypeName(L, o) + " value"
                        + (info == null ? "" : info.describe(0))));
                }
            }
            if (h instanceof LuaFunction) {
                L.callMeta(h, o, k, v);
                return;
            }
            o = h;
            info = null;
        }
        throw new LuaError(str(L.where(0) + "'__newindex' chain too long; possible loop"));
    }

    /** Raw set with Lua's key checks ("table index is nil", "table index is NaN"). */
    public static void rawSet(LuaState L, LuaTable t, Object k, Object v) {
        if (k == null) {
            throw new LuaError(str(L.where(0) + "table index is nil"));
        }
        if (k instanceof Double d && d.isNaN()) {
            throw new LuaError(str(L.where(0) + "table index is NaN"));
        }
        t.put(k, v);
    }

    // ---------------------------------------------------------------- calls

    /** Links of a {@code __call} chain past which a call is a "stack overflow" (a loop, surely). */
    public static final int CALL_CHAIN_MAX = 200;

    /** A call's function and arguments once the called value's {@code __call} chain is followed. */
    public record Callee(LuaFunction fn, Object[] args) {
    }

    /**
     * {@code fn} and {@code args}, or, when fn is not a function, the end of its {@code __call}
     * chain with each link prepended to the arguments, as Lua follows it. A link with no
     * {@code __call} raises "attempt to call" naming that link's type, as Lua does, followed by
     * {@code name} (what the caller calls it: " (local 'x')", " (metamethod 'close')", or "");
     * a chain longer than {@link #CALL_CHAIN_MAX} links is a "stack overflow", as Lua's stack
     * overflows on a loop of them. The one walk of a chain: every kind of call uses it.
     */
    public static Callee toCallable(LuaState L, Object fn, Object[] args, String name) {
        Object target = fn;
        for (int link = 1; !(target instanceof LuaFunction); link++) {
            args = prepend(target, args);
            Object mm = L.metamethod(target, Meta.CALL);
            if (mm == null) {
                throw new LuaError(str(L.where(0) + "attempt to call a " + objTypeName(L, target) + " value" + name));
            }
            if (link > CALL_CHAIN_MAX) {
                throw L.stackOverflow();
            }
            target = mm;
        }
        return new Callee((LuaFunction) target, args);
    }

    /**
     * Whether a numeric for whose initial value and step are these is a float loop although
     * they may convert to integers: as in lua5.4, a string numeral is not an integer there, so
     * {@code for i = "1", 2} counts 1.0, 2.0 (FULL; KERNEL has no floats).
     */
    public static boolean forIsFloat(LuaState L, Object init, Object step) {
        return (init instanceof LuaString || step instanceof LuaString) && L.dialect == Dialect.FULL;
    }

    /**
     * Closes a to-be-closed value (not nil or false) on a normal exit of its scope: calls its
     * {@code __close} from the running Lua frame (so that {@code error(msg, 2)} in it gets the
     * frame's line), with nil as the error. A metamethod removed since the declaration is an
     * error that names it, as in lua5.4: "attempt to call a nil value (metamethod 'close')".
     */
    public static void callClose(LuaState L, Object v) {
        Object mm = L.metamethod(v, Meta.CLOSE);
        Object[] args = {v, null};
        if (mm instanceof LuaFunction g) {
            resolve(g.invokeTail(args));
        } else {
            callThroughMeta(L, mm, args, " (metamethod 'close')");
        }
    }

    /**
     * Calls the iterator of a generic {@code for} with the loop's state and control value (a
     * value that is not a function through its {@code __call} chain, its errors naming it as
     * Lua does), from the running Lua frame: both back-ends' loops call this.
     */
    public static Object callIterator(LuaState L, Object fn, Object s, Object ctl) {
        if (fn instanceof LuaFunction g) {
            return resolve(g.tail2(s, ctl));
        }
        return callThroughMeta(L, fn, new Object[] {s, ctl}, FOR_ITERATOR);
    }

    /** How errors name a generic {@code for}'s iterator that cannot be called, as Lua does. */
    public static final String FOR_ITERATOR = " (for iterator 'for iterator')";

    /**
     * Calls a value that is not a function through its {@code __call} chain
     * ({@link #toCallable}, whose errors name it with {@code name}), from the running Lua frame
     * (so that error levels count from it).
     */
    public static Object callThroughMeta(LuaState L, Object fv, Object[] a, String name) {
        Callee c = toCallable(L, fv, a, name);
        return resolve(c.fn().invokeTail(c.args()));
    }

    /** {@code v} followed by {@code args}. */
    public static Object[] prepend(Object v, Object[] args) {
        Object[] r = new Object[args.length + 1];
        r[0] = v;
        System.arraycopy(args, 0, r, 1, args.length);
        return r;
    }

    /**
     * Runs pending tail calls until a real result remains. No loop here: this method is small
     * enough for HotSpot's C1 to inline into every compiled Lua function, and a loop in an
     * inlined method that HotSpot has compiled on stack replacement at its top level (C2) makes
     * C1's code around it not entrant at its next back branch (compilationPolicy's "OSR
     * invalidation back branch"): a main chunk's loop went back to the interpreter until C2's
     * code for it came (docs/performance.md). The loop is in {@link TailCall#runAll}, too large
     * for C1 to inline.
     */
    public static Object resolve(Object r) {
        return r instanceof TailCall tc ? tc.runAll() : r;
    }
}
