package lunatik.runtime.lib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import lunatik.linux.netlink.Netlink;
import lunatik.linux.netlink.Rtnetlink;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;

/**
 * The {@code fib} module (spec §8.5): IPv4 policy routing rules over rtnetlink, the two
 * functions of Lunatik's module without its nameless class (which, as written, could not be
 * required). {@code fib.newrule(table, priority)} is {@code ip rule add pref <priority> table
 * <table>} (protocol kernel, exclusive); {@code fib.delrule(table, priority)} its reverse.
 * Failures raise {@code failed on newrule} / {@code failed on delrule}. Sleepable runtimes only.
 */
public final class FibLib {
    private FibLib() {
    }

    private static final int AF_INET = 2;
    private static final int FR_ACT_TO_TBL = 1;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_TABLE = 15;
    private static final int FRA_PROTOCOL = 21;
    private static final int RTPROT_KERNEL = 2;

    /** {@code require("fib")}. */
    /*lua @module fib
     * IPv4 policy routing rules over rtnetlink (in the daemon's network namespace, `LUNATIK_NETNS`).
     * Sleepable runtimes only.
     * @differs Lunatik's module also has a nameless class for FIB lookups that cannot be required as
     * written in v3.7; only `newrule` and `delrule` are here.
     */
    /*lua fib.newrule(table, priority)
     * Adds the rule `ip rule add pref <priority> table <table>` (protocol kernel; fails if it exists).
     * @param table integer: routing table, 0 to 2^32-1
     * @param priority integer: rule preference, 0 to 2^32-1
     * @raise "failed on newrule" when the kernel refuses (the reason goes to the log), or an
     *   argument is out of range; "cannot use non-sleepable runtime in this context"
     */
    /*lua fib.delrule(table, priority)
     * Removes the rule `newrule(table, priority)` made.
     * @param table integer: routing table
     * @param priority integer: rule preference
     * @raise "failed on delrule" when there is no such rule (the reason goes to the log);
     *   "cannot use non-sleepable runtime in this context"
     */
    public static Object open(LuaState L) {
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "fib", "newrule", a -> rule(a, true));
        LibFunction.register(L, lib, "fib", "delrule", a -> rule(a, false));
        return lib;
    }

    /** A struct fib_rule_hdr for table {@code table}, then the priority, table and protocol. */
    static byte[] body(long table, long priority) {
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        h.put((byte) AF_INET).put((byte) 0).put((byte) 0).put((byte) 0);
        h.put((byte) (table < 256 ? table : 0)).put((byte) 0).put((byte) 0).put((byte) FR_ACT_TO_TBL);
        h.putInt(0);
        byte[] prio = Netlink.attr(FRA_PRIORITY, Rtnetlink.u32((int) priority));
        byte[] tab = Netlink.attr(FRA_TABLE, Rtnetlink.u32((int) table));
        byte[] proto = Netlink.attr(FRA_PROTOCOL, new byte[] {RTPROT_KERNEL});
        ByteBuffer b = ByteBuffer.allocate(12 + prio.length + tab.length + proto.length);
        return b.put(h.array()).put(prio).put(tab).put(proto).array();
    }

    private static Object rule(Args a, boolean add) {
        long table = a.checkInteger(1);
        long priority = a.checkInteger(2);
        if (!Lunatik.isSleepable(a.state())) {
            throw new LuaError(Ops.str("cannot use non-sleepable runtime in this context"));
        }
        String failed = add ? "failed on newrule" : "failed on delrule";
        if (table < 0 || table > 0xFFFFFFFFL || priority < 0 || priority > 0xFFFFFFFFL) {
            throw new LuaError(Ops.str(failed));
        }
        int r;
        try {
            r = NetNamespace.call(() -> {
                try (Rtnetlink nl = Rtnetlink.open(0)) {
                    return add
                        ? nl.request(Rtnetlink.RTM_NEWRULE, Rtnetlink.NLM_F_CREATE | Rtnetlink.NLM_F_EXCL, body(table, priority))
                        : nl.request(Rtnetlink.RTM_DELRULE, 0, body(table, priority));
                }
            });
        } catch (Exception e) {
            Lunatik.log(a.state(), "fib: " + failed + ": " + e.getMessage());
            throw new LuaError(Ops.str(failed));
        }
        if (r != 0) {
            Lunatik.log(a.state(), "fib: " + failed + ": " + lunatik.linux.ffm.Errno.describe(-r));
            throw new LuaError(Ops.str(failed));
        }
        return Varargs.NONE;
    }
}
