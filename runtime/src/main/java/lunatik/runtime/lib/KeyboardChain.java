package lunatik.runtime.lib;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.input.KeyOutput;
import lunatik.linux.input.Keyboard;
import lunatik.linux.input.Keymap;

/**
 * The keyboard notifier chain of a host (the kernel's keyboard_notifier_list): every
 * {@code notifier.keyboard} of every runtime is a link of it, and each key goes down it as the
 * console's keyboard handler sends it (drivers/tty/vt/keyboard.c, kbd_keycode): KEYCODE; if
 * that ends in STOP, UNBOUND_KEYCODE and nothing more; else KEYSYM (the key's keysym in the
 * default keymap, K_HOLE for a key it does not map); if that ends in STOP, nothing more; else
 * the key takes effect (a modifier changes the shift state) and POST_KEYSYM follows. A key that
 * got through both reaches the rest of the system; one stopped does not.
 *
 * <p>Each keyboard is read once, by one thread, from the first notifier's registration to the
 * last one's stop; an event is given to the notifiers registered before it was read. Keys of
 * all keyboards are handled one at a time, as under the kernel's kbd_event_lock.
 *
 * <p>The rest of the system: with uinput, the keyboards are grabbed (EVIOCGRAB) while the chain
 * has notifiers, and the keys that get through are sent on through a uinput keyboard of ours
 * ("lunatik keyboard"), so a stopped key reaches no one. Without uinput, a keyboard is grabbed
 * after a key is stopped and let go after a key gets through: the first key after a change of
 * verdict still reaches the others. A simulated keyboard (a file or FIFO of input_event records)
 * has a sink of the same records instead (if one is set), which receives the keys that get
 * through. A release whose press went on goes on too even if stopped, so no key is left held
 * down out there.
 */
final class KeyboardChain {
    static final long KEYCODE = 1;
    static final long UNBOUND_KEYCODE = 2;
    static final long KEYSYM = 4;
    static final long POST_KEYSYM = 5;
    static final int NR_KEYS = 256;
    static final int K_HOLE = 0xf200;
    // shift state bits (KG_*) and the modifier keysyms of the default keymap (K(KT_SHIFT, KG_*))
    private static final int KT_SHIFT = 0xf700;

    final NotifierChain chain = new NotifierChain(java.time.Duration.ofSeconds(1));
    private final Consumer<String> log;
    /** The running session's readers and output (null when the chain has no notifiers). */
    private Session session;
    /** One key at a time, of every keyboard. */
    private final ReentrantLock keys = new ReentrantLock();
    // under keys: the console's keyboard state
    private final BitSet keyDown = new BitSet(NR_KEYS);
    private final int[] shiftDown = new int[8];
    private int shiftState;

    KeyboardChain(Consumer<String> log) {
        this.log = log;
    }

    /** The sources and output the chain was started with. */
    record Sources(List<Path> keyboards, Path sink) {
    }

    private final class Session {
        final List<Keyboard> keyboards = new ArrayList<>();
        volatile KeyOutput output;
        final BitSet passedDown = new BitSet(NR_KEYS); // keys whose press reached the output
        volatile boolean closed;
        /** Keeps the keyboards grabbed for the session: the keys go on through {@link #output}. */
        boolean grabAll;

        void close() {
            closed = true;
            for (Keyboard k : keyboards) {
                if (grabAll) {
                    k.grab(false);
                }
                k.close();
            }
            KeyOutput o = output;
            if (o != null) {
                o.close();
            }
        }
    }

    /** Adds a notifier; the first one opens the keyboards (failing, it is not added). */
    synchronized void add(NotifierChain.Link l, Sources src) throws ErrnoException {
        if (session == null) {
            session = open(src);
        }
        chain.register(l);
    }

    /** Takes a notifier off; the last one closes the keyboards (and lets them go). */
    synchronized void remove(NotifierChain.Link l) {
        if (chain.unregister(l) && session != null) {
            session.close();
            session = null;
        }
    }

