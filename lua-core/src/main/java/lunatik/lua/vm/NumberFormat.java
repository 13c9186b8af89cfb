package lunatik.lua.vm;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's floating-point conversions as Lua uses them: {@code %.14g} for {@code tostring}, and the
 * {@code %e %f %g} family for {@code string.format}, rounded exactly as glibc's printf does
 * (from the exact binary value, ties to even).
 */
public final class NumberFormat {
    private NumberFormat() {
    }

    /** {@code tostring} of a float: "%.14g", plus ".0" when it looks like an integer. */
    public static String floatToString(double d) {
        String s = formatG(d, 14, false);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == 'e' || c == 'n' || c == 'i') {
                return s;
            }
        }
        return s + ".0";
    }

    /** Text for infinities and NaN as glibc prints them ("-nan" keeps the sign bit). */
    static String special(double d) {
        if (Double.isNaN(d)) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-nan" : "nan";
        }
        return d > 0 ? "inf" : "-inf";
    }

    /** C's {@code %.<prec>g}; {@code alt} is the '#' flag (keep trailing zeros). */
    public static String formatG(double d, int prec, boolean alt) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d);
        }
        if (prec == 0) {
            prec = 1;
        }
        if (d == 0) {
            String z = (1 / d < 0) ? "-0" : "0";
            if (alt) {
                z += prec > 1 ? "." + "0".repeat(prec - 1) : ".";
            }
            return z;
        }
        BigDecimal bd = new BigDecimal(d).round(new MathContext(prec, RoundingMode.HALF_EVEN));
        int x = bd.precision() - bd.scale() - 1; // decimal exponent after rounding
        String r;
        if (x < -4 || x >= prec) {
            r = formatE(d, prec - 1, alt);
            if (!alt) {
                int e = r.indexOf('e');
                r = stripZeros(r.substring(0, e)) + r.substring(e);
            }
        } else {
            r = formatF(d, prec - 1 - x, alt);
            if (!alt) {
                r = stripZeros(r);
            }
        }
        return r;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /** C's {@code %.<prec>e}. */
    public static String formatE(double d, int prec, boolean alt) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d);
        }
        boolean neg = d < 0 || (d == 0 && 1 / d < 0);
        String digits;
        int exp;
        if (d == 0) {
            digits = "0".repeat(prec + 1);
            exp = 0;
        } else {
            BigDecimal bd = new BigDecimal(Math.abs(d)).round(new MathContext(prec + 1, RoundingMode.HALF_EVEN));
            exp = bd.precision() - bd.scale() - 1;
            String u = bd.unscaledValue().toString();
            if (u.length() < prec + 1) {
                u = u + "0".repeat(prec + 1 - u.length());
            }
            digits = u.substring(0, prec + 1);
        }
        StringBuilder sb = new StringBuilder();
        if (neg) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (prec > 0 || alt) {
            sb.append('.');
        }
        sb.append(digits, 1, digits.length());
        sb.append('e').append(exp < 0 ? '-' : '+');
        int ax = Math.abs(exp);
        if (ax < 10) {
            sb.append('0');
        }
        sb.append(ax);
        return sb.toString();
    }

    /** C's {@code %.<prec>f}. */
    public static String formatF(double d, int prec, boolean alt) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return special(d);
        }
        boolean neg = d < 0 || (d == 0 && 1 / d < 0);
        BigDecimal bd = new BigDecimal(Math.abs(d)).setScale(prec, RoundingMode.HALF_EVEN);
        String s = bd.toPlainString();
        if (alt && prec == 0) {
            s += ".";
        }
        return neg ? "-" + s : s;
    }
}
