package lunatik.daemon;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;

/**
 * {@code lunatikd}: the daemon. One host, whose driver runtime ({@code driver.lua}) serves the
 * control device {@code <devdir>/lunatik}; every runtime the {@code lunatik} command starts lives
 * here. Script output and errors go to the daemon log and, when it is writable, to the kernel
 * log ({@code /dev/kmsg}), so {@code dmesg} shows them as it does for Lunatik.
 *
 * <p>Options (each also from the environment): {@code --root DIR} ({@code LUNATIK_ROOT}, default
 * /lib/modules/lua), {@code --lib DIR} (Lua libraries outside the root), {@code --devdir DIR}
 * ({@code LUNATIK_DEVDIR}, default /dev), {@code --pidfile F}, {@code --cpu-latency auto|off}
 * ({@code LUNATIK_CPU_LATENCY}, default auto: a device serving 20,000 requests a second or
 * more holds the kernel's PM QoS CPU latency request at zero until it is quiet, so that idle
 * CPUs poll instead of halting; see {@link lunatik.linux.power.CpuLatency}), {@code --netns PATH}
 * ({@code LUNATIK_NETNS}: the network namespace, such as /var/run/netns/test, where netfilter
 * hooks, notifiers and FIB rules are made; the daemon's own by default), {@code --chunk-timeout
 * SECONDS} ({@code LUNATIK_CHUNK_TIMEOUT}, default 10, 0 for none): a chunk written to the
 * control device (and the script top levels it runs) is interrupted after that long, so that
 * no chunk (a {@code linux.schedule(-1)}, say) keeps the control device from answering,
 * {@code --rundir DIR} ({@code LUNATIK_RUNDIR}, default /run/lunatik: the daemon's lock, its pid
 * file, its log, and the list of what it made on the machine, see {@link lunatik.linux.Ledger}),
 * {@code --log FILE} (default {@code <rundir>/lunatikd.log}; {@code -} for standard output, as
 * under systemd), {@code --debug} ({@code LUNATIK_DEBUG}: Java stack traces of internal failures
 * in the log), {@code --keyboard FILE} ({@code LUNATIK_KEYBOARD}: a simulated keyboard, a file or
 * FIFO of input_event records, instead of the machine's keyboards) and {@code --keyboard-sink
 * FILE} ({@code LUNATIK_KEYBOARD_SINK}: where the keys the keyboard notifiers let through are
 * written, the rest of the system for a simulated keyboard).
 *
 * <p>Memory: the daemon runs on G1 with a periodic collection after 3 s without one and tight
 * heap free ratios ({@link lunatik.cli.LunatikCli#DAEMON_JVM_OPTIONS}), so that what stopped
 * runtimes held is given back to the system within a minute even when nothing else would make
 * the JVM collect (measured: 4.7 GB resident at a peak, about 220 MB 30 s after, 100 MB after a
 * minute; a fresh daemon takes about 85 MB). The maximum heap is the JVM's default (a quarter of
 * the machine's memory) and the first log line says it.
 *
 * <p>At start, the daemon undoes what a daemon of the same run directory killed before it could
 * clean up left on the machine (stale device mounts, netfilter chains and the tables it made,
 * tracefs), and nothing that a live daemon owns; a second daemon of a run directory refuses to
 * start.
 */
public final class Lunatikd {
    private Lunatikd() {
    }

    /** The settings of one daemon. */
    public record Config(Path root, Path lib, Path devdir, Path pidfile, boolean lowLatency, Path netns,
                         java.time.Duration chunkLimit, Path rundir, Path log, boolean debug, Path keyboard,
                         Path keyboardSink) {
        /** The control device. */
        public Path device() {
            return devdir.resolve("lunatik");
        }
    }

