package lunatik.runtime;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import lunatik.linux.fuse.FuseDevice;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping means stopping, and a runtime lives as long as something uses it: runtimes whose
 * scripts loop, catch every error, sleep for ever or block in a device callback are stopped
 * within two seconds; a runtime object that is collected while a thread runs the runtime only
 * drops its reference; a script that fails leaves nothing behind.
 */
class RuntimeStopTest {
    @TempDir
    Path root;
    @TempDir
    Path devdir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Runtime> runtimes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        if (!log.isEmpty()) {
            System.out.println("host log: " + log);
        }
        runtimes.forEach(Runtime::shutdown);
    }

    private Host host() {
        Host h = new Host(root, log::add);
        h.setDeviceDirectory(devdir);
        return h;
    }

    private void script(String name, String src) throws Exception {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    private Runtime runtime(Host h, String name) throws LuaException {
        Runtime rt = h.runtime(name, true);
        runtimes.add(rt);
        return rt;
    }

    /** Runs the entry of {@code rt} on a thread of its own, as a spawned script's thread does. */
    private static CompletableFuture<String> entryInBackground(Runtime rt) {
        CompletableFuture<String> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                rt.run(L -> L.call(rt.entry()));
                done.complete("returned");
            } catch (LuaException e) {
                done.complete(e.getMessage());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** Stops {@code rt} once its entry is under way; the milliseconds the stop took. */
    private static long timeStop(Runtime rt) throws Exception {
        Thread.sleep(200); // well inside whatever it does
        long t0 = System.nanoTime();
        rt.shutdown();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void aLoopThatCatchesEveryErrorIsStoppedWithinTwoSeconds() throws Exception {
        script("catcher", """
            return function()
              while true do
                pcall(function() while true do end end)
              end
            end""");
        Runtime rt = runtime(host(), "catcher");
        CompletableFuture<String> entry = entryInBackground(rt);
        assertThat(timeStop(rt)).isLessThan(2000);
        assertThat(entry.get(2, TimeUnit.SECONDS)).isEqualTo("runtime 'catcher' has been stopped");
        assertThat(rt.isStopped()).isTrue();
        assertThatThrownBy(() -> rt.run(L -> null)).isInstanceOf(LuaException.class);
    }

    @Test
    void sleepsAndWaitsThatCatchTheirWakeUpAreStoppedWithinTwoSeconds() throws Exception {
        script("sleeper", """
            local linux = require("linux")
            local completion = require("completion")
            return function()
              local c = completion.new()
              while true do
                pcall(linux.schedule, -1)
                pcall(c.wait, c)
              end
            end""");
        Runtime rt = runtime(host(), "sleeper");
        CompletableFuture<String> entry = entryInBackground(rt);
        assertThat(timeStop(rt)).isLessThan(2000);
        assertThat(entry.get(2, TimeUnit.SECONDS)).contains("has been stopped");
    }

    @Test
    void aLibraryFunctionThatLoopsForAgesIsStoppedWithinTwoSeconds() throws Exception {
        script("mover", "return function() while true do table.move({}, 1, 1 << 40, 2) end end");
        Runtime rt = runtime(host(), "mover");
        CompletableFuture<String> entry = entryInBackground(rt);
        assertThat(timeStop(rt)).isLessThan(2000);
        assertThat(entry.get(2, TimeUnit.SECONDS)).contains("has been stopped");
    }

    @Test
    void aThreadThatNeverLooksAtShouldstopIsStoppedWithinTwoSeconds() throws Exception {
        script("spin", "return function() local n = 0 while true do n = n + 1 end end");
        script("spawner", """
            local lunatik = require("lunatik")
            local thread = require("thread")
            local rt = lunatik.runtime("spin")
            local t = thread.run(rt, "spin")
            return function() t:stop() rt:stop() end""");
        Runtime spawner = runtime(host(), "spawner");
        Thread.sleep(200);
        long t0 = System.nanoTime();
        spawner.run(L -> L.call(spawner.entry()));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        assertThat(spawner.host().runtimes()).containsExactly(spawner);
    }

    @Test
    void aCollectedRuntimeObjectDoesNotStopTheRuntimeItsThreadRuns() throws Exception {
        // Lunatik's echod: thread.run(lunatik.runtime(...)) keeps no reference to the runtime
        script("counter", """
            local thread = require("thread")
            local linux = require("linux")
            return function()
              local n = 0
              while not thread.shouldstop() do
                n = n + 1
                linux.schedule(5)
              end
              print("counter stopped after " .. (n > 10 and "many" or "few") .. " beats")
            end""");
        script("spawner", """
            local lunatik = require("lunatik")
            local thread = require("thread")
            local t
            return function(what)
              if what == "start" then
                t = thread.run(lunatik.runtime("counter"), "counter")
              elseif what == "gc" then
                collectgarbage()
              else
                t:stop()
              end
            end""");
        Host h = host();
        Runtime spawner = runtime(h, "spawner");
        spawner.run(L -> L.call(spawner.entry(), lunatik.lua.vm.Ops.str("start")));
        for (int i = 0; i < 3; i++) {
            spawner.run(L -> L.call(spawner.entry(), lunatik.lua.vm.Ops.str("gc")));
            Thread.sleep(100);
        }
        Runtime counter = h.runtimes().stream().filter(r -> r.script().equals("counter")).findFirst().orElseThrow();
        assertThat(counter.isStopped()).as("the runtime its thread runs").isFalse();
        assertThat(counter.references()).as("the thread's").isEqualTo(1);
        spawner.run(L -> L.call(spawner.entry(), lunatik.lua.vm.Ops.str("stop")));
        waitFor(counter::isStopped);
        assertThat(log).contains("counter stopped after many beats");
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void aScriptThatFailsLeavesNothingBehind() throws Exception {
        Require.fuse();
        script("halfmade", """
            local device = require("device")
            local thread = require("thread")
            local lunatik = require("lunatik")
            device.new{name = "halfmade", open = function() end, read = function() return "x" end}
            local t = thread.run(lunatik.runtime("idle"), "idle")
            error("late failure")
            """);
        script("idle", "return function() while not require('thread').shouldstop() do require('linux').schedule(10) end end");
        Host h = host();
        for (int i = 0; i < 2; i++) { // a second try fails the same way (no "device exists")
            assertThatThrownBy(() -> h.runtime("halfmade", true)).isInstanceOf(LuaException.class)
                .hasMessageContaining("late failure")
                .satisfies(e -> assertThat(((LuaException) e).errno()).isEqualTo(LuaException.ENOEXEC));
            assertThat(Files.exists(devdir.resolve("halfmade"))).isFalse();
            assertThat(FuseDevice.isMounted(devdir.resolve("halfmade"))).isFalse();
            waitFor(() -> h.runtimes().isEmpty(), () -> h.runtimes().stream()
                .map(r -> r.script() + " refs " + r.references() + " stopped " + r.isStopped()).toList() + " " + log);
        }
    }

    @Test
    void aScriptNameWithANulByteCannotBeOpened() throws Exception {
        script("maker", """
            local lunatik = require("lunatik")
            return function() return pcall(lunatik.runtime, "bad\\0name") end""");
        Runtime rt = runtime(host(), "maker");
        Object r = rt.run(L -> L.call(rt.entry()));
        assertThat(Varargs.get(r, 0)).isEqualTo(false);
        assertThat(Varargs.get(r, 1).toString()).startsWith("cannot open ");
    }

    @Test
    void aDeviceReadBlockedForEverIsStoppedWithinTwoSeconds() throws Exception {
        Require.fuse();
        script("blocking", """
            local device = require("device")
            local linux = require("linux")
            device.new{name = "blocking", open = function() end, release = function() end,
              read = function() while true do pcall(linux.schedule, -1) end end}
            """);
        Runtime rt = runtime(host(), "blocking");
        CompletableFuture<String> reader = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = Files.newInputStream(devdir.resolve("blocking"))) {
                opened.countDown(); // the open callback has returned and let go of the lock
                in.read();
                reader.complete("read");
            } catch (IOException e) {
                reader.complete(e.getMessage());
            }
        });
        assertThat(opened.await(5, TimeUnit.SECONDS)).as(() -> "the open returned; the reader: " + reader.getNow("no word")).isTrue();
        waitFor(() -> rt.lock().isLocked()); // the read callback is inside (open's is done)
        long t0 = System.nanoTime();
        rt.shutdown();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        assertThat(reader.get(2, TimeUnit.SECONDS)).contains("Operation canceled");
        assertThat(Files.exists(devdir.resolve("blocking"))).isFalse();
    }

    @Test
    void anEntryPastItsTimeLimitIsInterruptedAndSoIsTheTopLevelItRuns() throws Exception {
        script("forever", "require('linux').schedule(-1)");
        script("driverlike", """
            local lunatik = require("lunatik")
            local linux = require("linux")
            return function(what)
              if what == "sleep" then linux.schedule(-1) end
              return pcall(lunatik.runtime, "forever")
            end""");
        Host h = host();
        Runtime rt = runtime(h, "driverlike");
        rt.setEntryTimeLimit(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> rt.run(L -> L.call(rt.entry(), lunatik.lua.vm.Ops.str("sleep"))))
            .isInstanceOf(LuaException.class).hasMessage("time limit exceeded (300 ms)");
        Object r = rt.run(L -> L.call(rt.entry(), lunatik.lua.vm.Ops.str("nested")));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3000);
        assertThat(Varargs.get(r, 0)).isEqualTo(false);
        assertThat(Varargs.get(r, 1).toString()).isEqualTo("time limit exceeded (300 ms)");
        assertThat(h.runtimes()).containsExactly(rt); // the runtime whose top level was cut is gone
        // the next entry starts afresh
        Object answer = rt.run(L -> L.call1(L.load("return 6 * 7", "=x")));
        assertThat(answer)
            .isEqualTo(42L);
    }

    /**
     * The watchdog may cut an entry after its last check and before the thread is seen inside a
     * runtime it enters from there (lunatik.runtime running a script's top level): that entry is
     * cut from its start, even when the wake-up the interrupt left on the thread was taken by a
     * blocking call on the way (here: cleared by hand).
     */
    @Test
    void anEntryMadeFromAnEntryBeingCutIsCutToo() throws Exception {
        script("sleeper", "require('linux').schedule(3000)");
        script("outer", "return function() end");
        Host h = host();
        Runtime rt = runtime(h, "outer");
        LuaString msg = lunatik.lua.vm.Ops.str("time limit exceeded (1 ms)");
        long t0 = System.nanoTime();
        Object r = rt.run(L -> {
            h.interruptThread(Thread.currentThread(), msg, rt);
            Thread.interrupted();
            try {
                runtime(h, "sleeper");
                return "the nested top level ran to its end";
            } catch (LuaException e) {
                return e.getMessage();
            }
        });
        assertThat(r).isEqualTo("time limit exceeded (1 ms)");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        // with the wake-up left on the thread, the lock of the runtime entered says why
        Runtime other = runtime(h, "outer");
        Object r2 = rt.run(L -> {
            h.interruptThread(Thread.currentThread(), msg, rt);
            try {
                return other.run(S -> "entered");
            } catch (LuaException e) {
                return e.getMessage();
            }
        });
        assertThat(r2).isEqualTo("time limit exceeded (1 ms)");
        assertThat(Thread.currentThread().isInterrupted()).isFalse(); // nothing left behind
        assertThat((Object) other.run(S -> "entered")).isEqualTo("entered"); // and the cut is over
    }

    @Test
    void holdingMoreThanTheMemoryBudgetIsStoppedEvenWhenTheErrorIsCaught() throws Exception {
        script("hog", """
            return function()
              local t = {}
              local caught = 0
              while true do
                local ok = pcall(function() t[#t + 1] = string.rep("x", 1 << 16) .. #t end)
                if not ok then caught = caught + 1 end
              end
            end""");
        Host h = host();
        h.setMemoryBudget(16L << 20);
        Runtime rt = runtime(h, "hog");
        assertThatThrownBy(() -> rt.run(L -> L.call(rt.entry()))).isInstanceOf(LuaException.class)
            .hasMessage("not enough memory");
        assertThat(lunatik.lua.vm.StateHeap.liveBytes(rt.state())).isLessThan(48L << 20);
    }

    @Test
    void aThreadThatWaitsBetweenBurstsGetsItsBudgetPerBurst() throws Exception {
        script("bursts", """
            local linux = require("linux")
            return function(bursts)
              for b = 1, bursts do
                local n = 0
                for i = 1, 200000 do n = n + i end
                linux.schedule(1)
              end
              return "done"
            end""");
        Host h = host();
        h.setInstructionBudget(1_000_000);
        Runtime rt = runtime(h, "bursts");
        // 20 bursts of 200,000 loop turns: four times the budget in all, a fifth of it per burst
        Object done = rt.run(L -> L.call1(rt.entry(), 20L));
        assertThat(done).hasToString("done");
        // a burst that does not wait is still stopped
        script("noburst", "return function() local n = 0 for i = 1, 5000000 do n = n + i end return n end");
        Runtime no = runtime(h, "noburst");
        assertThatThrownBy(() -> no.run(L -> L.call1(no.entry()))).hasMessageContaining("instruction budget exceeded");
    }

    @Test
    void registryChangesFromOtherThreadsWaitForTheLock() throws Exception {
        script("busy", """
            local linux = require("linux")
            return function(ms) linux.schedule(ms) return debug.getregistry().mark end""");
        Runtime rt = runtime(host(), "busy");
        CompletableFuture<Object> busy = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                busy.complete(rt.run(L -> L.call1(rt.entry(), 300L)));
            } catch (LuaException e) {
                busy.completeExceptionally(e);
            }
        });
        waitFor(() -> rt.lock().isLocked());
        // another thread (a device stopped from elsewhere, a finalizer) changes the registry:
        // not while the entry runs, but at the start of the next one
        rt.withState(L -> L.registry.put(lunatik.lua.vm.Ops.str("mark"), lunatik.lua.vm.Ops.str("set")));
        assertThat(busy.get(5, TimeUnit.SECONDS)).as("seen by the entry in progress").isNull();
        Object next = rt.run(L -> L.call1(rt.entry(), 0L));
        assertThat(next).hasToString("set");
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        waitFor(c, () -> "");
    }

    private static void waitFor(java.util.function.BooleanSupplier c, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(c.getAsBoolean()).as(why).isTrue();
    }
}
