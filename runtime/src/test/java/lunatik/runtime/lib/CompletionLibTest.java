package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.Objects;
import org.junit.jupiter.api.Test;

/** The {@code completion} module: accumulation, timeouts, interruption, states on two threads. */
class CompletionLibTest {
    private final LuaState L = state(true);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    CompletionLibTest() {
        L.setOut(new PrintStream(out, true));
    }

    static LuaState state(boolean sleepable) {
        LuaState s = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(s, sleepable);
        PackageLib.registerJavaModule(s, "completion", CompletionLib::open);
        return s;
    }

    private static String run(LuaState s, ByteArrayOutputStream o, String code) {
        o.reset();
        s.call(s.load("completion = require('completion')\n" + code, "=test"));
        return o.toString(StandardCharsets.ISO_8859_1);
    }

    private String run(String code) {
        return run(L, out, code);
    }

    /** A second state used from its own thread; {@link #result} waits for the output. */
    private static final class Other {
        final LuaState S;
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread;

        Other(boolean sleepable, LunatikObject c, String code) {
            S = state(sleepable);
            S.setOut(new PrintStream(o, true));
            thread = new Thread(() -> {
                try {
                    S.call(S.load("require('completion')", "=other"));
                    S.globals.put(Ops.str("c"), Objects.share(S, c));
                    S.call(S.load(code, "=other"));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            thread.start();
        }

        String result() throws InterruptedException {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
            return o.toString(StandardCharsets.ISO_8859_1);
        }

        /** Waits until the thread sleeps (in {@code wait}). */
        void awaitBlocked() throws InterruptedException {
            for (int i = 0; i < 1000 && thread.getState() != Thread.State.WAITING
                    && thread.getState() != Thread.State.TIMED_WAITING; i++) {
                Thread.sleep(5);
            }
            assertThat(thread.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
        }
    }

    private LunatikObject newCompletion() {
        assertThat(run("c = completion.new()")).isEmpty();
        return Objects.toObject(L.globals.get(Ops.str("c")));
    }

    @Test
    void timeouts() {
        String r = run("""
                local c = completion.new()
                print(c:wait(0))
                print(c:wait(30))
                """);
        assertThat(r).isEqualTo("nil\ttimeout\nnil\ttimeout\n");
        long t0 = System.nanoTime();
        assertThat(run("print(completion.new():wait(100))")).isEqualTo("nil\ttimeout\n");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(95);
    }

    @Test
    void completionsAccumulate() {
        String r = run("""
                local c = completion.new()
                print(c:complete())
                c:complete()
                c:complete()
                print(c:wait(0), c:wait(), c:wait(-1))
                print(c:wait(0))
                c:complete()
                print(c:wait(10))
                print(c:wait(0))
                """);
        assertThat(r).isEqualTo("\ntrue\ttrue\ttrue\nnil\ttimeout\ntrue\nnil\ttimeout\n");
    }

    @Test
    void argumentsAreChecked() {
        assertThat(run("local c = completion.new() print(pcall(function() c:wait('x') end))"))
                .isEqualTo("false\ttest:2: bad argument #1 to 'wait' (number expected, got string)\n");
        assertThat(run("local c = completion.new() print(pcall(function() c.complete({}) end))"))
                .isEqualTo("false\ttest:2: bad argument #1 to 'complete' (completion expected, got table)\n");
        assertThat(run("local c = completion.new() print(c.nosuchmethod)")).isEqualTo("nil\n");
    }

    @Test
    void waitNeedsASleepableRuntime() {
        LuaState s = state(false);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        s.setOut(new PrintStream(o, true));
        String r = run(s, o, """
                local c = completion.new()
                c:complete()
                print(pcall(c.wait, c))
                print(pcall(c.wait, c, 0))
                """);
        assertThat(r).isEqualTo(("false\tcannot use non-sleepable runtime in this context\n").repeat(2));
    }

    @Test
    void completeFromAnotherStateOnAnotherThread() throws Exception {
        LunatikObject c = newCompletion();
        Other waiter = new Other(true, c, "print(c:wait(10000)) print(c:wait(0))");
        waiter.awaitBlocked();
        assertThat(run("c:complete()")).isEmpty();
        assertThat(waiter.result()).isEqualTo("true\nnil\ttimeout\n");

        // the other way round: a completer made in a non-sleepable state wakes this one
        Other completer = new Other(false, c, "c:complete() c:complete()");
        assertThat(completer.result()).isEmpty();
        assertThat(run("print(c:wait(1000), c:wait(1000), c:wait(0))")).isEqualTo("true\ttrue\tnil\ttimeout\n");
    }

    @Test
    void oneCompleteWakesOneWaiter() throws Exception {
        LunatikObject c = newCompletion();
        Other a = new Other(true, c, "print(c:wait(300))");
        Other b = new Other(true, c, "print(c:wait(300))");
        a.awaitBlocked();
        b.awaitBlocked();
        assertThat(run("c:complete()")).isEmpty();
        String results = a.result() + b.result();
        assertThat(results).contains("true\n").contains("nil\ttimeout\n");
    }

    @Test
    void interruptedWait() throws Exception {
        LunatikObject c = newCompletion();
        Other waiter = new Other(true, c, """
                print(c:wait())
                print(c:wait(10000))
                """);
        waiter.awaitBlocked();
        waiter.thread.interrupt();
        // the interrupt stays pending, as a signal does: the next wait is interrupted at once
        assertThat(waiter.result()).isEqualTo("nil\tinterrupt\nnil\tinterrupt\n");
    }

    @Test
    void pendingCompletionBeatsAnInterrupt() throws Exception {
        LunatikObject c = newCompletion();
        assertThat(run("c:complete()")).isEmpty();
        Thread.currentThread().interrupt();
        try {
            assertThat(run("print(c:wait(0)) print(c:wait(0))")).isEqualTo("true\nnil\tinterrupt\n");
        } finally {
            Thread.interrupted();
        }
        assertThat(c.references()).isEqualTo(1);
    }
}
