package lunatik.daemon;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lunatik.cli.LunatikCliAccess;
import lunatik.linux.fuse.FuseDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite: a real daemon (its own process, device folder and run folder, in
 * the private mount and network namespaces the tests run in), given scripts that misbehave in
 * every way issue #9 lists, and readers that hang or die. Each case checks that the daemon goes
 * on (the control device answers), measures how long the stop or the recovery took, and checks
 * what was left behind: mounts and files in the device folder, threads and descriptors of the
 * daemon, netfilter rules, runtimes. The figures go to {@code target/reliability.md}, from which
 * docs/reliability.md is made.
 */
class FaultInjectionTest {
    /** The rows of the report: fault, what was done, the figure, what was left behind. */
    private static final Map<String, String[]> REPORT = new TreeMap<>();

    @TempDir
    Path root;
    @TempDir
    Path dev;
    @TempDir
    Path run;
    @TempDir
    Path outside;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    LunatikCliAccess cli;
    long pid;
    int baselineFds;
    final List<Process> processes = new ArrayList<>();
    final List<String> mounted = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Require.root();
        Require.fuse();
        Files.createSymbolicLink(root.resolve("examples"), DaemonTest.CHECKOUT.resolve("examples"));
        cli = new LunatikCliAccess(dev, run, new PrintStream(out, true), root, DaemonTest.CHECKOUT.resolve("lua"))
            .daemonOptions("--chunk-timeout", "3");
        ok("load");
        pid = Long.parseLong(Files.readString(run.resolve("lunatikd.pid")).strip());
        ok("list");
        baselineFds = fds();
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.forEach(Process::destroyForcibly);
        if (cli != null) {
            cli.command("unload");
        }
        for (String m : mounted) {
            new ProcessBuilder("umount", "-l", m).start().waitFor();
        }
    }

    @AfterAll
    static void writeReport() throws IOException {
        if (REPORT.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder("| fault | what was done | figure | left behind |\n|---|---|---|---|\n");
        REPORT.forEach((k, r) -> b.append("| ").append(String.join(" | ", r)).append(" |\n"));
        Path f = Path.of("target", "reliability.md");
        Files.createDirectories(f.getParent());
        Files.writeString(f, b.toString());
        System.out.println(b);
    }

    private static void report(String key, String fault, String done, String figure, String left) {
        synchronized (REPORT) {
            REPORT.put(key, new String[] {fault, done, figure, left});
        }
    }

    // ---------------------------------------------------------------- the daemon and its command

    private void script(String name, String src) throws IOException {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    private void ok(String... args) throws IOException {
        out.reset();
        int rc = cli.command(args);
        assertThat(rc).as("lunatik %s: %s\n%s", String.join(" ", args), out, log()).isZero();
    }

    /** Runs a command; the milliseconds it took (it must succeed). */
    private long timed(String... args) throws IOException {
        long t0 = System.nanoTime();
        ok(args);
        return ms(t0);
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private String log() throws IOException {
        Path l = run.resolve("lunatikd.log");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    private void waitForLog(String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!log().contains(text) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(log()).contains(text);
    }

    /** A chunk written to the control device the way the lunatik command does; its result. */
    private String chunk(String lua) throws IOException {
        Path d = dev.resolve("lunatik");
        Files.writeString(d, lua);
        try (InputStream in = Files.newInputStream(d)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    /** Names of the daemon's threads (as the kernel has them, 15 characters). */
    private List<String> threads() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : s.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    /**
     * What a case left behind once its scripts were stopped: runtimes, entries and mounts in the
     * device folder but the control device, threads of devices, hooks, probes, notifiers and of
     * the case's own names, netfilter rules, descriptors beyond the daemon's baseline. "nothing"
     * when there is none. Threads and descriptors get a moment to go (a stopped thread ends
     * after its stop returns).
     */
    private String leftBehind(String... threadNames) throws Exception {
        List<String> left = new ArrayList<>();
        out.reset();
        ok("list");
        if (!out.toString(StandardCharsets.UTF_8).isBlank()) {
            left.add("runtimes: " + out.toString(StandardCharsets.UTF_8).strip());
        }
        try (Stream<Path> s = Files.list(dev)) {
            s.filter(p -> !p.getFileName().toString().equals("lunatik")).forEach(p -> left.add("device folder: " + p.getFileName()));
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = line.split(" ")[4];
            if (mp.startsWith(dev.toString()) && !mp.equals(dev.resolve("lunatik").toString())) {
                left.add("mount: " + mp);
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> ours;
        int fds;
        do {
            ours = threads().stream().filter(n -> isCaseThread(n, threadNames)).toList();
            fds = fds();
            if (ours.isEmpty() && fds <= baselineFds) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        if (!ours.isEmpty()) {
            left.add("threads: " + ours);
        }
        if (fds > baselineFds) {
            left.add("descriptors: " + (fds - baselineFds) + " more than before");
        }
        String chains = sh("nft", "list", "chains");
        if (chains.contains("lunatik_")) {
            left.add("netfilter chains: " + chains.lines().filter(l -> l.contains("lunatik_")).toList());
        }
        return left.isEmpty() ? "nothing" : String.join("; ", left);
    }

    private static boolean isCaseThread(String name, String... caseNames) {
        if (name.startsWith("fuse-") && !name.startsWith("fuse-lunatik")) {
            return true;
        }
        for (String p : new String[] {"netfilter-", "probe", "notifier-", "lunatik-release"}) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        for (String c : caseNames) {
            if (name.startsWith(c.length() > 15 ? c.substring(0, 15) : c)) {
                return true;
            }
        }
        return false;
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    /** A process reading {@code file} (it blocks in the device's read callback). */
    private Process reader(Path file) throws IOException {
        Process p = new ProcessBuilder("cat", file.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    /** SIGKILLs {@code p} and returns how many milliseconds it took to be gone (at most 10 s). */
    private static long killTime(Process p) throws InterruptedException {
        long t0 = System.nanoTime();
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        assertThat(p.isAlive()).as("a reader killed with SIGKILL").isFalse();
        return ms(t0);
    }

    // ---------------------------------------------------------------- runaways

    private static final String CATCHER = """
        return function()
          while true do
            pcall(function() while true do end end)
          end
        end
        """;

    /** Spawns {@code name}, lets it run, stops it: the time the stop took, and what it left. */
    private void runawayIsStopped(String key, String fault, String name, String src) throws Exception {
        script("faults/" + name, src);
        ok("spawn", "faults/" + name);
        Thread.sleep(300);
        long stop = timed("stop", "faults/" + name);
        long t0 = System.nanoTime();
        ok("list");
        long list = ms(t0);
        assertThat(stop).as("lunatik stop, ms").isLessThan(2000);
        String left = leftBehind(name);
        assertThat(left).isEqualTo("nothing");
        report(key, fault, "`lunatik spawn`, then `lunatik stop`", "stop " + stop + " ms, then `list` " + list + " ms", left);
    }

    @Test
    void aLoopThatCatchesEveryErrorIsStopped() throws Exception {
        runawayIsStopped("a1", "a loop that catches every error with `pcall`", "catcher", CATCHER);
    }

    @Test
    void aTightLoopThatNeverLooksAtShouldstopIsStopped() throws Exception {
        runawayIsStopped("a2", "a tight loop that never calls `thread.shouldstop()`", "spin",
            "return function() local n = 0 while true do n = n + 1 end end");
    }

    @Test
    void aLibraryCallThatRunsForAgesIsStopped() throws Exception {
        runawayIsStopped("a3", "`table.move` over 2^40 elements, again and again", "mover",
            "return function() while true do table.move({}, 1, 1 << 40, 2) end end");
    }

    @Test
    void sleepsAndWaitsThatSwallowTheirWakeUpAreStopped() throws Exception {
        runawayIsStopped("a4", "`pcall(linux.schedule, -1)` and an endless completion wait, in a loop", "sleeper", """
            local linux = require("linux")
            local completion = require("completion")
            return function()
              local c = completion.new()
              while true do
                pcall(linux.schedule, -1)
                pcall(c.wait, c)
              end
            end""");
    }

    @Test
    void aSocketReceiveThatRetriesEveryErrorIsStopped() throws Exception {
        runawayIsStopped("a5", "a blocking UDP `receive`, retried after every error", "receiver", """
            local socket = require("socket")
            local inet = require("socket.inet")
            local s = inet.udp()
            s:bind(inet.localhost, 7331)
            return function()
              while true do pcall(s.receive, s, 100) end
            end""");
    }

    @Test
    void unloadWithRunawaysStillRunning() throws Exception {
        script("faults/catcher", CATCHER);
        script("faults/spin", "return function() local n = 0 while true do n = n + 1 end end");
        ok("spawn", "faults/catcher");
        ok("spawn", "faults/spin");
        Thread.sleep(300);
        long unload = timed("unload");
        assertThat(unload).as("lunatik unload with two runaways, ms").isLessThan(3000);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(FuseDevice.isMounted(dev.resolve("lunatik"))).isFalse();
        try (Stream<Path> entries = Files.list(dev)) {
            assertThat(entries.toList()).isEmpty();
        }
        report("a7", "two runaways (a `pcall` loop and a tight loop) still running", "`lunatik unload`",
            "the daemon gone after " + unload + " ms", "nothing (no mount, no file in the device folder)");
    }

    @Test
    void aScriptThatHoldsMoreThanItsMemoryBudgetIsStopped() throws Exception {
        script("faults/hog", """
            return function()
              local t = {}
              while true do
                pcall(function() t[#t + 1] = string.rep("x", 1 << 20) .. #t end)
              end
            end""");
        long t0 = System.nanoTime();
        ok("spawn", "faults/hog");
        waitForLog("not enough memory");
        long stopped = ms(t0);
        ok("stop", "faults/hog");
        String left = leftBehind("hog");
        assertThat(left).isEqualTo("nothing");
        report("a6", "a script that keeps 1 MiB more at every turn, catching \"not enough memory\"",
            "`lunatik spawn` with the daemon's 1 GiB budget", "its thread ended with \"not enough memory\" after "
                + stopped + " ms", left);
    }

    // ---------------------------------------------------------------- readers

    private static final String BLOCKDEV = """
        local device = require("device")
        local linux = require("linux")
        device.new{name = "blockdev", open = function() end, release = function() end,
          read = function() while true do pcall(linux.schedule, -1) end end}
        """;

    @Test
    void aReaderBlockedInADeviceCanBeKilled() throws Exception {
        script("faults/blockdev", BLOCKDEV);
        ok("run", "faults/blockdev");
        Process cat = reader(dev.resolve("blockdev"));
        Thread.sleep(300);
        long kill = killTime(cat);
        assertThat(kill).as("kill -9 of a blocked reader, ms").isLessThan(2000);
        // and the device still serves
        Process again = reader(dev.resolve("blockdev"));
        Thread.sleep(300);
        assertThat(again.isAlive()).isTrue();
        long kill2 = killTime(again);
        ok("stop", "faults/blockdev");
        String left = leftBehind("blockdev");
        assertThat(left).isEqualTo("nothing");
        report("r1", "a reader blocked in a device's read callback (a sleep that swallows its wake-up)",
            "`kill -9` of the reader, twice", "gone after " + kill + " ms, " + kill2 + " ms", left);
    }

    @Test
    void stopAndUnloadWithBlockedReadersComplete() throws Exception {
        script("faults/blockdev", BLOCKDEV);
        ok("run", "faults/blockdev");
        List<Process> cats = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cats.add(reader(dev.resolve("blockdev")));
        }
        Thread.sleep(300);
        long stop = timed("stop", "faults/blockdev");
        assertThat(stop).as("lunatik stop with 3 blocked readers, ms").isLessThan(2000);
        for (Process c : cats) {
            assertThat(c.waitFor(2, TimeUnit.SECONDS)).as("a reader of a stopped device ends").isTrue();
        }
        String left = leftBehind("blockdev");
        assertThat(left).isEqualTo("nothing");
        // the same with unload
        ok("run", "faults/blockdev");
        cats.clear();
        for (int i = 0; i < 3; i++) {
            cats.add(reader(dev.resolve("blockdev")));
        }
        Thread.sleep(300);
        long unload = timed("unload");
        for (Process c : cats) {
            assertThat(c.waitFor(2, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(unload).as("lunatik unload with 3 blocked readers, ms").isLessThan(3000);
        assertThat(Files.exists(dev.resolve("blockdev"))).isFalse();
        assertThat(FuseDevice.isMounted(dev.resolve("lunatik"))).isFalse();
        report("r2", "three readers blocked in a device's read callback", "`lunatik stop`; again with `lunatik unload`",
            "stop " + stop + " ms, unload " + unload + " ms (the daemon process gone); every reader ended", left);
    }

    @Test
    void tapWithABlockedReader() throws Exception {
        ok("run", "examples/tap");
        Process cat = reader(dev.resolve("tap"));
        Thread.sleep(300);
        long kill = killTime(cat);
        assertThat(kill).isLessThan(2000);
        reader(dev.resolve("tap"));
        Thread.sleep(300);
        long stop = timed("stop", "examples/tap");
        assertThat(stop).isLessThan(2000);
        String left = leftBehind("tap");
        assertThat(left).isEqualTo("nothing");
        report("r3", "Lunatik's `tap` example with a reader waiting for a frame", "`kill -9` of the reader; "
            + "`lunatik stop examples/tap` with another waiting", "reader gone after " + kill + " ms; stop " + stop + " ms", left);
    }

    @Test
    void aChunkThatSleepsForeverDoesNotWedgeTheControlDevice() throws Exception {
        Process writer = new ProcessBuilder("sh", "-c", "printf %s \"require('linux').schedule(-1)\" > " + dev.resolve("lunatik"))
            .start();
        processes.add(writer);
        Thread.sleep(200);
        long t0 = System.nanoTime();
        ok("list");
        long list = ms(t0);
        assertThat(writer.waitFor(5, TimeUnit.SECONDS)).as("the writer gets its answer").isTrue();
        assertThat(list).as("`lunatik list` behind a sleeping chunk, ms").isLessThan(3000 + 1000);
        // a writer killed while its chunk sleeps goes at once, and the device answers
        Process killed = new ProcessBuilder("sh", "-c", "printf %s \"require('linux').schedule(-1)\" > " + dev.resolve("lunatik"))
            .start();
        processes.add(killed);
        Thread.sleep(300);
        long kill = killTime(killed);
        t0 = System.nanoTime();
        ok("list");
        long list2 = ms(t0);
        assertThat(kill).isLessThan(2000);
        assertThat(list2).isLessThan(2000);
        String left = leftBehind();
        assertThat(left).isEqualTo("nothing");
        report("c1", "`printf 'require(\"linux\").schedule(-1)' > /dev/lunatik`", "`lunatik list` meanwhile; "
            + "then the writer killed with SIGKILL", "list answered after " + list + " ms (chunk time limit 3 s); killed writer gone after "
            + kill + " ms, list then " + list2 + " ms", left);
    }

    // ---------------------------------------------------------------- devices

    @Test
    void aDeviceTouchesOnlyWhatIsItsOwn() throws Exception {
        Path pts = Files.createDirectory(dev.resolve("pts"));
        assertThat(sh("mount", "-t", "tmpfs", "-o", "size=1m", "lunatik-test", pts.toString())).isEmpty();
        mounted.add(pts.toString());
        Files.writeString(pts.resolve("0"), "a terminal");
        sh("mknod", dev.resolve("nodev").toString(), "c", "1", "3");
        Files.writeString(dev.resolve("full"), "precious");
        Path target = Files.writeString(outside.resolve("target"), "");
        Files.createSymbolicLink(dev.resolve("link"), target);
        script("faults/names", """
            local device = require("device")
            local nop = function() end
            for _, name in ipairs{"pts", "nodev", "full", "link", "", ".", "..", "a/b", "a\\0b", string.rep("x", 256)} do
              local ok, err = pcall(device.new, {name = name, open = nop, release = nop})
              print("device " .. string.format("%q", name):sub(1, 20) .. ": " .. tostring(err))
            end
            for i = 1, 200 do pcall(device.new, {name = "pts", open = nop}) end
            local d = device.new{name = "modes", mode = 4095, open = nop, release = nop}
            return function() end
            """);
        int fdsBefore = fds();
        ok("run", "faults/names");
        String log = log();
        for (String name : new String[] {"pts", "nodev", "full", "link"}) {
            assertThat(log).contains("device \"" + name + "\": failed to create a new device (-17)");
        }
        assertThat(log).contains("device \"\": failed to create a new device (-22)", "device \".\": failed to create a new device (-22)",
            "device \"a/b\": failed to create a new device (-22)");
        assertThat(Files.readString(pts.resolve("0"))).isEqualTo("a terminal");
        assertThat(sh("findmnt", "-n", "-o", "FSTYPE", pts.toString()).strip()).isEqualTo("tmpfs");
        assertThat(sh("stat", "-c", "%F", dev.resolve("nodev").toString()).strip()).isEqualTo("character special file");
        assertThat(Files.readString(dev.resolve("full"))).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(dev.resolve("link"))).isTrue();
        assertThat(FuseDevice.isMounted(target)).isFalse();
        assertThat(sh("stat", "-c", "%a", dev.resolve("modes").toString()).strip()).isEqualTo("777");
        int fdsAfter = fds();
        assertThat(fdsAfter).as("descriptors after 210 refused devices").isLessThanOrEqualTo(fdsBefore + 4);
        ok("stop", "faults/names");
        for (String keep : new String[] {"pts", "nodev", "full", "link"}) {
            Files.exists(dev.resolve(keep), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        report("d1", "`device.new` named after a mount point (a tmpfs at `pts`), a character device node, a file with "
                + "data, a symlink to a file outside the folder; names `\"\"`, `.`, `..`, `a/b`, with a NUL, of 256 bytes; "
                + "200 more refused in a row; `mode = 07777`",
            "`lunatik run`", "each refused: -17 (exists) or -22 (not a name), nothing detached, written or followed; "
                + "daemon descriptors " + fdsBefore + " before, " + fdsAfter + " after; the mode given 07777 is 0777",
            "nothing (the test's own entries untouched)");
    }

    // ---------------------------------------------------------------- Java exceptions, failing scripts

    @Test
    void aScriptThatFailsHalfwayLeavesNothing() throws Exception {
        script("faults/halfmade", """
            local device = require("device")
            local thread = require("thread")
            local lunatik = require("lunatik")
            device.new{name = "halfmade", open = function() end, read = function() return "x" end}
            thread.run(lunatik.runtime("faults/idle"), "halfidle")
            require("\\0")
            """);
        script("faults/idle", """
            local thread = require("thread")
            local linux = require("linux")
            return function() while not thread.shouldstop() do linux.schedule(10) end end""");
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            out.reset();
            int rc = cli.command("run", "faults/halfmade");
            results.add(rc + ": " + out.toString(StandardCharsets.UTF_8).strip());
            assertThat(rc).isEqualTo(1);
            assertThat(Files.exists(dev.resolve("halfmade"))).isFalse();
        }
        assertThat(results.get(0)).isEqualTo(results.get(1)).contains("module '");
        String left = leftBehind("halfidle");
        assertThat(left).isEqualTo("nothing");
        report("e1", "a script that makes a device and starts a thread, then fails (`require(\"\\0\")`)",
            "`lunatik run`, twice", "the same Lua error both times (no \"device exists\")", left);
    }

    @Test
    void javaExceptionsBecomeLuaErrors() throws Exception {
        // (the separator is 2^20 bytes, not 2^30: making a GiB string takes about 3 s of page
        // faults on our CI machines, the whole of the runtime's time limit, for nothing the
        // overflow check needs)
        script("faults/javaexc", """
            local lunatik = require("lunatik")
            local results = {}
            for _, f in ipairs{
              function() return require("\\0") end,
              function() return lunatik.runtime("\\0") end,
              function() return string.rep("x", 1 << 40) end,
              function() return ("x"):rep(1 << 30, ("y"):rep(1 << 20)) end,
            } do
              local ok, err = pcall(f)
              results[#results + 1] = tostring(ok) .. " " .. tostring(err):match("^[^\\n]*")
            end
            print("javaexc: " .. table.concat(results, " | "))
            """);
        ok("run", "faults/javaexc");
        waitForLog("javaexc: ");
        String line = log().lines().filter(l -> l.contains("javaexc: ")).findFirst().orElseThrow();
        line = line.substring(line.indexOf("javaexc: "));
        assertThat(line).doesNotContain("internal error").contains("module '\0' not found:", "false cannot open ",
            "javaexc.lua:6: resulting string too large", "javaexc.lua:7: resulting string too large");
        ok("stop", "faults/javaexc");
        report("e2", "`require(\"\\0\")`, `lunatik.runtime(\"\\0\")`, a 2^40-byte `string.rep`, a 2^30-times `rep` with a 2^20-byte separator",
            "`pcall` of each", "each a Lua error: " + line.substring("javaexc: ".length()).replace("|", "/")
                .replace("\0", "\\0").replaceAll("/tmp/junit-[0-9]+/", ""), leftBehind());
    }

    // ---------------------------------------------------------------- hooks

    @Test
    void aHookWhoseCallsFailInJavaLetsPacketsThrough() throws Exception {
        script("faults/nfhook", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              hook = function(skb)
                pcall(require, "\\0")
                local thoff = (skb:getuint8(0) & 0x0F) << 2
                if skb:getuint8(9) == 17 and skb:getstring(thoff + 8) == "drop" then return nf.action.DROP end
                return nf.action.ACCEPT
              end}
            """);
        ok("run", "faults/nfhook", "false");
        List<String> got = udp(7332, "one", "drop", "two");
        assertThat(got).containsExactly("one", "two");
        ok("stop", "faults/nfhook");
        assertThat(udp(7332, "drop")).containsExactly("drop");
        String left = leftBehind("netfilter");
        assertThat(left).isEqualTo("nothing");
        report("h1", "a netfilter hook that calls `pcall(require, \"\\0\")` on every packet", "UDP datagrams through LOCAL_OUT",
            "the hook kept serving (its verdicts applied), packets flowed", left);
    }

    private static List<String> udp(int port, String... payloads) throws Exception {
        List<String> got = new ArrayList<>();
        try (DatagramSocket rx = new DatagramSocket(port, InetAddress.getLoopbackAddress());
             DatagramSocket tx = new DatagramSocket()) {
            rx.setSoTimeout(1000);
            for (String p : payloads) {
                byte[] b = p.getBytes(StandardCharsets.US_ASCII);
                tx.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket d = new DatagramPacket(buf, buf.length);
                try {
                    rx.receive(d);
                } catch (SocketTimeoutException e) {
                    return got;
                }
                got.add(new String(buf, 0, d.getLength(), StandardCharsets.US_ASCII));
            }
        }
    }

    // ---------------------------------------------------------------- lifetimes

    /** Lunatik 3.7's echod daemon, in our words: the worker runtime is not kept (only its thread holds it). */
    private static final String ECHOD = """
        local lunatik = require("lunatik")
        local thread = require("thread")
        local socket = require("socket")
        local inet = require("socket.inet")
        local linux = require("linux")
        local data = require("data")

        local control = data.new(2)
        control:setbyte(1, 1)
        local server = inet.tcp()
        server:bind(inet.localhost, 1337)
        server:listen()

        return function()
          local n = 1
          while not thread.shouldstop() do
            local ok, session = pcall(server.accept, server, socket.sock.NONBLOCK)
            if ok then
              control:setbyte(0, n)
              local runtime = lunatik.runtime("examples/echod/worker")
              runtime:resume(control, session)
              thread.run(runtime, "echod/worker" .. n)
              n = n + 1
            elseif session == linux.errno.AGAIN then
              linux.schedule(10)
            end
          end
          control:setbyte(1, 0)
        end
        """;

    private static Socket connect() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                Socket s = new Socket("127.0.0.1", 1337);
                s.setSoTimeout(10_000);
                return s;
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private static String echo(Socket s, String msg) throws IOException {
        OutputStream o = s.getOutputStream();
        byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
        o.write(b);
        o.flush();
        return new String(s.getInputStream().readNBytes(b.length), StandardCharsets.US_ASCII);
    }

    @Test
    void lunatiksEchodServesAThousandClientsWhileOneStaysIdle() throws Exception {
        script("faults/echod", ECHOD);
        ok("spawn", "faults/echod");
        try (Socket idle = connect()) {
            assertThat(echo(idle, "idle hello")).isEqualTo("idle hello");
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                if (i % 100 == 50) {
                    chunk("collectgarbage()"); // the daemon collects: dropped runtime objects go
                }
                try (Socket c = connect()) {
                    assertThat(echo(c, "client " + i)).isEqualTo("client " + i);
                }
            }
            long took = ms(t0);
            assertThat(echo(idle, "still here")).isEqualTo("still here");
            ok("stop", "faults/echod");
            assertThat(idle.getInputStream().read()).as("the idle client's worker closes it").isEqualTo(-1);
            String left = leftBehind("echod");
            assertThat(left).isEqualTo("nothing");
            report("l1", "Lunatik's `echod` (worker runtimes kept by nothing but their threads), one client idle",
                "1,000 clients, one after another, each echoed; the daemon collecting garbage every 100",
                "all echoed in " + took + " ms (" + (1000L * 1000 / Math.max(1, took)) + " clients/s); the idle client "
                    + "still echoed; on stop its worker ended", left);
        }
    }
}
