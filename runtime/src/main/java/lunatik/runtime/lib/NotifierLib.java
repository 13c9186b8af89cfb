package lunatik.runtime.lib;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.input.Keyboard;
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
 * The {@code notifier} module (spec §8.9). Notifiers of a kind form one chain per host, shared
 * by every runtime ({@link NotifierChain}): an event goes down it in order (higher priority
 * first, then registration order), each callback in its own runtime, and STOP or BAD ends it
 * for that event.
 *
 * <p>{@code notifier.netdevice(cb)} follows the kernel's link announcements over rtnetlink (one
 * socket for the chain) and sends down the chain the netdevice events they mean: REGISTER for a
 * new interface, UP, GOING_DOWN then DOWN when it goes down, CHANGENAME, CHANGEMTU, CHANGEADDR,
 * CHANGE (its operational state), UNREGISTER when it goes (after GOING_DOWN and DOWN if it was
 * up); registering replays REGISTER (and UP for interfaces that are up) for the existing ones to
 * the new notifier during the call, as the kernel does. A STOP keeps the event from the
 * notifiers after it; the change itself has happened already.
 *
 * <p>{@code notifier.keyboard} reads the keyboards' evdev devices ({@link KeyboardChain}); where
 * there is none it fails with {@code couldn't create notifier} and the reason, as a missing
 * facility should (a simulated keyboard can stand for one: {@link #setKeyboardSource}, or
 * LUNATIK_KEYBOARD, with {@link #setKeyboardSink} or LUNATIK_KEYBOARD_SINK for the rest of the
 * system). {@code notifier.vterm} follows the virtual consoles' screens ({@link VtermChain}),
 * and says so where the machine has none.
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
            Object w = self.payload();
            if (w instanceof NotifierChain.Link l && l.running == Thread.currentThread()) {
                throw new LuaError(Ops.str("[" + Integer.toHexString(System.identityHashCode(w))
                    + "] notifier cannot unregister itself (deadlock)"));
            }
            self.close();
            return Varargs.NONE;
        })
        .closer("stop")
        .release(p -> ((Stoppable) p).stop())
        .build();

    /** A link that knows its chain: its stop takes it off and lets its runtime go. */
    interface Stoppable {
        void stop();
    }

    /** {@code require("notifier")}. */
    /*lua @module notifier
     * Notifier chains: network device events and keyboard events, each calling a Lua function in
     * its runtime. A notifier lives until `stop()` or its runtime's end. Sleepable runtimes only.
     * @differs `netdevice` follows rtnetlink link announcements (the events they mean are given, see
     * below) and a callback's result cannot stop the chain (it is ignored); `keyboard` reads the
     * keyboards' evdev devices, and a callback's STOP grabs the keyboard (EVIOCGRAB: its keys
     * reach no one else) until a key's callbacks let it through, the stopping key itself having
     * reached the console already; `vterm` has no userspace source and always fails.
     */
    /*lua notifier.netdevice(callback)
     * Calls `callback(event, name)` with the `notifier.netdev` event and the interface name:
     * REGISTER for a new interface, UP, GOING_DOWN then DOWN when it goes down, CHANGENAME,
     * CHANGEMTU, CHANGEADDR, CHANGE (operational state), UNREGISTER when it goes. During the call
     * REGISTER (and UP for those that are up) is replayed for the existing interfaces, as the
     * kernel does. A Lua error of the callback is logged.
     * @param callback function
     * @return a notifier object
     * @raise "cannot use 'notifier' class on non-sleepable runtime"; "couldn't create notifier"
     */
    /*lua notifier.keyboard(callback)
     * Calls `callback(event, down, shift, value)` for each key of every keyboard: KEYCODE (the key
     * code) then KEYSYM (the default keymap's symbol), `down` true on press, `shift` whether a
     * shift key is held. A result of `notify.STOP` or `notify.BAD` grabs the keyboard until a key
     * passes again. `LUNATIK_KEYBOARD=<file>` reads a simulated keyboard (input_event records).
     * @param callback function
     * @return a notifier object
     * @raise "couldn't create notifier: no keyboard (no input device with keys under /dev/input)";
     *   "couldn't create notifier (<reason>)"; "cannot use 'notifier' class on non-sleepable runtime"
     */
    /*lua notifier.vterm(callback)
     * Virtual terminal events have no userspace source.
     * @param callback function
     * @raise always "couldn't create notifier: virtual terminal events are not available from userspace"
     */
    /*lua notifier.notify
     * Callback results (NOTIFY_*).
     */
    /*lua notifier.kbd
     * Keyboard events (KBD_*).
     */
    /*lua notifier.netdev
     * Network device events (NETDEV_*), numbered as the kernel's.
     */
    /*lua notifier.vt
     * Virtual terminal events (VT_*).
     */
    /*lua notifier:stop()
     * Unregisters the notifier. Also its `__close`.
     * @raise "[<id>] notifier cannot unregister itself (deadlock)" from inside its own callback
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "notifier", "netdevice", a -> netdevice(a));
        LibFunction.register(L, lib, "notifier", "keyboard", NotifierLib::keyboard);
        LibFunction.register(L, lib, "notifier", "vterm", NotifierLib::vterm);
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

    private static volatile String keyboardSource = System.getProperty("lunatik.keyboard", System.getenv("LUNATIK_KEYBOARD"));
    private static volatile String keyboardSink = System.getProperty("lunatik.keyboard.sink",
        System.getenv("LUNATIK_KEYBOARD_SINK"));

    /**
     * Where keyboard events come from: the machine's keyboards (null), or one file or FIFO of
     * input_event records (a simulated keyboard, for machines without one, and for tests).
     */
    public static void setKeyboardSource(Path source) {
        keyboardSource = source == null ? null : source.toString();
    }

    /**
     * Where the keys the keyboard notifiers let through go (a file or FIFO that receives their
     * input_event records: the rest of the system, for a simulated keyboard), or null: a uinput
     * keyboard where there is uinput and real keyboards, else nowhere. Read when a chain starts
     * (its first notifier).
     */
    public static void setKeyboardSink(Path sink) {
        keyboardSink = sink == null ? null : sink.toString();
    }

    /** The chain of a kind for the state's host (one per process outside a runtime). */
    private static <T> T chain(LuaState L, Object key, java.util.function.Function<java.util.function.Consumer<String>, T> make) {
        lunatik.runtime.Runtime rt = lunatik.runtime.Runtime.of(L);
        if (rt != null) {
            lunatik.runtime.Host h = rt.host();
            return h.shared(key, () -> make.apply(h::log));
        }
        @SuppressWarnings("unchecked")
        T t = (T) LOCAL.computeIfAbsent(key, k -> make.apply(System.err::println));
        return t;
    }

    private static final Map<Object, Object> LOCAL = new java.util.concurrent.ConcurrentHashMap<>();

    private static void checkSleepable(LuaState L) {
        if (!Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use 'notifier' class on non-sleepable runtime"));
        }
    }

    /** notifier.keyboard(cb): key events of every keyboard, as the console's keyboard notifier chain reports them. */
    private static Object keyboard(Args a) {
        LuaFunction cb = a.checkFunction(1);
        LuaState L = a.state();
        checkSleepable(L);
        String src = keyboardSource;
        List<Path> sources = src != null && !src.isEmpty() ? List.of(Path.of(src)) : Keyboard.keyboards();
        if (sources.isEmpty()) {
            throw new LuaError(Ops.str("couldn't create notifier: no keyboard (no input device with keys under /dev/input)"));
        }
        String sink = keyboardSink;
        KeyboardChain chain = chain(L, KeyboardChain.class, KeyboardChain::new);
        Notifier k = new Notifier(L, cb, chain::remove);
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, k, true));
        k.pin(u, cb);
        try {
            chain.add(k, new KeyboardChain.Sources(sources, sink == null || sink.isEmpty() ? null : Path.of(sink)));
        } catch (ErrnoException e) {
            k.release();
            throw new LuaError(Ops.str("couldn't create notifier (" + e.getMessage() + ")"));
        }
        return u;
    }

    private static volatile Path consoleDirectory = Path.of("/dev");

    /** Where the consoles' /dev/vcsuN devices are looked for (/dev; tests: a folder without any). */
    public static void setConsoleDirectory(Path dir) {
        consoleDirectory = dir == null ? Path.of("/dev") : dir;
    }

    /** notifier.vterm(cb): the virtual consoles' events, from their screen devices. */
    private static Object vterm(Args a) {
        LuaFunction cb = a.checkFunction(1);
        LuaState L = a.state();
        checkSleepable(L);
        Path dev = consoleDirectory;
        if (VtermChain.consoles(dev).isEmpty()) {
            throw new LuaError(Ops.str("couldn't create notifier: no virtual console on this machine (no "
                + dev.resolve("vcsu") + "<N>)"));
        }
        VtermChain chain = chain(L, VtermChain.class, VtermChain::new);
        Notifier v = new Notifier(L, cb, chain::remove);
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, v, true));
        v.pin(u, cb);
        try {
            chain.add(v, dev);
        } catch (ErrnoException e) {
            v.release();
            throw new LuaError(Ops.str("couldn't create notifier: " + e.getMessage()));
        }
        return u;
    }

    /**
     * One notifier (keyboard, vterm or netdevice): a link of one of its host's chains, which it
     * leaves when stopped.
     */
    static final class Notifier extends NotifierChain.Link implements Stoppable {
        private final java.util.function.Consumer<NotifierChain.Link> leave;

        Notifier(LuaState L, LuaFunction cb, java.util.function.Consumer<NotifierChain.Link> leave) {
            super(L, cb, 0);
            this.leave = leave;
        }

        @Override
        public void stop() {
            leave.accept(this);
            release();
        }
    }

    private static Object netdevice(Args a) {
        LuaFunction cb = a.checkFunction(1);
        LuaState L = a.state();
        checkSleepable(L);
        String ns = NetNamespace.path();
        NetdevChain chain = chain(L, new NetdevKey(ns == null ? "" : ns), NetdevChain::new);
        Notifier n = new Notifier(L, cb, chain::remove);
        List<Rtnetlink.Link> existing;
        try {
            chain.add(n);
            existing = NetNamespace.call(() -> {
                try (Rtnetlink dump = Rtnetlink.open(0)) {
                    return dump.links();
                }
            });
        } catch (Exception e) {
            chain.remove(n);
            Lunatik.log(L, "notifier: couldn't create notifier: " + e.getMessage());
            throw new LuaError(Ops.str("couldn't create notifier"));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, n, true));
        n.pin(u, cb); // a registered object: lives until stopped or its runtime ends
        // replay the existing interfaces to it, in this call, as register_netdevice_notifier does
        for (Rtnetlink.Link l : existing) {
            n.callHere(L, REGISTER, Ops.str(l.name()));
            if (l.isUp()) {
                n.callHere(L, UP, Ops.str(l.name()));
            }
        }
        return u;
    }

    private record NetdevKey(String namespace) {
    }

    /**
     * The netdevice notifier chain of a host in a network namespace: one rtnetlink socket, read
     * by one thread from the first notifier's registration to the last one's stop, and the
     * interfaces it knows, against which each announcement is turned into netdevice events.
     */
    static final class NetdevChain {
        final NotifierChain chain = new NotifierChain(java.time.Duration.ofSeconds(5));
        private final java.util.function.Consumer<String> log;
        private Session session;

        NetdevChain(java.util.function.Consumer<String> log) {
            this.log = log;
        }

        private final class Session {
            final Rtnetlink socket;
            final Map<Integer, Rtnetlink.Link> known = new HashMap<>();
            volatile boolean closed;

            Session(Rtnetlink socket) {
                this.socket = socket;
            }
        }

        synchronized void add(NotifierChain.Link n) throws Exception {
            if (session == null) {
                Session s = NetNamespace.call(() -> {
                    Rtnetlink sock = Rtnetlink.open(Rtnetlink.RTMGRP_LINK);
                    Session x = new Session(sock);
                    try (Rtnetlink dump = Rtnetlink.open(0)) {
                        for (Rtnetlink.Link l : dump.links()) {
                            x.known.put(l.index(), l);
                        }
                    } catch (Exception e) {
                        sock.close();
                        throw e;
                    }
                    return x;
                });
                session = s;
                Thread.ofPlatform().daemon().name("notifier-netdevice").start(() -> follow(s));
            }
            chain.register(n);
        }

        synchronized void remove(NotifierChain.Link n) {
            if (chain.unregister(n) && session != null) {
                session.closed = true;
                session.socket.close();
                session = null;
            }
        }

        private void follow(Session s) {
            try {
                while (!s.closed) {
                    List<Rtnetlink.LinkEvent> events = s.socket.events();
                    if (events.isEmpty()) {
                        break; // closed
                    }
                    long stamp = chain.stamp();
                    for (Rtnetlink.LinkEvent e : events) {
                        if (s.closed) {
                            return;
                        }
                        announce(s, stamp, e);
                    }
                }
            } catch (ErrnoException e) {
                if (!s.closed) {
                    log.accept("notifier: " + e.getMessage());
                }
            }
        }

        /** The netdevice events one announcement means, against what was known of the link. */
        private void announce(Session s, long stamp, Rtnetlink.LinkEvent e) {
            Rtnetlink.Link now = e.link();
            Rtnetlink.Link before = s.known.get(now.index());
            String name = now.name().isEmpty() && before != null ? before.name() : now.name();
            if (e.type() == Rtnetlink.RTM_DELLINK) {
                s.known.remove(now.index());
                if (before != null && before.isUp()) {
                    dispatch(stamp, GOING_DOWN, name);
                    dispatch(stamp, DOWN, name);
                }
                dispatch(stamp, UNREGISTER, name);
                return;
            }
            s.known.put(now.index(), now);
            if (before == null) {
                dispatch(stamp, REGISTER, name);
                if (now.isUp()) {
                    dispatch(stamp, UP, name);
                }
                return;
            }
            if (!before.name().equals(now.name())) {
                dispatch(stamp, CHANGENAME, name);
            }
            if (before.mtu() != now.mtu()) {
                dispatch(stamp, CHANGEMTU, name);
            }
            if (!before.address().equals(now.address())) {
                dispatch(stamp, CHANGEADDR, name);
            }
            if (!before.isUp() && now.isUp()) {
                dispatch(stamp, UP, name);
            } else if (before.isUp() && !now.isUp()) {
                dispatch(stamp, GOING_DOWN, name);
                dispatch(stamp, DOWN, name);
            } else if (before.operstate() != now.operstate() || before.flags() != now.flags()) {
                dispatch(stamp, CHANGE, name);
            }
        }

        private void dispatch(long stamp, long event, String ifname) {
            chain.call(stamp, event, Ops.str(ifname));
        }
    }
}
