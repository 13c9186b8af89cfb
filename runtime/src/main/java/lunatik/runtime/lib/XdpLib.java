package lunatik.runtime.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.Runtime;

/**
 * The {@code xdp} module (spec §8.16). {@code xdp.attach(cb)} makes {@code cb(packet, argument)}
 * the XDP callback of its (non-sleepable) runtime, {@code xdp.detach()} removes it. In Lunatik
 * an eBPF program loaded on an interface calls the kfunc {@code bpf_luaxdp_run(key, ctx, arg)},
 * which runs the callback of the runtime registered as {@code key} (its runner name). An eBPF
 * program cannot call into a JVM, so here the program's part is played by a script, typically
 * a netfilter hook at PRE_ROUTING (examples/filter/https.lua for examples/filter/sni), through
 * {@code xdp.run(key, packet, argument)}, which does what the kfunc does: finds the runtime in
 * {@code lunatik._ENV.runtimes}, runs its callback under its lock with {@code data} objects over
 * the same memory as {@code packet} and {@code argument} (detached afterwards), and returns the
 * callback's integer, or -1 (logged) when there is no such runtime or callback or it fails.
 */
public final class XdpLib {
    private XdpLib() {
    }

    /** The registry key of a state's XDP callback. */
    private static final LuaString CALLBACK = Ops.str("lunatik.xdp.callback");

    /** {@code require("xdp")}. */
    /*lua @module xdp
     * XDP callbacks of runtimes. In Lunatik an eBPF program on an interface calls the kfunc
     * `bpf_luaxdp_run(key, ctx, arg)`, which runs the callback of the runtime whose runner name is
     * `key`. An eBPF program cannot call into the JVM, so a script (typically a netfilter hook at
     * PRE_ROUTING, as examples/filter/https.lua) plays the program's part through `xdp.run`.
     * @differs `xdp.run` is ours: it stands for the kfunc `bpf_luaxdp_run`.
     */
    /*lua xdp.attach(callback)
     * Makes `callback(packet, argument)` the XDP callback of this runtime (replacing any). Its
     * result is the XDP action, an integer of `xdp.action`.
     * @param callback function
     * @raise "cannot use sleepable runtime in this context" in a sleepable runtime
     */
    /*lua xdp.detach()
     * Removes this runtime's XDP callback.
     * @raise "cannot use sleepable runtime in this context" in a sleepable runtime
     */
    /*lua xdp.run(key, packet, argument)
     * Does what `bpf_luaxdp_run` does: finds the runtime `lunatik._ENV.runtimes[key]` and runs its
     * callback under its lock, with data objects over the memory of `packet` and `argument`
     * (detached when it returns: a script that kept them sees size 0).
     * @param key string: the runner name of the runtime (`lunatik.runner`'s)
     * @param packet data: the packet
     * @param argument data: the argument bytes
     * @return integer: the callback's result; -1 (logged) when there is no such runtime or callback,
     *   the callback fails or returns no integer
     */
    /*lua xdp.action
     * The XDP actions a callback returns.
     */
    public static Object open(LuaState L) {
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "xdp", "attach", a -> {
            LuaFunction cb = a.checkFunction(1);
            nonSleepable(a);
            a.state().registry.put(CALLBACK, cb);
            return Varargs.NONE;
        });
        LibFunction.register(L, lib, "xdp", "detach", a -> {
            nonSleepable(a);
            a.state().registry.put(CALLBACK, null);
            return Varargs.NONE;
        });
        LibFunction.register(L, lib, "xdp", "run", XdpLib::run);
        lib.put(Ops.str("action"), Constants.table("ABORTED", 0, "DROP", 1, "PASS", 2, "TX", 3, "REDIRECT", 4));
        return lib;
    }

    private static void nonSleepable(Args a) {
        if (Lunatik.isSleepable(a.state())) {
            throw new LuaError(Ops.str("cannot use sleepable runtime in this context"));
        }
    }

    private static Object run(Args a) {
        LuaString key = a.checkString(1);
        DataLib.Buffer packet = DataLib.check(a, 2);
        DataLib.Buffer argument = DataLib.check(a, 3);
        Runtime self = Runtime.of(a.state());
        Host host = self == null ? null : self.host();
        LunatikObject env = host == null ? null : host.env();
        LunatikObject runtimes = env == null ? null : RcuLib.get(env, Ops.str("runtimes"));
        LunatikObject target = runtimes == null ? null : RcuLib.get(runtimes, key);
        if (target == null || !(target.payload() instanceof Runtime rt)) {
            log(self, "couldn't find runtime '" + key + "'");
            return -1L;
        }
        try {
            return rt.run(S -> {
                if (!(S.registry.get(CALLBACK) instanceof LuaFunction cb)) {
                    return -1L;
                }
                LunatikObject p = DataLib.newObject(new DataLib.Buffer(packet.memory(), packet.options() & ~DataLib.Buffer.OPT_FREE), false);
                LunatikObject g = DataLib.newObject(new DataLib.Buffer(argument.memory(), argument.options() & ~DataLib.Buffer.OPT_FREE), false);
                try {
                    LuaUserdata pu = DataLib.push(S, p);
                    LuaUserdata gu = DataLib.push(S, g);
                    Object r = S.call1(cb, pu, gu);
                    return r instanceof Long l ? l : -1L;
                } catch (LuaError e) {
                    log(rt, e.getMessage());
                    return -1L;
                } finally {
                    DataLib.close(p); // detached: a script that kept them sees size 0
                    DataLib.close(g);
                }
            });
        } catch (LuaException e) {
            return -1L; // stopped meanwhile
        }
    }

    private static void log(Runtime rt, String line) {
        if (rt != null) {
            rt.host().log(line);
        }
    }
}
