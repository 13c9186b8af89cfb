package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import org.junit.jupiter.api.Test;

/** Engine properties the issue names: constant-stack tail calls, cheap coroutines, execution control. */
class EngineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LuaState state(Dialect d) {
        LuaState L = Stdlib.newState(d);
        L.setOut(new PrintStream(out, true));
        return L;
    }

    private String run(LuaState L, String src) {
        LuaFunction f = L.load(src, "=test");
        L.call(f);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Runs on a thread with a small stack: a 10-million-call tail recursion must not need more. */
    @Test
    void tailCallsRunInConstantJavaStack() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            LuaState L = state(Dialect.FULL);
            try {
                result.set(L.call1(L.load(
                    "local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end "
                        + "return loop(10000000, 0)", "=tail")));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        assertThat(result.get()).isEqualTo(10_000_000L);
    }

    @Test
    void aHundredThousandLiveCoroutinesFitInTheDefaultHeap() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local cos = {}
            for i = 1, 100000 do
              local co = coroutine.create(function(a) local b = coroutine.yield(a + 1); return a + b end)
              assert(coroutine.resume(co, i))
              cos[i] = co
            end
            local sum = 0
            for i = 1, 100000 do
              local ok, v = coroutine.resume(cos[i], 1)
              sum = sum + v
            end
            print(sum, coroutine.status(cos[1]))
            """);
        assertThat(r).isEqualTo("5000150000\tdead\n");
    }

    /**
     * Coroutine bodies simple enough run without a continuation (lunatik.lua.vm.StacklessBody),
     * and one that calls a Lua function goes on on one from that statement: the counts say which
     * way each went, the values that both ways give the same.
     */
    @Test
    void simpleCoroutineBodiesRunWithoutAContinuation() {
        for (Dialect d : Dialect.values()) {
            out.reset();
            LuaState L = state(d);
            String r = run(L, """
                local yield = coroutine.yield
                local function gen(n) return coroutine.wrap(function() for i = 1, n do yield(i) end end) end
                local s = 0
                for v in gen(1000) do s = s + v end
                local each = coroutine.wrap(function(t) for _, v in ipairs(t) do yield(v) end end)
                s = s + each({7}); each()
                local function twice(x) return yield(x) * 2 end
                local co = coroutine.create(function(a)
                  local b = yield(a)
                  local c = twice(b)
                  return a + b + c
                end)
                local _, x = coroutine.resume(co, 1)
                local _, y = coroutine.resume(co, 10)
                local _, z = coroutine.resume(co, 100)
                -- not simple: a function defined in it, a call in an argument
                local other = coroutine.wrap(function() local f = function() end; yield(tostring(f) ~= nil) end)
                local third = coroutine.wrap(function() yield(tostring(yield)) end)
                print(s, x, y, z, other(), third() ~= nil)
                """);
            assertThat(r).isEqualTo("500507\t1\t10\t211\ttrue\ttrue\n");
            assertThat(L.compileStats().stacklessBodies()).as("stackless bodies (%s)", d).isEqualTo(3);
            assertThat(L.compileStats().migratedBodies()).as("went on on a continuation (%s)", d).isEqualTo(1);
        }
    }

    /**
     * A main chunk's loops inside loops are compiled as methods of their own (loop methods);
     * a function's loops, a top-level loop (however large its body) and a loop with a goto out
     * of it are not. What they compute is in the corpus (loop_methods.lua); here, that they
     * are made at all.
     */
    @Test
    void innerLoopsOfAMainChunkBecomeMethodsOfTheirOwn() {
        for (Dialect d : Dialect.values()) {
            out.reset();
            LuaState L = state(d);
            String r = run(L, """
                local n, s = 0, ""
                local function f() for i = 1, 2 do for j = 1, 2 do n = n + 1 end end end
                for i = 1, 3 do
                  for j = 1, 4 do n = n + j end
                  local k = 0
                  while k < i do k = k + 1; s = s .. k end
                  for j = 1, 2 do if j == i then goto out end end
                  ::out::
                  f()
                end
                for i = 1, 2 do n = n + i end
                for i = 1, 3 do -- a large body without loops: stays in the chunk's method
                  local a, b, c = i * 3, i * 5, i * 7
                  local d = (a + b) * c % 97
                  local e = (d ~ a) & 0xff
                  local f = (e << 2) | (b >> 1)
                  local g = { a, b, c, d, e, f }
                  n = n + #g + g[1] + g[6] + d + e + f
                end
                print(n, s)
                """);
            assertThat(r).isEqualTo("1195\t112123\n");
            assertThat(L.compileStats().loopMethods()).as("loop methods (%s)", d).isEqualTo(2);
        }
    }

    /**
     * Functions that call nothing are compiled as leaves (their frame pushed only by a slow
     * path); the corpus's both/leaves.lua holds what they must show to the debug library.
     */
    @Test
    void functionsThatCallNothingAreLeaves() {
        for (Dialect d : Dialect.values()) {
            out.reset();
            LuaState L = state(d);
            String r = run(L, """
                local function get(t) return t.x end                        -- a leaf
                local function inc(t, k) t[k] = (t[k] or 0) + 1 end          -- a leaf
                local function pick(a, b) if a < b then return a end return b end -- a leaf
                local function sum(t) local s = 0 for i = 1, #t do s = s + t[i] end return s end -- a loop
                local function twice(t) return get(t) + get(t) end          -- a call
                local t = {x = 20}
                inc(t, "n"); inc(t, "n")
                print(get(t), t.n, pick(3, 2), sum({1, 2, 3}), twice(t))
                print(pcall(get, nil))
                """);
            assertThat(r).isEqualTo("20\t2\t2\t6\t40\nfalse\ttest:1: attempt to index a nil value (local 't')\n");
            assertThat(L.compileStats().compiled()).as("compiled (%s)", d).isEqualTo(6);
            assertThat(L.compileStats().leaves()).as("leaves (%s)", d).isEqualTo(3);
        }
    }

    @Test
    void yieldAcrossPcallAndMetamethods() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local mt = {__index = function(t, k) return coroutine.yield(k) end}
            local co = coroutine.wrap(function()
              local ok, v = pcall(function() return setmetatable({}, mt).foo end)
              return "end:" .. tostring(ok) .. ":" .. v
            end)
            print(co())
            print(co("bar"))
            """);
        assertThat(r).isEqualTo("foo\nend:true:bar\n");
    }

    @Test
    void deepRecursionIsAStackOverflowErrorNotACrash() {
        LuaState L = state(Dialect.FULL);
        L.setMaxDepth(5000);
        String r = run(L, """
            local function f(n) return 1 + f(n + 1) end
            local ok, e = pcall(f, 1)
            print(ok, e)
            """);
        assertThat(r).startsWith("false\ttest:1: stack overflow");
    }

    @Test
    void interruptStopsAnInfiniteLoopFromAnotherThread() throws Exception {
        LuaState L = state(Dialect.KERNEL);
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            L.interrupt(LuaString.of("stopped"));
        });
        killer.start();
        assertThatThrownBy(() -> run(L, "while true do end"))
            .isInstanceOf(LuaError.class).hasMessage("stopped");
        killer.join();
        // the interrupt holds until the entry ends (a pcall cannot outlive it); the next entry runs
        assertThatThrownBy(() -> run(L, "while true do pcall(function() while true do end end) end"))
            .isInstanceOf(LuaError.class).hasMessage("stopped");
        L.resetBudget();
        assertThat(run(L, "print(1 + 1)")).isEqualTo("2\n");
    }

    @Test
    void instructionBudgetRaisesAnErrorInsideTheScript() {
        LuaState L = state(Dialect.KERNEL);
        L.setInstructionBudget(100_000);
        assertThatThrownBy(() -> run(L, "local i = 0 while true do i = i + 1 end"))
            .isInstanceOf(LuaError.class).hasMessageContaining("instruction budget exceeded");
        L.resetBudget();
        assertThat(run(L, "local s = 0 for i = 1, 100 do s = s + i end print(s)")).isEqualTo("5050\n");
    }

    @Test
    void catchingTheBudgetErrorDoesNotRefillTheBudget() {
        LuaState L = state(Dialect.KERNEL);
        L.setInstructionBudget(100_000);
        // a handler may still run briefly (the message reaches it), but no loop of pcalls goes on
        assertThatThrownBy(() -> run(L, """
            local caught = 0
            while true do
              local ok, err = pcall(function() while true do end end)
              caught = caught + 1
              assert(not ok and err:find("instruction budget exceeded"))
            end"""))
            .isInstanceOf(LuaError.class).hasMessageContaining("instruction budget exceeded");
        L.resetBudget();
        assertThat(run(L, "print(40 + 2)")).isEqualTo("42\n");
    }

    @Test
    void settingOrRemovingHooksDoesNotRefillTheBudget() {
        LuaState L = state(Dialect.KERNEL);
        L.setInstructionBudget(100_000);
        assertThatThrownBy(() -> run(L, """
            local f = function() end
            while true do
              debug.sethook(f, "", 1000)
              debug.sethook(f, "c")
              debug.sethook()
            end"""))
            .isInstanceOf(LuaError.class).hasMessageContaining("instruction budget exceeded");
        L.resetBudget();
        assertThat(run(L, "print(debug.gethook())")).isEqualTo("nil\n");
    }

    @Test
    void countHookRunsEveryNTicks() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local n = 0
            debug.sethook(function() n = n + 1 end, "", 100)
            for i = 1, 10000 do end
            debug.sethook()
            print(n > 50, n < 200)
            """);
        assertThat(r).isEqualTo("true\ttrue\n");
    }

    @Test
    void kernelDialectIsIntegerOnly() {
        LuaState L = state(Dialect.KERNEL);
        assertThat(run(L, "print(_VERSION, 7 / 2, -7 / 2, tonumber('1.5'), math.sqrt, io, os)"))
            .isEqualTo("Lua 5.4-kernel\t3\t-4\tnil\tnil\tnil\tnil\n");
        assertThatThrownBy(() -> L.load("return 1.5", "=k")).isInstanceOf(LuaError.class)
            .hasMessage("k:1: malformed number near '1.5'");
        assertThatThrownBy(() -> L.load("return 2 ^ 3", "=k")).isInstanceOf(LuaError.class)
            .hasMessageContaining("near '^'");
    }

    @Test
    void errorsNameTheVariable() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            print(select(2, pcall(function() return undefinedglobal.x end)))
            print(select(2, pcall(function() local t = {} t.foo() end)))
            print(select(2, pcall(function() local a; return a + 1 end)))
            print(select(2, pcall(function() return 1 < nil end)))
            print(select(2, pcall(function() local t = {} return t:m() end)))
            """);
        assertThat(r).isEqualTo("""
            test:1: attempt to index a nil value (global 'undefinedglobal')
            test:2: attempt to call a nil value (field 'foo')
            test:3: attempt to perform arithmetic on a nil value (local 'a')
            test:4: attempt to compare number with nil
            test:5: attempt to call a nil value (method 'm')
            """);
    }

    @Test
    void weakTablesLoseCollectedEntries() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local wk = setmetatable({}, {__mode = "k"})
            local wv = setmetatable({}, {__mode = "v"})
            local kept = {}
            wk[kept] = 1
            wk[{}] = 2
            wv[1] = kept
            wv[2] = {}
            wv.s = "strings are values"
            collectgarbage()
            collectgarbage()
            local n = 0
            for k, v in pairs(wk) do n = n + 1 end
            print(n, wk[kept], wv[1] == kept, wv[2], wv.s)
            """);
        assertThat(r).isEqualTo("1\t1\ttrue\tnil\tstrings are values\n");
    }

    @Test
    void finalizersRunOnTheStateThreadAndAtClose() {
        LuaState L = state(Dialect.FULL);
        String r = run(L, """
            local log = {}
            _G.log = log
            do
              local o = setmetatable({name = "lost"}, {__gc = function(o) log[#log + 1] = o.name end})
            end
            for i = 1, 5 do collectgarbage() end
            print(table.concat(log, ","))
            kept = setmetatable({name = "kept"}, {__gc = function(o) print("closing " .. o.name) end})
            """);
        assertThat(r).isEqualTo("lost\n");
        L.close();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("lost\nclosing kept\n");
    }

    /**
     * The JVM clears its weak reference to an unreachable object at once but hands it back on its
     * finalizer thread later; an object caught between the two when the state closes still has
     * its __gc run (a runtime object dropped just before a stop kept its reference count so).
     * The JVM's finalizer thread is held busy here to keep the gap open.
     */
    @Test
    void closeRunsTheGcOfAnObjectTheJvmHasNotHandedBackYet() throws Exception {
        LuaState L = state(Dialect.FULL);
        run(L, "lost = setmetatable({}, {__gc = function() print('lost closed') end})");
        java.lang.ref.WeakReference<Object> lost = new java.lang.ref.WeakReference<>(
            L.globals.get(LuaString.of("lost")));
        assertThat(lost.get()).isNotNull();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        holdFinalizerThread(busy, release);
        try {
            for (int i = 0; i < 50 && busy.getCount() > 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(busy.getCount()).as("the finalizer thread is held").isZero();
            run(L, "lost = nil");
            for (int i = 0; i < 50 && lost.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(lost.get()).as("the JVM found the object unreachable").isNull();
            L.close();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("lost closed\n");
        } finally {
            release.countDown();
        }
    }

    /* Makes an object whose finalizer, once the JVM runs it, holds the finalizer thread. */
    private static void holdFinalizerThread(java.util.concurrent.CountDownLatch busy,
                                            java.util.concurrent.CountDownLatch release) {
        new Object() {
            @Override
            @SuppressWarnings({"removal", "deprecation", "checkstyle:NoFinalizer"})
            protected void finalize() throws InterruptedException {
                busy.countDown();
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        };
    }

    /**
     * A __call chain that loops is a "stack overflow" at once, on both back-ends and from every
     * kind of call (lua5.4 gets there too, after growing its stack to a million slots, which
     * takes it minutes, so this is not a corpus program).
     */
    @Test
    void aLoopOfCallMetamethodsIsAStackOverflow() {
        for (boolean compiled : new boolean[] {true, false}) {
            out.reset();
            LuaState L = state(Dialect.FULL);
            L.setJitEnabled(compiled);
            String r = run(L, """
                local t = setmetatable({}, {}); getmetatable(t).__call = t
                print(pcall(function() local x = t; x() end))
                print(pcall(function() return t(1) end))
                print(pcall(t))
                print(pcall(function() for k in t do end end))
                print(pcall(function() return setmetatable({}, {__add = t}) + 1 end))
                print(pcall(function() local c <close> = setmetatable({}, {__close = t}) end))
                """);
            assertThat(r).as("compiled %s", compiled).isEqualTo("""
                false	test:2: stack overflow
                false	test:3: stack overflow
                false	stack overflow
                false	test:5: stack overflow
                false	test:6: stack overflow
                false	test:7: stack overflow
                """);
        }
    }

    @Test
    void compiledAndInterpretedFunctionsMix() {
        LuaState L = state(Dialect.FULL);
        // goto keeps a function on the interpreter; its callers and callees are compiled
        String r = run(L, """
            local function interp(n)
              local s = 0
              ::top:: if n > 0 then s = s + n; n = n - 1; goto top end
              return s
            end
            local function compiled(f, n) return f(n) + 1 end
            print(compiled(interp, 10), pcall(compiled, nil, 1))
            """);
        assertThat(r).isEqualTo("56\tfalse\ttest:6: attempt to call a nil value (local 'f')\n");
    }

    @Test
    void stringsAreByteStrings() {
        LuaState L = state(Dialect.FULL);
        assertThat(run(L, "local s = '\\0\\255\\xff' print(#s, s == '\\0\\255\\255')")).isEqualTo("3\ttrue\n");
    }
}
