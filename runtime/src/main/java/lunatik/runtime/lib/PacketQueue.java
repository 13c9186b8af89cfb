package lunatik.runtime.lib;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.netfilter.Checksums;
import lunatik.linux.netfilter.NfQueue;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LuaException;
import lunatik.runtime.LunatikObject;

/**
 * An NFQUEUE queue whose packets a Lua function answers, in the runtime of the object that
 * owns it: the reader half of netfilter hooks ({@link NetfilterLib}) and xtable extensions
 * ({@link XtableLib}).
 *
 * <p>A thread of its own (in the namespace of the registration) takes the packets queued, up to
 * {@link NfQueue#BATCH} at a time in one system call, runs {@link #answer} on each, in order,
 * inside one entry into the runtime (one lock for the batch), and sends the verdicts together
 * (runs of the same plain verdict as one batch verdict). The Lua function sees each packet as a
 * {@code data} object reused for every packet: the packet where it lies in the queue's receive
 * buffer (no copy), or, for hooks that want it at PRE_ROUTING, LOCAL_IN and FORWARD, a copy with
 * an Ethernet header before it (NFQUEUE gives the source MAC and the ethertype but not the
 * destination MAC, which reads as zeros). A packet the function wrote to goes back with its
 * checksums made right (the kernel checks those of a packet a queue rewrote).
 *
 * <p>It fails open: a packet whose handling fails for any reason is accepted, and if the reader
 * itself ends while the queue is open (its socket failed, say), {@link #readerEnded} runs first
 * (the owner removes its rules, so packets flow instead of waiting in a queue nobody reads).
 */
abstract class PacketQueue {
    /** What the function made of one packet: the verdict, and a new mark (null: unchanged). */
    static final class Answer {
        int verdict = NfQueue.NF_ACCEPT;
        Long mark;
    }

    /** Our queue numbers start high, out of the way of hand-written rules (queue 0, 1, ...). */
    private static final AtomicInteger NEXT = new AtomicInteger(31000);

    /** A queue number of ours (31000..64999, wrapping). */
    static int nextNumber() {
        return 31000 + Math.floorMod(NEXT.getAndIncrement() - 31000, 34000);
    }

    final Registered owner;
    final String ns;
    private final boolean ethernet;
    private final int skbOptions;
    volatile int queue;
    volatile NfQueue q;
    volatile boolean released;
    LunatikObject skb;
    volatile LuaUserdata skbValue;
    private final String threadPrefix;

    /**
     * @param ethernet whether packets at PRE_ROUTING, LOCAL_IN and FORWARD that came on
     *     Ethernet get their Ethernet header before them, as a netfilter hook sees them
     * @param skbOptions the options of the {@code data} object ({@code OPT_READONLY} for matches)
     */
    PacketQueue(Registered owner, String ns, boolean ethernet, int skbOptions, String threadPrefix) {
        this.owner = owner;
        this.ns = ns;
        this.ethernet = ethernet;
        this.skbOptions = skbOptions;
        this.threadPrefix = threadPrefix;
    }

    /** Runs the Lua function on the packet in {@link #skbValue}; sets the answer. */
    abstract void answer(LuaState S, NfQueue.Packet p, Answer a);

    /** The reader ends while the queue is open: the owner's rules must go, so packets flow. */
    abstract void readerEnded(Throwable failure);

