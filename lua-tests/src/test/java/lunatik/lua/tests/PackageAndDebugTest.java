package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The package and debug libraries, whose behaviour depends on files and frames the corpus cannot set up. */
class PackageAndDebugTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LuaState state(Dialect d) {
        LuaState L = Stdlib.newState(d);
        L.setOut(new PrintStream(out, true));
        return L;
    }

    private String run(LuaState L, String src) {
        L.call(L.load(src, "=test"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void requireFindsLuaFilesOnThePathAndCachesThem(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pkg"));
        Files.writeString(dir.resolve("mod.lua"), "count = (count or 0) + 1 return {name = ..., file = select(2, ...)}");
        Files.writeString(dir.resolve("pkg/init.lua"), "return 'pkg init'");
        LuaState L = state(Dialect.FULL);
        String r = run(L, "package.path = '" + dir + "/?.lua;" + dir + "/?/init.lua'\n"
            + "local m = require('mod') local again = require('mod')\n"
            + "print(m.name, m.file == package.searchpath('mod', package.path), m == again, count)\n"
            + "print(require('pkg'), package.loaded.mod == m)\n");
        assertThat(r).isEqualTo("mod\ttrue\ttrue\t1\npkg init\ttrue\n");
    }

    @Test
    void missingModuleListsWhereItLooked() {
        LuaState L = state(Dialect.KERNEL);
        String r = run(L, "print(select(2, pcall(require, 'nope.sub')))");
        // called through pcall (a Java function), so the message has no position, as in Lua
        assertThat(r).isEqualTo("module 'nope.sub' not found:\n"
            + "\tno field package.preload['nope.sub']\n"
            + "\tno file '/lib/modules/lua/nope/sub.lua'\n"
            + "\tno file '/lib/modules/lua/nope/sub/init.lua'\n"
            + "\tno Java module 'nope.sub'\n");
    }

    @Test
    void kernelPathIsTheScriptRootAndThereIsNoCpath() {
        LuaState L = state(Dialect.KERNEL);
        assertThat(run(L, "print(package.path, package.cpath, debug.debug)"))
            .isEqualTo("/lib/modules/lua/?.lua;/lib/modules/lua/?/init.lua\tnil\tnil\n");
    }

    @Test
    void preloadAndJavaModules() {
        LuaState L = state(Dialect.KERNEL);
        PackageLib.registerJavaModule(L, "crypto.shash", S -> {
            LuaTable t = new LuaTable();
            t.put(LuaString.of("kind"), LuaString.of("java"));
            return t;
        });
        String r = run(L, "package.preload.pre = function(name) return 'preloaded ' .. name end\n"
            + "print(require('pre'), require('crypto.shash').kind)");
        assertThat(r).isEqualTo("preloaded pre\tjava\n");
    }

    @Test
    void searchpathReportsEveryTry() {
        LuaState L = state(Dialect.FULL);
        assertThat(run(L, "print(package.searchpath('a.b', '/x/?.lua;/y/?/z.lua'))"))
            .isEqualTo("nil\tno file '/x/a/b.lua'\n\tno file '/y/a/b/z.lua'\n");
    }

    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void getlocalAndSetlocal(boolean jit) {
        LuaState L = state(Dialect.FULL);
        L.setJitEnabled(jit);
        String r = run(L, """
            local function f(a, b, ...)
              local c = a + b
              local n1, v1 = debug.getlocal(1, 1)
              local n3, v3 = debug.getlocal(1, 3)
              print(n1, v1, n3, v3, debug.getlocal(1, 6), debug.getlocal(1, -1), debug.getlocal(1, -3))
              print(debug.setlocal(1, 3, 100), c, debug.setlocal(1, 50, 1))
            end
            f(1, 2, "x", "y")
            print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
            print(pcall(debug.getlocal, 50, 1))
            """);
        assertThat(r).isEqualTo("""
            a\t1\tc\t3\tn3\t(vararg)\tnil
            c\t100\tnil
            a\tb\tnil
            false\tbad argument #1 to 'debug.getlocal' (level out of range)
            """);
    }

    /** Compiled frames keep their locals in JVM locals; they are spilled at calls for the debug library. */
    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void localsOfCallersLoopsCellsAndCoroutines(boolean jit) {
        LuaState L = state(Dialect.FULL);
        L.setJitEnabled(jit);
        String r = run(L, """
            local function locals(level)
              local t, i = {}, 1
              while true do
                local n, v = debug.getlocal(level + 1, i)
                if not n then break end
                t[#t + 1] = n .. "=" .. (type(v) == "function" and "fn" or tostring(v))
                i = i + 1
              end
              return table.concat(t, " ")
            end
            local function bump(name, level)
              for i = 1, 100 do
                local n, v = debug.getlocal(level + 1, i)
                if n == name then return debug.setlocal(level + 1, i, v * 10) end
                if not n then return nil end
              end
            end
            local captured = 5
            local function g() return captured end
            for k = 1, 2 do
              local plain = k + 1
              print(locals(1))
              print(bump("plain", 1), plain, bump("captured", 1), captured, g())
              print(bump("k", 1), k)
            end
            local co = coroutine.create(function(x)
              local y = x * 2
              coroutine.yield()
              return y
            end)
            coroutine.resume(co, 21)
            print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2))
            print(debug.setlocal(co, 1, 2, 7), select(2, coroutine.resume(co)))
            """);
        assertThat(r).isEqualTo("""
            locals=fn bump=fn captured=5 g=fn k=1 plain=2
            plain\t20\tcaptured\t50\t50
            k\t10
            locals=fn bump=fn captured=50 g=fn k=2 plain=3
            plain\t30\tcaptured\t500\t500
            k\t20
            x\ty\t42
            y\t7
            """);
    }

    @Test
    void getinfoDescribesFunctionsAndFrames() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local function f(x, y)
              local i = debug.getinfo(1, "Slnu")
              return i.short_src, i.currentline, i.linedefined, i.lastlinedefined, i.what, i.nparams, i.isvararg, i.name
            end
            print(f())
            local p = debug.getinfo(print)
            print(p.what, p.short_src, p.func == print, debug.getinfo(100))
            """);
        assertThat(r).isEqualTo("test\t2\t1\t4\tLua\t2\tfalse\tf\nC\t[C]\ttrue\tnil\n");
    }

    @Test
    void upvaluesCanBeReadWrittenAndJoined() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local a, b = 1, 2
            local function fa() return a end
            local function fb() return b end
            print(debug.getupvalue(fa, 1), debug.setupvalue(fa, 1, 10), a)
            print(debug.upvalueid(fa, 1) == debug.upvalueid(fa, 1), debug.upvalueid(fa, 1) == debug.upvalueid(fb, 1))
            debug.upvaluejoin(fa, 1, fb, 1)
            print(fa(), debug.upvalueid(fa, 1) == debug.upvalueid(fb, 1), debug.getupvalue(fa, 2))
            """);
        assertThat(r).isEqualTo("a\ta\t10\ntrue\tfalse\n2\ttrue\n");
    }

    @Test
    void typeMetatablesAndTheRegistry() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            debug.setmetatable(10, {__index = function(n, k) return n * 2 end})
            print((5).double, type(debug.getregistry()), debug.getmetatable("").__index == string)
            debug.setmetatable(10, nil)
            print(pcall(function() return (5).double end))
            """);
        assertThat(r).isEqualTo("10\ttable\ttrue\nfalse\ttest:4: attempt to index a number value\n");
    }

    @Test
    void tracebackListsTheCallers() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local function inner() return debug.traceback("msg", 1) end
            local function outer() return (inner()) end
            print(outer())
            """);
        assertThat(r).startsWith("msg\nstack traceback:\n\ttest:1: in ").contains("\ttest:2: in ").contains("\ttest:3: in main chunk");
    }
}
