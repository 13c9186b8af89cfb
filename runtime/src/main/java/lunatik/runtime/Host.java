package lunatik.runtime;

import java.nio.file.Path;

/**
 * A Lunatik host: where scripts are found, the budgets new runtimes get, and the objects the
 * runtimes share (the process-wide {@code lunatik._ENV}). One host is one daemon; tests make
 * their own with their own script root.
 *
 * <pre>{@code
 * Host host = new Host(Path.of("/lib/modules/lua"));
 * Runtime rt = host.runtime("examples/hello", true);   // runs /lib/modules/lua/examples/hello.lua
 * long n = rt.run(L -> (Long) L.call1(rt.entry(), 20L));
 * rt.stop();
 * }</pre>
 */
public final class Host {
    /** The script root of the original: {@code /lib/modules/lua}. */
    public static final Path DEFAULT_ROOT = Path.of("/lib/modules/lua");

    private final Path root;
    private volatile long instructionBudget = 10_000_000_000L;
    private volatile long memoryBudget = 1L << 30;
    private volatile LunatikObject env;
    private final java.util.function.Consumer<String> log;
    private volatile Path libraryPath;
    private volatile Path deviceDirectory = Path.of(System.getProperty("lunatik.devdir", "/dev"));

    /** A host whose scripts live under {@code root}; script output and errors go to stderr. */
    public Host(Path root) {
        this(root, System.err::println);
    }

    /** A host whose script output ({@code print}) and callback errors go to {@code log}. */
    public Host(Path root, java.util.function.Consumer<String> log) {
        this.root = root.toAbsolutePath().normalize();
        this.log = log;
        this.env = lunatik.runtime.lib.RcuLib.newTable(256); // lunatik._ENV, as lunatik_run makes it
    }

    /** The host of the environment: {@code LUNATIK_ROOT} if set, else {@link #DEFAULT_ROOT}. */
    public static Host fromEnvironment() {
        String r = System.getenv("LUNATIK_ROOT");
        return new Host(r == null || r.isEmpty() ? DEFAULT_ROOT : Path.of(r));
    }

    public Path root() {
        return root;
    }

    /**
     * Where the Lua libraries that ship with Lunatik (lunatik.runner, mailbox, net, util) are
     * found when they are not installed in the root (a checkout's {@code lua/}); null: root only.
     */
    public Path libraryPath() {
        return libraryPath;
    }

    public void setLibraryPath(Path p) {
        libraryPath = p == null ? null : p.toAbsolutePath().normalize();
    }

    /** Where devices of this host's runtimes appear ({@code /dev}; tests use their own folder). */
    public Path deviceDirectory() {
        return deviceDirectory;
    }

    public void setDeviceDirectory(Path dir) {
        deviceDirectory = dir.toAbsolutePath().normalize();
    }

    /** package.path of this host's runtimes: the root, then the library path. */
    public String packagePath() {
        String p = lunatik.lua.lib.PackageLib.rootPath(root.toString());
        return libraryPath == null ? p : p + ";" + lunatik.lua.lib.PackageLib.rootPath(libraryPath.toString());
    }

    /**
     * The file of a script name ("examples/echod/daemon" -> root/examples/echod/daemon.lua). A
     * name is a path below the root, as Lunatik takes it: one that starts with '/', or has a
     * ".." or empty component, or a NUL byte, is refused (IllegalArgumentException). Symbolic
     * links in the root are followed: whoever can make one there can write scripts anyway.
     */
    public Path scriptPath(String script) {
        checkScriptName(script);
        Path p = root.resolve(script + ".lua");
        if (!java.nio.file.Files.exists(p) && libraryPath != null) {
            Path q = libraryPath.resolve(script + ".lua");
            if (java.nio.file.Files.exists(q)) {
                return q; // a script that ships with Lunatik (driver.lua) in a checkout
            }
        }
        return p;
    }