    /** What {@code lunatikd --help} prints (lunatikd(8) says the same). */
    static final String HELP = """
        usage: lunatikd [options]
        The Lunatik daemon: serves the control device <devdir>/lunatik and runs Lua scripts.
        Started by `lunatik load` (or systemd); it stays in the foreground.

        options:
          --root DIR            the script root (LUNATIK_ROOT; default /lib/modules/lua)
          --lib DIR             where driver.lua and the Lua libraries are (LUNATIK_LIB; default: the root)
          --devdir DIR          where devices are made (LUNATIK_DEVDIR; default /dev)
          --rundir DIR          lock, pid file, log and ledger (LUNATIK_RUNDIR; default /run/lunatik)
          --pidfile FILE        the pid file (default <rundir>/lunatikd.pid)
          --log FILE            the log (default <rundir>/lunatikd.log; - for standard output)
          --debug               log debugging lines too (LUNATIK_DEBUG)
          --netns FILE          the network namespace of the network modules (LUNATIK_NETNS)
          --chunk-timeout SECS  how long a control-device chunk may run (LUNATIK_CHUNK_TIMEOUT; default 10, 0: no limit)
          --cpu-latency MODE    auto: ask for low CPU latency while a device is busy; off (LUNATIK_CPU_LATENCY)
          --keyboard FILE       a simulated keyboard: a file or FIFO of input_event records (LUNATIK_KEYBOARD)
          --keyboard-sink FILE  where the keys the keyboard notifiers let through go, for a simulated keyboard (LUNATIK_KEYBOARD_SINK)
          -h, --help            print this help
        """;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.print(HELP);
            return;
        }
        Config c = parse(args);
        PrintStream kmsg = openKmsg();
        DaemonLog log = new DaemonLog(c.log(), kmsg);
        System.setOut(log.stream(DaemonLog.Level.INFO));
        System.setErr(log.stream(DaemonLog.Level.WARN));
        for (String done : Leftovers.undo(lunatik.linux.Ledger.leftovers(c.rundir()))) {
            log.log(DaemonLog.Level.INFO, done + " (left by a daemon killed before it could)");
        }
        lunatik.linux.Ledger ledger = lunatik.linux.Ledger.open(c.rundir());
        if (ledger == null) {
            log.log(DaemonLog.Level.ERROR, "another lunatikd (pid " + lunatik.linux.Ledger.holder(c.rundir())
                + ") serves the run directory " + c.rundir());
            System.exit(1);
            return;
        }
        lunatik.linux.fuse.FuseDevice.setLowLatencyWhenBusy(c.lowLatency());
        lunatik.runtime.lib.NetNamespace.set(c.netns());
        if (c.keyboard() != null) {
            lunatik.runtime.lib.NotifierLib.setKeyboardSource(c.keyboard());
        }
        if (c.keyboardSink() != null) {
            lunatik.runtime.lib.NotifierLib.setKeyboardSink(c.keyboardSink());
        }
        Host host = new Host(c.root(), log::script);
        host.setDebug(c.debug());
        host.setDebugLog((line, t) -> {
            java.io.StringWriter w = new java.io.StringWriter();
            if (t != null) {
                t.printStackTrace(new java.io.PrintWriter(w));
            }
            log.log(DaemonLog.Level.DEBUG, line + (t == null ? "" : "\n" + w.toString().stripTrailing()));
        });
        host.setLibraryPath(c.lib());
        Files.createDirectories(c.devdir());
        host.setDeviceDirectory(c.devdir());
        Runtime driver;
        try {
            driver = host.runtime("driver", true);
        } catch (LuaException e) {
            log.log(DaemonLog.Level.ERROR, "lunatikd: " + e.getMessage());
            ledger.close();
            System.exit(1);
            return;
        }
        driver.setEntryTimeLimit(c.chunkLimit());
        // what `lunatik load` sends: so a daemon started by other means (systemd at boot) serves
        // the runner's commands from the start
        try {
            driver.run(L -> L.call(L.load("lunatik = require('lunatik') lunatik.runner = require('lunatik.runner') "
                + "lunatik.runner.startup()", "=startup")));
        } catch (LuaException e) {
            log.log(DaemonLog.Level.ERROR, "lunatikd: the runner: " + e.getMessage());
        }
        Path pidfile = c.pidfile() != null ? c.pidfile() : c.rundir().resolve("lunatikd.pid");
        Files.writeString(pidfile, ProcessHandle.current().pid() + "\n");
        CountDownLatch done = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            shutdown(host, driver);
            ledger.close();
            try {
                Files.deleteIfExists(pidfile);
            } catch (IOException e) {
                // gone with the run directory
            }
            log.log(DaemonLog.Level.INFO, "lunatikd stopped");
            done.countDown();
        }, "lunatikd-shutdown");
        java.lang.Runtime.getRuntime().addShutdownHook(stopper);
        log.log(DaemonLog.Level.INFO, "lunatikd " + lunatik.runtime.Lunatik.VERSION + " serving " + c.device()
            + " (pid " + ProcessHandle.current().pid() + ", run directory " + c.rundir() + ", heap at most "
            + (java.lang.Runtime.getRuntime().maxMemory() >> 20) + " MiB, " + gcName() + ")");
        done.await();
    }

    /** The garbage collectors of this JVM, by name (for the log's first line). */
    private static String gcName() {
        return String.join("/", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }

    /**
     * Stops every runtime the runner knows (in its order, with no time limit on the chunk that
     * does it), then every other runtime still open (those that scripts made for themselves,
     * such as echod's workers), then the driver, which removes the control device.
     */
    static void shutdown(Host host, Runtime driver) {
        driver.setEntryTimeLimit(null);
        try {
            driver.run(L -> {
                Object runner = L.load("local ok, r = pcall(require, 'lunatik.runner') if ok then pcall(r.shutdown) end", "=shutdown");
                return L.call(runner);
            });
        } catch (LuaException e) {
            host.log("shutdown: " + e.getMessage());
        }
        host.runtimes().stream().filter(rt -> rt != driver).toList().parallelStream().forEach(Runtime::shutdown);
        driver.stop();
    }

    static Config parse(String[] args) {
        String root = env("LUNATIK_ROOT", "/lib/modules/lua");
        String lib = System.getenv("LUNATIK_LIB");
        String devdir = env("LUNATIK_DEVDIR", "/dev");
        String pidfile = null;
        String latency = env("LUNATIK_CPU_LATENCY", "auto");
        String netns = System.getenv("LUNATIK_NETNS");
        String chunk = env("LUNATIK_CHUNK_TIMEOUT", "10");
        String rundir = System.getenv("LUNATIK_RUNDIR");
        String logfile = null;
        boolean debug = System.getenv("LUNATIK_DEBUG") != null && !System.getenv("LUNATIK_DEBUG").isEmpty();
        String keyboard = System.getenv("LUNATIK_KEYBOARD");
        String keyboardSink = System.getenv("LUNATIK_KEYBOARD_SINK");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cpu-latency" -> latency = value(args, ++i);
                case "--netns" -> netns = value(args, ++i);
                case "--root" -> root = value(args, ++i);
                case "--lib" -> lib = value(args, ++i);
                case "--devdir" -> devdir = value(args, ++i);
                case "--pidfile" -> pidfile = value(args, ++i);
                case "--chunk-timeout" -> chunk = value(args, ++i);
                case "--rundir" -> rundir = value(args, ++i);
                case "--log" -> logfile = value(args, ++i);
                case "--debug" -> debug = true;
                case "--keyboard" -> keyboard = value(args, ++i);
                case "--keyboard-sink" -> keyboardSink = value(args, ++i);
                default -> throw new IllegalArgumentException("lunatikd: unknown option " + args[i]);
            }
        }
        if (!latency.equals("auto") && !latency.equals("off")) {
            throw new IllegalArgumentException("lunatikd: --cpu-latency must be auto or off, not " + latency);
        }
        long seconds;
        try {
            seconds = Long.parseLong(chunk);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("lunatikd: --chunk-timeout must be a number of seconds, not " + chunk);
        }
        if (rundir == null || rundir.isEmpty()) {
            rundir = pidfile != null && Path.of(pidfile).getParent() != null ? Path.of(pidfile).getParent().toString()
                : "/run/lunatik";
        }
        Path log = logfile == null ? Path.of(rundir, "lunatikd.log") : logfile.equals("-") ? null : Path.of(logfile);
        return new Config(Path.of(root), lib == null ? null : Path.of(lib), Path.of(devdir),
            pidfile == null ? null : Path.of(pidfile), latency.equals("auto"),
            netns == null || netns.isEmpty() ? null : Path.of(netns),
            seconds == 0 ? null : java.time.Duration.ofSeconds(seconds), Path.of(rundir), log, debug,
            keyboard == null || keyboard.isEmpty() ? null : Path.of(keyboard),
            keyboardSink == null || keyboardSink.isEmpty() ? null : Path.of(keyboardSink));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("lunatikd: " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    /** The kernel log, when we may write to it (root); null otherwise. */
    private static PrintStream openKmsg() {
        Path k = Path.of("/dev/kmsg");
        if (!Files.isWritable(k)) {
            return null;
        }
        try {
            OutputStream o = new FileOutputStream(k.toFile());
            return new PrintStream(o, true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
