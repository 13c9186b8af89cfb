package lunatik.lua.lib;

import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The {@code math} library of Lua 5.4 (manual §6.7).
 *
 * <p>FULL has the whole library, plus the Lua 5.3 compatibility functions the reference
 * {@code lua5.4} carries (see {@link #openCompat}). KERNEL (Lunatik's integer-only Lua) keeps only {@code abs},
 * {@code max}, {@code min}, {@code tointeger}, {@code ult}, {@code maxinteger} and
 * {@code mininteger}.
 *
 * <p>Integer arguments give integer results where Lua's do ({@code floor}, {@code ceil},
 * {@code abs}, {@code fmod}, {@code modf}); the pseudo-random generator is Lua 5.4's
 * xoshiro256**, seeded as Lua seeds it, so a given seed yields the same sequence as the
 * reference implementation. Each opening of the library has its own generator.
 */
public final class MathLib {
    private static final double LN2 = Math.log(2.0);
    private static final double SQRT2 = Math.sqrt(2.0);

    private MathLib() {
    }

    /** Creates the {@code math} library table for the state's dialect and sets the global. */
    public static void open(LuaState L) {
        LuaTable m = new LuaTable(0, 32);
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "abs") {
            @Override
            protected Object call(Args a) {
                return MathLib.abs(a);
            }
        });
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "max") {
            @Override
            protected Object call(Args a) {
                return MathLib.extreme(a, true);
            }
        });
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "min") {
            @Override
            protected Object call(Args a) {
                return MathLib.extreme(a, false);
            }
        });
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "tointeger") {
            @Override
            protected Object call(Args a) {
                return MathLib.tointeger(a);
            }
        });
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "ult") {
            @Override
            protected Object call(Args a) {
                return Long.compareUnsigned(a.checkInteger(1), a.checkInteger(2)) < 0;
            }
        });
        m.put(Ops.str("maxinteger"), Long.MAX_VALUE);
        m.put(Ops.str("mininteger"), Long.MIN_VALUE);
        if (L.dialect != Dialect.KERNEL) {
            openFloat(L, m);
        }
        L.globals.put(Ops.str("math"), m);
    }

    /** The functions and constants that only exist with floats. */
    private static void openFloat(LuaState L, LuaTable m) {
        LibFunction.register(L, m, "math", "ceil", a -> round(a, true));
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "floor") {
            @Override
            protected Object call(Args a) {
                return MathLib.round(a, false);
            }
        });
        LibFunction.register(L, m, "math", "fmod", MathLib::fmod);
        LibFunction.register(L, m, "math", "modf", MathLib::modf);
        LibFunction.register(L, m, "math", "log", MathLib::log);
        LibFunction.register(L, m, "math", "exp", a -> StrictMath.exp(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "sqrt", a -> Math.sqrt(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "sin", a -> StrictMath.sin(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "cos", a -> StrictMath.cos(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "tan", a -> StrictMath.tan(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "asin", a -> StrictMath.asin(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "acos", a -> StrictMath.acos(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "atan", a -> StrictMath.atan2(a.checkDouble(1), optDouble(a, 2, 1.0)));
        LibFunction.register(L, m, "math", "deg", a -> a.checkDouble(1) * (180.0 / Math.PI));
        LibFunction.register(L, m, "math", "rad", a -> a.checkDouble(1) * (Math.PI / 180.0));
        LibFunction.register(L, m, new LibFunction.Own(L, "math", "type") {
            @Override
            protected Object call(Args a) {
                return MathLib.type(a);
            }
        });
        Random rng = new Random();
        rng.seed(System.nanoTime(), System.identityHashCode(L));
        LibFunction.register(L, m, "math", "random", a -> random(a, rng));
        LibFunction.register(L, m, "math", "randomseed", a -> randomseed(a, rng));
        m.put(Ops.str("pi"), Math.PI);
        m.put(Ops.str("huge"), Double.POSITIVE_INFINITY);
        openCompat(L, m);
    }

    /**
     * The Lua 5.3 functions that lua5.4 keeps when built with LUA_COMPAT_5_3 (the default of
     * its makefile, and the reference {@code lua5.4} has them): cosh, sinh, tanh, pow, frexp,
     * ldexp, log10, and atan2 (an alias of atan).
     */
    private static void openCompat(LuaState L, LuaTable m) {
        LibFunction.register(L, m, "math", "cosh", a -> StrictMath.cosh(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "sinh", a -> StrictMath.sinh(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "tanh", a -> StrictMath.tanh(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "pow", a -> {
            double y = a.checkDouble(2); // right to left, as the reference's C compiler does
            return StrictMath.pow(a.checkDouble(1), y);
        });
        LibFunction.register(L, m, "math", "log10", a -> Math.log10(a.checkDouble(1)));
        LibFunction.register(L, m, "math", "atan2", a -> StrictMath.atan2(a.checkDouble(1), optDouble(a, 2, 1.0)));
        LibFunction.register(L, m, "math", "frexp", MathLib::frexp);
        // C's ldexp takes an int: the exponent is truncated to 32 bits as lua5.4's cast does
        LibFunction.register(L, m, "math", "ldexp", a -> {
            int e = (int) a.checkInteger(2); // right to left, as the reference's C compiler does
            return Math.scalb(a.checkDouble(1), e);
        });
    }

    /** C's frexp: {@code x = m * 2^e} with {@code 0.5 <= |m| < 1}; zero, inf and NaN give (x, 0). */
    private static Object frexp(Args a) {
        double x = a.checkDouble(1);
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
            return Varargs.of(x, 0L);
        }
        int adj = 0;
        if (Math.abs(x) < Double.MIN_NORMAL) {
            x *= 0x1p54; // subnormal: normalize first
            adj = -54;
        }
        int e = Math.getExponent(x) + 1;
        return Varargs.of(Math.scalb(x, -e), (long) (e + adj));
    }

    private static double optDouble(Args a, int n, double def) {
        return a.isNoneOrNil(n) ? def : a.checkDouble(n);
    }

    /** A float as an integer when it has an exact integer value, else itself (Lua's pushnumint). */
    private static Object floatToNumber(double d) {
        Long l = Ops.floatToInteger(d);
        return l != null ? (Object) l : (Object) d;
    }

    // ---------------------------------------------------------------- both dialects

    private static Object abs(Args a) {
        // only a value that is an integer stays one: abs("-3") is 3.0 with floats
        if (a.get(1) instanceof Long || !a.state().dialect.hasFloats()) {
            long n = a.checkInteger(1);
            return n < 0 ? -n : n; // wraps for mininteger, as in Lua
        }
        return Math.abs(a.checkDouble(1));
    }

    /**
     * {@code math.max} / {@code math.min}: as in Lua 5.4.4 the arguments are not checked to be
     * numbers, only compared with Lua's {@code <} (metamethods included, so mixed types raise
     * "attempt to compare"); the winning argument is returned unchanged, so
     * {@code max(1, 2.0)} is {@code 2.0} and {@code max("10", "9")} is {@code "9"}.
     */
    private static Object extreme(Args a, boolean max) {
        LuaState L = a.state();
        int n = a.count();
        if (n < 1) {
            throw a.argError(1, "value expected");
        }
        int best = 1;
        for (int i = 2; i <= n; i++) {
            boolean better = max ? Ops.lessThan(L, a.get(best), a.get(i)) : Ops.lessThan(L, a.get(i), a.get(best));
            if (better) {
                best = i;
            }
        }
        return a.get(best);
    }

    private static Object tointeger(Args a) {
        Long n = Ops.toInteger(a.get(1), a.state().dialect);
        if (n == null) {
            a.checkAny(1);
        }
        return n;
    }

    // ---------------------------------------------------------------- FULL only

    private static Object round(Args a, boolean ceil) {
        Object v = a.get(1);
        if (v instanceof Long) {
            return v;
        }
        double d = a.checkDouble(1);
        return floatToNumber(ceil ? Math.ceil(d) : Math.floor(d));
    }

    private static Object fmod(Args a) {
        if (a.get(1) instanceof Long x && a.get(2) instanceof Long y) {
            if (y == 0) {
                throw a.argError(2, "zero");
            }
            // C's '%' truncates like Java's; -1 is special-cased to avoid overflow on MIN % -1
            return y == -1 ? 0L : x % y;
        }
        // Java's '%' on doubles is C's fmod; the reference (built with GCC) checks its two
        // arguments right to left, so a bad second argument is reported first
        double y = a.checkDouble(2);
        return a.checkDouble(1) % y;
    }

    private static Object modf(Args a) {
        Object v = a.get(1);
        if (v instanceof Long) {
            return Varargs.of(v, 0.0);
        }
        double n = a.checkDouble(1);
        double ip = n < 0 ? Math.ceil(n) : Math.floor(n);
        // the test handles infinities, whose difference would be NaN
        double frac = n == ip ? 0.0 : n - ip;
        return Varargs.of(floatToNumber(ip), frac);
    }

    private static Object log(Args a) {
        double x = a.checkDouble(1);
        if (a.isNoneOrNil(2)) {
            return Math.log(x);
        }
        double base = a.checkDouble(2);
        if (base == 2.0) {
            return log2(x);
        }
        if (base == 10.0) {
            return Math.log10(x);
        }
        return Math.log(x) / Math.log(base);
    }

    /**
     * Base-2 logarithm, exact for powers of two: the exponent is taken apart and only the
     * mantissa, brought into [sqrt(1/2), sqrt(2)], goes through the natural logarithm.
     */
    static double log2(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            return Math.log(x) / LN2; // NaN, -inf, inf as C's log2
        }
        int adj = 0;
        if (x < Double.MIN_NORMAL) {
            x *= 0x1p54; // subnormal: normalize first
            adj = -54;
        }
        int e = Math.getExponent(x);
        double m = Math.scalb(x, -e);
        if (m > SQRT2) {
            m /= 2;
            e++;
        }
        return (e + adj) + Math.log(m) / LN2;
    }

    private static Object type(Args a) {
        Object v = a.checkAny(1);
        if (v instanceof Long) {
            return Ops.str("integer");
        }
        if (v instanceof Double) {
            return Ops.str("float");
        }
        return null;
    }

    // ---------------------------------------------------------------- random

    private static Object random(Args a, Random rng) {
        long rv = rng.next();
        long low;
        long up;
        switch (a.count()) {
            case 0 -> {
                return rng.toDouble(rv);
            }
            case 1 -> {
                low = 1;
                up = a.checkInteger(1);
                if (up == 0) {
                    return rv; // math.random(0): all 64 bits
                }
            }
            case 2 -> {
                low = a.checkInteger(1);
                up = a.checkInteger(2);
            }
            default -> throw a.error("wrong number of arguments");
        }
        if (low > up) {
            throw a.argError(1, "interval is empty");
        }
        return rng.project(rv, up - low) + low;
    }

    private static Object randomseed(Args a, Random rng) {
        long n1;
        long n2;
        if (a.isNone(1)) {
            n1 = System.nanoTime() ^ System.currentTimeMillis() << 20;
            n2 = System.identityHashCode(a) ^ rng.next();
        } else {
            n1 = a.checkInteger(1);
            n2 = a.optInteger(2, 0);
        }
        rng.seed(n1, n2);
        return Varargs.of(n1, n2);
    }

    /** Lua 5.4's generator: xoshiro256** with Lua's seeding and range projection. */
    private static final class Random {
        private long s0;
        private long s1;
        private long s2;
        private long s3;

        /** The next 64 random bits. */
        long next() {
            long result = Long.rotateLeft(s1 * 5, 7) * 9;
            long t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = Long.rotateLeft(s3, 45);
            return result;
        }

        /** Seeds as Lua does, then discards the first values (they are poorly mixed). */
        void seed(long n1, long n2) {
            s0 = n1;
            s1 = 0xff;
            s2 = n2;
            s3 = 0;
            for (int i = 0; i < 16; i++) {
                next();
            }
        }

        /** A float in [0, 1) from the 53 high bits. */
        double toDouble(long rv) {
            return (rv >>> 11) * 0x1p-53;
        }

        /**
         * A value in [0, n] (n unsigned) from {@code rv}: masked to the smallest 2^b - 1 that
         * covers n, drawing again while the result is above n (no modulo bias).
         */
        long project(long rv, long n) {
            if ((n & (n + 1)) == 0) {
                return rv & n; // n + 1 is a power of two
            }
            long lim = n;
            lim |= lim >>> 1;
            lim |= lim >>> 2;
            lim |= lim >>> 4;
            lim |= lim >>> 8;
            lim |= lim >>> 16;
            lim |= lim >>> 32;
            while (Long.compareUnsigned(rv &= lim, n) > 0) {
                rv = next();
            }
            return rv;
        }
    }
}
