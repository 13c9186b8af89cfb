package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.Test;

/**
 * {@code string.format}. Expected values come from the reference lua5.4 (5.4.4), run under
 * pcall; see {@link StringLibTest} for the notation. The KERNEL cases follow the Lunatik
 * specification (float conversions and %p refused).
 */
class StringFormatTest {
    private final LuaState L = StringLibTest.newState(Dialect.FULL);

    private void check(String expected, String fn, Object... args) {
        StringLibTest.check(L, expected, fn, args);
    }

    private void checkError(String expected, String fn, Object... args) {
        StringLibTest.checkError(L, expected, fn, args);
    }

    @Test
    void pointers() {
        LuaTable t = new LuaTable();
        String p = StringLibTest.show(StringLibTest.invoke(L, "format", "%p", t));
        assertThat(p).matches("0x[0-9a-f]+");
        assertThat(StringLibTest.show(StringLibTest.invoke(L, "format", "%p", t))).isEqualTo(p);
        check("1:(null)", "format", "%p", 1L);
        check("1:(null)", "format", "%p", (Object) null);
        check("1:(null)    |", "format", "%-10p|", 1L);
        check("1:    (null)|", "format", "%10p|", (Object) null);
        check("1:(null)|", "format", "%5p|", true);
    }

    @Test
    void stringUsesTostringMetamethod() {
        LuaTable t = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Ops.str("__tostring"), new LibFunction(L, "ts", "ts", a -> Ops.str("OBJ")));
        t.setMetatable(mt);
        check("1:[OBJ]", "format", "[%s]", t);
        check("1:  OBJ|", "format", "%5s|", t);
        LuaTable named = new LuaTable();
        LuaTable nmt = new LuaTable();
        nmt.put(Ops.str("__name"), Ops.str("MyType"));
        named.setMetatable(nmt);
        assertThat(StringLibTest.show(StringLibTest.invoke(L, "format", "%s", named))).startsWith("MyType: 0x");
        LuaTable bad = new LuaTable();
        LuaTable bmt = new LuaTable();
        bmt.put(Ops.str("__tostring"), new LibFunction(L, "ts", "ts", a -> new LuaTable()));
        bad.setMetatable(bmt);
        checkError("'__tostring' must return a string", "format", "%s", bad);
    }

    @Test
    void kernelRefusesFloatConversions() {
        LuaState k = StringLibTest.newState(Dialect.KERNEL);
        for (String c : new String[] {"a", "A", "e", "E", "f", "g", "G", "p"}) {
            StringLibTest.checkError(k, "invalid conversion '%" + c + "' to 'format'", "format", "%" + c, 1L);
        }
        StringLibTest.checkError(k, "invalid conversion '%5.1f' to 'format'", "format", "%5.1f", 1L);
        StringLibTest.check(k, "1:42 2a x \"q\" 9223372036854775807", "format", "%d %x %s %q %q", 42L, 42L, "x", "q",
            Long.MAX_VALUE);
        StringLibTest.check(k, "1:  7|", "format", "%3i|", "7");
        StringLibTest.checkError(k, "bad argument #2 to 'string.format' (number expected, got string)", "format", "%d",
            "1.0");
    }

    @Test
    void specificationChecks() {
        check("1:   ab|", "format", "%5.2s|", "abc");
        checkError("invalid conversion specification: '%100d'", "format", "%100d", 1L);
        check("1:" + " ".repeat(98) + "1", "format", "%99d", 1L);
        check("1:1." + "0".repeat(99), "format", "%.99f", 1L);
        checkError("invalid conversion specification: '%.100f'", "format", "%.100f", 1L);
        checkError("invalid conversion specification: '%-+ #0d'", "format", "%-+ #0d", 1L);
        checkError("invalid conversion specification: '%#d'", "format", "%#d", 1L);
        checkError("invalid conversion specification: '%+x'", "format", "%+x", 255L);
        checkError("invalid conversion '%y' to 'format'", "format", "%y", 1L);
        checkError("invalid conversion '%-5y' to 'format'", "format", "%-5y", 1L);
        checkError("invalid conversion '%' to 'format'", "format", "%", 1L);
        checkError("invalid conversion '%10' to 'format'", "format", "%10", 1L);
        checkError("bad argument #2 to 'string.format' (no value)", "format", "a%");
        checkError("invalid format (too long)", "format", "%" + "1".repeat(30) + "d", 1L);
        check("1:1", "format", "%--------------------d", 1L);
        checkError("invalid format (too long)", "format", "%---------------------d", 1L);
        checkError("invalid conversion specification: '%......d'", "format", "%......d", 1L);
        checkError("invalid conversion specification: '%1.1.1d'", "format", "%1.1.1d", 1L);
        check("1:1    |", "format", "%--5d|", 1L);
        check("1:    1|", "format", "%  5d|", 1L);
        check("1:1    |", "format", "%0-5d|", 1L);
        check("1:1    |", "format", "%-05d|", 1L);
        check("1:+1|", "format", "%+ d|", 1L);
        check("1:+1|", "format", "% +d|", 1L);
        check("1:   01|", "format", "%05.2d|", 1L);
        check("1:    1|", "format", "%5.d|", 1L);
        check("1:|", "format", "%.d|", 0L);
        check("1:00001|", "format", "%-.5d|", 1L);
        check("1:00001|", "format", "%0.5d|", 1L);
        check("1:1|", "format", "%00d|", 1L);
        check("1:1|", "format", "%-0d|", 1L);
        checkError("invalid conversion specification: '%05s'", "format", "%05s|", "x");
        checkError("invalid conversion specification: '%010s'", "format", "%010s|", "ab");
        checkError("invalid conversion specification: '%#s'", "format", "%#s|", "ab");
        checkError("invalid conversion specification: '%5.1p'", "format", "%5.1p|", new LuaTable());
        checkError("invalid conversion specification: '%.5c'", "format", "%.5c|", 65L);
        checkError("invalid conversion specification: '%05c'", "format", "%05c|", 65L);
        checkError("invalid conversion specification: '%+u'", "format", "%+u|", 255L);
        checkError("invalid conversion specification: '% u'", "format", "% u|", 255L);
        checkError("invalid conversion '%F' to 'format'", "format", "%F", 0x1p+0);
        checkError("invalid conversion specification: '%#5.123a'", "format", "%#5.123a", "x");
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%#5.123e", "x");
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%#5.123u", "x");
        checkError("invalid conversion specification: '%#5.123s'", "format", "%#5.123s", new LuaTable());
        checkError("invalid conversion specification: '%.3p'", "format", "%.3p", "x");
        checkError("invalid conversion specification: '%05c'", "format", "%05c", "x");
        checkError("bad argument #2 to 'string.format' (number has no integer representation)", "format", "%05x", 0x1.8p+0);
        checkError("bad argument #2 to 'string.format' (string contains zeros)", "format", "%05s", "a\000");
        checkError("specifier '%q' cannot have modifiers", "format", "%05q", new LuaTable());
        checkError("specifier '%q' cannot have modifiers", "format", "%-5.2q", "abc");
        checkError("specifier '%q' cannot have modifiers", "format", "%10q", "x");
        checkError("specifier '%q' cannot have modifiers", "format", "%.3q", "ab");
        checkError("specifier '%q' cannot have modifiers", "format", "%-q", "ab");
    }

    @Test
    void argumentErrors() {
        checkError("bad argument #2 to 'string.format' (number has no integer representation)", "format", "%d", 0x1.8p+0);
        check("1:1", "format", "%d", "1.0");
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%d", "x");
        checkError("bad argument #2 to 'string.format' (no value)", "format", "%d");
        checkError("bad argument #2 to 'string.format' (number expected, got nil)", "format", "%d", (Object) null);
        checkError("bad argument #3 to 'string.format' (no value)", "format", "%d %s", 1L);
        checkError("bad argument #3 to 'string.format' (no value)", "format", "%s|%s", "a");
        checkError("bad argument #2 to 'string.format' (no value)", "format", "%5%");
        checkError("bad argument #1 to 'string.format' (string expected, got no value)", "format");
        check("1:12", "format", 12L);
        checkError("bad argument #2 to 'string.format' (number has no integer representation)", "format", "%d", 0x1p+63);
        checkError("bad argument #2 to 'string.format' (number has no integer representation)", "format", "%x", 0x1p+63);
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%i", "x");
        checkError("bad argument #2 to 'string.format' (number expected, got table)", "format", "%e", new LuaTable());
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%f", "x");
        checkError("bad argument #2 to 'string.format' (no value)", "format", "%s");
        checkError("bad argument #2 to 'string.format' (no value)", "format", "%q");
        checkError("bad argument #2 to 'string.format' (value has no literal form)", "format", "%q", new LuaTable());
        checkError("bad argument #2 to 'string.format' (number expected, got string)", "format", "%c", "x");
    }

    @Test
    void integers() {
        check("1:3", "format", "%d", 0x1.8p+1);
        check("1:3", "format", "%x", 0x1.8p+1);
        check("1:16", "format", "%d", "0x10");
        check("1:10", "format", "%d", " 10 ");
        check("1:100", "format", "%d", "1e2");
        check("1:18446744073709551615", "format", "%u", -1L);
        check("1:42", "format", "%i", 42L);
        check("1:10", "format", "%o", 8L);
        check("1:FF", "format", "%X", 255L);
        check("1:ffffffffffffffff", "format", "%x", -1L);
        check("1:a", "format", "%x", "10");
        check("1:  007|", "format", "%5.3d|", 7L);
        check("1:7    |", "format", "%-5d|", 7L);
        check("1:-0007|", "format", "%05d|", -7L);
        check("1:+7  7", "format", "%+d % d", 7L, 7L);
        check("1:|", "format", "%.0d|", 0L);
        check("1:0xff|", "format", "%#x|", 255L);
        check("1:010|", "format", "%#o|", 8L);
        check("1:0|", "format", "%#o|", 0L);
        check("1:0|", "format", "%#x|", 0L);
        check("1:0x001|", "format", "%#.3x|", 1L);
        check("1:0x000001|", "format", "%#08x|", 1L);
        check("1:0XFF    |", "format", "%#-8X|", 255L);
        check("1:255     |", "format", "%-8u|", 255L);
        check("1:00000255|", "format", "%08u|", 255L);
        check("1:00255|", "format", "%.5u|", 255L);
        check("1:-9223372036854775808", "format", "%d", Long.MIN_VALUE);
        check("1:9223372036854775807", "format", "%d", 9223372036854775807L);
        check("1: -007|", "format", "%5.3d|", -7L);
        check("1:+007|", "format", "%+.3d|", 7L);
        check("1:+7   |", "format", "%-+5d|", 7L);
        check("1:+0007|", "format", "%+05d|", 7L);
        check("1: 0007|", "format", "% 05d|", 7L);
        check("1:" + "0".repeat(98) + "1", "format", "%099d", 1L);
        check("1:||", "format", "%.0x|%.0o|%.0u", 0L, 0L, 0L);
        check("1:0|", "format", "%#.0o|", 0L);
        check("1:8000000000000000 8000000000000000 1000000000000000000000", "format", "%x %X %o", Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        check("1:+0| 0", "format", "%+d|% d", 0L, 0L);
        check("1:A", "format", "%c", 65L);
        check("1:    A|", "format", "%5c|", 65L);
        check("1:A    |", "format", "%-5c|", 65L);
        check("1:A", "format", "%c", 321L);
        check("1:A", "format", "%c", -191L);
        check("1:A", "format", "%c", "65");
        check("1:\000\001\377", "format", "%c%c%c", 0L, 1L, 255L);
        check("1:\000    |", "format", "%-5c|", 0L);
    }

    @Test
    void floats() {
        check("1:1.234568e+04", "format", "%e", 0x1.81cd6c8b43958p+13);
        check("1:1.234568E+04", "format", "%E", 0x1.81cd6c8b43958p+13);
        check("1:1e+20", "format", "%g", 0x1.5af1d78b58c4p+66);
        check("1:1E-20", "format", "%G", 0x1.79ca10c924223p-67);
        check("1:inf", "format", "%f", Double.POSITIVE_INFINITY);
        check("1:nan", "format", "%f", Double.NaN);
        check("1:-nan", "format", "%f", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:     3.142|", "format", "%10.3f|", 0x1.921fb54442d18p+1);
        check("1:3.142     |", "format", "%-10.3f|", 0x1.921fb54442d18p+1);
        check("1:+00003.142|", "format", "%+010.3f|", 0x1.921fb54442d18p+1);
        check("1:3.|", "format", "%#.0f|", 3L);
        check("1:3.00000|", "format", "%#g|", 3L);
        check("1:100000000000000001097906362944045541740492309677311846336810682903157585404911491537163328978494688899061249669721172515611590283743140088328307009198146046031271664502933027185697489699588559043338384466165001178426897626212945177628091195786707458122783970171784415105291802893207873272974885715430223118336." + "0".repeat(99), "format", "%.99f", 0x1.1ccf385ebc8ap+1023);
        check("1:1." + "0".repeat(99), "format", "%99.99f", 1L);
        check("1:0.1000000000000000055511151231257827021181583404541015625", "format", "%.99g", 0x1.999999999999ap-4);
        check("1:1.000000000000000055511151231257827021181583404541015625" + "0".repeat(45) + "e-01", "format", "%.99e", 0x1.999999999999ap-4);
        check("1:-003.142|", "format", "%08.3f|", -0x1.921f9f01b866ep+1);
        check("1:     inf|", "format", "%08f|", Double.POSITIVE_INFINITY);
        check("1:-inf    |", "format", "%-8f|", Double.NEGATIVE_INFINITY);
        check("1:+inf|", "format", "%+f|", Double.POSITIVE_INFINITY);
        check("1:-nan|", "format", "% f|", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:+0.000e+00|", "format", "%+.3e|", 0L);
        check("1:0.000123|", "format", "%.3g|", 0x1.02c9dedbc309dp-13);
        check("1:1.00|", "format", "%#.3g|", 1L);
        check("1:1E-300|", "format", "%G|", 0x1.56e1fc2f8f359p-997);
        check("1:-NAN|", "format", "%E|", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:-INF|", "format", "%G|", Double.NEGATIVE_INFINITY);
        check("1:3.000000e+00", "format", "%e", 3L);
        check("1:9.007199254741e+15", "format", "%.14g", 0x1p+53);
        check("1:1.500000", "format", "%f", "1.5");
        check("1:2.001", "format", "%.3f", 0x1.0010624dd2f1bp+1);
        check("1:0", "format", "%.0f", 0x1p-1);
        check("1:2", "format", "%.0f", 0x1.8p+0);
        check("1:2", "format", "%.0f", 0x1.4p+1);
        check("1:100000", "format", "%g", 100000L);
        check("1:1e+06", "format", "%g", 1000000L);
        check("1:0.0001", "format", "%g", 0x1.a36e2eb1c432dp-14);
        check("1:1e-05", "format", "%g", 0x1.4f8b588e368f1p-17);
        check("1:2e+01", "format", "%.0g", 15L);
        check("1:2.e+01", "format", "%#.0e", 15L);
        check("1:-0.000000", "format", "%f", -0x0p+0);
        check("1:-0.000000", "format", "%+f", -0x0p+0);
        check("1: 0.0", "format", "% .1f", 0x0p+0);
        check("1: 10.0|1.00e+01|", "format", "%5.1f|%-7.2e|", 0x1.3eb851eb851ecp+3, 0x1.3fdf3b645a1cbp+3);
        check("1:4.94066e-324", "format", "%g", 0x0.0000000000001p-1022);
        check("1:0.10000000000000001", "format", "%.17g", 0x1.999999999999ap-4);
        check("1:-9223372036854775808.000000", "format", "%f", Long.MIN_VALUE);
    }

    @Test
    void hexFloats() {
        check("1:0x1.8p+1", "format", "%a", 0x1.8p+1);
        check("1:0X1.999999999999AP-4", "format", "%A", 0x1.999999999999ap-4);
        check("1:0x0p+0", "format", "%a", 0x0p+0);
        check("1:-0x0p+0", "format", "%a", -0x0p+0);
        check("1:inf", "format", "%a", Double.POSITIVE_INFINITY);
        check("1:-inf", "format", "%a", Double.NEGATIVE_INFINITY);
        check("1:-nan", "format", "%a", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:0x1.555p-2", "format", "%.3a", 0x1.5555555555555p-2);
        check("1:0x2p+0", "format", "%.0a", 0x1.8p+0);
        check("1:0x1p+1", "format", "%.0a", 0x1.4p+1);
        check("1:0x0.0000000000001p-1022", "format", "%a", 0x0.0000000000001p-1022);
        check("1:0x1p-1022", "format", "%a", 0x1p-1022);
        check("1:0x0.012688b70e62bp-1022", "format", "%a", 0x0.012688b70e62bp-1022);
        check("1:0x1.p+0", "format", "%#a", 0x1p+0);
        check("1:              0x1p+0|", "format", "%20a|", 0x1p+0);
        check("1:0x1p+0              |", "format", "%-20a|", 0x1p+0);
        check("1:0x000000000000001p+0|", "format", "%020a|", 0x1p+0);
        check("1:+0x1p+0", "format", "%+a", 0x1p+0);
        check("1: 0x1p+0", "format", "% a", 0x1p+0);
        check("1:0x1p+0", "format", "%a", 1L);
        check("1:0x1.2p+0", "format", "%.1a", 0x1.18p+0);
        check("1:0x1.2p+0", "format", "%.1a", 0x1.28p+0);
        check("1:0x1.2p+0", "format", "%.1a", 0x1.181p+0);
        check("1:0x2p+0", "format", "%.0a", 0x1.8p+0);
        check("1:0x2p+0", "format", "%.0a", 0x1.fp+0);
        check("1:0x2.00p+0", "format", "%.2a", 0x1.ffffp+0);
        check("1:0x1.80000000000000000000p+0", "format", "%.20a", 0x1.8p+0);
        check("1:0x0.000p-1022", "format", "%.3a", 0x0.0000000000001p-1022);
        check("1:0x0p-1022", "format", "%.0a", 0x0.0000000000001p-1022);
        check("1:0x1.0p-1022", "format", "%.1a", 0x0.f8p-1022);
        check("1:INF", "format", "%A", Double.POSITIVE_INFINITY);
        check("1:-NAN", "format", "%A", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:-0X0P+0", "format", "%A", -0x0p+0);
        check("1:-0X01.8P+0|", "format", "%010A|", -0x1.8p+0);
        check("1:       inf|", "format", "%010a|", Double.POSITIVE_INFINITY);
        check("1:0x1p+63", "format", "%a", 9223372036854775807L);
        check("1:0x1p+4", "format", "%a", "0x10");
        check("1:0x1.ffbe76c8b4396p+1023", "format", "%a", 0x1.ffbe76c8b4396p+1023);
        check("1:-0x0.0000000000001p-1022", "format", "%a", -0x0.0000000000001p-1022);
        check("1:0x1.199999999999ap+0", "format", "%.13a", 0x1.199999999999ap+0);
        check("1:0x1.19999999999ap+0", "format", "%.12a", 0x1.199999999999ap+0);
        check("1:0x1.p+0", "format", "%#.0a", 0x1p+0);
        check("1:0x1.7e43c8800759cp+996", "format", "%a", 0x1.7e43c8800759cp+996);
    }

    @Test
    void strings() {
        check("1:nil", "format", "%s", (Object) null);
        check("1:1 2.0", "format", "%s %s", 1L, 0x1p+1);
        check("1:abc", "format", "%.3s", "abcdef");
        check("1:        ab|", "format", "%10s|", "ab");
        check("1:a\000b", "format", "%s", "a\000b");
        checkError("bad argument #2 to 'string.format' (string contains zeros)", "format", "%10s", "a\000b");
        checkError("bad argument #2 to 'string.format' (string contains zeros)", "format", "%5.2s|", "a\000b");
        check("1:" + "a\000".repeat(60), "format", "%s", "a\000".repeat(60));
        check("1:" + "a".repeat(120), "format", "%5s", "a".repeat(120));
        check("1:aaaaa", "format", "%.5s", "a".repeat(120));
        check("1:abc  |", "format", "%-5s|", "abc");
        check("1:    a|", "format", "%5.1s|", "abc");
        check("1:|", "format", "%.0s|", "abc");
        check("1:   12|", "format", "%5.2s|", 0x1.9p+3);
        check("1:    a|b    |", "format", "%5s|%-5s|", "a", "b");
        check("1:true", "format", "%s", true);
        check("1:1e+15", "format", "%s", 0x1.c6bf52634p+49);
        check("1:-0.0", "format", "%s", -0x0p+0);
        check("1:1e+100", "format", "%s", 0x1.249ad2594c37dp+332);
        check("1:-9223372036854775808", "format", "%s", Long.MIN_VALUE);
        check("1:%", "format", "%%");
        check("1:abc", "format", "abc");
        check("1:%1", "format", "%%%d", 1L);
        check("1:a\000b1", "format", "a\000b%d", 1L);
        checkError("invalid conversion specification: '%-200s'", "format", "%-200s", "a");
        check("1:" + " ".repeat(98) + "a|", "format", "%99s|", "a");
    }

    @Test
    void quoted() {
        check("1:\"a\\\012b\\0c\\1d\\\"\\\\\\13\\0001\310\"", "format", "%q", "a\012b\000c\001d\"\\\015\0001\310");
        check("1:0x8000000000000000", "format", "%q", Long.MIN_VALUE);
        check("1:9223372036854775807", "format", "%q", 9223372036854775807L);
        check("1:1e9999", "format", "%q", Double.POSITIVE_INFINITY);
        check("1:-1e9999", "format", "%q", Double.NEGATIVE_INFINITY);
        check("1:(0/0)", "format", "%q", Double.longBitsToDouble(0xfff8000000000000L));
        check("1:0x1.8p+0", "format", "%q", 0x1.8p+0);
        check("1:0x1p+0", "format", "%q", 0x1p+0);
        check("1:0x1.999999999999ap-4", "format", "%q", 0x1.999999999999ap-4);
        check("1:-0x0p+0", "format", "%q", -0x0p+0);
        check("1:0x1p+63", "format", "%q", 0x1p+63);
        check("1:0x1.249ad2594c37dp+332", "format", "%q", 0x1.249ad2594c37dp+332);
        check("1:0x0.0000000000001p-1022", "format", "%q", 0x0.0000000000001p-1022);
        check("1:0x1p-1", "format", "%q", 0x1p-1);
        check("1:0x1.9p+6", "format", "%q", 0x1.9p+6);
        check("1:-0x1.12e0be826d695p-33", "format", "%q", -0x1.12e0be826d695p-33);
        check("1:255", "format", "%q", 255L);
        check("1:-5", "format", "%q", -5L);
        check("1:true", "format", "%q", true);
        check("1:false", "format", "%q", false);
        check("1:nil", "format", "%q", (Object) null);
        check("1:\"\\13\\9\\127\377\"", "format", "%q", "\015\011\177\377");
        check("1:\"\\0009\"", "format", "%q", "\0009");
        check("1:\"\342\202\"", "format", "%q", "\342\202");
        check("1:\"\\9\"", "format", "%q", "\011");
        check("1:\"\\13\\\012\"", "format", "%q", "\015\012");
        check("1:\"\\0\"", "format", "%q", "\000");
        check("1:\"\\0a\"", "format", "%q", "\000a");
        check("1:\"\\1\\0012\"", "format", "%q", "\001\0012");
        check("1:\"\\0319\"", "format", "%q", "\0379");
        check("1:\"\"", "format", "%q", "");
        check("1:\"a\"1", "format", "%q%q", "a", 1L);
    }
}
