package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standard library at its limits: results too many for Lua's stack, strings longer than
 * the longest string, loops over huge strings. Each answers with the Lua error lua5.4 gives
 * (messages checked against it) or stops on the instruction budget, never with a Java
 * throwable for the boundary to convert.
 */
class LibraryLimitsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<String> internalErrors = new ArrayList<>();

    private LuaState state() {
        LuaState L = Stdlib.newState(Dialect.FULL);
        L.setOut(new PrintStream(out, true));
        L.setInternalErrorHandler((fn, t) -> internalErrors.add(fn + ": " + t));
        return L;
    }

    private String run(LuaState L, String src) {
        L.call(L.load(src, "=test"));
        assertThat(internalErrors).isEmpty();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noFunctionReturnsMoreValuesThanLuasStackHolds() {
        String r = run(state(), """
            local s = string.rep("x", 1 << 20)
            print(pcall(string.byte, s, 1, -1))
            print(pcall(utf8.codepoint, s, 1, -1))
            print(pcall(string.unpack, string.rep("b", 1 << 20), s))
            print(pcall(table.unpack, {}, 1, 1 << 20))
            print(select("#", string.byte(s, 1, 999000)), select("#", table.unpack({}, 1, 999000)))
            """);
        assertThat(r).isEqualTo("""
            false\tstack overflow (string slice too long)
            false\tstack overflow (string slice too long)
            false\tstack overflow (too many results)
            false\ttoo many results to unpack
            999000\t999000
            """);
    }

    @Test
    void tonumberWithABaseTakesOnlyCLocaleSpacesAndAsciiDigits() {
        String r = run(state(), """
            print(tonumber("\\x1c10", 10), tonumber(" \\t10\\v\\f\\r\\n", 10), tonumber("1 1", 10), tonumber("zZ", 36))
            print(tonumber("\\u{0661}", 10), tonumber("\\u{2003}7", 10), tonumber("-ff", 16), tonumber("+", 10))
            """);
        assertThat(r).isEqualTo("nil\t10\tnil\t1295\nnil\tnil\t-255\tnil\n");
    }

    /** Needs about 3 GiB of heap: the test JVM's default (a quarter of the machine's memory) has it. */
    @Test
    void stringsLongerThanTheLongestStringAreLuaErrors() {
        String r = run(state(), """
            local s = string.rep("x", 1 << 30)
            print(pcall(table.concat, {s, s}))
            print(pcall(string.format, "%s%s", s, s))
            print(pcall(string.rep, s, 2))
            print(pcall(string.rep, "x", 2, s))
            print(pcall(load, coroutine.wrap(function() coroutine.yield(s) coroutine.yield(s) end)))
            """);
        assertThat(r).isEqualTo("""
            false\tnot enough memory
            false\tnot enough memory
            false\tresulting string too large
            false\tresulting string too large
            true\tnil\tnot enough memory
            """);
    }

    @Test
    void stringRepCopiesInChunksAndKeepsItsPeriod() {
        String r = run(state(), """
            local s = string.rep("xyz", 500000, "12")
            print(#s, s:sub(1, 12), s:sub(-12), select(2, s:gsub("xyz12", "")))
            local piece = string.rep("ab", 1500000) .. "c"
            local t = string.rep(piece, 3, "-")
            print(#t, t:sub(3000000, 3000003), t:sub(6000001, 6000004), select(2, t:gsub("c%-a", "")))
            """);
        assertThat(r).isEqualTo("""
            2499998\txyz12xyz12xy\tyz12xyz12xyz\t499999
            9000005\tbc-a\tabc-\t2
            """);
    }

    /** Each of these loops over 64 MiB without a Lua instruction: a small budget stops them all. */
    @ParameterizedTest
    @ValueSource(strings = {
        "utf8.len(big)", "utf8.offset(big, 1 << 26)", "string.rep(big, 4)", "string.format('%q', big)",
        "string.format(big)", "os.date(big)", "string.unpack(string.rep('x', 1 << 20), big)",
        "table.unpack({}, 1, 900000)", "io.open(file):read('a')", "io.open(file):read('l')",
        "io.open(file):read(1 << 26)"})
    void longLibraryLoopsStopOnTheInstructionBudget(String call, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("big");
        Files.write(file, new byte[1 << 26]);
        LuaState L = state();
        L.globals.put(LuaString.of("big"), LuaString.wrap("a".repeat(1 << 26).getBytes(StandardCharsets.ISO_8859_1)));
        L.globals.put(LuaString.of("file"), LuaString.of(file.toString()));
        var f = L.load("return " + call, "=budget");
        L.setInstructionBudget(100);
        L.resetBudget();
        assertThatThrownBy(() -> L.call(f)).isInstanceOf(LuaError.class).hasMessageContaining("instruction budget exceeded");
        assertThat(internalErrors).isEmpty();
    }
}
