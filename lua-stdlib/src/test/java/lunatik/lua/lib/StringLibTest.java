package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.Test;

/**
 * The string library's table, metatable and simple functions. Expected values were produced
 * by running the same calls in the reference lua5.4 (5.4.4) under pcall; results are written
 * as "count:v1\tv2..." with values as print shows them.
 *
 * <p>The static helpers here are shared by the other String*Test classes.
 */
class StringLibTest {
    private final LuaState L = newState(Dialect.FULL);

    // ---------------------------------------------------------------- shared helpers

    /** A state with the string library open. */
    static LuaState newState(Dialect d) {
        LuaState L = new LuaState(d);
        StringLib.open(L);
        return L;
    }

    /** A Lua string whose bytes are the chars of {@code s} (all below 256). */
    static LuaString bytes(String s) {
        return LuaString.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The bytes of a Lua string as chars. */
    static String text(LuaString s) {
        return new String(s.bytes(), 0, s.length(), StandardCharsets.ISO_8859_1);
    }

    static Object[] luaArgs(Object... args) {
        Object[] r = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            r[i] = a instanceof String s ? bytes(s) : a instanceof Integer n ? (Object) n.longValue() : a;
        }
        return r;
    }

    /** The function {@code string.name}, or the metamethod {@code name} when it starts with "__". */
    static LuaFunction function(LuaState L, String name) {
        LuaTable t = name.startsWith("__") ? L.stringMetatable() : (LuaTable) L.globals.get(Ops.str("string"));
        return (LuaFunction) t.get(Ops.str(name));
    }

    static Object invoke(LuaState L, String fn, Object... args) {
        return function(L, fn).invoke(luaArgs(args));
    }

    /** A value as print shows it (strings as their bytes). */
    static String show(Object v) {
        if (v instanceof LuaString s) {
            return text(s);
        }
        if (v == null) {
            return "nil";
        }
        if (v instanceof Long || v instanceof Double) {
            return Ops.toJavaString(v);
        }
        return String.valueOf(v);
    }

