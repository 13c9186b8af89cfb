package lunatik.runtime.lib;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.SharedDescriptor;

/**
 * The vt notifier chain of a host (the kernel's vt_notifier_list), from the virtual consoles'
 * screen devices: /dev/vcsu{@code N} (the screen of console N as UCS-4 characters) wakes a
 * poll(2) for POLLPRI when the console is updated and POLLHUP when it is deallocated. Each
 * update is read whole and compared with the screen before it: each cell that changed gives a
 * VT_WRITE of its new character, in screen order, then VT_UPDATE; a console that appears (a new
 * /dev/vcsuN, looked for each second) gives VT_ALLOCATE, one that goes VT_DEALLOCATE. The
 * callback gets {@code (event, c, vc_num)}, vc_num counting from 0 (/dev/vcsu1 is console 0).
 *
 * <p>What differs from the kernel's chain: the events come after the fact, so a verdict can end
 * the chain but stops no write (VT_PREWRITE is not given); a character written over the same
 * character is not seen, an erasure is seen as writes of blanks and a scroll as the rewrite of
 * the cells it moved; several writes between two reads make one update; a console allocated
 * and deallocated again between two looks is not seen.
 *
 * <p>Its threads (the scan, one per console) end only when the last notifier leaves: what goes
 * wrong on the way is a line in the host's log, not their end. A console whose screen can no
 * longer be followed (an error reading or polling it) is closed and handed back to the scan,
 * which opens it again at its next look, without announcing it as allocated; one that could not
 * be opened is tried again at the next look too. A screen that reads as gone (ENXIO: the console
 * was deallocated between the poll's wake-up for an update and the read) is a deallocation, as
 * the hang-up that would follow.
 */
final class VtermChain {
    static final long VT_ALLOCATE = 1;
    static final long VT_DEALLOCATE = 2;
    static final long VT_WRITE = 3;
    static final long VT_UPDATE = 4;
    private static final short POLLPRI = 2;
    private static final short POLLHUP = 0x10;
    private static final Pattern VCSU = Pattern.compile("vcsu([0-9]+)");

    final NotifierChain chain = new NotifierChain(java.time.Duration.ofSeconds(1));
    private final Consumer<String> log;
    private Session session;

    VtermChain(Consumer<String> log) {
        this.log = log;
    }

