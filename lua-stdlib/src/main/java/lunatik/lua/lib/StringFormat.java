package lunatik.lua.lib;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.NumberFormat;
import lunatik.lua.vm.Ops;

/**
 * {@code string.format} (manual §6.4): C's printf conversions as Lua 5.4 (the reference
 * {@code lua5.4}) accepts them, with the same validation of flags, width and precision and the
 * same messages.
 *
 * <p>Conversions: {@code %d %i %u %c %o %x %X} on integers, {@code %a %A %e %E %f %g %G} on
 * floats, {@code %s} (with {@code __tostring}), {@code %q} (a Lua literal), {@code %p} and
 * {@code %%}. Each conversion allows a subset of the flags {@code -+ #0}, a width of at most
 * two digits and, for most, a precision of at most two digits; anything else is "invalid
 * conversion specification". In the KERNEL dialect the float conversions and {@code %p} do not
 * exist ("invalid conversion").
 */
final class StringFormat {
    private StringFormat() {
    }

    /** Characters a conversion specification may contain before the conversion letter. */
    private static final String SPEC_CHARS = "-+ #0123456789.";
    /** Longest specification (Lua's MAX_FORMAT - 10, counting the conversion letter). */
    private static final int MAX_SPEC = 22;

    private static final String FLAGS_C = "-";
    private static final String FLAGS_I = "-+ 0";
    private static final String FLAGS_U = "-0";
    private static final String FLAGS_X = "-#0";
    private static final String FLAGS_F = "-+ #0";

    /**
     * A parsed conversion specification: the text after '%' up to the conversion letter
     * ({@code body}), its flags, width and precision (-1 when absent).
     */
    private record Spec(String body, int conv, boolean left, boolean plus, boolean space, boolean alt,
                        boolean zero, int width, int precision) {
        /** The specification as written, for messages ("%-5y"). */
        String form() {
            return "%" + body + (conv == 0 ? "" : String.valueOf((char) conv));
        }

        static Spec parse(String body, int conv) {
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean alt = false;
            boolean zero = false;
            int i = 0;
            for (; i < body.length() && "-+ #0".indexOf(body.charAt(i)) >= 0; i++) {
                switch (body.charAt(i)) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alt = true;
                    default -> zero = true;
                }
            }
            int width = -1;
            int start = i;
            while (i < body.length() && Character.isDigit(body.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(body.substring(start, i));
            }
            int precision = -1;
            if (i < body.length() && body.charAt(i) == '.') {
                start = ++i;
                while (i < body.length() && Character.isDigit(body.charAt(i))) {
                    i++;
                }
                precision = i > start ? Integer.parseInt(body.substring(start, i)) : 0;
            }
            return new Spec(body, conv, left, plus, space, alt, zero, width, precision);
        }
    }

    /** {@code string.format(fmt, ...)}. */
    static Object format(Args a) {
        LuaState L = a.state();
        LuaString fmt = a.checkString(1);
        byte[] f = fmt.bytes();
        int n = fmt.length();
        StringLib.Buffer out = new StringLib.Buffer(n + 16);
        int arg = 1;
        int i = 0;
        while (i < n) {
            StringLib.poll(L, i);
            byte c = f[i++];
            if (c != '%') {
                out.add(c);
                continue;
            }
            if (i < n && f[i] == '%') {
                out.add('%');
                i++;
                continue;
            }
            if (++arg > a.count()) {
                throw a.argError(arg, "no value");
            }
            int start = i;
            while (i < n && SPEC_CHARS.indexOf(f[i]) >= 0) {
                i++;
            }
            if (i - start + 1 >= MAX_SPEC) {
                throw a.error("invalid format (too long)");
            }
            int conv = i < n ? f[i] & 0xff : 0;
            String body = new String(f, start, i - start, StandardCharsets.ISO_8859_1);
            i++;
            convert(a, L, out, arg, Spec.parse(body, conv));
        }
        return out.toLuaString();
    }

