package lunatik.lua.vm;

/**
 * Lua's conversion of text to a number ({@code lua_stringtonumber}, also used by the lexer):
 * decimal and hexadecimal integers (hexadecimal ones wrap around), and, where the dialect has
 * floats, decimal and hexadecimal floats. Leading and trailing whitespace is allowed; "inf" and
 * "nan" are not numerals. A decimal integer that overflows becomes a float (FULL) or is
 * rejected (KERNEL).
 */
public final class NumberParser {
    private NumberParser() {
    }

    /** The number in {@code b[off, off+len)}, or null when it is not a numeral. */
    public static Object parse(byte[] b, int off, int len, boolean floats) {
        int end = off + len;
        Long i = parseInt(b, off, end);
        if (i != null) {
            return i;
        }
        return floats ? parseFloat(b, off, end) : null;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        c |= 0x20;
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    static Long parseInt(byte[] b, int i, int end) {
        while (i < end && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long a = 0;
        boolean empty = true;
        if (i + 1 < end && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            i += 2;
            for (int d; i < end && (d = hexValue(b[i])) >= 0; i++) {
                a = a * 16 + d;
                empty = false;
            }
        } else {
            final long maxBy10 = Long.MAX_VALUE / 10;
            final int maxLastD = (int) (Long.MAX_VALUE % 10);
            for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
                int d = b[i] - '0';
                if (Long.compareUnsigned(a, maxBy10) >= 0
                        && (Long.compareUnsigned(a, maxBy10) > 0 || d > maxLastD + (neg ? 1 : 0))) {
                    return null;
                }
                a = a * 10 + d;
                empty = false;
            }
        }
        while (i < end && isSpace(b[i])) {
            i++;
        }
        if (empty || i != end) {
            return null;
        }
        return neg ? -a : a;
    }

    static Double parseFloat(byte[] b, int i, int end) {
        for (int k = i; k < end; k++) {
            if (b[k] == 'n' || b[k] == 'N') {
                return null; // reject 'inf' and 'nan'
            }
        }
        while (i < end && isSpace(b[i])) {
            i++;
        }
        while (end > i && isSpace(b[end - 1])) {
            end--;
        }
        int start = i;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        boolean hex = i + 1 < end && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X');
        if (hex) {
            i += 2;
        }
        int digits = 0;
        while (i < end && (hex ? hexValue(b[i]) >= 0 : b[i] >= '0' && b[i] <= '9')) {
            i++;
            digits++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && (hex ? hexValue(b[i]) >= 0 : b[i] >= '0' && b[i] <= '9')) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        boolean hasExp = false;
        if (i < end && (hex ? (b[i] | 0x20) == 'p' : (b[i] | 0x20) == 'e')) {
            hasExp = true;
            i++;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int ed = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
                ed++;
            }
            if (ed == 0) {
                return null;
            }
        }
        if (i != end) {
            return null;
        }
        String text = new String(b, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (hex && !hasExp) {
            text = text + "p0";
        }
        if (hex && text.endsWith(".p0")) {
            text = text.replace(".p0", "p0");
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return hexFallback(text);
        }
    }

    /** Hex floats Java's parser refuses (such as "0x.p1" forms); computed digit by digit. */
    private static Double hexFallback(String t) {
        boolean neg = t.startsWith("-");
        String s = t.replaceFirst("^[+-]?0[xX]", "");
        int p = s.toLowerCase(java.util.Locale.ROOT).indexOf('p');
        long exp = p < 0 ? 0 : Long.parseLong(s.substring(p + 1));
        String mant = p < 0 ? s : s.substring(0, p);
        double r = 0;
        int dot = mant.indexOf('.');
        int e = 0;
        for (int k = 0; k < mant.length(); k++) {
            char c = mant.charAt(k);
            if (c == '.') {
                continue;
            }
            r = r * 16 + hexValue(c);
            if (dot >= 0 && k > dot) {
                e -= 4;
            }
        }
        double v = r * Math.pow(2, exp + e);
        return neg ? -v : v;
    }
}