    /** The consoles under {@code dev}: console number (from 0) to its /dev/vcsuN. */
    static Map<Integer, Path> consoles(Path dev) {
        Map<Integer, Path> out = new TreeMap<>();
        try (var list = Files.list(dev)) {
            for (Path p : list.toList()) {
                Matcher m = VCSU.matcher(p.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) > 0) {
                    out.put(Integer.parseInt(m.group(1)) - 1, p);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /**
     * The events one update means: a VT_WRITE {@code {event, c}} for each cell of {@code after}
     * that differs from {@code before} (a screen of another size is all new), then VT_UPDATE.
     */
    static List<long[]> decode(int[] before, int[] after) {
        List<long[]> out = new ArrayList<>();
        boolean same = before != null && before.length == after.length;
        for (int i = 0; i < after.length; i++) {
            if (!same || before[i] != after[i]) {
                out.add(new long[] {VT_WRITE, Integer.toUnsignedLong(after[i])});
            }
        }
        out.add(new long[] {VT_UPDATE, 0});
        return out;
    }

    /** A screen read from /dev/vcsuN (UCS-4 in host order), or from a recording of one. */
    static int[] screen(MemorySegment bytes, long n) {
        int[] s = new int[(int) (n / 4)];
        for (int i = 0; i < s.length; i++) {
            s[i] = bytes.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i);
        }
        return s;
    }

    private final class Session {
        final Path dev;
        final Map<Integer, SharedDescriptor> open = new ConcurrentHashMap<>();
        /** Consoles whose follower gave up while they stayed allocated: their reopening is no allocation. */
        final java.util.Set<Integer> lost = ConcurrentHashMap.newKeySet();
        volatile boolean closed;

        Session(Path dev) {
            this.dev = dev;
        }

        void close() {
            closed = true;
            open.values().forEach(SharedDescriptor::close);
        }
    }

    /**
     * Adds a notifier; the first one opens the consoles (none: it fails, and is not added). A
     * console deallocated between the listing and its opening is passed by: it is gone.
     */
    synchronized void add(NotifierChain.Link l, Path dev) throws ErrnoException {
        if (session == null) {
            Map<Integer, Path> consoles = consoles(dev);
            Session s = new Session(dev);
            try {
                for (var e : consoles.entrySet()) {
                    try {
                        watch(s, e.getKey(), e.getValue(), false);
                    } catch (ErrnoException x) {
                        if (!gone(x)) {
                            throw x;
                        }
                    }
                }
            } catch (ErrnoException | RuntimeException | Error e) {
                s.close();
                throw e;
            }
            if (s.open.isEmpty()) {
                throw new ErrnoException("no virtual console (no " + dev + "/vcsu<N>)", 19); // ENODEV
            }
            session = s;
            Thread.ofPlatform().daemon().name("notifier-vterm-scan").start(() -> scan(s));
        }
        chain.register(l);
    }

    synchronized void remove(NotifierChain.Link l) {
        if (chain.unregister(l) && session != null) {
            session.close();
            session = null;
        }
    }

    /** Whether a console's open or read failed because it is deallocated (its node gone, or going). */
    private static boolean gone(ErrnoException e) {
        return e.errno() == 2 || e.errno() == 6 || e.errno() == 19; // ENOENT, ENXIO, ENODEV
    }

    private void watch(Session s, int vc, Path p, boolean allocated) throws ErrnoException {
        SharedDescriptor sd = new SharedDescriptor(LibC.open(p.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC));
        s.open.put(vc, sd);
        if (s.closed) {
            sd.close(); // closed while it was being opened: the session's close did not see it
            return;
        }
        try {
            subscribe(sd);
            int[] first = read(sd);
            long stamp = chain.stamp();
            Thread.ofPlatform().daemon().name("notifier-vterm-" + vc)
                .start(() -> follow(s, vc, sd, first, allocated ? stamp : 0));
        } catch (ErrnoException | RuntimeException | Error e) {
            // not followed: the next look of the scan tries it again (else it stayed open, unread, for good)
            s.open.remove(vc, sd);
            sd.close();
            throw e;
        }
    }

    /**
     * New consoles, each second (a console allocated since gets a /dev/vcsuN of its own), until
     * the session is closed: nothing else ends it.
     */
    private void scan(Session s) {
        while (!s.closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                // no one of ours interrupts it (a close is seen at the next look): said, not obeyed
                if (!s.closed) {
                    log.accept("notifier: vterm: the console scan was interrupted; it goes on");
                }
                continue;
            }
            try {
                look(s);
            } catch (RuntimeException | Error e) {
                if (!s.closed) {
                    log.accept("notifier: vterm: the console scan failed (it goes on): " + e);
                }
            }
        }
    }

    /** One look of the scan: follows each console not followed yet. */
    private void look(Session s) {
        Map<Integer, Path> consoles = consoles(s.dev);
        s.lost.retainAll(consoles.keySet()); // deallocated before it was followed again: a new one is new
        for (var e : consoles.entrySet()) {
            int vc = e.getKey();
            if (!s.closed && !s.open.containsKey(vc)) {
                boolean known = s.lost.remove(vc);
                try {
                    watch(s, vc, e.getValue(), !known);
                } catch (ErrnoException x) {
                    // gone again before we could open it, or not readable yet: the next look tries again
                    if (known) {
                        s.lost.add(vc);
                    }
                }
            }
        }
    }

    /**
     * Follows one console's screen until it is deallocated or the session closed. A failure
     * (reading or polling it, or anything unexpected) is logged and hands the console back to
     * the scan, which follows it again (the events between are lost, not the console).
     */
    private void follow(Session s, int vc, SharedDescriptor sd, int[] first, long allocatedAt) {
        int[] before = first;
        try {
            if (allocatedAt != 0) {
                chain.call(allocatedAt, VT_ALLOCATE, 0L, (long) vc);
            }
            while (!s.closed && sd.enter()) {
                int r;
                try {
                    r = LibC.pollOne(sd.fd(), POLLPRI, 200);
                } finally {
                    sd.exit();
                }
                if (r <= 0) {
                    continue;
                }
                long stamp = chain.stamp();
                if ((r & POLLHUP) != 0) {
                    deallocated(s, vc, sd, stamp);
                    return;
                }
                int[] after;
                try {
                    after = read(sd);
                } catch (ErrnoException x) {
                    if (!gone(x)) {
                        throw x;
                    }
                    // deallocated between the poll and the read (ENXIO): the hang-up is what comes next
                    deallocated(s, vc, sd, stamp);
                    return;
                }
                if (after == null) {
                    return;
                }
                for (long[] e : decode(before, after)) {
                    if (s.closed) {
                        return;
                    }
                    chain.call(stamp, e[0], e[1], (long) vc);
                }
                before = after;
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            if (!s.closed) {
                log.accept("notifier: console " + vc + ": " + (e instanceof ErrnoException ? e.getMessage() : e.toString())
                    + " (followed again from the next look)");
                s.lost.add(vc);
                s.open.remove(vc, sd);
                sd.close();
            }
        }
    }

    /*
     * A first poll, now: the kernel sets up a screen device's update notification at its first
     * poll (vcs_poll), so an update between the opening and the follower's first poll would be
     * lost (a write made right after notifier.vterm returned: not seen). The read that follows
     * clears what it may have caught already, and the screen it reads is the one compared with.
     */
    private static void subscribe(SharedDescriptor sd) {
        if (sd.enter()) {
            try {
                LibC.pollOne(sd.fd(), POLLPRI, 0);
            } finally {
                sd.exit();
            }
        }
    }

    /** Console {@code vc} is deallocated: it is no longer followed, and VT_DEALLOCATE goes down the chain. */
    private void deallocated(Session s, int vc, SharedDescriptor sd, long stamp) {
        s.open.remove(vc, sd);
        sd.close();
        chain.call(stamp, VT_DEALLOCATE, 0L, (long) vc);
    }

    /** The whole screen now (which also rearms the poll); null once closed. */
    private static int[] read(SharedDescriptor sd) throws ErrnoException {
        if (!sd.enter()) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            LibC.lseek(sd.fd(), 0, LibC.SEEK_SET);
            long cap = 1 << 20;
            MemorySegment buf = a.allocate(cap, 8);
            long n = 0;
            while (n < cap) {
                long got = LibC.read(sd.fd(), buf.asSlice(n), cap - n);
                if (got == 0) {
                    break;
                }
                n += got;
            }
            return screen(buf, n - n % 4);
        } finally {
            sd.exit();
        }
    }
}
