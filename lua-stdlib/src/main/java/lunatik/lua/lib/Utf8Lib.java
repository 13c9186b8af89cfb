package lunatik.lua.lib;

import java.io.ByteArrayOutputStream;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The {@code utf8} library of Lua 5.4 (manual §6.5), the same in both dialects.
 *
 * <p>Strings are byte strings; this library reads and writes the original UTF-8 of up to six
 * bytes (code points up to 0x7FFFFFFF). Strict functions reject surrogates and code points
 * above 0x10FFFF; the {@code lax} argument lifts those two restrictions. Overlong encodings
 * are always invalid.
 */
public final class Utf8Lib {
    /** Largest code point in lax mode. */
    private static final long MAX_UTF = 0x7FFFFFFFL;
    /** Largest Unicode code point (strict mode). */
    private static final long MAX_UNICODE = 0x10FFFFL;
    /** Smallest code point that needs each number of continuation bytes (overlong check). */
    private static final long[] LIMITS = {0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000};
    /** Returned by {@link #decode} for an invalid sequence. */
    private static final long INVALID = -1;

    private static final String MSG_INVALID = "invalid UTF-8 code";
    private static final LuaString CHARPATTERN = LuaString.wrap(new byte[] {
        '[', 0, '-', 0x7F, (byte) 0xC2, '-', (byte) 0xFD, ']', '[', (byte) 0x80, '-', (byte) 0xBF, ']', '*',
    });

    private Utf8Lib() {
    }

    /** Creates the {@code utf8} library table and sets the global {@code utf8}. */
    public static void open(LuaState L) {
        LuaTable t = new LuaTable(0, 8);
        LibFunction.register(L, t, "utf8", "char", Utf8Lib::utf8char);
        LibFunction.register(L, t, "utf8", "codepoint", Utf8Lib::codepoint);
        LibFunction.register(L, t, "utf8", "len", Utf8Lib::len);
        LibFunction.register(L, t, "utf8", "offset", Utf8Lib::offset);
        // the iterators are anonymous in Lua: "bad argument #1 to '?'"
        LibFunction strictIter = new LibFunction(L, "?", "?", a -> iterate(a, true));
        LibFunction laxIter = new LibFunction(L, "?", "?", a -> iterate(a, false));
        LibFunction.register(L, t, "utf8", "codes", a -> {
            LuaString s = a.checkString(1);
            boolean lax = a.toBoolean(2);
            return Varargs.of(lax ? laxIter : strictIter, s, 0L);
        });
        t.put(Ops.str("charpattern"), CHARPATTERN);
        L.globals.put(Ops.str("utf8"), t);
    }

    // ---------------------------------------------------------------- helpers

    /** Whether byte {@code i} of {@code s} is a continuation byte (past the end: no). */
    private static boolean isCont(LuaString s, long i) {
        return i < s.length() && (s.byteAt((int) i) & 0xC0) == 0x80;
    }

    /** A relative string position (negative counts from the end) as an absolute one, 0 if before. */
    private static long posRelat(long pos, int len) {
        if (pos >= 0) {
            return pos;
        }
        if (pos < -(long) len) { // not "-pos > len": -mininteger overflows
            return 0;
        }
        return len + pos + 1;
    }

    /**
     * Decodes the sequence at byte {@code i} (0-based, inside the string); returns the code point
     * and stores the index after the sequence in {@code next[0]}, or returns {@link #INVALID}.
     */
    private static long decode(LuaString s, int i, boolean strict, int[] next) {
        int n = s.length();
        int c = s.byteAt(i);
        if (c < 0x80) {
            next[0] = i + 1;
            return c;
        }
        // number of continuation bytes: the leading one bits of c after the first
        int count = 0;
        while (count < 6 && (c & (0x40 >> count)) != 0) {
            count++;
        }
        if (count == 0 || count > 5) {
            return INVALID; // a stray continuation byte, or 0xFE / 0xFF
        }
        long res = c & (0x3F >> count);
        for (int k = 1; k <= count; k++) {
            if (i + k >= n) {
                return INVALID;
            }
            int cc = s.byteAt(i + k);
            if ((cc & 0xC0) != 0x80) {
                return INVALID;
            }
            res = (res << 6) | (cc & 0x3F);
        }
        if (res > MAX_UTF || res < LIMITS[count]) {
            return INVALID;
        }
        if (strict && (res > MAX_UNICODE || (res >= 0xD800 && res <= 0xDFFF))) {
            return INVALID;
        }
        next[0] = i + count + 1;
        return res;
    }