    /** A call result as "count:v1\tv2...". */
    static String render(Object result) {
        int n = Varargs.count(result);
        StringBuilder sb = new StringBuilder().append(n).append(':');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            sb.append(show(Varargs.get(result, i)));
        }
        return sb.toString();
    }

    static void check(LuaState L, String expected, String fn, Object... args) {
        assertThat(render(invoke(L, fn, args))).as("%s%s", fn, Arrays.toString(args)).isEqualTo(expected);
    }

    static void checkError(LuaState L, String expected, String fn, Object... args) {
        assertThatThrownBy(() -> invoke(L, fn, args))
            .as("%s%s", fn, Arrays.toString(args))
            .isInstanceOf(LuaError.class)
            .extracting(e -> show(((LuaError) e).value()))
            .isEqualTo(expected);
    }

    /** All iterations of gmatch, each as the render of its first three values, joined by '|'. */
    static String gmatch(LuaState L, Object s, Object p, Object init) {
        LuaFunction it = (LuaFunction) invoke(L, "gmatch", s, p, init);
        List<String> out = new ArrayList<>();
        while (true) {
            Object r = it.call();
            if (Varargs.first(r) == null) {
                return String.join("|", out);
            }
            out.add(render(Varargs.of(Varargs.get(r, 0), Varargs.get(r, 1), Varargs.get(r, 2))));
        }
    }

    private void check(String expected, String fn, Object... args) {
        check(L, expected, fn, args);
    }

    private void checkError(String expected, String fn, Object... args) {
        checkError(L, expected, fn, args);
    }

    // ---------------------------------------------------------------- open

    @Test
    void openInstallsTableAndMetatable() {
        LuaTable string = (LuaTable) L.globals.get(Ops.str("string"));
        assertThat(string).isNotNull();
        for (String name : new String[] {"byte", "char", "dump", "find", "format", "gmatch", "gsub", "len", "lower",
            "match", "rep", "reverse", "sub", "upper", "pack", "packsize", "unpack"}) {
            assertThat(string.get(Ops.str(name))).as(name).isInstanceOf(LuaFunction.class);
        }
        LuaTable mt = L.getMetatable(Ops.str("x"));
        assertThat(mt).isSameAs(L.stringMetatable());
        assertThat(mt.get(Meta.INDEX)).isSameAs(string);
        for (String e : new String[] {"__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv", "__unm"}) {
            assertThat(mt.get(Ops.str(e))).as(e).isInstanceOf(LuaFunction.class);
        }
        assertThat(Ops.index(L, Ops.str("abc"), Ops.str("upper"), null)).isSameAs(string.get(Ops.str("upper")));
    }

    @Test
    void kernelMetatableHasNoDivOrPow() {
        LuaState k = newState(Dialect.KERNEL);
        LuaTable mt = k.stringMetatable();
        assertThat(mt.get(Ops.str("__div"))).isNull();
        assertThat(mt.get(Ops.str("__pow"))).isNull();
        check(k, "1:3", "__idiv", "7", "2");
        check(k, "1:11", "__add", "10", "1");
        checkError(k, "attempt to add a 'string' with a 'string'", "__add", "1.5", "1");
        check(k, "1:-5", "__unm", "5", "5");
    }

    @Test
    void arithmeticMetamethodDefersToTheOtherOperand() {
        LuaTable t = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Ops.str("__add"), function(L, "len"));
        mt.put(Ops.str("__unm"), function(L, "len"));
        t.setMetatable(mt);
        // the table's __add (here string.len, which counts its first argument) gets (a, b)
        assertThat(invoke(L, "__add", "abc", t)).isEqualTo(3L);
        assertThat(invoke(L, "__unm", "abcd", t)).isEqualTo(4L);
    }

    @Test
    void repDoesNotExhaustMemory() {
        checkError("resulting string too large", "rep", "x", (long) Integer.MAX_VALUE);
        checkError("resulting string too large", "rep", "ab", 1L << 30, "");
        LuaString r = (LuaString) invoke(L, "rep", "abc", 100000, ",");
        assertThat(r.length()).isEqualTo(399999);
        assertThat(text(r.substring(0, 8))).isEqualTo("abc,abc,");
        assertThat(text(r.substring(399995, 399999))).isEqualTo(",abc");
    }


    @Test
    void byteFunction() {
        check("1:97", "byte", "abc");
        check("1:99", "byte", "abc", -1L);
        check("0:", "byte", "abc", 0L);
        check("3:97\01198\01199", "byte", "abc", 1L, -1L);
        check("0:", "byte", "abc", 10L);
        check("2:97\01198", "byte", "abc", -10L, 2L);
        check("0:", "byte", "");
        check("0:", "byte", "abc", 2L, 1L);
        check("3:97\01198\01199", "byte", "abc", 1L, 0x1p+53);
        checkError("bad argument #2 to 'string.byte' (number has no integer representation)", "byte", "abc", 0x1.8p+0);
        check("3:97\01198\01199", "byte", "abc", Long.MIN_VALUE, 9223372036854775807L);
        check("2:0\011255", "byte", "\000\377", 1L, 2L);
        check("1:50", "byte", 123L, 2L);
        checkError("bad argument #1 to 'string.byte' (string expected, got no value)", "byte");
    }

    @Test
    void charFunction() {
        check("1:Hi", "char", 72L, 105L);
        check("1:", "char");
        checkError("bad argument #1 to 'string.char' (value out of range)", "char", 256L);
        checkError("bad argument #1 to 'string.char' (value out of range)", "char", -1L);
        check("1:ABC", "char", 65L, "66", 0x1.0cp+6);
        checkError("bad argument #2 to 'string.char' (number has no integer representation)", "char", 65L, 0x1.0ap+6);
        check("1:\000\377", "char", 0L, 255L);
        checkError("bad argument #2 to 'string.char' (number expected, got nil)", "char", 65L, (Object) null);
        checkError("bad argument #2 to 'string.char' (number expected, got string)", "char", 65L, "x");
    }

    @Test
    void subFunction() {
        check("1:ello", "sub", "hello", 2L);
        check("1:ll", "sub", "hello", -3L, -2L);
        check("1:hello", "sub", "hello", 0L);
        check("1:", "sub", "hello", 10L);
        check("1:hello", "sub", "hello", -100L, 100L);
        check("1:", "sub", "hello", 3L, 2L);
        check("1:hello", "sub", "hello", Long.MIN_VALUE, 9223372036854775807L);
        check("1:", "sub", "hello", 2L, 0L);
        check("1:o", "sub", "hello", -1L);
        check("1:", "sub", "hello", 1L, -6L);
        check("1:o", "sub", "hello", 5L, 5L);
        check("1:", "sub", "hello", 6L);
        checkError("bad argument #2 to 'string.sub' (number expected, got no value)", "sub", "");
        checkError("bad argument #2 to 'string.sub' (number expected, got no value)", "sub", "x");
        check("1:el", "sub", "hello", "2", "3");
        check("1:el", "sub", "hello", 0x1p+1, 0x1.8p+1);
        checkError("bad argument #2 to 'string.sub' (number has no integer representation)", "sub", "hello", 0x1.4p+1);
        check("1:234", "sub", 12345L, 2L, -2L);
    }

    @Test
    void repFunction() {
        check("1:ab,ab,ab", "rep", "ab", 3L, ",");
        check("1:ababab", "rep", "ab", 3L);
        check("1:", "rep", "x", 0L);
        check("1:", "rep", "x", -1L);
        check("1:", "rep", "", 100000000L);
        check("1:", "rep", "", 100000000L, "");
        check("1:x", "rep", "x", 1L, ",");
        check("1:xx", "rep", "x", 2L, "");
        check("1:abc--abc--abc--abc--abc", "rep", "abc", 5L, "--");
        checkError("resulting string too large", "rep", "x", 0x1p+40);
        checkError("bad argument #2 to 'string.rep' (number has no integer representation)", "rep", "x", 0x1.249ad2594c37dp+332);
        checkError("resulting string too large", "rep", "xx", 9223372036854775807L);
        checkError("resulting string too large", "rep", "x", 9223372036854775807L, ",");
        checkError("bad argument #1 to 'string.rep' (string expected, got no value)", "rep");
        checkError("bad argument #2 to 'string.rep' (number expected, got no value)", "rep", "x");
        checkError("bad argument #2 to 'string.rep' (number has no integer representation)", "rep", "x", 0x1.4p+1);
        check("1:777", "rep", 7L, 3L);
        check("1:a\000\000a\000\000a\000", "rep", "a\000", 3L, "\000");
    }

    @Test
    void caseLenReverse() {
        check("1:ABC\310Z", "upper", "aBc\310z");
        check("1:abc\310z", "lower", "ABC\310Z");
        check("1:", "upper", "");
        check("1:@[`{", "lower", "@[`{");
        check("1:@[`{", "upper", "@[`{");
        check("1:cba", "reverse", "abc");
        check("1:", "reverse", "");
        check("1:b\000a", "reverse", "a\000b");
        check("1:3", "len", "a\000b");
        check("1:0", "len", "");
        check("1:2", "len", 12L);
        check("1:3", "len", 0x1.8p+0);
        checkError("bad argument #1 to 'string.len' (string expected, got nil)", "len", (Object) null);
        checkError("bad argument #1 to 'string.len' (string expected, got no value)", "len");
        checkError("bad argument #1 to 'string.upper' (string expected, got nil)", "upper", (Object) null);
        checkError("bad argument #1 to 'string.reverse' (string expected, got table)", "reverse", new LuaTable());
    }

    @Test
    void dumpFunction() {
        checkError("bad argument #1 to 'string.dump' (function expected, got no value)", "dump");
        checkError("bad argument #1 to 'string.dump' (function expected, got number)", "dump", 1L);
        checkError("bad argument #1 to 'string.dump' (function expected, got string)", "dump", "x");
    }

    @Test
    void stringArithmetic() {
        check("1:11", "__add", "10", "1");
        check("1:11", "__add", "10", 1L);
        check("1:11", "__add", 1L, "10");
        check("1:11.5", "__add", "10.5", "1");
        check("1:17", "__add", "0x10", "1");
        check("1:11", "__add", " 10 ", "1");
        check("1:11.0", "__add", "1e1", "1");
        checkError("attempt to add a 'string' with a 'number'", "__add", "abc", 1L);
        checkError("attempt to add a 'number' with a 'string'", "__add", 1L, "abc");
        checkError("attempt to add a 'string' with a 'table'", "__add", "10", new LuaTable());
        checkError("attempt to add a 'table' with a 'string'", "__add", new LuaTable(), "10");
        checkError("attempt to add a 'string' with a 'boolean'", "__add", "10", true);
        checkError("attempt to add a 'string' with a 'nil'", "__add", "10", (Object) null);
        check("1:2", "__add", "1");
        checkError("attempt to add a 'string' with a 'nil'", "__add", "x");
        check("1:3", "__add", 1L, 2L);
        check("1:6.5", "__sub", "10", "3.5");
        check("1:7", "__sub", "10", "3");
        check("1:32", "__mul", "0x10", " 2 ");
        check("1:12", "__mul", "3", "4");
        check("1:-1", "__mod", "7", "-2");
        check("1:1.5", "__mod", "7.5", "2");
        check("1:3", "__idiv", "7", "2");
        checkError("attempt to divide by zero", "__idiv", "7", "0");
        check("1:inf", "__idiv", "7.0", "0");
        check("1:inf", "__div", "1", "0");
        check("1:3.5", "__div", "7", "2");
        check("1:1.4142135623731", "__pow", "2", "0.5");
        check("1:8.0", "__pow", "2", "3");
        check("1:-5", "__unm", "5", "5");
        check("1:-7", "__unm", "5", "7");
        check("1:-5", "__unm", "5");
        checkError("attempt to unm a 'string' with a 'nil'", "__unm", "x");
        checkError("attempt to unm a 'string' with a 'string'", "__unm", "x", "x");
        checkError("attempt to unm a 'string' with a 'table'", "__unm", "5", new LuaTable());
        check("1:-2.5", "__unm", "2.5", "2.5");
        check("1:-9223372036854775808", "__unm", "-9223372036854775808", "-9223372036854775808");
        check("1:-9223372036854775808", "__add", "9223372036854775807", "1");
        check("1:9.2233720368548e+18", "__add", "9223372036854775808", "0");
    }

    // Ops.modChecked (lua-core) writes the C escape "n%%0" literally: enable once it is fixed
    @Test
    void modByZeroMessage() {
        checkError("attempt to perform 'n%0'", "__mod", "7", "0");
    }
}
