package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;
import org.junit.jupiter.api.Test;

class RcuLibTest {
    /** A tiny shared counter, standing in for {@code data}. */
    static final AtomicLong RELEASED = new AtomicLong();
    static final ObjectClass COUNTER = ObjectClass.builder("counter")
            .method("inc", (self, a) -> self.payload(AtomicLong.class).incrementAndGet())
            .method("get", (self, a) -> self.payload(AtomicLong.class).get())
            .release(p -> RELEASED.incrementAndGet())
            .build();
    static final ObjectClass SINGLE = ObjectClass.builder("single").single().build();
    static final ObjectClass SLEEPY = ObjectClass.builder("sleepy").sleep().build();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static LuaState newState(boolean sleepable) {
        LuaState L = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(L, sleepable);
        PackageLib.registerJavaModule(L, "rcu", RcuLib::open);
        LibFunction.register(L, L.globals, null, "counter",
                a -> Objects.push(a.state(), new LunatikObject(COUNTER, new AtomicLong(), true)));
        LibFunction.register(L, L.globals, null, "single",
                a -> Objects.push(a.state(), new LunatikObject(SINGLE, new Object(), true)));
        LibFunction.register(L, L.globals, null, "sleepy",
                a -> Objects.push(a.state(), new LunatikObject(SLEEPY, new Object(), true)));
        return L;
    }

    private LuaState state() {
        LuaState L = newState(true);
        L.setOut(new PrintStream(out, true));
        return L;
    }