    /** Opens a queue (the first free number of ours: another process may hold one) and starts its reader. */
    void open() throws IOException {
        skb = DataLib.newObject(DataLib.Buffer.detached(skbOptions), false);
        // the owner's state gets the data object under its lock: now (a registration holds it),
        // or at its next entry, which is before any packet is answered
        owner.changeState(S -> {
            skbValue = DataLib.push(S, skb);
            S.registry.put(skbValue, Boolean.TRUE);
        });
        IOException last = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            queue = nextNumber();
            try {
                start();
                return;
            } catch (ErrnoException e) {
                last = new IOException("queue " + queue + ": " + e.getMessage(), e);
                if (e.errno() != Errno.EPERM && e.errno() != Errno.EBUSY) {
                    break; // not a number someone else holds
                }
            }
        }
        throw last;
    }

    /** Binds the queue in the reader thread (in the namespace of the registration), then serves. */
    private void start() throws ErrnoException {
        CompletableFuture<Object> opened = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(threadPrefix + queue).start(() -> {
            try {
                if (ns != null) {
                    LibC.enterNetworkNamespace(ns);
                }
                q = NfQueue.open(queue);
                opened.complete(q);
            } catch (ErrnoException | RuntimeException e) {
                opened.complete(e);
                return;
            }
            serve();
        });
        Object r = opened.join();
        if (r instanceof ErrnoException e) {
            throw e;
        }
        if (r instanceof RuntimeException e) {
            throw e;
        }
    }

    /** Closes the queue (its reader ends within 200 ms) and lets go of the data object. */
    void close() {
        released = true;
        NfQueue qq = q;
        if (qq != null) {
            qq.close();
        }
        LuaUserdata key = skbValue;
        if (key != null) {
            owner.changeState(S -> S.registry.put(key, null));
        }
    }

    private void serve() {
        NfQueue qq = q;
        Throwable failure = null;
        try {
            // one receive takes what is queued; the answers are sent together once nothing more
            // is queued or FLUSH_AFTER packets wait for theirs: under load, fewer and larger
            // verdict messages, and the packets let go in larger groups (fewer wake-ups of
            // whoever they go to); when packets come one by one, each is answered at once
            int n = qq.receive();
            int waiting = 0;
            while (n > 0) {
                int done = 0;
                try {
                    done = handle(qq, n);
                } catch (RuntimeException | Error e) {
                    owner.log(threadPrefix + queue + ": packets accepted: " + e);
                }
                for (int i = done; i < n; i++) {
                    qq.verdict(qq.packet(i).id(), NfQueue.NF_ACCEPT, null, null);
                }
                waiting += n;
                if (waiting >= FLUSH_AFTER) {
                    qq.flush();
                    waiting = 0;
                }
                n = qq.receiveQueued();
                if (n == 0) {
                    qq.flush();
                    waiting = 0;
                    n = qq.receive();
                }
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            failure = e;
        } finally {
            if (!released) {
                readerEnded(failure);
            }
        }
    }

    /** At most this many packets wait for their verdicts while more are being received. */
    static final int FLUSH_AFTER = 64;

    // the answers of a batch, given to the queue once the runtime's lock is let go
    private final int[] verdicts = new int[NfQueue.BATCH];
    private final Long[] marks = new Long[NfQueue.BATCH];
    private final MemorySegment[] rewrites = new MemorySegment[NfQueue.BATCH];
    private final Answer answer = new Answer();

    /** Runs the function on the {@code n} packets received, in the runtime; how many were answered. */
    private int handle(NfQueue qq, int n) throws ErrnoException {
        if (released) {
            return 0;
        }
        int[] done = {0};
        try {
            owner.inRuntime(S -> {
                for (int i = 0; i < n && !released; i++) {
                    one(S, qq.packet(i), i);
                    done[0] = i + 1;
                }
                return null;
            });
        } catch (LuaException e) {
            // the runtime is gone: the rest are accepted
        }
        for (int i = 0; i < done[0]; i++) {
            qq.verdict(qq.packet(i).id(), verdicts[i], marks[i], rewrites[i]);
            rewrites[i] = null;
        }
        return done[0];
    }

    /** A packet with an Ethernet header put before it. */
    private byte[] framed = new byte[0];
    private final byte[] hw = new byte[8];

    /** One packet: the data object set on it, the answer, the rewrite if the function wrote. */
    private void one(LuaState S, NfQueue.Packet p, int slot) {
        MemorySegment payload = p.payload();
        int len = (int) payload.byteSize();
        int header = ethernet && p.hook() <= 2 && p.hwaddr(hw, 0) >= 6 ? 14 : 0;
        ByteBuffer view;
        if (header > 0) {
            if (framed.length < header + len) {
                framed = new byte[header + len];
            }
            Arrays.fill(framed, 0, 6, (byte) 0);
            System.arraycopy(hw, 0, framed, 6, 6);
            framed[12] = (byte) (p.hwProtocol() >> 8);
            framed[13] = (byte) p.hwProtocol();
            MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, 0, framed, header, len);
            view = ByteBuffer.wrap(framed, 0, header + len);
        } else {
            view = payload.asByteBuffer();
        }
        answer.verdict = NfQueue.NF_ACCEPT;
        answer.mark = null;
        boolean written;
        DataLib.reset(skb, view, skbOptions);
        try {
            answer(S, p, answer);
        } catch (RuntimeException | Error e) {
            owner.log(threadPrefix + queue + ": " + e);
            answer.verdict = NfQueue.NF_ACCEPT;
        } finally {
            DataLib.Buffer b = DataLib.buffer(skb);
            written = b != null && b.isWritten();
            DataLib.clear(skb);
        }
        MemorySegment rewritten = null;
        if (written) {
            byte[] bytes = header > 0 ? Arrays.copyOfRange(framed, header, header + len) : payload.toArray(ValueLayout.JAVA_BYTE);
            Checksums.fix(bytes);
            rewritten = MemorySegment.ofArray(bytes);
        }
        verdicts[slot] = answer.verdict;
        marks[slot] = answer.mark;
        rewrites[slot] = rewritten;
    }
}
