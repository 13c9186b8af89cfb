package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lunatik.lua.lib.LuaExit;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The boundary where Lua calls Java: every Java throwable becomes a Lua error there, with a
 * Lua message, and only Lua errors (and deliberate unwinding such as {@code os.exit}) leave a
 * {@code pcall}, a coroutine resume or a library function. Each conversion is reported to the
 * state's internal-error handler.
 */
class BoundaryTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> reports = new ArrayList<>();

    private LuaState state(Dialect d, boolean jit) {
        LuaState L = Stdlib.newState(d);
        L.setJitEnabled(jit);
        L.setOut(new PrintStream(out, true));
        L.setErr(new PrintStream(err, true));
        L.setInternalErrorHandler((fn, t) -> reports.add(fn + ": " + t.getClass().getName()));
        // library functions that fail the way a bug would
        LibFunction.register(L, L.globals, null, "boom", a -> {
            throw new IllegalStateException("a bug");
        });
        LibFunction.register(L, L.globals, null, "exhaust", a -> {
            throw new OutOfMemoryError("Java heap space");
        });
        // a Java function that is not a library function: only the backstops see what it throws
        L.globals.put(lunatik.lua.vm.Ops.str("rawboom"), new LuaFunction() {
            @Override
            public Object invoke(Object[] args) {
                throw new ArrayIndexOutOfBoundsException(7);
            }
        });
        return L;
    }

    private String run(LuaState L, String src) {
        L.call(L.load(src, "=test"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aJavaExceptionInALibraryFunctionIsALuaErrorThatPcallCatches(boolean jit) {
        LuaState L = state(Dialect.FULL, jit);
        String r = run(L, """
            print(pcall(boom))
            print(pcall(function() boom() end))
            print(select(2, xpcall(boom, function(m) return "handled: " .. m end)))
            print(pcall(exhaust))
            print(pcall(rawboom))
            """);
        assertThat(r).isEqualTo("""
            false\tinternal error in 'boom' (java.lang.IllegalStateException)
            false\ttest:2: internal error in 'boom' (java.lang.IllegalStateException)
            handled: internal error in 'boom' (java.lang.IllegalStateException)
            false\tnot enough memory
            false\ttest:5: internal error (java.lang.ArrayIndexOutOfBoundsException)
            """);
        assertThat(reports).containsExactly(
            "boom: java.lang.IllegalStateException", "boom: java.lang.IllegalStateException",
            "boom: java.lang.IllegalStateException", "exhaust: java.lang.OutOfMemoryError",
            "?: java.lang.ArrayIndexOutOfBoundsException");
    }

    @Test
    void theHostCallingLuaGetsOnlyLuaErrors() {
        LuaState L = state(Dialect.KERNEL, true);
        assertThatThrownBy(() -> L.call(L.globals.get(lunatik.lua.vm.Ops.str("rawboom"))))
            .isInstanceOf(LuaError.class).hasMessage("internal error (java.lang.ArrayIndexOutOfBoundsException)");
        assertThatThrownBy(() -> L.call(L.load("local x = 1\nboom()", "=host")))
            .isInstanceOf(LuaError.class).hasMessage("host:2: internal error in 'boom' (java.lang.IllegalStateException)");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aCoroutineKilledByAJavaExceptionReportsALuaErrorToResume(boolean jit) {
        LuaState L = state(Dialect.FULL, jit);
        String r = run(L, """
            local co = coroutine.create(function(x) coroutine.yield(x) boom() end)
            print(coroutine.resume(co, 1))
            print(coroutine.resume(co))
            print(coroutine.status(co), coroutine.resume(co))
            print(coroutine.resume(coroutine.create(rawboom)))
            print(pcall(coroutine.wrap(function() string.rep("x", 3) boom() end)))
            """);
        assertThat(r).isEqualTo("""
            true\t1
            false\ttest:1: internal error in 'boom' (java.lang.IllegalStateException)
            dead\tfalse\tcannot resume dead coroutine
            false\tinternal error (java.lang.ArrayIndexOutOfBoundsException)
            false\ttest:6: internal error in 'boom' (java.lang.IllegalStateException)
            """);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void toBeClosedVariablesAreClosedWithTheConvertedError(boolean jit) {
        LuaState L = state(Dialect.FULL, jit);
        String r = run(L, """
            print(pcall(function()
              local x <close> = setmetatable({}, {__close = function(_, e) print("closed with", e) end})
              rawboom()
            end))
            """);
        assertThat(r).isEqualTo("""
            closed with\ttest:3: internal error (java.lang.ArrayIndexOutOfBoundsException)
            false\ttest:3: internal error (java.lang.ArrayIndexOutOfBoundsException)
            """);
    }

    @Test
    void osExitGoesThroughPcallCoroutinesAndLibraryFunctions() {
        LuaState L = state(Dialect.FULL, true);
        assertThatThrownBy(() -> run(L, "pcall(os.exit, 3)")).isInstanceOfSatisfying(LuaExit.class,
            e -> assertThat(e.status()).isEqualTo(3));
        assertThatThrownBy(() -> run(L, "coroutine.wrap(function() pcall(os.exit, 4) end)()"))
            .isInstanceOfSatisfying(LuaExit.class, e -> assertThat(e.status()).isEqualTo(4));
        assertThatThrownBy(() -> run(L, "table.sort({1, 2, 3}, function() os.exit(5) end)"))
            .isInstanceOfSatisfying(LuaExit.class, e -> assertThat(e.status()).isEqualTo(5));
        assertThat(reports).isEmpty();
    }

    @Test
    void aGcMetamethodThatThrowsDoesNotKeepTheOthersFromRunningOnClose() {
        LuaState L = state(Dialect.FULL, true);
        run(L, """
            warn("@on") for i = 1, 6 do
              local gc
              if i % 3 == 0 then gc = function() error("gc error " .. i) end
              elseif i % 3 == 1 then gc = rawboom
              else gc = function() boom() end end
              _G["keep" .. i] = setmetatable({}, {__gc = function(o) print("gc", i) gc() end})
            end
            """);
        L.close();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("gc\t6\ngc\t5\ngc\t4\ngc\t3\ngc\t2\ngc\t1\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
            "error in __gc (test:3: gc error 6)", "error in __gc (test:6: internal error (java.lang.ArrayIndexOutOfBoundsException))",
            "error in __gc (test:5: internal error in 'boom' (java.lang.IllegalStateException))");
    }

    @Test
    void errorsInGcMetamethodsAreSilentUnlessWarningsAreOn() {
        LuaState L = state(Dialect.FULL, true);
        run(L, """
            setmetatable({}, {__gc = function() error("quiet") end})
            collectgarbage() collectgarbage()
            warn("@on")
            setmetatable({}, {__gc = function() error("loud") end})
            setmetatable({}, {__gc = function() error({}) end})
            collectgarbage() collectgarbage()
            """);
        String warnings = err.toString(StandardCharsets.UTF_8);
        assertThat(warnings).doesNotContain("quiet").contains("Lua warning: error in __gc (test:4: loud)",
            "Lua warning: error in __gc (error object is not a string)");
    }

    @Test
    void osExitInAGcMetamethodComesAfterEveryFinalizerHasRun() {
        LuaState L = state(Dialect.FULL, true);
        run(L, """
            a = setmetatable({}, {__gc = function() print("a") end})
            b = setmetatable({}, {__gc = function() print("b") os.exit(7) end})
            c = setmetatable({}, {__gc = function() print("c") end})
            """);
        assertThatThrownBy(L::close).isInstanceOfSatisfying(LuaExit.class, e -> assertThat(e.status()).isEqualTo(7));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("c\nb\na\n");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void concatenatingPastTheLongestStringIsStringLengthOverflow(boolean jit) {
        LuaState L = state(Dialect.FULL, jit);
        String r = run(L, """
            local s = string.rep("x", 1 << 30)
            print(pcall(function() return s .. s end))
            print(pcall(function() return s .. 1 .. s end))
            print(pcall(function() return s .. s .. s .. s end)) -- 4 GiB: 0 in 32 bits
            local mt = {__concat = function(a, b) return "meta" end}
            print(pcall(function() return setmetatable({}, mt) .. s .. s end)) -- pairwise, as Lua
            print(#(s .. setmetatable({}, mt) .. s))
            """);
        assertThat(r).isEqualTo("""
            false\ttest:2: string length overflow
            false\ttest:3: string length overflow
            false\ttest:4: string length overflow
            false\ttest:6: string length overflow
            1073741828
            """);
        assertThat(reports).isEmpty();
    }

    @Test
    void requireOfANameWithAZeroByteIsAModuleNotFound() {
        LuaState L = state(Dialect.KERNEL, true);
        String r = run(L, "print(pcall(require, '\\0')) print(pcall(require, 'a\\0b.c'))");
        assertThat(r).isEqualTo("false\tmodule '\0' not found:\n"
            + "\tno field package.preload['\0']\n"
            + "\tno file '/lib/modules/lua/\0.lua'\n"
            + "\tno file '/lib/modules/lua/\0/init.lua'\n"
            + "\tno Java module '\0'\n"
            + "false\tmodule 'a\0b.c' not found:\n"
            + "\tno field package.preload['a\0b.c']\n"
            + "\tno file '/lib/modules/lua/a\0b/c.lua'\n"
            + "\tno file '/lib/modules/lua/a\0b/c/init.lua'\n"
            + "\tno Java module 'a\0b.c'\n");
        assertThat(reports).isEmpty();
    }

    @Test
    void fileNamesWithAZeroByteNameNoFile() {
        LuaState L = state(Dialect.FULL, true);
        String r = run(L, """
            print(io.open("/etc/passwd\\0x"))
            print(loadfile("/etc/passwd\\0"))
            print(pcall(dofile, "a\\0b"))
            print(package.searchpath("a\\0b", "./?.lua;?"))
            print(pcall(io.lines, "a\\0b"))
            print(pcall(io.input, "a\\0b"))
            print(os.remove("a\\0b"))
            print(os.rename("a\\0b", "c"))
            """);
        assertThat(r).isEqualTo("""
            nil\t/etc/passwd\0x: No such file or directory\t2
            nil\tcannot open /etc/passwd\0: No such file or directory
            false\tcannot open a\0b: No such file or directory
            nil\tno file './a\0b.lua'
            \tno file 'a\0b'
            false\tcannot open file 'a\0b' (No such file or directory)
            false\tcannot open file 'a\0b' (No such file or directory)
            nil\ta\0b: No such file or directory\t2
            nil\tNo such file or directory\t2
            """);
        assertThat(reports).isEmpty();
    }
}
