package lunatik.runtime.lib;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.netlink.Rtnetlink;
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
 * The {@code notifier} module (spec §8.9). {@code notifier.netdevice(cb)} follows the kernel's
 * link announcements over rtnetlink and calls {@code cb(event, ifname)} in its runtime with the
 * netdevice events they mean: REGISTER for a new interface, UP, GOING_DOWN then DOWN when it
 * goes down, CHANGENAME, CHANGEMTU, CHANGEADDR, CHANGE (its operational state), UNREGISTER when
 * it goes (after GOING_DOWN and DOWN if it was up); registering replays REGISTER (and UP for
 * interfaces that are up) for the existing ones during the call, as the kernel does. The
 * callback's result cannot stop a chain here (the announcement is made already): it is
 * ignored; a Lua error is logged.
 *
 * <p>{@code notifier.keyboard} and {@code notifier.vterm} need the console's keyboard and
 * virtual terminals: where there is no keyboard input device they fail with
 * {@code couldn't create notifier} and the reason, as a missing facility should.
 */
public final class NotifierLib {
    private NotifierLib() {
    }

    // netdevice events (enum netdev_cmd, from 1)
    static final long UP = 1;
    static final long DOWN = 2;
    static final long CHANGE = 4;
    static final long REGISTER = 5;
    static final long UNREGISTER = 6;
    static final long CHANGEMTU = 7;
    static final long CHANGEADDR = 8;
    static final long GOING_DOWN = 10;
    static final long CHANGENAME = 11;

    private static final String[] NETDEV = {"UP", "DOWN", "REBOOT", "CHANGE", "REGISTER", "UNREGISTER",
        "CHANGEMTU", "CHANGEADDR", "PRE_CHANGEADDR", "GOING_DOWN", "CHANGENAME", "FEAT_CHANGE",
        "BONDING_FAILOVER", "PRE_UP", "PRE_TYPE_CHANGE", "POST_TYPE_CHANGE", "POST_INIT", "PRE_UNINIT",
        "RELEASE", "NOTIFY_PEERS", "JOIN", "CHANGEUPPER", "RESEND_IGMP", "PRECHANGEMTU", "CHANGEINFODATA",
        "BONDING_INFO", "PRECHANGEUPPER", "CHANGELOWERSTATE", "UDP_TUNNEL_PUSH_INFO", "UDP_TUNNEL_DROP_INFO",
        "CHANGE_TX_QUEUE_LEN", "CVLAN_FILTER_PUSH_INFO", "CVLAN_FILTER_DROP_INFO", "SVLAN_FILTER_PUSH_INFO",
        "SVLAN_FILTER_DROP_INFO", "OFFLOAD_XSTATS_ENABLE", "OFFLOAD_XSTATS_DISABLE",
        "OFFLOAD_XSTATS_REPORT_USED", "OFFLOAD_XSTATS_REPORT_DELTA", "XDP_FEAT_CHANGE"};

    public static final ObjectClass CLASS = ObjectClass.builder("notifier").sleep()
        .method("stop", (self, a) -> {
            Watcher w = self.payload(Watcher.class);
            if (w != null && w.reader == Thread.currentThread()) {
                throw new LuaError(Ops.str("[" + Integer.toHexString(System.identityHashCode(w))
                    + "] notifier cannot unregister itself (deadlock)"));
            }
            self.close();
            return Varargs.NONE;
        })
        .closer("stop")
        .release(p -> ((Watcher) p).release())
        .build();


    /** {@code require("notifier")}. */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "notifier", "netdevice", a -> netdevice(a));
        LibFunction.register(L, lib, "notifier", "keyboard", a -> {
            a.checkFunction(1);
            throw new LuaError(Ops.str("couldn't create notifier: " + keyboardMissing()));
        });
        LibFunction.register(L, lib, "notifier", "vterm", a -> {
            a.checkFunction(1);
            throw new LuaError(Ops.str("couldn't create notifier: virtual terminal events are not available from userspace"));
        });
        lib.put(Ops.str("notify"), Constants.table("DONE", 0, "OK", 1, "BAD", 0x8002, "STOP", 0x8001));
        lib.put(Ops.str("kbd"), Constants.table("KEYCODE", 1, "UNBOUND_KEYCODE", 2, "UNICODE", 3, "KEYSYM", 4, "POST_KEYSYM", 5));
        LuaTable netdev = new LuaTable(0, NETDEV.length);
        for (int i = 0; i < NETDEV.length; i++) {
            netdev.put(Ops.str(NETDEV[i]), (long) i + 1);
        }
        lib.put(Ops.str("netdev"), netdev);
        lib.put(Ops.str("vt"), Constants.table("VT_ALLOCATE", 1, "VT_DEALLOCATE", 2, "VT_WRITE", 3, "VT_UPDATE", 4,
            "VT_PREWRITE", 5));
        return lib;
    }

    /** Why there are no keyboard events here. */
    static String keyboardMissing() {
        try (var s = Files.list(Path.of("/dev/input"))) {
            if (s.noneMatch(p -> p.getFileName().toString().startsWith("event"))) {
                return "no keyboard (no input device under /dev/input)";
            }
        } catch (java.io.IOException e) {
            return "no keyboard (no /dev/input)";
        }
        return "keyboard events from input devices are not supported yet";
    }

    private static Object netdevice(Args a) {
        LuaFunction cb = a.checkFunction(1);
        LuaState L = a.state();
        if (!Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use 'notifier' class on non-sleepable runtime"));
        }
        Watcher w = new Watcher(L, cb);
        List<Rtnetlink.Link> existing;
        try {
            existing = NetNamespace.call(() -> {
                w.socket = Rtnetlink.open(Rtnetlink.RTMGRP_LINK);
                try (Rtnetlink dump = Rtnetlink.open(0)) {
                    return dump.links();
                }
            });
        } catch (Exception e) {
            w.release();
            throw new LuaError(Ops.str("couldn't create notifier"));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, w, true));
        w.pin(u, cb); // a registered object: lives until stopped or its runtime ends
        // replay the existing interfaces, in this call, as register_netdevice_notifier does
        for (Rtnetlink.Link l : existing) {
            w.known.put(l.index(), l);
            w.call(L, REGISTER, l.name());
            if (l.isUp()) {
                w.call(L, UP, l.name());
            }
        }
        w.start();
        return u;
    }

    /** One netdevice notifier: its socket, the interfaces it knows, the thread that follows them. */
    static final class Watcher extends Registered {
        final LuaFunction cb;
        final Map<Integer, Rtnetlink.Link> known = new HashMap<>();
        volatile Rtnetlink socket;
        volatile Thread reader;
        volatile boolean released;

        Watcher(LuaState L, LuaFunction cb) {
            super(L);
            this.cb = cb;
        }

        void start() {
            reader = Thread.ofPlatform().daemon().name("notifier-netdevice").start(this::follow);
        }

        private void follow() {
            Rtnetlink s = socket;
            try {
                while (!released) {
                    List<Rtnetlink.LinkEvent> events = s.events();
                    if (events.isEmpty()) {
                        break; // closed
                    }
                    for (Rtnetlink.LinkEvent e : events) {
                        announce(e);
                    }
                }
            } catch (ErrnoException e) {
                if (!released) {
                    log("notifier: " + e.getMessage());
                }
            }
        }

        /** The netdevice events one announcement means, against what was known of the link. */
        private void announce(Rtnetlink.LinkEvent e) {
            Rtnetlink.Link now = e.link();
            Rtnetlink.Link before = known.get(now.index());
            String name = now.name().isEmpty() && before != null ? before.name() : now.name();
            if (e.type() == Rtnetlink.RTM_DELLINK) {
                known.remove(now.index());
                if (before != null && before.isUp()) {
                    dispatch(GOING_DOWN, name);
                    dispatch(DOWN, name);
                }
                dispatch(UNREGISTER, name);
                return;
            }
            known.put(now.index(), now);
            if (before == null) {
                dispatch(REGISTER, name);
                if (now.isUp()) {
                    dispatch(UP, name);
                }
                return;
            }
            if (!before.name().equals(now.name())) {
                dispatch(CHANGENAME, name);
            }
            if (before.mtu() != now.mtu()) {
                dispatch(CHANGEMTU, name);
            }
            if (!before.address().equals(now.address())) {
                dispatch(CHANGEADDR, name);
            }
            if (!before.isUp() && now.isUp()) {
                dispatch(UP, name);
            } else if (before.isUp() && !now.isUp()) {
                dispatch(GOING_DOWN, name);
                dispatch(DOWN, name);
            } else if (before.operstate() != now.operstate() || before.flags() != now.flags()) {
                dispatch(CHANGE, name);
            }
        }

        /** Calls the callback in the runtime (skipped once the runtime or the notifier is gone). */
        private void dispatch(long event, String ifname) {
            if (released) {
                return;
            }
            try {
                inRuntime(S -> {
                    if (!released) {
                        call(S, event, ifname);
                    }
                    return null;
                });
            } catch (LuaException x) {
                // the runtime is gone: so is this notifier, soon
            }
        }

        void call(LuaState S, long event, String ifname) {
            try {
                S.call(cb, event, Ops.str(ifname));
            } catch (LuaError x) {
                log(x.getMessage());
            }
        }


        void release() {
            released = true;
            Rtnetlink s = socket;
            if (s != null) {
                s.close();
            }
            unpin();
        }
    }
}