    /* One conversion of argument arg. */
    private static void convert(Args a, LuaState L, StringLib.Buffer out, int arg, Spec sp) {
        boolean floats = L.dialect.hasFloats();
        switch (sp.conv) {
            case 'c' -> {
                check(a, sp, FLAGS_C, false);
                pad(out, sp, new byte[] {(byte) a.checkInteger(arg)});
            }
            case 'd', 'i' -> formatInteger(a, out, sp, a.checkInteger(arg), FLAGS_I);
            case 'u' -> formatInteger(a, out, sp, a.checkInteger(arg), FLAGS_U);
            case 'o', 'x', 'X' -> formatInteger(a, out, sp, a.checkInteger(arg), FLAGS_X);
            case 'a', 'A' -> {
                if (!floats) {
                    throw invalidConversion(a, sp);
                }
                check(a, sp, FLAGS_F, true);
                formatFloat(out, sp, a.checkDouble(arg));
            }
            case 'e', 'E', 'f', 'g', 'G' -> {
                if (!floats) {
                    throw invalidConversion(a, sp);
                }
                double d = a.checkDouble(arg);
                check(a, sp, FLAGS_F, true);
                formatFloat(out, sp, d);
            }
            case 'p' -> {
                if (!floats) {
                    throw invalidConversion(a, sp);
                }
                check(a, sp, FLAGS_C, false);
                pad(out, sp, ascii(pointer(a.get(arg))));
            }
            case 'q' -> {
                if (!sp.body.isEmpty()) {
                    throw a.error("specifier '%q' cannot have modifiers");
                }
                quoted(a, L, out, arg);
            }
            case 's' -> formatString(a, L, out, arg, sp);
            default -> throw invalidConversion(a, sp);
        }
    }

    private static LuaError invalidConversion(Args a, Spec sp) {
        return a.error("invalid conversion '" + sp.form() + "' to 'format'");
    }

    /*
     * Lua's validation of a specification: only the given flags, then a width of at most two
     * digits (which cannot start with '0' unless '0' is a flag), then, when allowed, '.' and a
     * precision of at most two digits.
     */
    private static void check(Args a, Spec sp, String flags, boolean precision) {
        String b = sp.body;
        int i = 0;
        while (i < b.length() && flags.indexOf(b.charAt(i)) >= 0) {
            i++;
        }
        if (i >= b.length() || b.charAt(i) != '0') {
            i = skip2Digits(b, i);
            if (precision && i < b.length() && b.charAt(i) == '.') {
                i = skip2Digits(b, i + 1);
            }
        }
        if (i != b.length()) {
            throw a.error("invalid conversion specification: '" + sp.form() + "'");
        }
    }

    private static int skip2Digits(String b, int i) {
        for (int k = 0; k < 2 && i < b.length() && Character.isDigit(b.charAt(i)); k++) {
            i++;
        }
        return i;
    }

    // ---------------------------------------------------------------- integers

    private static void formatInteger(Args a, StringLib.Buffer out, Spec sp, long v, String flags) {
        check(a, sp, flags, true);
        boolean neg = false;
        String digits;
        String prefix = "";
        switch (sp.conv) {
            case 'u' -> digits = Long.toUnsignedString(v);
            case 'o' -> digits = Long.toOctalString(v);
            case 'x' -> digits = Long.toHexString(v);
            case 'X' -> digits = Long.toHexString(v).toUpperCase();
            default -> {
                neg = v < 0;
                digits = neg ? Long.toUnsignedString(-v) : Long.toString(v);
            }
        }
        if (sp.precision >= 0) {
            if (sp.precision == 0 && v == 0) {
                digits = ""; // C prints nothing for a zero with precision 0
            } else if (digits.length() < sp.precision) {
                digits = "0".repeat(sp.precision - digits.length()) + digits;
            }
        }
        if (sp.alt) {
            if (sp.conv == 'o' && !digits.startsWith("0")) {
                digits = "0" + digits;
            } else if ((sp.conv == 'x' || sp.conv == 'X') && v != 0) {
                prefix = sp.conv == 'x' ? "0x" : "0X";
            }
        }
        if (neg) {
            prefix = "-";
        } else if (sp.plus) {
            prefix = "+";
        } else if (sp.space) {
            prefix = " ";
        }
        // '0' pads between sign and digits, unless left-justified or a precision is given
        boolean zeroPad = sp.zero && !sp.left && sp.precision < 0;
        padNumber(out, sp, prefix, digits, zeroPad);
    }