    private Session open(Sources src) throws ErrnoException {
        Session s = new Session();
        try {
            for (Path p : src.keyboards()) {
                s.keyboards.add(Keyboard.open(p));
            }
            boolean devices = s.keyboards.stream().allMatch(Keyboard::isDevice);
            if (src.sink() != null) {
                s.output = KeyOutput.file(src.sink());
            } else if (devices && KeyOutput.hasUinput()) {
                try {
                    s.output = KeyOutput.uinput("lunatik keyboard");
                    s.grabAll = true;
                    for (Keyboard k : s.keyboards) {
                        if (!k.grab(true)) {
                            log.accept("notifier: " + k.path() + " cannot be grabbed: its keys reach the others too");
                        }
                    }
                } catch (ErrnoException e) {
                    log.accept("notifier: no uinput keyboard (" + e.getMessage() + "): a keyboard is grabbed only after a key is stopped");
                }
            }
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
        for (Keyboard k : s.keyboards) {
            Thread.ofPlatform().daemon().name("notifier-keyboard").start(() -> follow(s, k));
        }
        return s;
    }

    private void follow(Session s, Keyboard k) {
        boolean grabbed = false;
        boolean warned = false;
        boolean device = k.isDevice();
        try {
            while (!s.closed) {
                List<Keyboard.Key> read = k.next();
                if (read.isEmpty()) {
                    break; // closed
                }
                long stamp = chain.stamp();
                for (Keyboard.Key key : read) {
                    boolean passed;
                    keys.lock();
                    try {
                        if (s.closed) {
                            return;
                        }
                        passed = key(stamp, key.code(), key.value());
                        forward(s, key.code(), key.value(), passed);
                    } finally {
                        keys.unlock();
                    }
                    if (!s.grabAll && s.output == null && device && grabbed == passed) {
                        // no uinput: grab after a stopped key, let go after one that got through
                        if (k.grab(!passed)) {
                            grabbed = !passed;
                        } else if (!warned) {
                            warned = true;
                            log.accept("notifier: " + k.path() + " cannot be grabbed: stopped keys still reach the others");
                        }
                    }
                }
            }
        } catch (ErrnoException e) {
            if (!s.closed) {
                log.accept("notifier: " + e.getMessage());
            }
        } finally {
            if (grabbed) {
                k.grab(false);
            }
        }
    }

    /** Sends a key down the chain as kbd_keycode does; whether it got through. Under {@link #keys}. */
    boolean key(long stamp, int code, int value) {
        boolean down = value != 0;
        if (code < NR_KEYS) {
            keyDown.set(code, down);
        }
        boolean shift = shiftState != 0;
        long rc = chain.call(stamp, KEYCODE, down, shift, (long) code);
        if (rc == NotifierChain.STOP) {
            chain.call(stamp, UNBOUND_KEYCODE, down, shift, (long) code);
            computeShiftState();
            return false;
        }
        if (code >= NR_KEYS) {
            return true;
        }
        int sym = Keymap.keysym(code, (shiftState & 1) != 0);
        if (sym == 0) {
            sym = K_HOLE;
        }
        rc = chain.call(stamp, KEYSYM, down, shift, (long) sym);
        if (rc == NotifierChain.STOP) {
            return false;
        }
        if ((sym & 0xff00) == KT_SHIFT) { // k_shift
            int bit = sym & 0xff;
            if (value != 2 && bit < shiftDown.length) {
                if (down) {
                    shiftDown[bit]++;
                } else if (shiftDown[bit] > 0) {
                    shiftDown[bit]--;
                }
                shiftState = shiftDown[bit] > 0 ? shiftState | 1 << bit : shiftState & ~(1 << bit);
            }
        }
        chain.call(stamp, POST_KEYSYM, down, shift, (long) sym);
        return true;
    }

    /** do_compute_shiftstate: the shift state of the modifier keys held down now. */
    private void computeShiftState() {
        java.util.Arrays.fill(shiftDown, 0);
        shiftState = 0;
        for (int c = keyDown.nextSetBit(0); c >= 0; c = keyDown.nextSetBit(c + 1)) {
            int sym = Keymap.keysym(c, false);
            if ((sym & 0xff00) == KT_SHIFT && (sym & 0xff) < shiftDown.length) {
                shiftDown[sym & 0xff]++;
                shiftState |= 1 << (sym & 0xff);
            }
        }
    }

    /** The key goes on to the rest of the system if it got through, or if it releases a key that went on. */
    private void forward(Session s, int code, int value, boolean passed) {
        KeyOutput o = s.output;
        if (o == null || code >= NR_KEYS) {
            return;
        }
        boolean release = value == 0;
        if (!passed && !(release && s.passedDown.get(code))) {
            return;
        }
        try {
            o.key(code, value);
            s.passedDown.set(code, !release);
        } catch (ErrnoException e) {
            if (!s.closed) {
                log.accept("notifier: " + o + ": " + e.getMessage());
            }
        }
    }
}
