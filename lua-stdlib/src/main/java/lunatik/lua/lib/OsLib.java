package lunatik.lua.lib;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.concurrent.ThreadLocalRandom;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * Lua's {@code os} library (reference manual §6.9), for the FULL dialect only.
 *
 * <p>Differences with a C host: {@code os.exit} throws {@link LuaExit} instead of ending the
 * process; {@code os.execute} is absent; {@code os.setlocale} knows only the "C" locale;
 * {@code os.clock} is the CPU time of the whole JVM process. Dates use the time zone given to
 * {@link #open(LuaState, ZoneId)} (the system's by default, looked up when first needed).
 */
public final class OsLib {
    private OsLib() {
    }

    private static final String[] CATEGORIES = {"all", "collate", "ctype", "monetary", "numeric", "time"};
    private static final String NAME_CHARS =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /**
     * Opens the library with the system's time zone, looked up at the first os.date or os.time
     * (finding it reads the JDK's time-zone data: about 18 ms of a 120 ms start-up).
     */
    public static void open(LuaState L) {
        open(L, null);
    }

    /** The system's time zone, found on first use. */
    private static final class SystemZone {
        static final ZoneId ZONE = ZoneId.systemDefault();
    }

    /* The zone given to open, or the system's when it was null. */
    private static ZoneId zoneOf(ZoneId given) {
        return given != null ? given : SystemZone.ZONE;
    }

    /**
     * Creates the {@code os} table and sets the global; local times are in {@code zone} (null:
     * the system's).
     */
    public static void open(LuaState L, ZoneId zone) {
        if (L.dialect != Dialect.FULL) {
            throw new IllegalArgumentException("the os library exists only in the FULL dialect");
        }
        LuaTable os = new LuaTable();
        LibFunction.register(L, os, "os", "clock", a -> cpuSeconds());
        LibFunction.register(L, os, "os", "date", a -> date(a, zone));
        LibFunction.register(L, os, "os", "difftime", a -> difftime(a.checkInteger(1), a.checkInteger(2)));
        LibFunction.register(L, os, "os", "exit", OsLib::exit);
        LibFunction.register(L, os, "os", "getenv", a -> {
            String v = System.getenv(a.checkString(1).toString());
            return v == null ? null : LuaString.of(v);
        });
        LibFunction.register(L, os, "os", "remove", OsLib::remove);
        LibFunction.register(L, os, "os", "rename", OsLib::rename);
        LibFunction.register(L, os, "os", "setlocale", OsLib::setlocale);
        LibFunction.register(L, os, "os", "time", a -> time(a, zone));
        LibFunction.register(L, os, "os", "tmpname", OsLib::tmpname);
        L.globals.put(LuaString.of("os"), os);
    }

    // ---------------------------------------------------------------- process

    /** CPU time used by the process, in seconds. */
    private static double cpuSeconds() {
        OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        if (bean instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            if (ns >= 0) {
                return ns / 1e9;
            }
        }
        // without the JDK's process bean: the CPU time of the running thread
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
    }

    private static Object exit(Args a) {
        int status;
        if (a.get(1) instanceof Boolean b) {
            status = b ? 0 : 1;
        } else {
            status = (int) a.optInteger(1, 0);
        }
        throw new LuaExit(status, a.toBoolean(2));
    }

    private static Object setlocale(Args a) {
        LuaString locale = a.optString(1, null);
        a.checkOption(2, "all", CATEGORIES);
        if (locale == null) {
            return LuaString.of("C");
        }
        String l = locale.toString();
        return l.isEmpty() || l.equals("C") || l.equals("POSIX") ? LuaString.of("C") : null;
    }

    // ---------------------------------------------------------------- files

    private static Object remove(Args a) {
        LuaString name = a.checkString(1);
        try {
            Files.delete(IoLib.toPath(name));
            return Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            return IoErrors.fail(e, name);
        }
    }

    private static Object rename(Args a) {
        LuaString from = a.checkString(1);
        LuaString to = a.checkString(2);
        try {
            // ATOMIC_MOVE is rename(2) itself: replaces the target, fails across devices
            Files.move(IoLib.toPath(from), IoLib.toPath(to), StandardCopyOption.ATOMIC_MOVE);
            return Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            return IoErrors.fail(e, null);
        }
    }

    /** A new empty file "lua_XXXXXX" in the temporary directory; returns its name. */
    private static Object tmpname(Args a) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            StringBuilder sb = new StringBuilder("lua_");
            for (int i = 0; i < 6; i++) {
                sb.append(NAME_CHARS.charAt(rnd.nextInt(NAME_CHARS.length())));
            }
            Path p = dir.resolve(sb.toString());
            try {
                Files.createFile(p);
                return LuaString.of(p.toString());
            } catch (FileAlreadyExistsException e) {
                // try another name
            } catch (IOException | RuntimeException e) {
                break;
            }
        }
        throw a.error("unable to generate a unique filename");
    }

    // ---------------------------------------------------------------- time

    private static long now() {
        return Math.floorDiv(System.currentTimeMillis(), 1000);
    }

    private static Object difftime(long t1, long t2) {
        long d = t1 - t2;
        // subtraction overflow: fall back to the (rounded) difference of the doubles
        if (((t1 ^ t2) & (t1 ^ d)) < 0) {
            return (double) t1 - (double) t2;
        }
        return (double) d;
    }

    private static Object date(Args a, ZoneId given) {
        ZoneId zone = zoneOf(given);
        LuaString format = a.optString(1, LuaString.of("%c"));
        long t = a.isNoneOrNil(2) ? now() : a.checkInteger(2);
        byte[] f = format.bytes();
        int i = 0;
        boolean utc = f.length > 0 && f[0] == '!';
        if (utc) {
            i = 1;
        }
        OsDate.Tm tm = utc ? OsDate.utc(t) : OsDate.local(t, zone);
        if (tm == null) {
            throw a.error("date result cannot be represented in this installation");
        }
        // C compares with strcmp: "*t" followed by a zero byte is still "*t"
        if (f.length - i >= 2 && f[i] == '*' && f[i + 1] == 't' && (f.length - i == 2 || f[i + 2] == 0)) {
            LuaTable r = new LuaTable(0, 9);
            setAllFields(a.state(), r, tm);
            return r;
        }
        return strftime(a, f, i, tm);
    }

    private static LuaString strftime(Args a, byte[] f, int i, OsDate.Tm tm) {
        StringBytes out = new StringBytes();
        int end = f.length;
        while (i < end) {
            StringLib.poll(a.state(), i);
            byte c = f[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            int len = OsDate.conversionLength(f, i, end);
            if (len == 0) {
                // the message shows the rest of the format, up to a zero byte as C's %s does
                int stop = i;
                while (stop < end && f[stop] != 0) {
                    stop++;
                }
                String rest = LuaString.copyOf(f, i, stop - i).toString();
                throw a.argError(1, "invalid conversion specifier '%" + rest + "'");
            }
            OsDate.convert(out, (char) f[i + len - 1], tm);
            i += len;
        }
        return out.toLuaString();
    }

    private static void setField(LuaState L, LuaTable t, String key, Object v) {
        Ops.setIndex(L, t, LuaString.of(key), v, null);
    }

    /** Sets the fields of a date table from a broken-down time (os.date "*t", os.time). */
    private static void setAllFields(LuaState L, LuaTable t, OsDate.Tm tm) {
        setField(L, t, "year", tm.year());
        setField(L, t, "month", (long) tm.month());
        setField(L, t, "day", (long) tm.day());
        setField(L, t, "hour", (long) tm.hour());
        setField(L, t, "min", (long) tm.min());
        setField(L, t, "sec", (long) tm.sec());
        setField(L, t, "yday", (long) tm.yday() + 1);
        setField(L, t, "wday", (long) tm.wday() + 1);
        setField(L, t, "isdst", tm.isdst());
    }

    /**
     * A field of a date table as C's int, less {@code delta}; {@code def} when absent, or an
     * error when {@code def} is negative (the field is required).
     */
    private static int getField(Args a, LuaTable t, String key, int def, int delta) {
        Object v = Ops.index(a.state(), t, LuaString.of(key), null);
        Long n = Ops.toInteger(v, Dialect.FULL);
        if (n == null) {
            if (v != null) {
                throw a.error("field '" + key + "' is not an integer");
            }
            if (def < 0) {
                throw a.error("field '" + key + "' missing in date table");
            }
            return def;
        }
        long r = n;
        if (!(r >= 0 ? r - delta <= Integer.MAX_VALUE : Integer.MIN_VALUE + (long) delta <= r)) {
            throw a.error("field '" + key + "' is out-of-bound");
        }
        return (int) (r - delta);
    }

    private static Object time(Args a, ZoneId given) {
        if (a.isNoneOrNil(1)) {
            return now();
        }
        ZoneId zone = zoneOf(given);
        LuaTable t = a.checkTable(1);
        int year = getField(a, t, "year", -1, 1900);
        int month = getField(a, t, "month", -1, 1);
        int day = getField(a, t, "day", -1, 0);
        int hour = getField(a, t, "hour", 12, 0);
        int min = getField(a, t, "min", 0, 0);
        int sec = getField(a, t, "sec", 0, 0);
        Object dst = Ops.index(a.state(), t, LuaString.of("isdst"), null);
        int isdst = dst == null ? -1 : Ops.isTrue(dst) ? 1 : 0;
        // mktime's normalization: months carry into years, then everything is a count of seconds
        long y = year + 1900L + Math.floorDiv(month, 12);
        int m = Math.floorMod(month, 12) + 1;
        long days = OsDate.daysFromCivil(y, m, 1) + (day - 1L);
        long local = days * 86400 + hour * 3600L + min * 60L + sec;
        long result = OsDate.toTime(local, isdst, zone);
        OsDate.Tm tm = OsDate.local(result, zone);
        if (tm == null || result == -1) {
            throw a.error("time result cannot be represented in this installation");
        }
        setAllFields(a.state(), t, tm);
        return result;
    }
}