    // ---------------------------------------------------------------- floats

    private static void formatFloat(StringLib.Buffer out, Spec sp, double d) {
        boolean finite = !Double.isNaN(d) && !Double.isInfinite(d);
        String body = switch (sp.conv) {
            case 'a', 'A' -> finite ? hexFloat(Math.abs(d), sp.precision, sp.alt) : NumberFormat.formatE(d, 0, false);
            case 'e', 'E' -> NumberFormat.formatE(d, sp.precision < 0 ? 6 : sp.precision, sp.alt);
            case 'f' -> NumberFormat.formatF(d, sp.precision < 0 ? 6 : sp.precision, sp.alt);
            default -> NumberFormat.formatG(d, sp.precision < 0 ? 6 : sp.precision, sp.alt);
        };
        boolean neg = Double.doubleToRawLongBits(d) < 0;
        if (body.startsWith("-")) {
            body = body.substring(1);
        }
        String prefix = neg ? "-" : sp.plus ? "+" : sp.space ? " " : "";
        if (finite && (sp.conv == 'a' || sp.conv == 'A')) {
            prefix += "0x"; // the zeros of the '0' flag go after "0x"
        }
        if (Character.isUpperCase(sp.conv)) {
            prefix = prefix.toUpperCase();
            body = body.toUpperCase();
        }
        padNumber(out, sp, prefix, body, sp.zero && !sp.left && finite);
    }

    /**
     * The hexadecimal form of a finite non-negative double as glibc's {@code %a} writes it
     * after the "0x": "1.8p+1", "0p+0", subnormals as "0.0000000000001p-1022". Without a
     * precision the fraction is as short as the value allows; with one, it is rounded to
     * nearest, ties to even (the leading digit may become 2, as in glibc).
     */
    static String hexFloat(double d, int precision, boolean alt) {
        long bits = Double.doubleToRawLongBits(d);
        int biased = (int) (bits >>> 52) & 0x7ff;
        long frac = bits & ((1L << 52) - 1);
        long lead = biased == 0 ? 0 : 1;
        int exp = biased == 0 ? (frac == 0 ? 0 : -1022) : biased - 1023;
        String digits;
        if (precision < 0) {
            digits = frac == 0 ? "" : stripTrailingZeros(hex13(frac));
        } else if (precision < 13) {
            int shift = (13 - precision) * 4;
            long full = (lead << 52) | frac;
            long q = full >>> shift;
            long rem = full & ((1L << shift) - 1);
            long half = 1L << (shift - 1);
            if (rem > half || (rem == half && (q & 1) == 1)) {
                q++;
            }
            lead = q >>> (precision * 4);
            long kept = q & ((1L << (precision * 4)) - 1);
            digits = precision == 0 ? "" : hex13(kept << shift).substring(0, precision);
        } else {
            digits = hex13(frac) + "0".repeat(precision - 13);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(lead);
        if (!digits.isEmpty() || alt) {
            sb.append('.');
        }
        sb.append(digits).append('p').append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        return sb.toString();
    }

    /* The 52-bit fraction as 13 hex digits. */
    private static String hex13(long frac) {
        String h = Long.toHexString(frac);
        return "0".repeat(13 - h.length()) + h;
    }

    private static String stripTrailingZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }

    // ---------------------------------------------------------------- strings