    private String run(LuaState L, String code) {
        out.reset();
        L.call(L.load("local rcu = require('rcu')\n" + code, "=test"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private String run(String code) {
        return run(state(), code);
    }

    private static LunatikObject global(LuaState L, String name) {
        return Objects.toObject(L.globals.get(Ops.str(name)));
    }

    @Test
    void tableBucketsDefaultAndRounding() {
        LuaState L = state();
        run(L, "a = rcu.table() b = rcu.table(1000) c = rcu.table(1) d = rcu.table(0) e = rcu.table(1024)");
        assertThat(RcuLib.buckets(global(L, "a"))).isEqualTo(256);
        assertThat(RcuLib.buckets(global(L, "b"))).isEqualTo(1024);
        assertThat(RcuLib.buckets(global(L, "c"))).isEqualTo(1);
        assertThat(RcuLib.buckets(global(L, "d"))).isEqualTo(1);
        assertThat(RcuLib.buckets(global(L, "e"))).isEqualTo(1024);
        assertThat(run(L, "print(type(a), tostring(a):match('^rcu: ') ~= nil)")).isEqualTo("userdata\ttrue\n");
    }

    @Test
    void tableTooLargeIsNotEnoughMemory() {
        assertThat(run("""
                print(pcall(rcu.table, 1 << 58))
                print(pcall(rcu.table, -1))
                print(pcall(rcu.table, 'x'))
                local t = rcu.table(16) t.k = rcu.table() print(t.k ~= nil)
                """)).isEqualTo("""
                false\tnot enough memory
                false\tnot enough memory
                false\tbad argument #1 to 'rcu.table' (number expected, got string)
                true
                """);
    }

    @Test
    void storeLookupReplaceDelete() {
        LuaState L = state();
        assertThat(run(L, """
                t = rcu.table()
                print(t.missing)
                c1 = counter() c1:inc()
                t.a = c1
                local h = t.a
                print(type(h), h:get(), rawequal(h, c1), rawequal(t.a, t.a))
                h:inc() print(c1:get())
                c2 = counter()
                t.a = c2
                print(t.a:get())
                t.a = nil
                print(t.a)
                t.a = nil
                print(t.a)
                """)).isEqualTo("""
                nil
                userdata\t1\tfalse\tfalse
                2
                0
                nil
                nil
                """);
    }

    @Test
    void numberKeysAreDecimalStrings() {
        assertThat(run("""
                local t = rcu.table()
                t[1700000000000] = counter()
                t[-5] = counter()
                print(t['1700000000000'] ~= nil, t[1700000000000] ~= nil, t['-5'] ~= nil, t[5])
                """)).isEqualTo("true\ttrue\ttrue\tnil\n");
    }

    @Test
    void valuesMustBeObjects() {
        // a library function called as a metamethod is named by its event, without the
        // underscores, as lua5.4 names it ('newindex'; the spec's text says '__newindex')
        assertThat(run("""
                local t = rcu.table()
                for _, v in ipairs{1, 'x', true, {}, print} do
                  local ok, err = pcall(function() t.k = v end)
                  print(ok, err)
                end
                print(pcall(function() t.k = single() end))
                """)).isEqualTo("""
                false\ttest:4: bad argument #3 to 'newindex' (object expected)
                false\ttest:4: bad argument #3 to 'newindex' (object expected)
                false\ttest:4: bad argument #3 to 'newindex' (object expected)
                false\ttest:4: bad argument #3 to 'newindex' (object expected)
                false\ttest:4: bad argument #3 to 'newindex' (object expected)
                false\ttest:7: bad argument #3 to 'newindex' (cannot share 'single' object)
                """);
    }

    @Test
    void keysMustBeStrings() {
        assertThat(run("""
                local t = rcu.table()
                print(pcall(function() return t[{}] end))
                print(pcall(function() t[true] = counter() end))
                """)).isEqualTo("""
                false\ttest:3: bad argument #2 to 'index' (string expected, got table)
                false\ttest:4: bad argument #2 to 'newindex' (string expected, got boolean)
                """);
    }

    @Test
    void keysOver255BytesAreNotEnoughMemory() {
        assertThat(run("""
                local t = rcu.table()
                local k255, k256 = string.rep('k', 255), string.rep('k', 256)
                t[k255] = counter()
                print(t[k255] ~= nil)
                print(pcall(function() t[k256] = counter() end))
                print(t[k256])
                t[k256] = nil
                """)).isEqualTo("""
                true
                false\tnot enough memory
                nil
                """);
    }

    @Test
    void methodSyntaxDoesNotReachMap() {
        assertThat(run("""
                local t = rcu.table()
                print(t.map, select(2, pcall(function() t:map(print) end)):match('attempt to call') ~= nil)
                """)).isEqualTo("nil\ttrue\n");
    }

    @Test
    void mapVisitsEveryEntry() {
        assertThat(run("""
                local t = rcu.table()
                for i = 1, 20 do local c = counter() for _ = 1, i do c:inc() end t['k' .. i] = c end
                local seen, sum = 0, 0
                print(select('#', rcu.map(t, function(k, v)
                  assert(type(k) == 'string' and v:get() == tonumber(k:sub(2)))
                  seen = seen + 1 sum = sum + v:get()
                end)))
                print(seen, sum)
                """)).isEqualTo("0\n20\t210\n");
    }

    @Test
    void mapCallbackMayDeleteAndInsert() {
        LuaState L = state();
        assertThat(run(L, """
                t = rcu.table()
                for i = 1, 10 do t['k' .. i] = counter() end
                local n = 0
                rcu.map(t, function(k) t[k] = nil t['new' .. k] = counter() n = n + 1 end)
                print(n)
                local keys = {}
                rcu.map(t, function(k) keys[#keys + 1] = k end)
                table.sort(keys) print(#keys, keys[1], keys[10])
                -- deleting other entries: they are skipped
                local u = rcu.table()
                for i = 1, 10 do u['k' .. i] = counter() end
                local visited = 0
                rcu.map(u, function(k)
                  visited = visited + 1
                  rcu.map(u, function(k2) if k2 ~= k then u[k2] = nil end end)
                end)
                print(visited)
                """)).isEqualTo("10\n10\tnewk1\tnewk9\n1\n");
        assertThat(RcuLib.size(global(L, "t"))).isEqualTo(10);
    }

    @Test
    void mapErrorsPropagateAndArgumentsAreChecked() {
        assertThat(run("""
                local t = rcu.table()
                t.a = counter() t.b = counter()
                local calls = 0
                print(pcall(rcu.map, t, function() calls = calls + 1 error('stop', 0) end))
                print(calls)
                print(pcall(rcu.map, {}, print))
                print(pcall(rcu.map, t))
                print(pcall(rcu.map, counter(), print))
                print(pcall(function() rcu.map(t, 1) end))
                """)).isEqualTo("""
                false\tstop
                1
                false\tbad argument #1 to 'rcu.map' (rcu expected, got table)
                false\tbad argument #2 to 'rcu.map' (function expected, got no value)
                false\tbad argument #1 to 'rcu.map' (rcu expected, got counter)
                false\ttest:10: bad argument #2 to 'map' (function expected, got number)
                """);
    }

    @Test
    void nestedTables() {
        assertThat(run("""
                local t = rcu.table()
                t.sub = rcu.table(8)
                t.sub.x = counter()
                t.sub.x:inc()
                print(t.sub.x:get(), t.sub.y)
                """)).isEqualTo("1\tnil\n");
    }

    @Test
    void tableHoldsItsOwnReference() {
        LuaState L = state();
        run(L, "t = rcu.table() c = counter() t.c = c d = counter() t.d = d");
        LunatikObject c = global(L, "c");
        LunatikObject d = global(L, "d");
        assertThat(c.references()).isEqualTo(2);
        run(L, "t.c = d");
        assertThat(c.references()).isEqualTo(1);
        assertThat(d.references()).isEqualTo(3);
        run(L, "t.d = nil t.c = nil");
        assertThat(d.references()).isEqualTo(1);
        assertThat(c.payload()).isNotNull();
    }

    @Test
    void javaApi() {
        LunatikObject t = RcuLib.newTable(100);
        assertThat(RcuLib.buckets(t)).isEqualTo(128);
        LunatikObject c = new LunatikObject(COUNTER, new AtomicLong(7), true);
        LuaString key = Ops.str("c");
        RcuLib.put(t, key, c);
        assertThat(c.references()).isEqualTo(2);
        LunatikObject got = RcuLib.get(t, key);
        assertThat(got).isSameAs(c);
        assertThat(c.references()).isEqualTo(3);
        got.put();
        assertThat(RcuLib.get(t, Ops.str("none"))).isNull();
        List<String> seen = new ArrayList<>();
        RcuLib.forEach(t, (k, o) -> seen.add(k + "=" + o.payload(AtomicLong.class).get()));
        assertThat(seen).containsExactly("c=7");
        assertThatThrownBy(() -> RcuLib.put(t, Ops.str("k".repeat(256)), c))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RcuLib.newTable(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RcuLib.get(c, key)).isInstanceOf(IllegalArgumentException.class);
        // the table's release drops the references it holds
        long before = RELEASED.get();
        c.put();
        assertThat(c.payload()).isNotNull();
        t.put();
        assertThat(c.payload()).isNull();
        assertThat(RELEASED.get()).isEqualTo(before + 1);
        RcuLib.put(RcuLib.newTable(1), key, null);
    }

    @Test
    void nonSleepableRuntimes() {
        LuaState L = newState(false);
        L.setOut(new PrintStream(out, true));
        assertThat(run(L, "t = rcu.table() t.c = counter() print(t.c:inc())")).isEqualTo("1\n");
        LuaState S = state();
        run(S, "t = rcu.table() t.s = sleepy()");
        L.globals.put(Ops.str("shared"), RcuLib.share(L, global(S, "t")));
        assertThat(run(L, "print(pcall(function() return shared.s end))"))
                .isEqualTo("false\tcannot use 'sleepy' class on non-sleepable runtime\n");
    }

    @Test
    void sharedWithAStateThatNeverRequiredRcu() {
        LuaState A = state();
        run(A, "t = rcu.table() t.c = counter() t.c:inc()");
        LuaState B = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(B, true);
        ByteArrayOutputStream bout = new ByteArrayOutputStream();
        B.setOut(new PrintStream(bout, true));
        B.globals.put(Ops.str("t"), RcuLib.share(B, global(A, "t")));
        B.call(B.load("print(t.c:get()) t.c = nil print(t.c)", "=b"));
        assertThat(bout.toString(StandardCharsets.UTF_8)).isEqualTo("1\nnil\n");
    }

    @Test
    void twoStatesOnTwoThreads() throws Exception {
        LunatikObject table = RcuLib.newTable(16);
        LuaState A = state();
        LuaState B = newState(true);
        A.globals.put(Ops.str("t"), RcuLib.share(A, table));
        B.globals.put(Ops.str("t"), RcuLib.share(B, table));
        table.put();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread tb = Thread.ofPlatform().start(() -> {
            try {
                B.call(B.load("""
                        local rcu = require('rcu')
                        local c = counter()
                        for i = 1, 1000 do c:inc() end
                        t.fromB = c
                        while not t.fromA do end
                        t.seenByB = t.fromA
                        """, "=b"));
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        run(A, """
                local c = counter() c:inc() c:inc()
                t.fromA = c
                while not t.seenByB do end
                print(t.fromB:get(), t.seenByB:get())
                """);
        tb.join();
        assertThat(errors).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("1000\t2\n");
    }

    /** Eight threads, each with its own state, updating and iterating one table for ten seconds. */
    @Test
    void stressEightThreads() throws Exception {
        final int threads = 8;
        LunatikObject table = RcuLib.newTable(64);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long[] expected = new long[threads];
        long[] observed = new long[threads];
        long deadline = System.nanoTime() + Long.getLong("lunatik.stress.seconds", 10) * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            final int id = i;
            LuaState L = newState(id % 2 == 0);
            L.globals.put(Ops.str("t"), RcuLib.share(L, table));
            L.globals.put(Ops.str("id"), (long) id);
            LibFunction.register(L, L.globals, null, "running", a -> System.nanoTime() < deadline);
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    Object r = L.call(L.load("""
                            local rcu = require('rcu')
                            local mine = 0
                            local iter = 0
                            while running() do
                              iter = iter + 1
                              local k = 't' .. id .. '_' .. (iter % 16)
                              local c = t[k]
                              if not c then c = counter() t[k] = c end
                              c:inc()
                              mine = mine + 1
                              -- read somebody else's counter, churn shared keys
                              local other = t['t' .. ((id + iter) % 8) .. '_' .. (iter % 16)]
                              if other then other:get() end
                              local s = 'shared' .. (iter % 4)
                              if iter % 3 == 0 then t[s] = counter() elseif iter % 7 == 0 then t[s] = nil end
                              local v = t[s]
                              if v then v:inc() end
                              if iter % 64 == 0 then
                                rcu.map(t, function(key, obj) obj:get() end)
                              end
                            end
                            local sum = 0
                            for i = 0, 15 do local c = t['t' .. id .. '_' .. i] if c then sum = sum + c:get() end end
                            return mine, sum
                            """, "=stress" + id));
                    expected[id] = (Long) lunatik.lua.value.Varargs.get(r, 0);
                    observed[id] = (Long) lunatik.lua.value.Varargs.get(r, 1);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(errors).isEmpty();
        for (int i = 0; i < threads; i++) {
            assertThat(expected[i]).isGreaterThan(1000);
            assertThat(observed[i]).as("thread %d", i).isEqualTo(expected[i]);
        }
        // every counter still in the table is alive
        RcuLib.forEach(table, (k, o) -> assertThat(o.payload()).as(k.toString()).isNotNull());
    }

    @Test
    void readersNeverGetAReleasedObject() throws Exception {
        AtomicLong created = new AtomicLong();
        AtomicLong released = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ObjectClass tracked = ObjectClass.builder("tracked").release(p -> {
            if (((AtomicLong) p).getAndSet(-1) < 0) {
                errors.add("released twice");
            }
            released.incrementAndGet();
        }).build();
        LunatikObject table = RcuLib.newTable(4);
        LuaString key = Ops.str("k");
        long deadline = System.nanoTime() + 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean writer = i % 2 == 0;
            ts.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < deadline) {
                    if (writer) {
                        LunatikObject o = new LunatikObject(tracked, new AtomicLong(), false);
                        created.incrementAndGet();
                        RcuLib.put(table, key, o);
                        o.put();
                        if (created.get() % 5 == 0) {
                            RcuLib.put(table, key, null);
                        }
                    } else {
                        LunatikObject o = RcuLib.get(table, key);
                        if (o != null) {
                            AtomicLong p = o.payload(AtomicLong.class);
                            if (p == null || p.get() < 0) {
                                errors.add("read a released object");
                            }
                            o.put();
                        }
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        table.put();
        assertThat(errors).isEmpty();
        assertThat(created.get()).isGreaterThan(1000);
        assertThat(released.get()).isEqualTo(created.get());
    }

    @Test
    void luaErrorFromJavaApiIsNotEnoughMemory() {
        LuaState L = state();
        assertThatThrownBy(() -> run(L, "rcu.table(1 << 60)")).isInstanceOf(LuaError.class)
                .hasMessageContaining("not enough memory");
    }
}
