package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsLibTest {
    @TempDir
    Path dir;

    LuaState L;

    @BeforeEach
    void setUp() {
        zone(ZoneOffset.UTC);
    }

    /** A new state whose local time zone is {@code zone}. */
    void zone(ZoneId zone) {
        L = new LuaState(Dialect.FULL);
        OsLib.open(L, zone);
    }

    static LuaString s(String v) {
        return LuaString.of(v);
    }

    Object os(String name, Object... args) {
        LuaTable os = (LuaTable) L.globals.get(s("os"));
        Object[] a = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object v = args[i];
            a[i] = v instanceof String str ? s(str) : v instanceof Integer n ? (Object) n.longValue() : v;
        }
        return ((LuaFunction) os.get(s(name))).invoke(a);
    }

    String date(String format, long t) {
        return os("date", format, t).toString();
    }

    static List<Object> list(Object result) {
        List<Object> r = new ArrayList<>();
        for (Object o : Varargs.toArray(result)) {
            r.add(o instanceof LuaString str ? str.toString() : o);
        }
        return r;
    }

    static LuaTable table(Object... kv) {
        LuaTable t = new LuaTable();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            t.put(s((String) kv[i]), v instanceof Integer n ? (Object) n.longValue() : v instanceof String str ? s(str) : v);
        }
        return t;
    }

    static Object field(LuaTable t, String k) {
        return t.get(s(k));
    }

    // ---------------------------------------------------------------- date

    @Test
    void allConversionsLocal() {
        assertThat(date("%a %A %b %B %c %d %H %I %j %m %M %p %S %U %w %W %x %X %y %Y %Z %%", 0))
            .isEqualTo("Thu Thursday Jan January Thu Jan  1 00:00:00 1970 01 00 12 001 01 00 AM 00 00 4 00 "
                + "01/01/70 00:00:00 70 1970 UTC %");
    }

    @Test
    void allConversionsUtc() {
        assertThat(date("!%a %A %b %B %c %d %H %I %j %m %M %p %S %U %w %W %x %X %y %Y %Z %%", 86400 * 400 + 3600 * 15 + 61))
            .isEqualTo("Fri Friday Feb February Fri Feb  5 15:01:01 1971 05 15 03 036 02 01 PM 01 05 5 05 "
                + "02/05/71 15:01:01 71 1971 GMT %");
        assertThat(date("!%C %D %e %F %g %G %h %n %r %R %t %T %u %V %z %Ec %EC %Ex %EX %Ey %EY %Od %Oe %OH %OI %Om "
            + "%OM %OS %Ou %OU %OV %Ow %OW %Oy", 1700000000))
            .isEqualTo("20 11/14/23 14 2023-11-14 23 2023 Nov \n 10:13:20 PM 22:13 \t 22:13:20 2 46 +0000 "
                + "Tue Nov 14 22:13:20 2023 20 11/14/23 22:13:20 23 2023 14 14 22 10 11 13 20 2 46 46 2 46 23");
    }

    @Test
    void isoWeeks() {
        assertThat(date("!%G %g %V %U %W %j", 1609502400)).isEqualTo("2020 20 53 00 00 001"); // 2021-01-01
        assertThat(date("!%G %g %V %U %W %j", 1609416000)).isEqualTo("2020 20 53 52 52 366"); // 2020-12-31
        assertThat(date("!%G %g %V %U %W", 1546257600)).isEqualTo("2019 19 01 52 53"); // 2018-12-31
    }

    @Test
    void oddYears() {
        String f = "!%Y|%C|%y|%G|%g|%F|%D|%c";
        Object[][] cases = {
            {5, "5|0|05|5|05|5-03-01|03/01/05|Tue Mar  1 12:00:00 5"},
            {100, "100|1|00|100|00|100-03-01|03/01/00|Mon Mar  1 12:00:00 100"},
            {999, "999|9|99|999|99|999-03-01|03/01/99|Fri Mar  1 12:00:00 999"},
            {-1, "-1|-1|99|-1|99|-1-03-01|03/01/99|Mon Mar  1 12:00:00 -1"},
            {-101, "-101|-2|99|-101|99|-101-03-01|03/01/99|Wed Mar  1 12:00:00 -101"},
            {-1000, "-1000|-10|00|-1000|00|-1000-03-01|03/01/00|Sat Mar  1 12:00:00 -1000"},
            {10000, "10000|100|00|10000|00|10000-03-01|03/01/00|Wed Mar  1 12:00:00 10000"},
        };
        for (Object[] c : cases) {
            long t = (Long) os("time", table("year", c[0], "month", 3, "day", 1));
            assertThat(date(f, t)).as("year %s", c[0]).isEqualTo(c[1]);
        }
        assertThat(date("!%Y %C %y %G", -62167219200L - 86400 * 365)).isEqualTo("-1 -1 99 -2");
    }

    @Test
    void dateTables() {
        LuaTable t = (LuaTable) os("date", "*t", 0L);
        assertThat(list(Varargs.of(field(t, "year"), field(t, "month"), field(t, "day"), field(t, "hour"),
            field(t, "min"), field(t, "sec"), field(t, "yday"), field(t, "wday"), field(t, "isdst"))))
            .containsExactly(1970L, 1L, 1L, 0L, 0L, 0L, 1L, 5L, false);
        t = (LuaTable) os("date", "!*t", 1700000000L);
        assertThat(list(Varargs.of(field(t, "year"), field(t, "month"), field(t, "day"), field(t, "hour"),
            field(t, "min"), field(t, "sec"), field(t, "yday"), field(t, "wday"), field(t, "isdst"))))
            .containsExactly(2023L, 11L, 14L, 22L, 13L, 20L, 318L, 3L, false);
        // "*t" only when alone
        assertThat(date("*tx", 0)).isEqualTo("*tx");
        assertThat(os("date", LuaString.wrap(new byte[] {'*', 't', 0, 'x'}), 0L)).isInstanceOf(LuaTable.class);
    }

    @Test
    void dateDefaultsAndOddFormats() {
        assertThat(os("date", null, 0L).toString()).isEqualTo("Thu Jan  1 00:00:00 1970");
        assertThat(date("", 0)).isEmpty();
        assertThat(((LuaString) os("date", LuaString.wrap(new byte[] {'x', 0, 'y'}), 0L)).length()).isEqualTo(3);
        assertThat(os("date", 1L).toString()).isEqualTo("1");
        assertThat(os("date", "%c", 0.0).toString()).isEqualTo("Thu Jan  1 00:00:00 1970");
        assertThat(os("date", "%c", "10").toString()).isEqualTo("Thu Jan  1 00:00:10 1970");
        assertThat(date("!%c", -1)).isEqualTo("Wed Dec 31 23:59:59 1969");
        assertThat(os("date")).isInstanceOf(LuaString.class);
    }

    @Test
    void invalidConversions() {
        String[][] cases = {
            {"%Ez", "%Ez"}, {"%", "%"}, {"%q", "%q"}, {"%E", "%E"}, {"abc%5", "%5"}, {"%qabc", "%qabc"},
            {"%Ezabc", "%Ezabc"}, {"x%E", "%E"}, {"%l", "%l"}, {"%Oz", "%Oz"}, {"%EZ", "%EZ"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> os("date", c[0], 0L)).as(c[0]).isInstanceOf(LuaError.class)
                .hasMessage("bad argument #1 to 'os.date' (invalid conversion specifier '" + c[1] + "')");
        }
        assertThatThrownBy(() -> os("date", LuaString.wrap(new byte[] {'%', 'Y', 0, '%', 'q'}), 0L))
            .hasMessage("bad argument #1 to 'os.date' (invalid conversion specifier '%q')");
    }

    @Test
    void dateArgumentErrors() {
        assertThatThrownBy(() -> os("date", "%c", 1.5))
            .hasMessage("bad argument #2 to 'os.date' (number has no integer representation)");
        assertThatThrownBy(() -> os("date", "%c", "x"))
            .hasMessage("bad argument #2 to 'os.date' (number expected, got string)");
        assertThatThrownBy(() -> os("date", new LuaTable()))
            .hasMessage("bad argument #1 to 'os.date' (string expected, got table)");
    }

    @Test
    void dateRange() {
        assertThat(date("!%Y", 67768036191676799L)).isEqualTo("2147485547");
        assertThat(date("!%c", -67768040609740800L)).isEqualTo("Thu Jan  1 00:00:00 -2147481748");
        assertThat(date("!%Y", 1L << 55)).isEqualTo("1141709097");
        for (long t : new long[] {67768036191676800L, -67768040609740801L, 1L << 60, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> os("date", "!%Y", t)).hasMessage("date result cannot be represented in this installation");
            assertThatThrownBy(() -> os("date", "*t", t)).hasMessage("date result cannot be represented in this installation");
        }
    }

    @Test
    void timeZones() {
        zone(ZoneId.of("Europe/Paris"));
        assertThat(date("%c %z %Z", 1700000000)).isEqualTo("Tue Nov 14 23:13:20 2023 +0100 CET");
        assertThat(date("%c %z %Z", 1690000000)).isEqualTo("Sat Jul 22 06:26:40 2023 +0200 CEST");
        assertThat(field((LuaTable) os("date", "*t", 1690000000L), "isdst")).isEqualTo(true);
        assertThat(date("!%H %z %Z", 1690000000)).isEqualTo("04 +0000 GMT");
        assertThat(os("time", table("year", 2023, "month", 7, "day", 1, "hour", 0))).isEqualTo(1688162400L);
        assertThat(os("time", table("year", 2023, "month", 7, "day", 1, "hour", 0, "isdst", false))).isEqualTo(1688166000L);
        assertThat(os("time", table("year", 2023, "month", 1, "day", 1, "hour", 0, "isdst", true))).isEqualTo(1672524000L);
        // in the spring gap and the autumn overlap
        assertThat(os("time", table("year", 2023, "month", 3, "day", 26, "hour", 2, "min", 30))).isEqualTo(1679794200L);
        assertThat(os("time", table("year", 2023, "month", 10, "day", 29, "hour", 2, "min", 30))).isEqualTo(1698543000L);
        zone(ZoneId.of("America/New_York"));
        assertThat(date("%z %Z", 0)).isEqualTo("-0500 EST");
    }

    // ---------------------------------------------------------------- time

    @Test
    void timeOfTables() {
        assertThat(os("time", table("year", 2020, "month", 1, "day", 1))).isEqualTo(1577880000L);
        assertThat(os("time", table("year", 2020, "month", 1, "day", 1, "hour", 0))).isEqualTo(1577836800L);
        assertThat(os("time", table("year", 2000, "month", 1, "day", "3"))).isEqualTo(946900800L);
        assertThat(os("time", table("year", 2000, "month", 1, "day", 1, "hour", 0, "isdst", true))).isEqualTo(946681200L);
        assertThat(os("time", table("year", 2000, "month", 1, "day", 1, "hour", 0, "isdst", "x"))).isEqualTo(946681200L);
        assertThat(os("time", table("year", 2000, "month", 1, "day", 1, "sec", Integer.MAX_VALUE))).isEqualTo(3094211647L);
        assertThat(os("time", table("year", 2000, "month", 1, "day", 1, "sec", Integer.MIN_VALUE))).isEqualTo(-1200755648L);
        assertThat(os("time", table("year", Integer.MAX_VALUE + 1900L, "month", 12, "day", 31, "hour", 23, "min", 59,
            "sec", 59))).isEqualTo(67768036191676799L);
        assertThat(os("time", table("year", Integer.MIN_VALUE + 1900L, "month", 1, "day", 1, "hour", 0)))
            .isEqualTo(-67768040609740800L);
    }

    @Test
    void timeNormalizesTheTable() {
        LuaTable t = table("year", 2021, "month", 14, "day", -3, "hour", 25, "min", -1, "sec", 70);
        assertThat(os("time", t)).isEqualTo(1643418010L);
        assertThat(list(Varargs.of(field(t, "year"), field(t, "month"), field(t, "day"), field(t, "hour"),
            field(t, "min"), field(t, "sec"), field(t, "yday"), field(t, "wday"), field(t, "isdst"))))
            .containsExactly(2022L, 1L, 29L, 1L, 0L, 10L, 29L, 7L, false);
    }

    @Test
    void timeErrors() {
        Object[][] cases = {
            {table(), "field 'year' missing in date table"},
            {table("year", 2000), "field 'month' missing in date table"},
            {table("year", 2000, "month", 1), "field 'day' missing in date table"},
            {table("year", 2000, "month", 1, "day", "x"), "field 'day' is not an integer"},
            {table("year", 2000, "month", 1, "day", 1.5), "field 'day' is not an integer"},
            {table("year", 2000, "month", "x"), "field 'month' is not an integer"},
            {table("year", 2000, "month", 1, "day", 1, "hour", "x", "min", "z", "sec", "y"), "field 'hour' is not an integer"},
            {table("year", 2000, "month", 1, "day", 1, "hour", true), "field 'hour' is not an integer"},
            {table("year", 1e100, "month", 1, "day", 1), "field 'year' is not an integer"},
            {table("year", 1L << 40, "month", 1, "day", 1), "field 'year' is out-of-bound"},
            {table("year", Integer.MIN_VALUE + 1899L, "month", 1, "day", 1), "field 'year' is out-of-bound"},
            {table("year", 2000, "month", 1, "day", 1, "sec", 1L << 31), "field 'sec' is out-of-bound"},
            {table("year", 2000, "month", 1, "day", 1, "sec", -(1L << 31) - 1), "field 'sec' is out-of-bound"},
            {table("year", 2000, "month", 1, "day", 1, "min", 1L << 40), "field 'min' is out-of-bound"},
            {table("year", Integer.MAX_VALUE + 1900L, "month", 13, "day", 1), "time result cannot be represented in this installation"},
            {table("year", Integer.MAX_VALUE + 1900L, "month", 12, "day", 31, "hour", 24),
                "time result cannot be represented in this installation"},
            {table("year", Integer.MIN_VALUE + 1900L, "month", 1, "day", 0, "hour", 0),
                "time result cannot be represented in this installation"},
            {table("year", 1969, "month", 12, "day", 31, "hour", 23, "min", 59, "sec", 59),
                "time result cannot be represented in this installation"},
        };
        for (Object[] c : cases) {
            assertThatThrownBy(() -> os("time", c[0])).as((String) c[1]).isInstanceOf(LuaError.class).hasMessage((String) c[1]);
        }
        assertThatThrownBy(() -> os("time", 1L)).hasMessage("bad argument #1 to 'os.time' (table expected, got number)");
    }

    @Test
    void timeUsesIndexMetamethods() {
        LuaTable defaults = table("year", 2020, "month", 1, "day", 1);
        LuaTable mt = new LuaTable();
        mt.put(s("__index"), defaults);
        LuaTable t = new LuaTable();
        t.setMetatable(mt);
        assertThat(os("time", t)).isEqualTo(1577880000L);
        assertThat(field(t, "year")).isEqualTo(2020L);
    }

    @Test
    void currentTimeAndClock() {
        long before = System.currentTimeMillis() / 1000;
        long now = (Long) os("time");
        assertThat(now).isBetween(before, before + 5);
        assertThat(os("time", (Object) null)).isInstanceOf(Long.class);
        Object c = os("clock");
        assertThat(c).isInstanceOf(Double.class);
        assertThat((Double) c).isGreaterThan(0.0);
        double busy = 0;
        for (int i = 0; i < 5_000_000; i++) {
            busy += Math.sqrt(i);
        }
        assertThat(busy).isPositive();
        assertThat((Double) os("clock")).isGreaterThan((Double) c);
    }

    @Test
    void difftime() {
        assertThat(os("difftime", 10L, 3L)).isEqualTo(7.0);
        assertThat(os("difftime", 10L, 3.0)).isEqualTo(7.0);
        assertThat(os("difftime", Long.MAX_VALUE, -1L)).isEqualTo(9.223372036854775807e18);
        assertThatThrownBy(() -> os("difftime", 10L)).hasMessage("bad argument #2 to 'os.difftime' (number expected, got no value)");
        assertThatThrownBy(() -> os("difftime", 1.5, 1L))
            .hasMessage("bad argument #1 to 'os.difftime' (number has no integer representation)");
    }

    // ---------------------------------------------------------------- process and environment

    @Test
    void exitThrowsLuaExit() {
        Object[][] cases = {{null, 0}, {true, 0}, {false, 1}, {3L, 3}, {2.0, 2}, {"7", 7}};
        for (Object[] c : cases) {
            Object[] args = c[0] == null ? new Object[0] : new Object[] {c[0]};
            assertThatThrownBy(() -> os("exit", args)).isInstanceOfSatisfying(LuaExit.class,
                e -> assertThat(e.status()).isEqualTo(c[1]));
        }
        assertThatThrownBy(() -> os("exit", 0L, true)).isInstanceOfSatisfying(LuaExit.class, e -> assertThat(e.close()).isTrue());
        assertThat(new LuaExit(0, false)).isNotInstanceOf(LuaError.class);
        assertThatThrownBy(() -> os("exit", "x")).hasMessage("bad argument #1 to 'os.exit' (number expected, got string)");
        assertThatThrownBy(() -> os("exit", 1.5))
            .hasMessage("bad argument #1 to 'os.exit' (number has no integer representation)");
    }

    @Test
    void getenv() {
        String path = System.getenv("PATH");
        assertThat(os("getenv", "PATH").toString()).isEqualTo(path);
        assertThat(os("getenv", "NO_SUCH_VARIABLE_LUNATIK_XYZ")).isNull();
        assertThatThrownBy(() -> os("getenv")).hasMessage("bad argument #1 to 'os.getenv' (string expected, got no value)");
    }

    @Test
    void setlocale() {
        assertThat(os("setlocale").toString()).isEqualTo("C");
        assertThat(os("setlocale", "C").toString()).isEqualTo("C");
        assertThat(os("setlocale", "").toString()).isEqualTo("C");
        assertThat(os("setlocale", "POSIX").toString()).isEqualTo("C");
        assertThat(os("setlocale", "fr_FR")).isNull();
        assertThat(os("setlocale", null, "numeric").toString()).isEqualTo("C");
        assertThatThrownBy(() -> os("setlocale", null, "x"))
            .hasMessage("bad argument #2 to 'os.setlocale' (invalid option 'x')");
    }

    // ---------------------------------------------------------------- files

    @Test
    void remove() throws IOException {
        Path f = Files.writeString(dir.resolve("f.txt"), "x");
        assertThat(os("remove", f.toString())).isEqualTo(true);
        assertThat(Files.exists(f)).isFalse();
        assertThat(list(os("remove", f.toString()))).containsExactly(null, f + ": No such file or directory", 2L);
        Path d = Files.createDirectory(dir.resolve("d"));
        Files.writeString(d.resolve("inner"), "x");
        assertThat(list(os("remove", d.toString()))).containsExactly(null, d + ": Directory not empty", 39L);
        Files.delete(d.resolve("inner"));
        assertThat(os("remove", d.toString())).isEqualTo(true);
        assertThatThrownBy(() -> os("remove")).hasMessage("bad argument #1 to 'os.remove' (string expected, got no value)");
    }

    @Test
    void rename() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "A");
        Path b = Files.writeString(dir.resolve("b"), "B");
        assertThat(os("rename", a.toString(), b.toString())).isEqualTo(true);
        assertThat(Files.readString(b)).isEqualTo("A");
        assertThat(Files.exists(a)).isFalse();
        assertThat(list(os("rename", a.toString(), b.toString()))).containsExactly(null, "No such file or directory", 2L);
        assertThat(list(os("rename", b.toString(), dir.resolve("nodir/x").toString())))
            .containsExactly(null, "No such file or directory", 2L);
        assertThatThrownBy(() -> os("rename", "x")).hasMessage("bad argument #2 to 'os.rename' (string expected, got no value)");
    }

    @Test
    void tmpname() throws IOException {
        String name = os("tmpname").toString();
        Path p = Path.of(name);
        try {
            assertThat(p.getFileName().toString()).matches("lua_[A-Za-z0-9]{6}");
            assertThat(Files.exists(p)).isTrue();
            Path other = Path.of(os("tmpname").toString());
            Files.delete(other);
            assertThat(other).isNotEqualTo(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void kernelStatesHaveNoOs() {
        assertThatThrownBy(() -> OsLib.open(new LuaState(Dialect.KERNEL))).isInstanceOf(IllegalArgumentException.class);
    }
}