    private static void formatString(Args a, LuaState L, StringLib.Buffer out, int arg, Spec sp) {
        LuaString s = Ops.tostring(L, a.get(arg));
        if (sp.body.isEmpty()) {
            out.add(s);
            return;
        }
        byte[] b = s.bytes();
        for (int i = 0; i < s.length(); i++) {
            if (b[i] == 0) {
                throw a.argError(arg, "string contains zeros");
            }
        }
        check(a, sp, FLAGS_C, true);
        // as in Lua, a long string without precision is kept whole, whatever the width
        if (sp.precision < 0 && s.length() >= 100) {
            out.add(s);
            return;
        }
        int len = sp.precision >= 0 ? Math.min(sp.precision, s.length()) : s.length();
        byte[] text = len == s.length() ? b : Arrays.copyOf(b, len);
        pad(out, sp, text);
    }

    /* %q: the argument as a Lua literal that reads back as the same value. */
    private static void quoted(Args a, LuaState L, StringLib.Buffer out, int arg) {
        Object v = a.get(arg);
        if (v instanceof LuaString s) {
            quoteString(L, out, s);
        } else if (v instanceof Long l) {
            // math.mininteger has no decimal literal (-9223372036854775808 reads as a float)
            out.add(l == Long.MIN_VALUE ? "0x8000000000000000" : Long.toString(l));
        } else if (v instanceof Double d) {
            if (d.isNaN()) {
                out.add("(0/0)");
            } else if (d.isInfinite()) {
                out.add(d > 0 ? "1e9999" : "-1e9999");
            } else {
                out.add((Double.doubleToRawLongBits(d) < 0 ? "-0x" : "0x") + hexFloat(Math.abs(d), -1, false));
            }
        } else if (v == null || v instanceof Boolean) {
            out.add(v == null ? "nil" : v.toString());
        } else {
            throw a.argError(arg, "value has no literal form");
        }
    }

    private static void quoteString(LuaState L, StringLib.Buffer out, LuaString s) {
        byte[] b = s.bytes();
        int n = s.length();
        out.add('"');
        for (int i = 0; i < n; i++) {
            StringLib.poll(L, i + 1);
            int c = b[i] & 0xff;
            if (c == '"' || c == '\\' || c == '\n') {
                out.add('\\');
                out.add(c);
            } else if (c < 32 || c == 127) {
                // a digit after the escape would be read as part of it: use three digits then
                boolean digitNext = i + 1 < n && b[i + 1] >= '0' && b[i + 1] <= '9';
                String code = Integer.toString(c);
                out.add('\\');
                out.add(digitNext ? "0".repeat(3 - code.length()) + code : code);
            } else {
                out.add(c);
            }
        }
        out.add('"');
    }

    /* What %p prints: an identity for reference values (strings included), "(null)" for others. */
    private static String pointer(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return "(null)";
        }
        return Ops.address(v);
    }

    // ---------------------------------------------------------------- padding

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /* Adds text padded with spaces to the width, on the left or (with '-') on the right. */
    private static void pad(StringLib.Buffer out, Spec sp, byte[] text) {
        int fill = sp.width - text.length;
        if (!sp.left) {
            spaces(out, fill);
        }
        out.add(text, 0, text.length);
        if (sp.left) {
            spaces(out, fill);
        }
    }

    /* A number: prefix (sign, "0x") and digits, padded to the width with spaces or zeros. */
    private static void padNumber(StringLib.Buffer out, Spec sp, String prefix, String digits, boolean zeroPad) {
        int fill = sp.width - prefix.length() - digits.length();
        if (!sp.left && !zeroPad) {
            spaces(out, fill);
        }
        out.add(prefix);
        if (zeroPad) {
            for (int i = 0; i < fill; i++) {
                out.add('0');
            }
        }
        out.add(digits);
        if (sp.left) {
            spaces(out, fill);
        }
    }

    private static void spaces(StringLib.Buffer out, int n) {
        for (int i = 0; i < n; i++) {
            out.add(' ');
        }
    }
}
