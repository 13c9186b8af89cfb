package lunatik.daemon;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lunatik.cli.LunatikCliAccess;
import org.junit.jupiter.api.Test;

/**
 * The daemon and the lunatik command for real: a daemon process serving its control device in
 * a test folder (FUSE), scripts run, listed and stopped through it.
 */
class DaemonTest extends DaemonFixture {
    @Test
    void loadRunReadListStopUnload() throws Exception {
        assertThat(cli.command("load")).isZero();
        assertThat(Files.exists(dev.resolve("lunatik"))).isTrue();
        assertThat(cli.command("run", "examples/passwd")).isZero();
        byte[] b = new byte[16];
        try (var in = Files.newInputStream(dev.resolve("passwd"))) {
            int n = 0;
            while (n < 16) {
                n += in.read(b, n, 16 - n);
            }
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertThat(s).hasSize(16).matches("[\\x20-\\x7e]{16}");
        out.reset();
        cli.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("examples/passwd");
        assertThat(cli.command("stop", "examples/passwd")).isZero();
        assertThat(Files.exists(dev.resolve("passwd"))).isFalse();
        assertThat(cli.command("unload")).isZero();
        assertThat(Files.exists(dev.resolve("lunatik"))).isFalse();
    }

    /** What the lunatik command does: one write, then one large read (the result comes back once). */
    private String chunk(String lua) throws Exception {
        Path d = dev.resolve("lunatik");
        Files.writeString(d, lua);
        try (var ch = java.nio.channels.FileChannel.open(d, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 16);
            int n = ch.read(b);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8);
        }
    }

    @Test
    void malformedChunksAndErrorsComeBackAsText() throws Exception {
        assertThat(cli.command("load")).isZero();
        assertThat(chunk("return 1 +")).isEqualTo("[string \"return 1 +\"]:1: unexpected symbol near <eof>");
        assertThat(chunk("error('boom')")).isEqualTo("[string \"error('boom')\"]:1: boom");
        assertThat(chunk("return 6 * 7")).isEqualTo("42");
        assertThat(chunk("x = 1")).isEmpty();
        assertThat(chunk("return x")).isEqualTo("1"); // one long-lived state
        assertThat(cli.command("run", "examples/nonexistent")).isEqualTo(1);
    }

    @Test
    void theDaemonStartsTheRunnerItselfAndASecondLoadForgetsNoRuntime() throws Exception {
        cli.startDaemonOnly();
        // the daemon ran the runner's startup before anyone asked (as when systemd starts it)
        assertThat(cli.command("run", "examples/passwd")).isZero();
        assertThat(cli.command("load")).isZero(); // the startup chunk again
        out.reset();
        cli.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("examples/passwd");
        assertThat(cli.command("stop", "examples/passwd")).isZero();
        assertThat(Files.exists(dev.resolve("passwd"))).isFalse();
    }

    @Test
    void twoClientsAtOnce() throws Exception {
        assertThat(cli.command("load")).isZero();
        java.util.List<String> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        Runnable client = () -> {
            for (int i = 0; i < 20; i++) {
                try {
                    results.add(chunk("return 40 + 2"));
                } catch (Exception e) {
                    results.add("error: " + e);
                }
            }
        };
        Thread a = new Thread(client);
        Thread b = new Thread(client);
        a.start();
        b.start();
        a.join();
        b.join();
        // one pending result for everyone, as in Lunatik: a client may find its result taken
        assertThat(results).hasSize(40).allMatch(r -> r.equals("42") || r.isEmpty());
        assertThat(results).contains("42");
        assertThat(chunk("return 'still serving'")).isEqualTo("still serving");
    }

    @Test
    void spawnRunsTheScriptsFunctionOnAThread() throws Exception {
        Path root = Files.createTempDirectory(run, "root");
        Files.createDirectories(root.resolve("examples"));
        Files.writeString(root.resolve("examples/ticker.lua"), """
            local thread = require("thread")
            local linux = require("linux")
            return function()
              while not thread.shouldstop() do linux.schedule(20) end
            end
            """);
        LunatikCliAccess c2 = new LunatikCliAccess(dev, run, new PrintStream(out, true), root, CHECKOUT.resolve("lua"));
        cli = c2;
        assertThat(c2.command("load")).isZero();
        assertThat(c2.command("spawn", "examples/ticker")).isZero();
        out.reset();
        c2.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("examples/ticker");
        assertThat(c2.command("stop", "examples/ticker")).isZero();
        out.reset();
        c2.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEmpty();
    }

