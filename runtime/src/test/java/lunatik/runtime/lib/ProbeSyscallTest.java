package lunatik.runtime.lib;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** syscall, probe (on system call tracepoints) and the systrack example, for real. */
class ProbeSyscallTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path root;
    @TempDir
    Path dev;
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Runtimes to stop after the test, whatever happened (a device left mounted would outlive the JVM). */
    final List<Runtime> started = new CopyOnWriteArrayList<>();
    Host host;

    private Runtime track(Runtime rt) {
        started.add(rt);
        return rt;
    }

    @org.junit.jupiter.api.AfterEach
    void stopRuntimes() {
        started.forEach(r -> {
            if (!r.isStopped()) {
                r.stop();
            }
        });
    }

    @BeforeEach
    void setUp() {
        Require.root();
        host = new Host(root, log::add);
        host.setLibraryPath(CHECKOUT.resolve("lua"));
        host.setDeviceDirectory(dev);
    }

    private Runtime script(String name, String src) throws Exception {
        Files.writeString(root.resolve(name + ".lua"), src);
        return track(host.runtime(name, true));
    }

    private static String call(Runtime rt, Object... args) throws Exception {
        Object[] a = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i] instanceof String s ? lunatik.lua.vm.Ops.str(s) : args[i];
        }
        return rt.run(S -> String.valueOf(S.call1(rt.entry(), a)));
    }

    /** Opens and closes a file {@code n} times (openat and close system calls). */
    private void openMany(int n) throws Exception {
        Path f = root.resolve("opened");
        Files.writeString(f, "x");
        for (int i = 0; i < n; i++) {
            try (InputStream in = Files.newInputStream(f)) {
                in.read();
            }
        }
    }

    @Test
    void syscallNumbersAndAddresses() throws Exception {
        Runtime rt = script("numbers", """
            local syscall = require("syscall")
            local t = require("syscall.table")
            return function()
              local a = syscall.address(syscall.numbers.openat)
              return table.concat({syscall.numbers.read, syscall.numbers.openat, syscall.numbers.close,
                tostring(a == t.openat), tostring(t.read ~= t.write), tostring(a):match("^userdata: 0x%x+$") and "hex" or tostring(a),
                select(2, pcall(syscall.address, -1)), select(2, pcall(syscall.address, 100000))}, " ")
            end
            """);
        assertThat(call(rt)).isEqualTo("0 257 3 true true hex "
            + "bad argument #1 to 'syscall.address' (out of bounds) bad argument #1 to 'syscall.address' (out of bounds)");
        rt.stop();
    }

    @Test
    void aProbeCallsItsHandlersOncePerHitUntilStopped() throws Exception {
        Runtime rt = script("count", """
            local probe = require("probe")
            local pre, post, dumped = 0, 0, nil
            local keep
            local p = probe.new("__x64_sys_openat", {
              pre = function(target, dump) pre = pre + 1; keep = dump; if pre == 1 then dump() end end,
              post = function(target) post = post + 1 end})
            return function(what)
              if what == "disable" then p:enable(false) return "" end
              if what == "stop" then p:stop() p:stop() return select(2, pcall(function() p:enable(true) end)) end
              if what == "late dump" then return select(2, pcall(keep)) end
              return pre .. " " .. post
            end
            """);
        openMany(500);
        Thread.sleep(200);
        String[] counts = call(rt).split(" ");
        // every process's openat counts; ours are 500 of them
        assertThat(Long.parseLong(counts[0])).isGreaterThanOrEqualTo(500);
        assertThat(Long.parseLong(counts[1])).isGreaterThanOrEqualTo(500);
        assertThat(log).contains("dump: the registers of the probed context are not available from userspace");
        assertThat(call(rt, "late dump")).isEqualTo("null-pointer dereference");
        call(rt, "disable");
        Thread.sleep(50);
        String before = call(rt);
        openMany(200);
        Thread.sleep(100);
        assertThat(call(rt)).isEqualTo(before); // disabled: no more hits
        assertThat(call(rt, "stop")).endsWith("calling 'enable' on bad self (null-pointer dereference)");
        rt.stop();
    }

    @Test
    void aFloodOfHitsIsBoundedAndTheRuntimeStillAnswers() throws Exception {
        Runtime rt = script("flood", """
            local probe = require("probe")
            local n = 0
            local p = probe.new("__x64_sys_openat", {pre = function() n = n + 1 end, post = function() end})
            return function() return n end
            """);
        java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
        Path f = root.resolve("flooded");
        Files.writeString(f, "x");
        Thread[] flooders = new Thread[2];
        for (int i = 0; i < flooders.length; i++) {
            flooders[i] = Thread.ofPlatform().start(() -> {
                while (flooding.get()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        in.read();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }
        try {
            long worst = 0;
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                call(rt);
                worst = Math.max(worst, System.nanoTime() - t0);
                Thread.sleep(20);
            }
            // a round of replays is at most a thousand calls per handler: the runtime answers between rounds
            assertThat(worst / 1_000_000).as("worst wait for the runtime, ms").isLessThan(500);
        } finally {
            flooding.set(false);
            for (Thread t : flooders) {
                t.join();
            }
        }
        waitFor(() -> log.stream().anyMatch(l -> l.contains("hits not handled (more than 1000 per 10 ms)")));
        rt.stop();
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }

    @Test
    void onlySystemCallEntryPointsCanBeProbed() throws Exception {
        lunatik.testsupport.Require.byNature(lunatik.linux.trace.TracepointCounter.kprobeType() < 0,
            "this kernel has kprobes: every symbol can be probed (kprobesWhereTheKernelHasThem)");
        assertThatThrownBy(() -> script("vfs", "require('probe').new('vfs_read', {})"))
            .isInstanceOf(LuaException.class)
            .hasMessageContaining("failed to register probe (-95): vfs_read is not a system call entry point, "
                + "and this kernel has no kprobes");
        assertThatThrownBy(() -> script("nosuch", "require('probe').new('__x64_sys_nosuch', {})"))
            .hasMessageContaining("failed to register probe (-2): no tracepoint for __x64_sys_nosuch");
        assertThatThrownBy(() -> script("bad", "require('probe').new(42, {})"))
            .hasMessageContaining("bad argument #1 to 'new' (string expected, got number)");
    }

    @Test
    void systrackCountsSystemCallsAndListsThemEveryOtherRead() throws Exception {
        Host h = new Host(CHECKOUT, log::add);
        h.setLibraryPath(CHECKOUT.resolve("lua"));
        h.setDeviceDirectory(dev);
        Runtime rt = track(h.runtime("examples/systrack", true));
        openMany(300);
        Thread.sleep(200);
        Path systrack = dev.resolve("systrack");
        // as the example says: cat (large reads; a 1-byte read would get one byte of the listing)
        Process cat = new ProcessBuilder("cat", systrack.toString()).start();
        String listing = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(cat.waitFor()).isZero();
        assertThat(listing).matches("([a-z]+: \\d+\n){6}");
        Map<String, Long> counts = new HashMap<>();
        for (String line : listing.split("\n")) {
            String[] f = line.split(": ");
            counts.put(f[0], Long.parseLong(f[1]));
        }
        assertThat(counts).containsOnlyKeys("openat", "read", "write", "readv", "writev", "close");
        assertThat(counts.get("openat")).isGreaterThanOrEqualTo(300);
        assertThat(counts.get("close")).isGreaterThanOrEqualTo(300);
        assertThat(counts.get("read")).isGreaterThanOrEqualTo(300);
        rt.stop();
        assertThat(Files.exists(systrack)).isFalse();
    }
    @Test
    void theMechanismIsChosenByWhatTheKernelHas() throws Exception {
        lunatik.testsupport.Require.byNature(lunatik.linux.trace.TracepointCounter.kprobeType() < 0, "this kernel has kprobes");
        // without kprobes: system call tracepoints
        Runtime rt = script("mech", """
            local p = require("probe").new("__x64_sys_getpid", {})
            return function() return p:mechanism() end
            """);
        assertThat(call(rt)).isEqualTo("tracepoint");
        rt.stop();
        // a kernel that says it has a kprobe PMU (a folder of ours in place of sysfs): the probe
        // goes to it, for a system call or any other symbol, and the kernel's refusal is the error
        Path sources = root.resolve("event_source");
        Files.createDirectories(sources.resolve("kprobe/format"));
        Files.writeString(sources.resolve("kprobe/type"), "2147480000\n"); // no PMU has this type
        Files.writeString(sources.resolve("kprobe/format/retprobe"), "config:0\n");
        lunatik.linux.trace.TracepointCounter.setEventSources(sources);
        try {
            assertThatThrownBy(() -> script("kp1", "require('probe').new('__x64_sys_getpid', {})"))
                .hasMessageContaining("failed to register probe (-2): kprobe on __x64_sys_getpid");
            assertThatThrownBy(() -> script("kp2", "require('probe').new('vfs_read', {})"))
                .hasMessageContaining("failed to register probe (-2): kprobe on vfs_read");
        } finally {
            lunatik.linux.trace.TracepointCounter.setEventSources(null);
        }
        // a null address (linux.lookup of an unknown symbol) is refused as the kernel refuses it
        assertThatThrownBy(() -> script("null", "require('probe').new(require('linux').lookup('no_such_symbol_here'), {})"))
            .hasMessageContaining("failed to register probe (-22): a null address");
    }

    @Test
    void kprobesWhereTheKernelHasThem() throws Exception {
        lunatik.testsupport.Require.byNature(lunatik.linux.trace.TracepointCounter.kprobeType() >= 0,
            "this kernel has no kprobes (no /sys/bus/event_source/devices/kprobe): the kprobe path is not run here");
        Runtime rt = script("kprobe", """
            local probe = require("probe")
            local linux = require("linux")
            local pre, post = 0, 0
            local p = probe.new(linux.lookup("do_sys_openat2"), {
              pre = function() pre = pre + 1 end, post = function() post = post + 1 end})
            return function() return p:mechanism() .. " " .. pre .. " " .. post end
            """);
        openMany(300);
        Thread.sleep(200);
        String[] r = call(rt).split(" ");
        assertThat(r[0]).isEqualTo("kprobe");
        assertThat(Long.parseLong(r[1])).isGreaterThanOrEqualTo(300);
        assertThat(Long.parseLong(r[2])).isGreaterThanOrEqualTo(300);
        rt.stop();
    }
}
