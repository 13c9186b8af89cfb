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
 * The {@code notifier} module (spec §8.9). {@code notifier.netdevice(cb)} follows the kernel's
 * link announcements over rtnetlink and calls {@code cb(event, ifname)} in its runtime with the
 * netdevice events they mean: REGISTER for a new interface, UP, GOING_DOWN then DOWN when it
 * goes down, CHANGENAME, CHANGEMTU, CHANGEADDR, CHANGE (its operational state), UNREGISTER when
 * it goes (after GOING_DOWN and DOWN if it was up); registering replays REGISTER (and UP for
 * interfaces that are up) for the existing ones during the call, as the kernel does. The
 * callback's result cannot stop a chain here (the announcement is made already): it is
 * ignored; a Lua error is logged.
 *
 * <p>{@code notifier.keyboard} reads the keyboards' evdev devices ({@link Keys}); where there is
 * none it fails with {@code couldn't create notifier} and the reason, as a missing facility
 * should (a simulated keyboard can stand for one: {@link #setKeyboardSource}, or
 * LUNATIK_KEYBOARD). {@code notifier.vterm} has no userspace source and says so.
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
            if (w instanceof Watcher nw && nw.reader == Thread.currentThread()
                    || w instanceof Keys kw && kw.readers.contains(Thread.currentThread())) {
                throw new LuaError(Ops.str("[" + Integer.toHexString(System.identityHashCode(w))
                    + "] notifier cannot unregister itself (deadlock)"));
            }
            self.close();
            return Varargs.NONE;
        })
        .closer("stop")
        .release(p -> {
            if (p instanceof Watcher w) {
                w.release();
            } else {
                ((Keys) p).release();
            }
        })
        .build();

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

    private static volatile String keyboardSource = System.getProperty("lunatik.keyboard", System.getenv("LUNATIK_KEYBOARD"));

    /**
     * Where keyboard events come from: the machine's keyboards (null), or one file or FIFO of
     * input_event records (a simulated keyboard, for machines without one, and for tests).
     */
    public static void setKeyboardSource(Path source) {
        keyboardSource = source == null ? null : source.toString();
    }

    /** notifier.keyboard(cb): key events of every keyboard, as the console's keyboard notifier reports them. */
    private static Object keyboard(Args a) {
        LuaFunction cb = a.checkFunction(1);
        LuaState L = a.state();
        if (!Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use 'notifier' class on non-sleepable runtime"));
        }
        String src = keyboardSource;
        List<Path> sources = src != null && !src.isEmpty() ? List.of(Path.of(src)) : Keyboard.keyboards();
        if (sources.isEmpty()) {
            throw new LuaError(Ops.str("couldn't create notifier: no keyboard (no input device with keys under /dev/input)"));
        }
        Keys k = new Keys(L, cb);
        try {
            for (Path p : sources) {
                k.keyboards.add(Keyboard.open(p));
            }
        } catch (ErrnoException e) {
            k.release();
            throw new LuaError(Ops.str("couldn't create notifier (" + e.getMessage() + ")"));
        }
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, k, true));
        k.pin(u, cb);
        k.start();
        return u;
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
            w.log("notifier: couldn't create notifier: " + e.getMessage());
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
                if (x.errno() != LuaException.ENXIO) {
                    log("notifier: " + x.getMessage());
                } // else the runtime is gone: so is this notifier, soon
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

    /**
     * One keyboard notifier: a thread per keyboard turns each key event into the calls the
     * console's notifier makes: KEYCODE (the key's code), then KEYSYM (its keysym in the default
     * keymap, when it has one), with down (pressed, or repeating) and shift (a shift key held).
     * A callback that returns STOP or BAD asks for the key to go no further: the keyboard is then
     * grabbed (its keys reach no one else, the console included) until a key's callbacks all
     * let it through again. The key that made a callback stop has reached the console already;
     * the ones after it do not. A simulated keyboard cannot be grabbed: the log says so once.
     */
    static final class Keys extends Registered {
        static final long STOP = 0x8001;
        static final long BAD = 0x8002;
        final LuaFunction cb;
        final List<Keyboard> keyboards = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean released;

        Keys(LuaState L, LuaFunction cb) {
            super(L);
            this.cb = cb;
        }

        void start() {
            for (Keyboard k : keyboards) {
                readers.add(Thread.ofPlatform().daemon().name("notifier-keyboard").start(() -> follow(k)));
            }
        }

        private void follow(Keyboard k) {
            boolean shift = false;
            boolean grabbed = false;
            boolean warned = false;
            try {
                while (!released) {
                    List<Keyboard.Key> keys = k.next();
                    if (keys.isEmpty()) {
                        break; // closed
                    }
                    for (Keyboard.Key key : keys) {
                        if (lunatik.linux.input.Keymap.isShift(key.code())) {
                            shift = key.value() != 0;
                        }
                        boolean down = key.value() != 0;
                        int sym = lunatik.linux.input.Keymap.keysym(key.code(), shift);
                        boolean stop = notify(KBD_KEYCODE, down, shift, key.code());
                        if (sym != 0) {
                            stop |= notify(KBD_KEYSYM, down, shift, sym);
                        }
                        if (stop != grabbed) {
                            if (k.grab(stop)) {
                                grabbed = stop;
                            } else if (!warned) {
                                warned = true;
                                log("notifier: " + k.path() + " cannot be grabbed: the keys callbacks stop still go on");
                            }
                        }
                    }
                }
            } catch (ErrnoException e) {
                if (!released) {
                    log("notifier: " + e.getMessage());
                }
            } finally {
                if (grabbed) {
                    k.grab(false);
                }
            }
        }

        /** Calls the callback in the runtime; whether it asked to stop the key. */
        private boolean notify(long event, boolean down, boolean shift, long value) {
            if (released) {
                return false;
            }
            try {
                return inRuntime(S -> {
                    if (released) {
                        return false;
                    }
                    try {
                        Object r = S.call1(cb, event, down, shift, value);
                        return r instanceof Long l && (l == STOP || l == BAD);
                    } catch (LuaError x) {
                        log(x.getMessage());
                        return false;
                    }
                });
            } catch (LuaException x) {
                if (x.errno() != LuaException.ENXIO) {
                    log("notifier: " + x.getMessage());
                }
                return false; // the runtime is gone, or the call failed: the key goes on
            }
        }

        void release() {
            released = true;
            for (Keyboard k : keyboards) {
                k.close();
            }
            unpin();
        }
    }

    static final long KBD_KEYCODE = 1;
    static final long KBD_KEYSYM = 4;
}
