package lunatik.runtime.lib;

import java.io.IOException;
import lunatik.linux.trace.TracepointCounter;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LuaException;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code probe} module (spec §8.10). Where the kernel has kprobes (the perf kprobe PMU,
 * {@code /sys/bus/event_source/devices/kprobe}), a probe on any symbol counts the hits of a
 * kprobe and a kretprobe on it ({@link TracepointCounter#openKprobe}). On a kernel without
 * kprobes, a probe on a system call's
 * entry point ({@code __x64_sys_<name>}, as a symbol or a {@code syscall} address) counts the
 * {@code syscalls:sys_enter_<name>} and {@code sys_exit_<name>} tracepoints on every CPU
 * ({@link TracepointCounter}), and a thread of the probe calls {@code pre(target, dump)} and
 * {@code post(target, dump)} in the runtime once per hit, every 10 ms for the hits since the
 * last look. So handlers see every hit, a little later and in the daemon's thread, not in the
 * probed context: {@code dump()} logs that the registers are not available (and, as in Lunatik,
 * raises {@code null-pointer dereference} once its callback is over). Other symbols cannot be
 * probed there: {@code failed to register probe (-95)} says so, with the reason. Either way the
 * handlers run as described, from the counts; {@code p:mechanism()} (ours, not Lunatik's) says
 * which one a probe uses: {@code "kprobe"} or {@code "tracepoint"}.
 */
public final class ProbeLib {
    private ProbeLib() {
    }

    private static final int EOPNOTSUPP = 95;
    private static final int ENOENT = 2;
    private static final int EINVAL = 22;
    private static final String PREFIX = "__x64_sys_";

    public static final ObjectClass CLASS = ObjectClass.builder("probe").sleep().idempotentClose()
        .method("stop", (self, a) -> {
            self.close();
            return Varargs.NONE;
        })
        .method("mechanism", (self, a) -> Ops.str(self.payload(Probe.class).mechanism))
        .method("enable", (self, a) -> {
            self.payload(Probe.class).enable(a.toBoolean(2));
            return Varargs.NONE;
        })
        .closer("stop")
        .release(p -> ((Probe) p).release())
        .build();

    /** {@code require("probe")}. */
    /*lua @module probe
     * Probes on kernel symbols. Where the kernel has kprobes (the perf kprobe PMU,
     * /sys/bus/event_source/devices/kprobe), a probe counts the hits of a kprobe and a kretprobe
     * on any symbol, on every CPU. Where it has none (our machines): a probe on a system call's entry point
     * (`__x64_sys_<name>`, as a symbol or a `syscall` address) counts the
     * `syscalls:sys_enter_<name>` and `sys_exit_<name>` tracepoints on every CPU with counting
     * perf events, and the probe's thread calls `pre(target, dump)` and `post(target, dump)` in the
     * runtime once per hit, every 10 ms for the hits since the last look. tracefs is mounted at
     * /sys/kernel/tracing if it is not (until the daemon ends). Sleepable runtimes only.
     * @differs Handlers run later and in the daemon's thread, not in the probed context: `dump()`
     * logs "dump: the registers of the probed context are not available from userspace" (and, as
     * in Lunatik, raises "null-pointer dereference" once its callback is over). Without kprobes,
     * other symbols than system call entry points cannot be probed.
     */
    /*lua probe.new(target, handlers)
     * Makes a probe, enabled.
     * @param target string or address: a symbol (`__x64_sys_<name>` without kprobes), or an
     *   address from `syscall.address(n)` or `linux.lookup(symbol)`
     * @param handlers table: `pre` and `post`, functions (either may be absent)
     * @return a probe object
     * @raise "bad argument #1 to 'new' (string expected, got <type>)"; "cannot use 'probe' class on
     *   non-sleepable runtime"; "failed to register probe (-95): <symbol> is not a system call entry
     *   point, and this kernel has no kprobes"; "failed to register probe (-2): no tracepoint for
     *   <symbol>"; "failed to register probe (-<errno>): kprobe on <symbol>: <reason>" when the
     *   kernel refuses the kprobe; "failed to register probe (-22): a null address"; "failed to
     *   register probe (<reason>)" when perf events fail
     */
    /*lua probe:mechanism()
     * Which mechanism the probe uses.
     * @return string: "kprobe" (kprobe and kretprobe through the perf kprobe PMU) or "tracepoint"
     *   (the system call's sys_enter and sys_exit tracepoints)
     * @differs Ours; Lunatik's probes are always kprobes.
     */
    /*lua probe:enable(on)
     * Turns the handlers' calls on or off (hits while off are not reported).
     * @param on boolean
     */
    /*lua probe:stop()
     * Removes the probe; a second stop does nothing. Also its `__close`.
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "probe", "new", ProbeLib::newProbe);
        return lib;
    }

    private static Object newProbe(Args a) {
        Object target = a.get(1);
        if (target instanceof LuaUserdata u && u.payload() instanceof SyscallLib.Address addr && addr.symbol() == null) {
            throw new LuaError(Ops.str("failed to register probe (-" + EINVAL + "): a null address"));
        }
        String symbol = SyscallLib.symbol(target);
        if (symbol == null) {
            throw a.typeError(1, "string");
        }
        LuaTable handlers = a.checkTable(2);
        LuaState L = a.state();
        if (!Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use 'probe' class on non-sleepable runtime"));
        }
        if (TracepointCounter.kprobeType() >= 0) {
            Probe p = new Probe(L, target, handlers);
            p.mechanism = "kprobe";
            try {
                p.pre = TracepointCounter.openKprobe(symbol, false);
                p.post = TracepointCounter.openKprobe(symbol, true);
            } catch (lunatik.linux.ffm.ErrnoException e) {
                p.release();
                throw new LuaError(Ops.str("failed to register probe (-" + e.errno() + "): kprobe on " + symbol
                    + ": " + e.getMessage()));
            } catch (IOException e) {
                p.release();
                throw new LuaError(Ops.str("failed to register probe (" + e.getMessage() + ")"));
            }
            LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, p, true));
            p.pin(u, handlers);
            p.start();
            return u;
        }
        if (!symbol.startsWith(PREFIX)) {
            throw new LuaError(Ops.str("failed to register probe (-" + EOPNOTSUPP + "): " + symbol
                + " is not a system call entry point, and this kernel has no kprobes"));
        }
        String name = symbol.substring(PREFIX.length());
        Probe p = new Probe(L, target, handlers);
        try {
            int enter = TracepointCounter.id("syscalls", "sys_enter_" + name);
            int exit = TracepointCounter.id("syscalls", "sys_exit_" + name);
            if (enter < 0 || exit < 0) {
                throw new LuaError(Ops.str("failed to register probe (-" + ENOENT + "): no tracepoint for " + symbol));
            }
            p.pre = TracepointCounter.open(enter);
            p.post = TracepointCounter.open(exit);
        } catch (IOException e) {
            p.release();
            throw new LuaError(Ops.str("failed to register probe (" + e.getMessage() + ")"));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, p, true));
        p.pin(u, handlers); // a registered object: lives until stopped or its runtime ends
        p.start();
        return u;
    }

    /** One probe: its two counters and the thread that turns their hits into handler calls. */
    static final class Probe extends Registered {
        final Object target;
        final LuaTable handlers;
        volatile TracepointCounter pre;
        volatile TracepointCounter post;
        String mechanism = "tracepoint";
        volatile boolean released;
        volatile boolean enabled = true;
        volatile Thread poller;
        long preSeen;
        long postSeen;

        Probe(LuaState L, Object target, LuaTable handlers) {
            super(L);
            this.target = target;
            this.handlers = handlers;
        }

        void start() {
            preSeen = pre.total();
            postSeen = post.total();
            poller = Thread.ofPlatform().daemon().name("probe").start(this::poll);
        }

        void enable(boolean on) {
            enabled = on;
            pre.enable(on);
            post.enable(on);
        }

        /** The poller owns the counters once started: it closes them when the probe is released. */
        private void poll() {
            TracepointCounter a = pre;
            TracepointCounter b = post;
            try {
                while (!released) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                    long np = a.total();
                    long nq = b.total();
                    long hitsPre = np - preSeen;
                    long hitsPost = nq - postSeen;
                    preSeen = np;
                    postSeen = nq;
                    if ((hitsPre > 0 || hitsPost > 0) && !released) {
                        deliver(hitsPre, hitsPost);
                    }
                }
            } finally {
                a.close();
                b.close();
            }
        }

        /**
         * Calls the handlers once per hit, in the runtime, but at most {@value #MAX_REPLAY} times
         * each per look (every 10 ms): a probe on a busy system call must not keep its runtime
         * busy for ever. Hits beyond that are counted and said in the log, once a second at most.
         */
        private void deliver(long hitsPre, long hitsPost) {
            long pre = Math.min(hitsPre, MAX_REPLAY);
            long post = Math.min(hitsPost, MAX_REPLAY);
            dropped += hitsPre - pre + hitsPost - post;
            long now = System.nanoTime();
            if (dropped > 0 && now - lastDropReport > 1_000_000_000L) {
                log("probe: " + dropped + " hits not handled (more than " + MAX_REPLAY + " per 10 ms)");
                dropped = 0;
                lastDropReport = now;
            }
            lunatik.runtime.Runtime.Handler<Object> h = S -> {
                call(S, "pre", pre);
                call(S, "post", post);
                return null;
            };
            try {
                inRuntime(h);
            } catch (LuaException e) {
                if (e.errno() == LuaException.ENXIO) {
                    released = true; // the runtime is gone
                } else {
                    log("probe: " + e.getMessage());
                }
            }
        }

        static final long MAX_REPLAY = 1000;
        private long dropped;
        private long lastDropReport;

        private void call(LuaState S, String which, long hits) {
            for (long i = 0; i < hits && !released; i++) {
                Object fn = handlers.get(Ops.str(which));
                if (!(fn instanceof LuaFunction f)) {
                    log(which + " handler isn't defined");
                    continue;
                }
                boolean[] live = {true};
                LibFunction dump = new LibFunction(S, "dump", "dump", a -> {
                    if (!live[0]) {
                        throw new LuaError(Ops.str("null-pointer dereference"));
                    }
                    log("dump: the registers of the probed context are not available from userspace");
                    return Varargs.NONE;
                });
                try {
                    S.call(f, target, dump);
                } catch (LuaError e) {
                    log(e.getMessage());
                } finally {
                    live[0] = false;
                }
            }
        }


        void release() {
            released = true;
            Thread t = poller;
            if (t != null) {
                t.interrupt(); // it closes the counters
            } else {
                if (pre != null) {
                    pre.close();
                }
                if (post != null) {
                    post.close();
                }
            }
            unpin();
        }
    }
}
