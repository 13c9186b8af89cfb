package lunatik.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lunatik.lua.value.Varargs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtimes through the embedding API: creation, run, errors, budgets, stop, the lunatik module. */
class RuntimeTest {
    @TempDir
    Path root;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private Host host() {
        return new Host(root, log::add);
    }

    private void script(String name, String src) throws Exception {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    @Test
    void aRuntimeKeepsTheScriptsFirstResultAsItsEntry() throws Exception {
        script("examples/double", "print('loading', _LUNATIK_VERSION, _VERSION)\nreturn function(n) return n * 2 end, 'ignored'");
        Runtime rt = host().runtime("examples/double", true);
        assertThat(log).containsExactly("loading\tLunatik 3.7\tLua 5.4-kernel");
        long r = rt.run(L -> (Long) L.call1(rt.entry(), 21L));
        assertThat(r).isEqualTo(42L);
        assertThat(rt.isReady()).isTrue();
        assertThat(Runtime.of(rt.state())).isSameAs(rt);
        assertThat(rt.stop()).isTrue();
        assertThatThrownBy(() -> rt.run(L -> null)).isInstanceOf(LuaException.class)
            .satisfies(e -> assertThat(((LuaException) e).errno()).isEqualTo(LuaException.ENXIO));
    }

    @Test
    void loadAndRunFailuresNameTheScriptAndLine() throws Exception {
        script("bad", "local x = 1\nerror('boom')\n");
        script("syntax", "x = = 1\n");
        Host h = host();
        assertThatThrownBy(() -> h.runtime("bad", true)).isInstanceOf(LuaException.class)
            .hasMessage(root.resolve("bad.lua") + ":2: boom");
        assertThatThrownBy(() -> h.runtime("syntax", true))
            .hasMessage(root.resolve("syntax.lua") + ":1: unexpected symbol near '='");
        assertThatThrownBy(() -> h.runtime("missing", true))
            .hasMessage("cannot open " + root.resolve("missing.lua"));
    }

    @Test
    void scriptNamesArePathsBelowTheRoot() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        Files.writeString(outside.resolve("x.lua"), "return 1");
        Files.writeString(root.resolve("ok.lua"), "return 1");
        Host h = host();
        String rel = root.relativize(outside).toString();
        for (String bad : new String[] {rel + "/x", outside + "/x", "../x", "a/../ok", "./ok", "a//ok", ""}) {
            assertThatThrownBy(() -> h.runtime(bad, true)).as(bad).isInstanceOf(LuaException.class)
                .hasMessageContaining("invalid script name")
                .satisfies(e -> assertThat(((LuaException) e).errno()).isEqualTo(LuaException.ENOEXEC));
        }
        // a symbolic link in the root is followed: its maker could write scripts there anyway
        Files.createSymbolicLink(root.resolve("linked"), outside);
        h.runtime("linked/x", true).stop();
        h.runtime("ok", true).stop();
    }

    @Test
    void packagePathIsTheScriptRoot() throws Exception {
        script("lib/helper", "return {answer = 42}");
        script("user", "local h = require('lib.helper') return function() return h.answer, package.path end");
        Runtime rt = host().runtime("user", true);
        Object r = rt.run(L -> L.call(rt.entry()));
        assertThat(Varargs.get(r, 0)).isEqualTo(42L);
        assertThat(Varargs.get(r, 1).toString()).isEqualTo(root + "/?.lua;" + root + "/?/init.lua");
        rt.stop();
    }

