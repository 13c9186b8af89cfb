package lunatik.daemon;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lunatik.cli.LunatikCliAccess;
import lunatik.linux.fuse.FuseDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a service an operator runs for weeks: its control device serves many clients at
 * once, each with its own result; chunks of any size up to a cap; a restart after SIGKILL
 * removes exactly what the dead daemon left; unload never signals a process that is not the live
 * daemon of its run directory; the log is private and rate-limited; memory is given back.
 */
class ServiceTest extends DaemonFixture {
    @TempDir
    Path root;

    @BeforeEach
    void setUp() {
        Require.netfilterTools();
        assertThat(cli.command("load")).isZero();
    }

    private void script(String name, String src) throws IOException {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    /** A command line; its output (it must succeed). */
    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + text).isZero();
        return text;
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(run.resolve("lunatikd.pid")).strip());
    }

    /** Whether the machine's own mount namespace (pid 1's; the tests run in one of their own) has tracefs. */
    private static boolean tracefsMountedOnTheHost() throws IOException {
        return Files.readAllLines(Path.of("/proc/1/mountinfo")).stream().anyMatch(l -> l.contains(" - tracefs "));
    }

    private static boolean tracefsMounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.contains(" - tracefs "));
    }

    /** A daemon of this test's own run and device folders, with scripts from {@code root}. */
    private LunatikCliAccess daemonWithRoot(Path netns) {
        cli.command("unload"); // the daemon setUp made serves the checkout's scripts
        LunatikCliAccess c = new LunatikCliAccess(dev, run, new PrintStream(out, true), root, DaemonTest.CHECKOUT.resolve("lua"));
        if (netns != null) {
            c.netns(netns);
        }
        assertThat(c.command("load")).isZero();
        return c;
    }

    @Test
    void aRestartAfterSigkillRemovesExactlyWhatTheDeadDaemonLeft() throws Exception {
        if (tracefsMounted() && !tracefsMountedOnTheHost()) {
            // left by an earlier test's daemon in the tests' private mount namespace (the host's
            // has none): ours to take away, so that this daemon mounts its own
            sh("umount", "-l", "/sys/kernel/tracing");
        }
        Require.unlessConflict(tracefsMounted(), "tracefs is mounted here already: the daemon would not mount it");
        cli.command("unload");
        String ns = "lunatik-svc-" + ProcessHandle.current().pid();
        sh("ip", "netns", "add", ns);
        try {
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            script("left/device", """
                local device = require("device")
                local probe = require("probe")
                device.new{name = "leftover", open = function() end, read = function() return "x" end}
                probe.new("__x64_sys_getppid", {pre = function() end, post = function() end})
                """);
            script("left/hook", """
                local nf = require("netfilter")
                nf.register{pf = nf.family.INET, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
                  hook = function() return nf.action.ACCEPT end}
                """);
            LunatikCliAccess c = daemonWithRoot(Path.of("/var/run/netns", ns));
            assertThat(c.command("run", "left/device")).isZero();
            assertThat(c.command("run", "left/hook", "false")).isZero();
            assertThat(tracefsMounted()).isTrue();
            assertThat(sh("ip", "netns", "exec", ns, "nft", "list", "chains")).contains("lunatik_h");
            // a second daemon, elsewhere, that must keep its own
            Path otherRun = Files.createTempDirectory("other-run");
            Path otherDev = Files.createTempDirectory("other-dev");
            LunatikCliAccess other = new LunatikCliAccess(otherDev, otherRun, new PrintStream(out, true), DaemonTest.CHECKOUT,
                DaemonTest.CHECKOUT.resolve("lua"));
            try {
                assertThat(other.command("load")).isZero();
                assertThat(other.command("run", "examples/passwd")).isZero();
                ProcessHandle dead = ProcessHandle.of(daemonPid()).orElseThrow();
                dead.destroyForcibly();
                dead.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                // what a SIGKILL leaves: a dead mount, chains and tables, tracefs
                assertThat(FuseDevice.isMounted(dev.resolve("leftover"))).isTrue();
                assertThat(c.command("load")).isZero();
                String log = Files.readString(run.resolve("lunatikd.log"));
                assertThat(log).contains("removed the stale device mount " + dev.toRealPath().resolve("leftover"),
                    "removed the netfilter chain ip filter lunatik_h", "removed the netfilter chain ip6 filter lunatik_q",
                    "removed the empty table ip filter", "unmounted tracefs at /sys/kernel/tracing");
                assertThat(FuseDevice.isMounted(dev.resolve("leftover"))).isFalse();
                assertThat(Files.exists(dev.resolve("leftover"))).isFalse();
                assertThat(sh("ip", "netns", "exec", ns, "nft", "list", "tables")).doesNotContain("filter");
                assertThat(tracefsMounted()).isFalse();
                // the other daemon's device is untouched, and still serves
                try (InputStream in = Files.newInputStream(otherDev.resolve("passwd"))) {
                    assertThat(in.read()).isBetween(32, 126);
                }
            } finally {
                other.command("unload");
            }
            assertThat(c.command("unload")).isZero();
        } finally {
            sh("ip", "netns", "del", ns);
        }
    }

    @Test
    void unloadWithAStalePidFileLeavesThatProcessAlone() throws Exception {
        cli.command("unload");
        Process innocent = new ProcessBuilder("sleep", "300").start();
        try {
            // a daemon's leftovers whose pid now belongs to someone else
            Files.writeString(run.resolve("lunatikd.pid"), innocent.pid() + "\n");
            Files.writeString(run.resolve(lunatik.linux.Ledger.LOCK), innocent.pid() + "\n");
            assertThat(cli.command("unload")).isZero();
            assertThat(cli.command("reload")).isZero();
            assertThat(innocent.isAlive()).as("the process that has the stale pid now").isTrue();
            assertThat(Files.readString(run.resolve("lunatikd.pid")).strip()).isNotEqualTo(Long.toString(innocent.pid()));
        } finally {
            innocent.destroyForcibly();
        }
    }

    @Test
    void theLogIsPrivateAndAFloodIsHeldBack() throws Exception {
        Path log = run.resolve("lunatikd.log");
        String mode = sh("stat", "-c", "%a %G", log.toString()).strip();
        assertThat(mode).isIn("640 adm", "600 root");
        script("flood", """
            local device = require("device")
            device.new{name = "flood", open = function() end, release = function() end,
              read = function() error("this read always fails") end}
            """);
        LunatikCliAccess c = daemonWithRoot(null);
        assertThat(c.command("run", "flood")).isZero();
        for (int i = 0; i < 2000; i++) {
            try (InputStream in = Files.newInputStream(dev.resolve("flood"))) {
                in.read();
            } catch (IOException e) {
                // ECANCELED, as the callback fails
            }
        }
        Thread.sleep(7000); // a window ends: what was held back is counted
        String text = Files.readString(log);
        long failures = text.lines().filter(l -> l.contains("this read always fails")).count();
        assertThat(failures).as("lines of the failing read").isBetween(1L, 30L);
        assertThat(text).containsPattern("\\d+ lines suppressed");
        assertThat(text.lines().filter(l -> !l.isBlank()))
            .allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z (DEBUG|INFO |WARN |ERROR) .*"), "timestamp and level");
    }

    @Test
    void memoryIsGivenBackWithinAMinuteOfAPeak() throws Exception {
        script("hog", """
            local t = {}
            for i = 1, 800 do t[i] = string.rep("x", 1 << 20) .. i end
            return function() return #t end
            """);
        LunatikCliAccess c = daemonWithRoot(null);
        long pid = daemonPid();
        long fresh = rss(pid);
        for (int i = 1; i <= 5; i++) {
            Files.copy(root.resolve("hog.lua"), root.resolve("hog" + i + ".lua"));
            assertThat(c.command("run", "hog" + i)).isZero();
        }
        long peak = rss(pid);
        assertThat(peak).as("resident at the peak, MB").isGreaterThan(4000);
        for (int i = 1; i <= 5; i++) {
            assertThat(c.command("stop", "hog" + i)).isZero();
        }
        long t0 = System.nanoTime();
        long now = rss(pid);
        while (now >= 300 && System.nanoTime() - t0 < 60_000_000_000L) {
            Thread.sleep(1000);
            now = rss(pid);
        }
        long took = (System.nanoTime() - t0) / 1_000_000_000L;
        System.out.println("daemon resident memory: fresh " + fresh + " MB, peak " + peak + " MB, " + now + " MB after " + took + " s");
        assertThat(now).as("resident MB a minute after a 4 GB peak at most").isLessThan(300);
    }

    @Test
    void underSystemdLoadAndUnloadGoThroughSystemctl() throws Exception {
        cli.command("unload");
        // a systemctl that does what systemd would with the unit: start the daemon, stop it with SIGTERM
        Path calls = run.resolve("systemctl.calls");
        List<String> daemon = new ArrayList<>();
        daemon.add(ProcessHandle.current().info().command().orElseThrow());
        daemon.addAll(lunatik.cli.LunatikCli.DAEMON_JVM_OPTIONS);
        daemon.addAll(List.of("-cp", System.getProperty("java.class.path"), "lunatik.daemon.Lunatikd",
            "--root", DaemonTest.CHECKOUT.toString(), "--lib", DaemonTest.CHECKOUT.resolve("lua").toString(),
            "--devdir", dev.toString(), "--rundir", run.toString()));
        Path systemctl = run.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\n"
            + "echo \"$@\" >> " + calls + "\n"
            + "case \"$1\" in\n"
            + "start) setsid " + String.join(" ", daemon.stream().map(a -> "'" + a + "'").toList())
            + " > /dev/null 2>&1 < /dev/null &\n;;\n"
            + "stop) pid=$(cat " + run.resolve(lunatik.linux.Ledger.LOCK) + "); kill -TERM $pid;"
            + " while kill -0 $pid 2>/dev/null; do sleep 0.1; done\n;;\n"
            + "esac\n");
        sh("chmod", "+x", systemctl.toString());
        LunatikCliAccess c = new LunatikCliAccess(dev, run, new PrintStream(out, true), DaemonTest.CHECKOUT,
            DaemonTest.CHECKOUT.resolve("lua")).systemctl(systemctl);
        assertThat(c.command("load")).isZero();
        assertThat(c.command("run", "examples/passwd")).isZero();
        assertThat(Files.exists(dev.resolve("passwd"))).isTrue();
        assertThat(c.command("unload")).isZero();
        assertThat(Files.readAllLines(calls)).containsExactly("start lunatikd", "stop lunatikd");
        assertThat(lunatik.linux.Ledger.holder(run)).isEqualTo(-1);
        assertThat(Files.exists(dev.resolve("passwd"))).isFalse();
    }

    private static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** A chunk written as Lunatik's command does (one open to write, then one to read); its result. */
    private String chunk(String lua) throws IOException {
        return chunk(lua.getBytes(StandardCharsets.UTF_8));
    }

    private String chunk(byte[] lua) throws IOException {
        Path d = dev.resolve("lunatik");
        try (OutputStream o = Files.newOutputStream(d)) {
            o.write(lua);
        }
        try (InputStream in = Files.newInputStream(d)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sixteenClientsAtOnceEachGetTheirOwnResults() throws Exception {
        int clients = 16;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                all.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        String expected = "client " + client + " round " + i;
                        String lua = i % 3 == 0 ? "error('" + expected + "', 0)" : "return '" + expected + "'";
                        String got = chunk(lua);
                        if (!got.equals(expected)) {
                            wrong.add(expected + " read \"" + got + "\"");
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : all) {
                wrong.addAll(f.get());
            }
            assertThat(wrong).as("results read by the wrong client, or lost").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failingCommandsInParallelEachFail() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String script = i % 2 == 0 ? "examples/missing" + i : "examples/passwd";
                codes.add(pool.submit(() -> {
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    LunatikCliAccess c = new LunatikCliAccess(dev, run, new PrintStream(o, true), DaemonTest.CHECKOUT,
                        DaemonTest.CHECKOUT.resolve("lua"));
                    int rc = c.command("run", script);
                    if (script.contains("missing")) {
                        assertThat(o.toString(StandardCharsets.UTF_8)).contains("cannot open").contains(script);
                    }
                    return rc;
                }));
            }
            int failed = 0;
            int succeeded = 0;
            for (int i = 0; i < codes.size(); i++) {
                int rc = codes.get(i).get();
                if (i % 2 == 0) {
                    assertThat(rc).as("run of a missing script").isEqualTo(1);
                    failed++;
                } else if (rc == 0) {
                    succeeded++; // the first run of passwd; the others say it is already running
                }
            }
            assertThat(failed).isEqualTo(16);
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChunkOfAMegabyteRunsAndOneOverTheCapIsRefused() throws Exception {
        StringBuilder b = new StringBuilder("local t = {}\n");
        int n = 0;
        while (b.length() < 1 << 20) {
            b.append("t[#t + 1] = ").append(n++).append(" -- padding padding padding\n");
        }
        b.append("return #t");
        assertThat(b.length()).isGreaterThan(1 << 20);
        assertThat(chunk(b.toString())).isEqualTo(String.valueOf(n));
        byte[] huge = new byte[(16 << 20) + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThat(chunk(huge)).isEqualTo("chunk too large (more than 16777216 bytes)");
        assertThat(chunk("return 'still answering'")).isEqualTo("still answering");
    }

    @Test
    void aResultLongerThanOneReadIsReadWhole() throws Exception {
        String r = chunk("return string.rep('abcdefgh', 100000)");
        assertThat(r).hasSize(800_000).startsWith("abcdefgh").endsWith("abcdefgh");
    }
}
