package lunatik.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The Lunatik environment of a state: the version global, the runtime kind, and the modules
 * written in Java, found by {@code require} by their Lunatik names.
 */
public final class Lunatik {
    private Lunatik() {
    }

    /** {@code _LUNATIK_VERSION}. */
    public static final String VERSION = "Lunatik 3.7";

    private static final Object SLEEPABLE = new Object();

    /** The Java modules, by the name {@code require} takes (filled as modules land). */
    private static final Map<String, Function<LuaState, Object>> MODULES = modules();

    private static Map<String, Function<LuaState, Object>> modules() {
        Map<String, Function<LuaState, Object>> m = new LinkedHashMap<>();
        m.put("thread", lunatik.runtime.lib.ThreadLib::open);
        m.put("device", lunatik.runtime.lib.DeviceLib::open);
        m.put("data", lunatik.runtime.lib.DataLib::open);
        m.put("fifo", lunatik.runtime.lib.FifoLib::open);
        m.put("completion", lunatik.runtime.lib.CompletionLib::open);
        m.put("rcu", lunatik.runtime.lib.RcuLib::open);
        m.put("linux", lunatik.runtime.lib.LinuxLib::open);
        m.put("socket", lunatik.runtime.lib.SocketLib::open);
        m.put("netfilter", lunatik.runtime.lib.NetfilterLib::open);
        m.put("xtable", lunatik.runtime.lib.XtableLib::open);
        m.put("notifier", lunatik.runtime.lib.NotifierLib::open);
        m.put("fib", lunatik.runtime.lib.FibLib::open);
        m.put("syscall", lunatik.runtime.lib.SyscallLib::open);
        m.put("probe", lunatik.runtime.lib.ProbeLib::open);
        m.put("xdp", lunatik.runtime.lib.XdpLib::open);
        m.put("crypto_shash", lunatik.runtime.lib.CryptoShashLib::open);
        m.put("crypto_skcipher", lunatik.runtime.lib.CryptoSkcipherLib::open);
        m.put("crypto_aead", lunatik.runtime.lib.CryptoAeadLib::open);
        m.put("crypto_rng", lunatik.runtime.lib.CryptoRngLib::open);
        m.put("crypto_comp", lunatik.runtime.lib.CryptoCompLib::open);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Names of the Java modules available to scripts. */
    public static java.util.Set<String> moduleNames() {
        return MODULES.keySet();
    }

    /**
     * Makes {@code L} a Lunatik state of the given kind: sets {@code _LUNATIK_VERSION} and
     * registers every Java module for {@code require}.
     */
    public static void open(LuaState L, boolean sleepable) {
        L.setExtension(SLEEPABLE, sleepable);
        L.globals.put(Ops.str("_LUNATIK_VERSION"), Ops.str(VERSION));
        for (Map.Entry<String, Function<LuaState, Object>> e : MODULES.entrySet()) {
            PackageLib.registerJavaModule(L, e.getKey(), e.getValue());
        }
    }

    /** A line in the log of {@code L}'s runtime (the daemon's log), or the state's error stream outside one. */
    public static void log(LuaState L, String line) {
        Runtime rt = Runtime.of(L);
        if (rt != null) {
            rt.host().log(line);
        } else {
            L.err().println(line);
            L.err().flush();
        }
    }

    /** Whether {@code L} belongs to a sleepable runtime (a state outside any runtime is). */
    public static boolean isSleepable(LuaState L) {
        Boolean b = L.extension(SLEEPABLE);
        return b == null || b;
    }
}