    @Test
    void anInfiniteLoopExhaustsItsBudgetWhileOtherRuntimesServe() throws Exception {
        script("spin", "return function() while true do end end");
        script("ok", "return function(n) return n + 1 end");
        Host h = host();
        h.setInstructionBudget(5_000_000);
        Runtime spin = h.runtime("spin", true);
        Runtime ok = h.runtime("ok", true);
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                spin.run(L -> L.call(spin.entry()));
            } catch (LuaException e) {
                failure[0] = e;
            }
            done.countDown();
        });
        t.start();
        for (int i = 0; i < 100; i++) {
            long v = i;
            assertThat((Object) ok.run(L -> (Long) L.call1(ok.entry(), v))).isEqualTo(v + 1);
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failure[0]).hasMessageContaining("instruction budget exceeded");
        // the runtime is still usable afterwards, with a fresh budget
        assertThat((Object) ok.run(L -> (Long) L.call1(ok.entry(), 1L))).isEqualTo(2L);
        spin.stop();
        ok.stop();
    }

    @Test
    void unboundedAllocationIsStoppedByTheMemoryBudget() throws Exception {
        script("hog", "return function() local t = {} local i = 0 while true do i = i + 1; t[i] = {i, i} end end");
        Host h = host();
        h.setMemoryBudget(64L << 20);
        Runtime hog = h.runtime("hog", true);
        assertThatThrownBy(() -> hog.run(L -> L.call(hog.entry()))).isInstanceOf(LuaException.class)
            .hasMessageContaining("not enough memory");
        hog.stop();
    }

    @Test
    void garbageBeyondTheMemoryBudgetIsNotHeldAgainstTheScript() throws Exception {
        // 16 MiB of budget, about 400 MB allocated in all, little of it kept at any time
        script("churn", "return function() local n = 0 for i = 1, 2000000 do local t = {i, i, i} n = n + #t end return n end");
        Host h = host();
        h.setMemoryBudget(16L << 20);
        Runtime churn = h.runtime("churn", true);
        Object n = churn.run(L -> L.call1(churn.entry()));
        assertThat(n).isEqualTo(6_000_000L);
        churn.stop();
    }

    @Test
    void scriptsCreateAndStopRuntimes() throws Exception {
        script("child", "count = (count or 0) + 1 return function() return 'child ran' end");
        script("parent", """
            local lunatik = require("lunatik")
            return function()
              local rt = lunatik.runtime("child")
              local t = type(rt)
              rt:stop()
              local ok, err = pcall(function() rt:stop() end)
              local ok2, err2 = pcall(lunatik.runtime, "nope")
              return t, ok, err, ok2, err2
            end
            """);
        Runtime parent = host().runtime("parent", true);
        Object r = parent.run(L -> L.call(parent.entry()));
        assertThat(Varargs.get(r, 0).toString()).isEqualTo("userdata");
        assertThat(Varargs.get(r, 1)).isEqualTo(false);
        assertThat(Varargs.get(r, 2).toString())
            .isEqualTo(root.resolve("parent.lua") + ":6: calling 'stop' on bad self (null-pointer dereference)");
        assertThat(Varargs.get(r, 3)).isEqualTo(false);
        assertThat(Varargs.get(r, 4).toString()).isEqualTo("cannot open " + root.resolve("nope.lua"));
        parent.stop();
    }

    @Test
    void nonSleepableRuntimesGetTheStubModuleAndNoThreads() throws Exception {
        script("soft", """
            local lunatik = require("lunatik")
            return function() return lunatik.runtime, select(2, pcall(require, "thread")) end
            """);
        Runtime soft = host().runtime("soft", false);
        Object r = soft.run(L -> L.call(soft.entry()));
        assertThat(Varargs.get(r, 0)).isNull();
        assertThat(Varargs.get(r, 1).toString()).contains("cannot use 'thread' class on non-sleepable runtime");
        soft.stop();
    }

    @Test
    void shouldstopIsFalseInAPlainRuntimeAndTrueInAStoppingThread() throws Exception {
        script("plain", "local thread = require('thread') return function() return thread.shouldstop() end");
        script("loop", """
            local thread = require("thread")
            return function()
              local n = 0
              while not thread.shouldstop() do n = n + 1 end
              print("loop ended by shouldstop")
            end
            """);
        script("spawner", """
            local lunatik = require("lunatik")
            local thread = require("thread")
            return function()
              local rt = lunatik.runtime("loop")
              local t = thread.run(rt, "looper")
              local info = t:task()
              t:stop()
              rt:stop()
              return info.command
            end
            """);
        Host h = host();
        Runtime plain = h.runtime("plain", true);
        Object sp = plain.run(L -> L.call1(plain.entry()));
        assertThat(sp).isEqualTo(false);
        Runtime spawner = h.runtime("spawner", true);
        Object cmd = spawner.run(L -> L.call1(spawner.entry()));
        assertThat(String.valueOf(cmd)).isEqualTo("looper");
        assertThat(log).contains("loop ended by shouldstop");
        plain.stop();
        spawner.stop();
    }

    @Test
    void threadCurrentAndTheStopWarnings() throws Exception {
        script("quick", "return function() print('quick ran') end");
        script("threads", """
            local lunatik = require("lunatik")
            local thread = require("thread")
            return function()
              local me = thread.current()
              me:stop()                          -- not ours: a warning, no error
              local rt = lunatik.runtime("quick")
              local t = thread.run(rt, "quick")
              local info = me:task()
              while t:task() and false do end
              t:stop()                           -- waits for it
              t:stop()                           -- already stopped: a warning
              local ok, err = pcall(thread.run, 42, "x")
              rt:stop()
              return type(info.pid), info.tgid > 0, err
            end
            """);
        Runtime rt = host().runtime("threads", true);
        Object r = rt.run(L -> L.call(rt.entry()));
        assertThat(Varargs.get(r, 0).toString()).isEqualTo("number");
        assertThat(Varargs.get(r, 1)).isEqualTo(true);
        assertThat(Varargs.get(r, 2).toString()).contains("bad argument #1 to 'thread.run' (lunatik expected, got number)");
        assertThat(log).contains("quick ran", "thread wasn't created by us", "thread has already stopped");
        rt.stop();
    }

    @Test
    void resumeRunsTheEntryAsACoroutineAndKeepsWhatItReturns() throws Exception {
        script("worker", """
            local lunatik = require("lunatik")
            return function(...)
              print("first resume with " .. select("#", ...) .. " objects")
              coroutine.yield()
              print("second resume")
              return function() print("the closure ran") end
            end
            """);
        script("driver", """
            local lunatik = require("lunatik")
            return function()
              local w = lunatik.runtime("worker")
              local other = lunatik.runtime("worker")
              w:resume(other)
              w:resume()
              w:resume()
              local ok, err = pcall(w.resume, w, 42)
              other:stop()
              w:stop()
              return err
            end
            """);
        Runtime driver = host().runtime("driver", true);
        Object err = driver.run(L -> L.call1(driver.entry()));
        assertThat(log).containsSubsequence("first resume with 1 objects", "second resume", "the closure ran");
        assertThat(err.toString()).isEqualTo("bad argument #2 to '?' (invalid object)\n");
        driver.stop();
    }

    @Test
    void aThousandRuntimesComeAndGoWithoutLeaking() throws Exception {
        script("small", "local t = {} for i = 1, 100 do t[i] = i end return function() return #t end");
        Host h = host();
        for (int i = 0; i < 50; i++) {
            h.runtime("small", true).stop();
        }
        long before = usedAfterGc();
        for (int i = 0; i < 1000; i++) {
            Runtime rt = h.runtime("small", true);
            Object n = rt.run(L -> L.call1(rt.entry()));
            assertThat(n).isEqualTo(100L);
            assertThat(rt.stop()).isTrue();
        }
        long after = usedAfterGc();
        assertThat(after - before).as("heap growth after 1000 runtimes").isLessThan(16L << 20);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        java.lang.Runtime r = java.lang.Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

}