    @Test
    void aDaemonKilledWithSigkillLeavesAStaleMountThatTheNextLoadClears() throws Exception {
        assertThat(cli.command("load")).isZero();
        assertThat(cli.command("run", "examples/passwd")).isZero();
        long pid = Long.parseLong(Files.readString(run.resolve("lunatikd.pid")).strip());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        // the mounts stay behind, dead: "Transport endpoint is not connected"
        assertThatThrownBy(() -> Files.readString(dev.resolve("passwd"))).isInstanceOf(java.io.IOException.class);
        assertThat(cli.command("load")).isZero();
        assertThat(chunk("return 'clean start'")).isEqualTo("clean start");
        assertThat(cli.command("run", "examples/passwd")).isZero();
        try (var in = Files.newInputStream(dev.resolve("passwd"))) {
            assertThat(in.readNBytes(4)).hasSize(4);
        }
    }

    /** The REPL on a pseudo-terminal (script(1) makes one): JLine reads the lines a user types. */
    @Test
    void replThroughAPseudoTerminal() throws Exception {
        Require.tool(Path.of("/usr/bin/script"), "bsdutils");
        assertThat(cli.command("load")).isZero();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = javaBin + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED"
            + " -cp '" + System.getProperty("java.class.path") + "' lunatik.cli.LunatikCli";
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qfec", cmd, "/dev/null");
        pb.environment().put("LUNATIK_DEVDIR", dev.toString());
        pb.environment().put("LUNATIK_RUNDIR", run.toString());
        pb.environment().put("TERM", "dumb");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        var in = p.getOutputStream();
        for (String line : new String[] {"1 + 2", "function f()", "return 41 + 1", "end", "f()", "error('oops')",
                "return 'after'"}) {
            Thread.sleep(400);
            in.write((line + "\r").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        Thread.sleep(600);
        in.write(4); // ^D ends the REPL
        in.flush();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("Lunatik 3.7").contains("3").contains("42").contains(">> ")
            .contains("oops").contains("after");
    }

    @Test
    void printGoesToTheKernelLogAndNonSleepableRunsAreRefusedForDevices() throws Exception {
        assertThat(cli.command("load")).isZero();
        String marker = "lunatik-test-" + System.nanoTime();
        assertThat(chunk("print('" + marker + "')")).isEmpty();
        Process d = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        String log = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        d.waitFor();
        assertThat(log).contains("lunatik: " + marker);
        out.reset();
        // the sleep flag of run: a device needs a sleepable runtime
        assertThat(cli.command("run", "examples/passwd", "false")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("cannot use 'device' class on non-sleepable runtime");
    }

    /** The README's example as written: the real /dev/passwd (only when nothing else uses those names). */
    @Test
    void theRealDevPasswd() throws Exception {
        Path realDev = Path.of("/dev");
        Require.unlessConflict(Files.exists(realDev.resolve("passwd")) || Files.exists(realDev.resolve("lunatik")),
            "/dev/passwd or /dev/lunatik already exists here");
        LunatikCliAccess real = new LunatikCliAccess(realDev, run, new PrintStream(out, true), CHECKOUT, CHECKOUT.resolve("lua"));
        try {
            assertThat(real.command("run", "examples/passwd")).isZero();
            Path p = realDev.resolve("passwd");
            assertThat(Files.getPosixFilePermissions(p)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "GROUP_READ", "OTHERS_READ");
            Process head = new ProcessBuilder("head", "-c", "16", p.toString()).start();
            String s = new String(head.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            head.waitFor();
            assertThat(s).matches("[\\x20-\\x7e]{16}");
            assertThat(real.command("stop", "examples/passwd")).isZero();
            assertThat(Files.exists(p)).isFalse();
        } finally {
            real.command("unload");
        }
        assertThat(Files.exists(realDev.resolve("lunatik"))).isFalse();
    }
}
