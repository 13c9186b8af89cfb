package lunatik.runtime.lib;

import java.io.IOException;
import lunatik.linux.netfilter.Checksums;
import lunatik.linux.netfilter.NfQueue;
import lunatik.linux.netfilter.NfRules;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code netfilter} module (spec §8.8): a Lua function that sees each packet at a netfilter
 * hook and gives its verdict. Realized with NFQUEUE (userspace.md): registering installs a base
 * chain at the hook and priority that sends the packets (with the given mark) to a queue of
 * ours ({@link NfRules}), and a reader thread calls the hook in its runtime for each queued
 * packet ({@link NfQueue}). The rules have bypass and the queue fail-open: if the daemon is
 * gone or overwhelmed, packets pass. The hook object lives until its runtime stops.
 *
 * <p>The packet reaches the hook as a writable {@code data} object, reused for every packet:
 * the IP packet, or, at PRE_ROUTING, LOCAL_IN and FORWARD when the packet came in on
 * Ethernet, an Ethernet header and the IP packet, as Lunatik gives packets whose MAC header is
 * set. NFQUEUE gives the source MAC and the ethertype but not the destination MAC, which reads
 * as zeros; changes to that header are ignored, changes to the IP packet are kept. The kernel
 * checks the checksums of a packet a queue rewrote (in Lunatik the hook's changes go past them),
 * so a rewritten packet gets its IPv4 and TCP/UDP checksums recomputed ({@link Checksums}); a
 * UDP checksum of zero stays zero. Verdicts: a Lua error or a value outside [0, 5]
 * accepts; nil drops (Lunatik's quirk, kept); STOLEN drops and QUEUE accepts (a queue cannot
 * hand a packet to another queue or keep it). A second result sets the packet's mark.
 *
 * <p>Families: IPV4, IPV6 and INET (both); ARP, BRIDGE and NETDEV cannot be queued to
 * userspace here and fail as Lunatik's NETDEV does: "failed to register netfilter hook".
 */
public final class NetfilterLib {
    private NetfilterLib() {
    }

    private static final int FAMILY_INET = 1;
    private static final int FAMILY_IPV4 = 2;
    private static final int FAMILY_IPV6 = 10;
    public static final ObjectClass CLASS = ObjectClass.builder("netfilter")
        .release(p -> ((Hook) p).release())
        .build();


    /** {@code require("netfilter")}. */
    /*lua @module netfilter
     * A Lua function that sees each packet at a netfilter hook and gives its verdict, realized with
     * NFQUEUE: registering installs an nft base chain at the hook and priority (matching the mark
     * when one is given) that sends packets to a queue of the hook's own, and a reader thread runs
     * the hook in its runtime on each queued packet, in batches. The rules have bypass and the queue
     * is fail-open: a packet whose handling fails, or that arrives while no daemon reads, passes.
     * The hook lives until its runtime stops. Rules go to the `filter` tables of the ip and ip6
     * families, in chains `lunatik_h<queue>` and `lunatik_q<queue>`; `nft` and `iptables-nft` must
     * be installed. Non-sleepable runtimes only.
     *
     * The hook is called as `hook(skb)`: `skb` is a writable data object, reused for every packet,
     * holding the IP packet or, at PRE_ROUTING, LOCAL_IN and FORWARD for a packet that came in on
     * Ethernet, an Ethernet header then the IP packet. Its first result is the verdict (a
     * `netfilter.action`), its second, when an integer, the packet's new mark.
     * @differs The destination MAC of the Ethernet header reads as zeros (NFQUEUE does not give it)
     * and changes to that header are ignored. A rewritten packet gets its IPv4, TCP and UDP
     * checksums recomputed (the kernel checks those of a packet a queue rewrote). A Lua error or
     * a verdict outside [0, 5] accepts; nil drops (Lunatik's quirk, kept); STOLEN drops and QUEUE
     * accepts. ARP, BRIDGE and NETDEV families cannot be queued to userspace and fail. The sleepable
     * check comes before anything is made (v3.7 leaves a dangling hook).
     */
    /*lua netfilter.register(ops)
     * Registers a hook.
     * @param ops table: `hook` (function), `pf` (a `netfilter.family`: IPV4, IPV6 or INET),
     *   `hooknum` (an `inet_hooks` value, 0 to 4), `priority` (integer, an `ip_priority` value),
     *   `mark` (integer, optional: only packets with this mark)
     * @return a netfilter hook object
     * @raise "bad field '<name>' (number expected, got <type>)"; "failed to register netfilter
     *   hook" for another family, a bad hook number or priority, or when the rules cannot be made
     *   (the reason, such as a missing nft, goes to the log); "cannot use sleepable runtime in this
     *   context"
     */
    /*lua netfilter.family
     * Protocol families (NFPROTO_*).
     */
    /*lua netfilter.action
     * Verdicts (NF_*).
     */
    /*lua netfilter.inet_hooks
     * Hooks of the ip, ip6 and inet families.
     */
    /*lua netfilter.bridge_hooks
     * Hooks of the bridge family (cannot be registered here).
     */
    /*lua netfilter.arp_hooks
     * Hooks of the arp family (cannot be registered here).
     */
    /*lua netfilter.netdev_hooks
     * Hooks of the netdev family (cannot be registered here).
     */
    /*lua netfilter.ip_priority
     * Hook priorities of the ip families.
     */
    /*lua netfilter.bridge_priority
     * Hook priorities of the bridge family.
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "netfilter", "register", a -> register(a.state(), a.checkTable(1)));
        putConstants(lib);
        return lib;
    }

    /** The constant tables of the module (xtable and luaxt have them too). */
    static void putConstants(LuaTable lib) {
        lib.put(Ops.str("family"), Constants.table("UNSPEC", 0, "INET", 1, "IPV4", 2, "ARP", 3, "NETDEV", 5,
            "BRIDGE", 7, "IPV6", 10));
        lib.put(Ops.str("action"), Constants.table("DROP", 0, "ACCEPT", 1, "STOLEN", 2, "QUEUE", 3, "REPEAT", 4,
            "STOP", 5, "CONTINUE", 0xFFFFFFFFL, "RETURN", -5));
        lib.put(Ops.str("inet_hooks"), Constants.table("PRE_ROUTING", 0, "LOCAL_IN", 1, "FORWARD", 2, "LOCAL_OUT", 3,
            "POST_ROUTING", 4));
        lib.put(Ops.str("bridge_hooks"), Constants.table("PRE_ROUTING", 0, "LOCAL_IN", 1, "FORWARD", 2, "LOCAL_OUT", 3,
            "POST_ROUTING", 4));
        lib.put(Ops.str("arp_hooks"), Constants.table("IN", 0, "OUT", 1, "FORWARD", 2));
        lib.put(Ops.str("netdev_hooks"), Constants.table("INGRESS", 0, "EGRESS", 1));
        lib.put(Ops.str("ip_priority"), Constants.table("FIRST", Integer.MIN_VALUE, "RAW_BEFORE_DEFRAG", -450,
            "CONNTRACK_DEFRAG", -400, "RAW", -300, "SELINUX_FIRST", -225, "CONNTRACK", -200, "MANGLE", -150,
            "NAT_DST", -100, "FILTER", 0, "SECURITY", 50, "NAT_SRC", 100, "SELINUX_LAST", 225,
            "CONNTRACK_HELPER", 300, "LAST", Integer.MAX_VALUE));
        lib.put(Ops.str("bridge_priority"), Constants.table("FIRST", Integer.MIN_VALUE, "NAT_DST_BRIDGED", -300,
            "FILTER_BRIDGED", -200, "BRNF", 0, "NAT_DST_OTHER", 100, "FILTER_OTHER", 200, "NAT_SRC", 300,
            "LAST", Integer.MAX_VALUE));
    }

    private static long field(LuaTable opts, String name) {
        Object v = opts.get(Ops.str(name));
        if (!(v instanceof Long l)) {
            throw new LuaError(Ops.str("bad field '" + name + "' (number expected, got " + Ops.typeName(v) + ")"));
        }
        return l;
    }

    private static Object register(LuaState L, LuaTable opts) {
        // checked before anything is made (v3.7 checks after registering and leaves a dangling hook)
        if (Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use sleepable runtime in this context"));
        }
        long pf = field(opts, "pf");
        long hooknum = field(opts, "hooknum");
        long priority = field(opts, "priority");
        Object m = opts.get(Ops.str("mark"));
        long mark = m == null ? 0 : field(opts, "mark");
        boolean v4 = pf == FAMILY_INET || pf == FAMILY_IPV4;
        boolean v6 = pf == FAMILY_INET || pf == FAMILY_IPV6;
        if ((!v4 && !v6) || hooknum < 0 || hooknum > 4 || priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE) {
            throw new LuaError(Ops.str("failed to register netfilter hook"));
        }
        Hook h = new Hook(L, opts, v4, v6, NetNamespace.path());
        try {
            h.start((int) hooknum, (int) priority, mark & 0xFFFFFFFFL);
        } catch (IOException e) {
            h.log("netfilter: " + e.getMessage());
            h.release();
            throw new LuaError(Ops.str("failed to register netfilter hook"));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, h, false));
        h.pin(u, opts); // a registered object: lives until its runtime stops
        return u;
    }

    /** One registered hook: its rules, and the queue whose packets its function answers. */
    static final class Hook extends Registered {
        final LuaTable opts;
        final boolean v4;
        final boolean v6;
        final String ns;
        volatile boolean released;
        final PacketQueue pq;

        Hook(LuaState L, LuaTable opts, boolean v4, boolean v6, String ns) {
            super(L);
            this.opts = opts;
            this.v4 = v4;
            this.v6 = v6;
            this.ns = ns;
            this.pq = new PacketQueue(this, ns, true, DataLib.Buffer.OPT_NONE, "netfilter-") {
                @Override
                void answer(LuaState S, NfQueue.Packet p, Answer a) {
                    Object[] result = call(S, skbValue);
                    if (result != null) {
                        a.verdict = verdict(result[0]);
                        a.mark = result[1] instanceof Long l ? l : null;
                    }
                }

                @Override
                void readerEnded(Throwable failure) {
                    removeRules();
                    log("netfilter: queue " + queue + ": its reader ended"
                        + (failure == null ? "" : " (" + failure + ")") + "; the hook's rules were removed, packets pass");
                }
            };
        }

        /** The queue number (for tests). */
        int queue() {
            return pq.queue;
        }

        /** Opens the queue first (packets that reach it before we read wait there), then the rules. */
        void start(int hooknum, int priority, long mark) throws IOException {
            pq.open();
            if (v4) {
                NfRules.install(ns, false, hooknum, priority, mark, pq.queue);
            }
            if (v6) {
                NfRules.install(ns, true, hooknum, priority, mark, pq.queue);
            }
        }

        void release() {
            if (released) {
                return;
            }
            released = true;
            removeRules();
            pq.close();
            unpin();
        }

        private void removeRules() {
            if (v4) {
                NfRules.remove(ns, false, pq.queue);
            }
            if (v6) {
                NfRules.remove(ns, true, pq.queue);
            }
        }

        private static final LuaString HOOK = Ops.str("hook");

        /** Calls the Lua hook with the packet; its results, or null when it failed (accept). */
        private Object[] call(LuaState S, LuaUserdata skb) {
            Object fn = opts.get(HOOK);
            if (!(fn instanceof LuaFunction f)) {
                log("operation not defined");
                return null;
            }
            try {
                Object r = S.call(f, skb);
                return new Object[] {Varargs.get(r, 0), Varargs.get(r, 1)};
            } catch (LuaError e) {
                log(e.getMessage());
                return null;
            } catch (StackOverflowError e) {
                log("stack overflow");
                return null;
            }
        }

        /** The NFQUEUE verdict for the hook's first result. */
        private static int verdict(Object v) {
            if (v == null) {
                return NfQueue.NF_DROP; // nil converts to 0, as in Lunatik
            }
            if (!(v instanceof Long l) || l < 0 || l > 5) {
                return NfQueue.NF_ACCEPT;
            }
            return switch (l.intValue()) {
                case 2 -> NfQueue.NF_DROP;   // STOLEN: the packet is the hook's, so it goes no further
                case 3 -> NfQueue.NF_ACCEPT; // QUEUE: nothing else to hand it to
                default -> l.intValue();
            };
        }
    }

}