    /** Refuses a script name that is not a path below the root (see {@link #scriptPath}). */
    static void checkScriptName(String script) {
        if (script.isEmpty() || script.startsWith("/") || script.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid script name '" + script + "'");
        }
        for (String part : script.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("invalid script name '" + script + "'");
            }
        }
    }

    /**
     * Creates a runtime running {@code <root>/<script>.lua} (the C API's {@code lunatik_runtime}).
     * @throws LuaException naming the script and line when it fails to load or run
     */
    public Runtime runtime(String script, boolean sleepable) throws LuaException {
        return Runtime.create(this, script, sleepable);
    }

    /** Instructions (backward jumps and calls) one entry into a runtime may take; new runtimes get it. */
    public long instructionBudget() {
        return instructionBudget;
    }

    public void setInstructionBudget(long n) {
        instructionBudget = n;
    }

    /**
     * Bytes of Lua values a runtime may hold (counted as collectgarbage("count") does, each
     * time an entry has allocated this much); new runtimes get it.
     */
    public long memoryBudget() {
        return memoryBudget;
    }

    public void setMemoryBudget(long bytes) {
        memoryBudget = bytes;
    }

    /** The process-wide table of shared objects ({@code lunatik._ENV}), or null. */
    public LunatikObject env() {
        return env;
    }

    public void setEnv(LunatikObject table) {
        env = table;
    }

    private final java.util.Map<String, java.util.function.Function<lunatik.lua.vm.LuaState, Object>> modules =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Adds a module written in Java to every runtime made after this call ({@code require(name)}). */
    public void registerModule(String name, java.util.function.Function<lunatik.lua.vm.LuaState, Object> opener) {
        modules.put(name, opener);
    }

    java.util.Map<String, java.util.function.Function<lunatik.lua.vm.LuaState, Object>> modules() {
        return modules;
    }

    private final java.util.concurrent.ConcurrentHashMap<Object, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What modules keep for every runtime of this host under {@code key} (the xtable extensions
     * by name, say), made by {@code make} on first use.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(Object key, java.util.function.Supplier<T> make) {
        return (T) shared.computeIfAbsent(key, k -> make.get());
    }

    /** Where script output and callback errors go (the daemon's log, the kernel log). */
    public void log(String line) {
        log.accept(line);
    }

    private volatile boolean debug = System.getenv("LUNATIK_DEBUG") != null && !System.getenv("LUNATIK_DEBUG").isEmpty();

    /** Whether {@link #debug} lines (Java stack traces of internal failures) reach the log. */
    public void setDebug(boolean on) {
        debug = on;
    }

    public boolean isDebug() {
        return debug;
    }

    private volatile java.util.function.BiConsumer<String, Throwable> debugLog;

    /** Where {@link #debug} lines go (a log with levels, say); null: the log, with a "debug: " prefix. */
    public void setDebugLog(java.util.function.BiConsumer<String, Throwable> d) {
        debugLog = d;
    }

    /**
     * A line for whoever debugs the host, with the Java stack trace of {@code t}: logged only
     * when debugging is on ({@code LUNATIK_DEBUG}, {@link #setDebug}); scripts see a Lua error.
     */
    public void debug(String line, Throwable t) {
        if (!debug) {
            return;
        }
        java.util.function.BiConsumer<String, Throwable> d = debugLog;
        if (d != null) {
            d.accept(line, t);
            return;
        }
        java.io.StringWriter w = new java.io.StringWriter();
        if (t != null) {
            t.printStackTrace(new java.io.PrintWriter(w));
        }
        log.accept("debug: " + line + (t == null ? "" : "\n" + w.toString().stripTrailing()));
    }

    // ---------------------------------------------------------------- the runtimes of this host

    /** Timers of every host: entry time limits, the finalizer limit of closing states. */
    static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static java.util.concurrent.ScheduledThreadPoolExecutor watchdog() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
            r -> Thread.ofPlatform().daemon().name("lunatik-watchdog").unstarted(r));
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** Runs {@code task} once on the hosts' timer thread after {@code delay}; it must not block. */
    public static java.util.concurrent.ScheduledFuture<?> later(java.time.Duration delay, Runnable task) {
        return WATCHDOG.schedule(task, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private final java.util.Set<Runtime> runtimes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void register(Runtime rt) {
        runtimes.add(rt);
    }

    void unregister(Runtime rt) {
        runtimes.remove(rt);
    }

    /** The runtimes of this host whose states are open (made and not yet closed). */
    public java.util.Set<Runtime> runtimes() {
        return java.util.Collections.unmodifiableSet(runtimes);
    }

    /**
     * Interrupts whatever {@code t} is running in this host's runtimes (an entry and the
     * runtimes it entered from there, such as a script's top level run by lunatik.runtime):
     * each raises {@code value} until its entry ends, and a blocking call of {@code t} wakes.
     * Returns whether {@code t} was inside any.
     */
    public boolean interruptThread(Thread t, Object value) {
        return interruptThread(t, value, null);
    }

    /**
     * As {@link #interruptThread(Thread, Object)}, for cutting the entry {@code t} is making into
     * {@code by}: until that entry ends, an entry {@code t} begins into another runtime is cut
     * from its start (the interrupt may come after the last check of {@code by}'s code and before
     * {@code t} is seen inside the other runtime).
     */
    public boolean interruptThread(Thread t, Object value, Runtime by) {
        Pending p = new Pending(by, value);
        if (by != null) {
            interrupts.putIfAbsent(t, p); // a cut of an enclosing entry, if any, lasts longer: it stays
        }
        boolean any = false;
        for (Runtime rt : runtimes) {
            any |= rt.interruptEntry(t, value, false);
        }
        if (any) {
            // woken once all are marked: a sleep in a runtime entered from another one, woken
            // by the outer one's mark, found its own runtime not marked yet and went on (a
            // RuntimeStopTest failure under load)
            t.interrupt();
        } else if (by != null) {
            interrupts.remove(t, p);
        }
        return any;
    }

    /** An interrupt of the entries of a thread: the runtime whose entry it cuts, and the error value. */
    private record Pending(Runtime by, Object value) {
    }

    /** The interrupts whose entries have not ended, by thread. */
    private final java.util.Map<Thread, Pending> interrupts = new java.util.concurrent.ConcurrentHashMap<>();

    /** The value an entry of {@code t} into {@code rt} beginning now is interrupted with (an enclosing entry was cut), or null. */
    Object interruptFor(Thread t, Runtime rt) {
        if (interrupts.isEmpty()) {
            return null;
        }
        Pending p = interrupts.get(t);
        return p == null || p.by == rt ? null : p.value;
    }

    /** {@code t}'s entry into {@code rt} has ended: an interrupt that cut it is over. */
    void entryEnded(Thread t, Runtime rt) {
        if (!interrupts.isEmpty()) {
            Pending p = interrupts.get(t);
            if (p != null && p.by == rt) {
                interrupts.remove(t, p);
            }
        }
    }
}
