package lunatik.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code lunatik} command (spec §7): {@code load unload reload status list run spawn stop}
 * and the REPL. Like the original it is a thin client of the control device: a command is a Lua
 * chunk written to {@code /dev/lunatik}, its result is read back. {@code load} starts the daemon
 * in the background and returns when the device answers.
 *
 * <p>Environment: {@code LUNATIK_DEVDIR} (default /dev), {@code LUNATIK_ROOT} and
 * {@code LUNATIK_LIB} (passed to the daemon), {@code LUNATIK_RUNDIR} (pid file and log; default
 * /run/lunatik).
 */
public final class LunatikCli {
    static final String USAGE = "usage: lunatik [load|unload|reload|status|list] [run|spawn|stop <script>]";

    private final Path devdir;
    private final Path rundir;
    private final PrintStream out;
    private final PrintStream err;
    Path rootOverride;
    Path libOverride;
    Path netnsOverride;
    /** More options for the daemon this command starts (tests). */
    final List<String> daemonOptions = new ArrayList<>();

    LunatikCli(Path devdir, Path rundir, PrintStream out, PrintStream err) {
        this.devdir = devdir;
        this.rundir = rundir;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        LunatikCli cli = new LunatikCli(Path.of(env("LUNATIK_DEVDIR", "/dev")), Path.of(env("LUNATIK_RUNDIR", "/run/lunatik")),
            System.out, System.err);
        int status;
        try {
            status = cli.run(args);
        } catch (CliException e) {
            System.err.println("lunatik: " + e.getMessage());
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    /** A failure the command reports on stderr with status 1. */
    static final class CliException extends Exception {
        private static final long serialVersionUID = 1L;

        CliException(String m) {
            super(m);
        }
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    Path device() {
        return devdir.resolve("lunatik");
    }

    int run(String[] args) throws CliException {
        if (args.length == 0) {
            repl();
            return 0;
        }
        String cmd = args[0];
        String script = args.length > 1 ? args[1] : null;
        String parm = args.length > 2 ? args[2] : null;
        switch (cmd) {
            case "load" -> load();
            case "unload" -> unload();
            case "reload" -> {
                unload();
                load();
            }
            case "status" -> status();
            case "list" -> {
                ensureLoaded();
                out.println(dostring("return lunatik.runner.list()"));
            }
            case "iptables", "ip6tables" -> {
                return xtables(cmd.equals("ip6tables"), java.util.Arrays.copyOfRange(args, 1, args.length));
            }
            case "run", "spawn", "stop" -> {
                if (script == null) {
                    err.println(USAGE);
                    return 1;
                }
                ensureLoaded();
                String chunk = "lunatik.runner." + cmd + "(" + quote(script) + (parm == null || cmd.equals("stop") ? "" : ", " + parm) + ")";
                String r = dostring(chunk);
                out.println(r);
                return r.isEmpty() ? 0 : 1;
            }
            default -> {
                err.println(USAGE);
                return 1;
            }
        }
        return 0;
    }

    /**
     * {@code lunatik iptables <rule>}: a rule that names an xtable extension (a match {@code -m
     * <name>} or a target {@code -j <name>} a running script registered), as one writes it for
     * Lunatik's kernel extension; the daemon turns it into ordinary rules, and they are printed.
     */
    private int xtables(boolean ipv6, String[] rule) throws CliException {
        ensureLoaded();
        StringBuilder t = new StringBuilder("{");
        for (String w : rule) {
            t.append(quote(w)).append(',');
        }
        t.append('}');
        String r = dostring("local ok, r = pcall(require('xtable').iptables, " + ipv6 + ", " + t
            + ") return (ok and 'ok\\n' or 'error\\n') .. tostring(r)");
        int nl = r.indexOf('\n');
        String status = nl < 0 ? r : r.substring(0, nl);
        String text = nl < 0 ? "" : r.substring(nl + 1);
        if (!status.equals("ok")) {
            err.println("lunatik: " + text);
            return 1;
        }
        out.println(text);
        return 0;
    }

    /** A Lua string literal of {@code s} (the original pasted it in single quotes unescaped). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            if (c == '\n') {
                b.append("\\n");
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Whether the control device answers. */
    boolean probe() {
        Path d = device();
        // the daemon creates the file before mounting it: only a mounted one is the device
        if (!Files.isRegularFile(d) || !lunatik.linux.fuse.FuseDevice.isMounted(d)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.allocate(1)); // drains nothing harmful: reads return the pending result once
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes a chunk to the control device and reads back its result. */
    String dostring(String chunk) throws CliException {
        Path d = device();
        try {
            try (FileChannel w = FileChannel.open(d, StandardOpenOption.WRITE)) {
                w.write(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
            }
            try (FileChannel r = FileChannel.open(d, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                int n;
                while ((n = r.read(buf)) > 0) {
                    all.write(buf.array(), 0, n);
                    buf.clear();
                }
                return all.toString(StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new CliException("cannot talk to " + d + ": " + e.getMessage());
        }
    }

    private void ensureLoaded() throws CliException {
        if (!probe()) {
            load();
        }
    }

    /** Starts the daemon unless it answers already, then the runner. */
    void load() throws CliException {
        if (!probe()) {
            startDaemon();
        }
        String r = dostring("lunatik = require('lunatik') lunatik.runner = require('lunatik.runner') lunatik.runner.startup()");
        if (!r.isEmpty()) {
            throw new CliException(r);
        }
    }

    /**
     * The JVM options of the daemon (bin/install writes the same into its lunatikd command):
     * see {@link lunatik.daemon.Lunatikd} on why this collector and these settings.
     */
    public static final List<String> DAEMON_JVM_OPTIONS = List.of(
        "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=3000",
        "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");

    void startDaemon() throws CliException {
        if (systemd()) {
            systemctl("start");
            awaitDevice(null, rundir.resolve("lunatikd.log"));
            return;
        }
        try {
            Files.createDirectories(rundir);
            Path log = rundir.resolve("lunatikd.log");
            Path out = rundir.resolve("lunatikd.out");
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(DAEMON_JVM_OPTIONS);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("lunatik.daemon.Lunatikd");
            cmd.add("--devdir");
            cmd.add(devdir.toString());
            String root = System.getenv("LUNATIK_ROOT");
            if (rootOverride != null) {
                root = rootOverride.toString();
            }
            if (root != null && !root.isEmpty()) {
                cmd.add("--root");
                cmd.add(root);
            }
            String lib = System.getenv("LUNATIK_LIB");
            if (libOverride != null) {
                lib = libOverride.toString();
            }
            if (lib != null && !lib.isEmpty()) {
                cmd.add("--lib");
                cmd.add(lib);
            }
            String netns = System.getenv("LUNATIK_NETNS");
            if (netnsOverride != null) {
                netns = netnsOverride.toString();
            }
            if (netns != null && !netns.isEmpty()) {
                cmd.add("--netns");
                cmd.add(netns);
            }
            cmd.add("--rundir");
            cmd.add(rundir.toString());
            cmd.addAll(daemonOptions);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectErrorStream(true);
            // the daemon writes its own log; this catches what the JVM says before it can
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            awaitDevice(pb.start(), log);
        } catch (IOException e) {
            throw new CliException("cannot start lunatikd: " + e.getMessage());
        }
    }

    /** Waits up to 20 s for the control device to answer ({@code p}: the daemon, while it lives). */
    private void awaitDevice(Process p, Path log) throws CliException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try {
            while (System.nanoTime() < deadline) {
                if (probe()) {
                    return;
                }
                if (p != null && !p.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        throw new CliException("couldn't create " + device() + " (see " + log + ")");
    }

    /**
     * Stops every runtime, then the daemon; nothing stays mounted. Only the live daemon of this
     * run directory is stopped (the one that holds its lock, see {@link lunatik.linux.Ledger}):
     * a stale pid file, whose pid some other process may have now, is only removed. The daemon
     * is asked through the control device first, as Lunatik's command does; then it gets
     * SIGTERM; after 20 s, SIGKILL. Under systemd, systemctl stops the unit.
     */
    void unload() throws CliException {
        if (systemd()) {
            systemctl("stop");
            return;
        }
        long pid = lunatik.linux.Ledger.holder(rundir);
        if (pid > 0 && probe()) {
            dostring("lunatik.runner.shutdown()");
        }
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy(); // SIGTERM: the daemon's shutdown stops runtimes and unmounts
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
        try {
            Files.deleteIfExists(rundir.resolve("lunatikd.pid")); // stale, or left by a killed daemon
        } catch (IOException e) {
            throw new CliException("cannot remove " + rundir.resolve("lunatikd.pid") + ": " + e.getMessage());
        }
    }

    /** A systemctl to use instead of the system's (LUNATIK_SYSTEMCTL, tests); it also says the daemon is a systemd service. */
    String systemctlOverride = System.getenv("LUNATIK_SYSTEMCTL");

    /**
     * Whether the daemon is a systemd service here: systemd runs the machine and the unit is
     * installed (or a systemctl was named, which says yes).
     */
    boolean systemd() {
        if (systemctlOverride != null) {
            return true;
        }
        boolean booted = Files.isDirectory(Path.of("/run/systemd/system")); // sd_booted()
        boolean unit = Files.exists(Path.of("/etc/systemd/system/lunatikd.service"))
            || Files.exists(Path.of("/lib/systemd/system/lunatikd.service"));
        return booted && unit && systemctlPath() != null;
    }

    private String systemctlPath() {
        if (systemctlOverride != null) {
            return systemctlOverride;
        }
        for (String p : new String[] {"/usr/bin/systemctl", "/bin/systemctl"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /** {@code systemctl <verb> lunatikd}, which must succeed. */
    private void systemctl(String verb) throws CliException {
        String sc = systemctlPath();
        try {
            Process p = new ProcessBuilder(sc, verb, "lunatikd").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new CliException("systemctl " + verb + " lunatikd failed: " + text.strip());
            }
        } catch (IOException e) {
            throw new CliException("cannot run systemctl: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private void status() {
        boolean loaded = probe();
        out.println("lunatikd is " + (loaded ? "loaded" : "not loaded"));
        for (String m : lunatik.runtime.Lunatik.moduleNames()) {
            out.println(m + " is " + (loaded ? "loaded" : "not loaded"));
        }
    }

    /** Where the REPL reads lines: JLine on a terminal (editing, history), plain stdin otherwise. */
    private interface Lines {
        /** The next line after showing {@code prompt}, or null at the end. */
        String read(String prompt);
    }

    private Lines lines() {
        if (System.console() != null) {
            try {
                org.jline.terminal.Terminal t = org.jline.terminal.TerminalBuilder.builder().system(true).build();
                org.jline.reader.LineReader r = org.jline.reader.LineReaderBuilder.builder().terminal(t)
                    .variable(org.jline.reader.LineReader.HISTORY_FILE,
                        Path.of(System.getProperty("user.home"), ".lunatik_history"))
                    .build();
                return prompt -> {
                    try {
                        return r.readLine(prompt);
                    } catch (org.jline.reader.UserInterruptException e) {
                        return "";
                    } catch (org.jline.reader.EndOfFileException e) {
                        return null;
                    }
                };
            } catch (IOException e) {
                // no usable terminal: plain lines below
            }
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return prompt -> {
            out.print(prompt);
            out.flush();
            return readLine(in);
        };
    }

    /** The REPL: expressions print their value; a chunk continues while incomplete. */
    private void repl() throws CliException {
        ensureLoaded();
        out.println(dostring("return _LUNATIK_VERSION") + "  Lunatik on the JVM");
        Lines in = lines();
        for (;;) {
            String line = in.read("> ");
            if (line == null) {
                out.println();
                return;
            }
            StringBuilder chunk = new StringBuilder(line);
            String result;
            for (;;) {
                String asExpr = dostring("return load(" + quote("return " + chunk) + ") and 'expr' or (select(2, load("
                    + quote(chunk.toString()) + ")) or 'ok')");
                if (asExpr.equals("expr")) {
                    result = dostring("return " + chunk);
                    break;
                }
                if (!asExpr.endsWith("<eof>")) {
                    result = dostring(chunk.toString());
                    break;
                }
                String more = in.read(">> ");
                if (more == null) {
                    return;
                }
                chunk.append('\n').append(more);
            }
            if (!result.isEmpty()) {
                out.println(result);
            }
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