    /** Appends the UTF-8 encoding of {@code x} (at most 0x7FFFFFFF, up to six bytes). */
    private static void encode(ByteArrayOutputStream out, long x) {
        if (x < 0x80) {
            out.write((int) x);
            return;
        }
        byte[] buf = new byte[6];
        int n = 0;
        long mfb = 0x3F; // largest value that fits in the first byte
        do {
            buf[5 - n++] = (byte) (0x80 | (x & 0x3F));
            x >>= 6;
            mfb >>= 1;
        } while (x > mfb);
        // the first byte: n + 1 leading ones, then the remaining bits
        buf[5 - n] = (byte) ((~mfb << 1) | x);
        out.write(buf, 5 - n, n + 1);
    }

    // ---------------------------------------------------------------- functions

    private static Object utf8char(Args a) {
        int n = a.count();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        for (int i = 1; i <= n; i++) {
            long code = a.checkInteger(i);
            // unsigned test: negative values are out of range too
            if (Long.compareUnsigned(code, MAX_UTF) > 0) {
                throw a.argError(i, "value out of range");
            }
            encode(out, code);
        }
        return LuaString.wrap(out.toByteArray());
    }

    private static Object codepoint(Args a) {
        LuaString s = a.checkString(1);
        int len = s.length();
        long posi = posRelat(a.optInteger(2, 1), len);
        long pose = posRelat(a.optInteger(3, posi), len);
        boolean strict = !a.toBoolean(4);
        if (posi < 1) {
            throw a.argError(2, "out of bounds");
        }
        if (pose > len) {
            throw a.argError(3, "out of bounds");
        }
        if (posi > pose) {
            return Varargs.NONE;
        }
        if (pose - posi >= LuaState.MAX_STACK) {
            throw a.error("stack overflow (string slice too long)");
        }
        Object[] r = new Object[(int) (pose - posi + 1)];
        int n = 0;
        int[] next = new int[1];
        for (int i = (int) posi - 1; i < pose; i = next[0]) {
            long code = decode(s, i, strict, next);
            if (code == INVALID) {
                throw a.error(MSG_INVALID);
            }
            r[n++] = code;
        }
        return Varargs.of(r, n);
    }

    private static Object len(Args a) {
        LuaString s = a.checkString(1);
        int len = s.length();
        long posi = posRelat(a.optInteger(2, 1), len);
        long posj = posRelat(a.optInteger(3, -1), len);
        boolean strict = !a.toBoolean(4);
        if (posi < 1 || --posi > len) {
            throw a.argError(2, "initial position out of bounds");
        }
        if (--posj >= len) {
            throw a.argError(3, "final position out of bounds");
        }
        long n = 0;
        int[] next = new int[1];
        while (posi <= posj) {
            if (decode(s, (int) posi, strict, next) == INVALID) {
                return Varargs.of(null, posi + 1); // fail, and where
            }
            posi = next[0];
            StringLib.poll(a.state(), ++n);
        }
        return n;
    }

    private static Object offset(Args a) {
        LuaString s = a.checkString(1);
        int len = s.length();
        long n = a.checkInteger(2);
        long posi = posRelat(a.optInteger(3, n >= 0 ? 1 : len + 1), len);
        if (posi < 1 || --posi > len) {
            throw a.argError(3, "position out of bounds");
        }
        if (n == 0) {
            // the start of the character containing byte posi
            while (posi > 0 && isCont(s, posi)) {
                posi--;
            }
            return posi + 1;
        }
        if (isCont(s, posi)) {
            throw a.error("initial position is a continuation byte");
        }
        LuaState L = a.state();
        if (n < 0) {
            while (n < 0 && posi > 0) {
                do {
                    posi--;
                } while (posi > 0 && isCont(s, posi));
                StringLib.poll(L, ++n);
            }
        } else {
            n--; // the first character is the one at posi
            while (n > 0 && posi < len) {
                do {
                    posi++;
                } while (isCont(s, posi));
                StringLib.poll(L, --n);
            }
        }
        return n == 0 ? (Object) (posi + 1) : null;
    }

    /**
     * The iterator of {@code utf8.codes}: from the previous position (1-based, 0 at the start)
     * skips the rest of the previous character and decodes the next one.
     */
    private static Object iterate(Args a, boolean strict) {
        LuaString s = a.checkString(1);
        int len = s.length();
        Long prev = Ops.toInteger(a.get(2), a.state().dialect);
        long i = prev == null ? 0 : prev;
        if (i < 0 || i >= len) { // a negative control value ends the loop, as in Lua
            return Varargs.NONE;
        }
        while (isCont(s, i)) {
            i++;
        }
        if (i >= len) {
            return Varargs.NONE;
        }
        long code = decode(s, (int) i, strict, new int[1]);
        if (code == INVALID) {
            throw a.error(MSG_INVALID);
        }
        return Varargs.of(i + 1, code);
    }
}
