package lunatik.linux.netfilter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.Sockets;
import lunatik.linux.netlink.Netlink;

/**
 * One NFQUEUE queue, spoken over a NETLINK_NETFILTER socket (no libnetfilter_queue): bound to
 * queue {@code num} in copy-packet mode with fail-open, so a full queue accepts rather than
 * drops. {@link #receive} returns the next packet; {@link #verdict} answers it, with a new
 * payload and mark when given. The socket belongs to the network namespace of the thread that
 * opens the queue. Netlink headers are in host order, NFQUEUE attribute payloads big-endian.
 */
public final class NfQueue implements AutoCloseable {
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_NETFILTER = 12;
    private static final int NFNL_SUBSYS_QUEUE = 3;
    private static final int NFQNL_MSG_PACKET = 0;
    private static final int NFQNL_MSG_VERDICT = 1;
    private static final int NFQNL_MSG_CONFIG = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLMSG_ERROR = 2;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_NO_ENOBUFS = 5;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUFFORCE = 33;
    // attributes
    private static final int NFQA_PACKET_HDR = 1;
    private static final int NFQA_VERDICT_HDR = 2;
    private static final int NFQA_MARK = 3;
    private static final int NFQA_IFINDEX_INDEV = 5;
    private static final int NFQA_IFINDEX_OUTDEV = 6;
    private static final int NFQA_HWADDR = 9;
    private static final int NFQA_PAYLOAD = 10;
    private static final int NFQA_CFG_CMD = 1;
    private static final int NFQA_CFG_PARAMS = 2;
    private static final int NFQA_CFG_MASK = 4;
    private static final int NFQA_CFG_FLAGS = 5;
    private static final int NFQNL_CFG_CMD_BIND = 1;
    private static final int NFQNL_COPY_PACKET = 2;
    private static final int NFQA_CFG_F_FAIL_OPEN = 1;

    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    /** The packet goes through the hook again from its start (with the mark the verdict set). */
    public static final int NF_REPEAT = 4;

    private final int fd;
    private final int num;
    private int seq;
    private final lunatik.linux.ffm.SharedDescriptor sd;

    /** A queued packet: its id, hook, ethertype, mark, devices, source MAC (or null) and the IP packet. */
    public static final class Packet {
        int id;
        int hook;
        int hwProtocol;
        long mark;
        int indev;
        int outdev;
        final byte[] hwaddr = new byte[8];
        int hwLength;
        MemorySegment payload = MemorySegment.NULL;

        public int id() {
            return id;
        }

        /** The netfilter hook (NF_INET_*) the packet was queued at. */
        public int hook() {
            return hook;
        }

        /** The ethertype of its link-layer frame, when it came in on one. */
        public int hwProtocol() {
            return hwProtocol;
        }

        public long mark() {
            return mark;
        }

        public int indev() {
            return indev;
        }

        public int outdev() {
            return outdev;
        }

        /** The source link-layer address, or null when the kernel gave none. */
        public byte[] hwaddr() {
            return hwLength == 0 ? null : java.util.Arrays.copyOf(hwaddr, hwLength);
        }

        /** Copies the source link-layer address into {@code to} at {@code at}; its length (0: none). */
        public int hwaddr(byte[] to, int at) {
            System.arraycopy(hwaddr, 0, to, at, hwLength);
            return hwLength;
        }

        /**
         * The IP packet, in the queue's receive buffer: valid until the next {@link #receive},
         * and writable (a rewrite in place is what a verdict with this payload sends back).
         */
        public MemorySegment payload() {
            return payload;
        }
    }

    /** Packets taken by one {@link #receive} at most: one recvmmsg(2) call brings them. */
    public static final int BATCH = 32;
    /** One datagram of the queue: a packet of up to 64 KiB and its attributes. */
    private static final int SLOT = 65536 + 4096;
    private static final int MMSGHDR = 64;          // struct mmsghdr on 64-bit Linux
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ENOBUFS = 105;
    private static final int NFQNL_MSG_VERDICT_BATCH = 3;
    private static final int OUT_BUFFER = 256 * 1024;

    // the receive side: BATCH slots, their iovecs and mmsghdrs, set up once (no allocation per packet)
    private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
    private final MemorySegment slots = arena.allocate((long) BATCH * SLOT, 8);
    private final MemorySegment vec = arena.allocate((long) BATCH * MMSGHDR, 8);
    private final MemorySegment iov = arena.allocate((long) BATCH * 16, 8);
    private final Packet[] packets = new Packet[BATCH];
    // the verdict side: messages gathered until flush(); a run of the same plain verdict is one
    private final MemorySegment out = arena.allocate(OUT_BUFFER, 8);
    private long outLength;
    private int runVerdict = -1;
    private int runLastId;
    private int runCount;

    private NfQueue(int fd, int num) {
        this.fd = fd;
        this.sd = new lunatik.linux.ffm.SharedDescriptor(fd);
        this.num = num;
        for (int i = 0; i < BATCH; i++) {
            packets[i] = new Packet();
            MemorySegment io = iov.asSlice(i * 16L, 16);
            io.set(ValueLayout.ADDRESS, 0, slots.asSlice((long) i * SLOT, SLOT));
            io.set(ValueLayout.JAVA_LONG, 8, SLOT);
            MemorySegment h = vec.asSlice((long) i * MMSGHDR, MMSGHDR);
            h.set(ValueLayout.ADDRESS, 16, io);          // msg_iov
            h.set(ValueLayout.JAVA_LONG, 24, 1);         // msg_iovlen
        }
    }

    /** Binds queue {@code num} of the calling thread's network namespace. */
    public static NfQueue open(int num) throws ErrnoException {
        int fd = Sockets.socket(Netlink.AF_NETLINK, SOCK_RAW | 02000000, NETLINK_NETFILTER);
        if (fd < 0) {
            throw new ErrnoException("socket(NETLINK_NETFILTER)", -fd);
        }
        NfQueue q = new NfQueue(fd, num);
        try {
            int r = Sockets.bind(fd, Netlink.address(0));
            if (r < 0) {
                throw new ErrnoException("bind(netlink)", -r);
            }
            Sockets.setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
            Sockets.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20);
            // a receive waits at most 200 ms, so that a reader sees close() from another thread
            Sockets.setTimeout(fd, Sockets.SO_RCVTIMEO, 200);
            // bind the queue, copy whole packets, accept rather than drop when the queue is full
            q.config(Netlink.attr(NFQA_CFG_CMD, ByteBuffer.allocate(4).put((byte) NFQNL_CFG_CMD_BIND).put((byte) 0)
                .putShort((short) 0).array()));
            q.config(Netlink.attr(NFQA_CFG_PARAMS, ByteBuffer.allocate(5).putInt(0xffff).put((byte) NFQNL_COPY_PACKET).array()));
            q.config(concat(Netlink.attr(NFQA_CFG_FLAGS, be32(NFQA_CFG_F_FAIL_OPEN)), Netlink.attr(NFQA_CFG_MASK, be32(NFQA_CFG_F_FAIL_OPEN))));
        } catch (ErrnoException | RuntimeException e) {
            q.close();
            throw e;
        }
        return q;
    }

    public int number() {
        return num;
    }


    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }


    /** A message of the queue subsystem: nlmsghdr, nfgenmsg (res_id = queue number, big-endian), attributes. */
    private byte[] message(int msg, int flags, byte[] attrs) {
        int len = 16 + 4 + attrs.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) (NFNL_SUBSYS_QUEUE << 8 | msg)).putShort((short) (NLM_F_REQUEST | flags))
            .putInt(++seq).putInt(0);
        b.put((byte) 0).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) num);
        b.put(attrs);
        return b.array();
    }

    private void send(byte[] m) throws ErrnoException {
        long r = Sockets.sendto(fd, m, 0, Netlink.address(0));
        if (r < 0) {
            throw new ErrnoException("sendto(netlink)", (int) -r);
        }
    }

    /** Sends a config message and waits for its acknowledgement. */
    private void config(byte[] attrs) throws ErrnoException {
        send(message(NFQNL_MSG_CONFIG, NLM_F_ACK, attrs));
        int[] err = new int[1];
        while (true) {
            Sockets.Received r = Sockets.recvfrom(fd, 8192, 0, false, err);
            if (r == null) {
                throw new ErrnoException("recv(netlink)", err[0]);
            }
            ByteBuffer b = ByteBuffer.wrap(r.data()).order(ByteOrder.nativeOrder());
            if (b.remaining() >= 20 && b.getShort(4) == NLMSG_ERROR) {
                int code = b.getInt(16);
                if (code != 0) {
                    throw new ErrnoException("NFQUEUE config", -code);
                }
                return;
            }
        }
    }




    /**
     * Receives the packets that are queued (at most {@value #BATCH}), in one recvmmsg(2) that
     * waits for the first and takes what else is there (MSG_WAITFORONE). The wait is cut every
     * 200 ms (the socket's receive time limit), so that {@link #close} from another thread ends
     * it (a netlink socket cannot be shut down). Returns how many ({@link #packet} has them,
     * until the next call), or 0 once the queue is closed. Messages that are not packets (the
     * kernel's errors for verdicts it could not apply) are skipped.
     */
    public int receive() throws ErrnoException {
        return receive(true);
    }

    /**
     * Receives the packets that are queued now, without waiting: as {@link #receive}, but 0
     * when none is (or the queue is closed).
     */
    public int receiveQueued() throws ErrnoException {
        return receive(false);
    }

    private int receive(boolean wait) throws ErrnoException {
        if (!sd.enter()) {
            return 0;
        }
        try {
            while (!sd.isClosed()) {
                int n = Sockets.recvmmsg(fd, vec, BATCH, wait ? MSG_WAITFORONE : MSG_DONTWAIT);
                if (n > 0) {
                    int k = parseAll(n);
                    if (k > 0) {
                        return k;
                    }
                } else if (!wait && (n == -EAGAIN || n == 0)) {
                    return 0;
                } else if (n != -EAGAIN && n != -EINTR && n != -ENOBUFS) {
                    if (sd.isClosed()) {
                        return 0;
                    }
                    throw new ErrnoException("recvmmsg(netlink)", -n);
                }
            }
            return 0;
        } finally {
            sd.exit();
        }
    }

    /** Packet {@code i} of the last {@link #receive}. */
    public Packet packet(int i) {
        return packets[i];
    }

    /** Parses the {@code n} datagrams received; the number of packets found. */
    private int parseAll(int n) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int len = vec.get(ValueLayout.JAVA_INT, (long) i * MMSGHDR + 56); // msg_len
            MemorySegment d = slots.asSlice((long) i * SLOT, Math.min(len, SLOT));
            long at = 0;
            while (at + 16 <= d.byteSize() && k < BATCH) {
                int mlen = d.get(I32, at);
                int type = d.get(I16, at + 4) & 0xffff;
                if (mlen < 16 || at + mlen > d.byteSize()) {
                    break; // malformed: the rest of the datagram is skipped
                }
                if (type == (NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET) && parse(d, at + 20, at + mlen, packets[k])) {
                    k++;
                }
                at += (mlen + 3) & ~3;
            }
        }
        return k;
    }

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Reads the attributes of one packet message in {@code d[from, to)} into {@code p}; whether it had an id. */
    private static boolean parse(MemorySegment d, long from, long to, Packet p) {
        p.id = -1;
        p.hook = 0;
        p.hwProtocol = 0;
        p.mark = 0;
        p.indev = 0;
        p.outdev = 0;
        p.hwLength = 0;
        p.payload = MemorySegment.NULL;
        boolean header = false;
        long at = from;
        while (at + 4 <= to) {
            int alen = d.get(I16, at) & 0xffff;
            int type = d.get(I16, at + 2) & 0x7fff;
            if (alen < 4 || at + alen > to) {
                break;
            }
            long v = at + 4;
            switch (type) {
                case NFQA_PACKET_HDR -> {
                    header = true;
                    p.id = d.get(BE32, v);
                    p.hwProtocol = d.get(BE16, v + 4) & 0xffff;
                    p.hook = d.get(ValueLayout.JAVA_BYTE, v + 6) & 0xff;
                }
                case NFQA_MARK -> p.mark = Integer.toUnsignedLong(d.get(BE32, v));
                case NFQA_IFINDEX_INDEV -> p.indev = d.get(BE32, v);
                case NFQA_IFINDEX_OUTDEV -> p.outdev = d.get(BE32, v);
                case NFQA_HWADDR -> {
                    p.hwLength = Math.min(d.get(BE16, v) & 0xffff, 8);
                    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, v + 4, p.hwaddr, 0, p.hwLength);
                }
                case NFQA_PAYLOAD -> p.payload = d.asSlice(v, alen - 4);
                default -> {
                    // other attributes are not used
                }
            }
            at += (alen + 3) & ~3;
        }
        return header;
    }

    /**
     * Answers packet {@code id}: {@code verdict} (NF_DROP, NF_ACCEPT, ...), a new mark when
     * {@code mark} is not null, the packet replaced by {@code payload} when it is not null. The
     * answer is gathered, in order, and sent by {@link #flush}: consecutive packets with the same
     * plain verdict (no mark, no new payload) get one batch verdict, and every answer of a batch
     * goes in one send(2).
     */
    public void verdict(int id, int verdict, Long mark, MemorySegment payload) throws ErrnoException {
        if (mark == null && payload == null) {
            if (runVerdict == verdict) {
                runLastId = id;
                runCount++;
                return;
            }
            closeRun();
            runVerdict = verdict;
            runLastId = id;
            runCount = 1;
            return;
        }
        closeRun();
        append(NFQNL_MSG_VERDICT, id, verdict, mark, payload);
    }

    /** Sends the answers gathered since the last flush (nothing to do when there are none). */
    public void flush() throws ErrnoException {
        closeRun();
        sendGathered();
    }

    /** Sends the messages in the buffer. */
    private void sendGathered() throws ErrnoException {
        if (outLength == 0) {
            return;
        }
        long n = outLength;
        outLength = 0;
        if (!sd.enter()) {
            return; // closed: the kernel has dropped the queue and its packets' fate with it
        }
        try {
            long r = Sockets.send(fd, out, n, 0);
            if (r < 0) {
                throw new ErrnoException("send(netlink verdicts)", (int) -r);
            }
        } finally {
            sd.exit();
        }
    }

    /** Ends a run of plain verdicts: one message (a batch verdict for a run of more than one). */
    private void closeRun() throws ErrnoException {
        if (runVerdict >= 0) {
            append(runCount == 1 ? NFQNL_MSG_VERDICT : NFQNL_MSG_VERDICT_BATCH, runLastId, runVerdict, null, null);
            runVerdict = -1;
        }
    }

    /** Appends one verdict message (sending what is gathered first when it would not fit). */
    private void append(int type, int id, int verdict, Long mark, MemorySegment payload) throws ErrnoException {
        long plen = payload == null ? 0 : payload.byteSize();
        long size = 16 + 4 + 12 + (mark == null ? 0 : 8) + (payload == null ? 0 : 4 + ((plen + 3) & ~3L));
        if (outLength + size > OUT_BUFFER) {
            sendGathered();
        }
        if (size > OUT_BUFFER) {
            sendVerdict(id, verdict, mark, payload == null ? null : payload.toArray(ValueLayout.JAVA_BYTE));
            return;
        }
        long at = outLength;
        out.set(I32, at, (int) size);
        out.set(I16, at + 4, (short) (NFNL_SUBSYS_QUEUE << 8 | type));
        out.set(I16, at + 6, (short) NLM_F_REQUEST);
        out.set(I32, at + 8, ++seq);
        out.set(I32, at + 12, 0);
        out.set(ValueLayout.JAVA_BYTE, at + 16, (byte) 0);  // nfgenmsg: family, version
        out.set(ValueLayout.JAVA_BYTE, at + 17, (byte) 0);
        out.set(BE16, at + 18, (short) num);
        long a = at + 20;
        out.set(I16, a, (short) 12);
        out.set(I16, a + 2, (short) NFQA_VERDICT_HDR);
        out.set(BE32, a + 4, verdict);
        out.set(BE32, a + 8, id);
        a += 12;
        if (mark != null) {
            out.set(I16, a, (short) 8);
            out.set(I16, a + 2, (short) NFQA_MARK);
            out.set(BE32, a + 4, mark.intValue());
            a += 8;
        }
        if (payload != null) {
            out.set(I16, a, (short) (4 + plen));
            out.set(I16, a + 2, (short) NFQA_PAYLOAD);
            MemorySegment.copy(payload, 0, out, a + 4, plen);
            a += 4 + ((plen + 3) & ~3L);
        }
        outLength = a;
    }

    /** One verdict in a message of its own (a payload too large to gather). */
    private void sendVerdict(int id, int verdict, Long mark, byte[] payload) throws ErrnoException {
        byte[] attrs = Netlink.attr(NFQA_VERDICT_HDR, ByteBuffer.allocate(8).putInt(verdict).putInt(id).array());
        if (mark != null) {
            attrs = concat(attrs, Netlink.attr(NFQA_MARK, be32(mark.intValue())));
        }
        if (payload != null) {
            attrs = concat(attrs, Netlink.attr(NFQA_PAYLOAD, payload));
        }
        if (!sd.enter()) {
            return;
        }
        try {
            send(message(NFQNL_MSG_VERDICT, 0, attrs));
        } finally {
            sd.exit();
        }
    }

    /**
     * Closes the queue: the socket is closed (and the kernel unbinds the queue) once no call
     * uses it; a thread in {@link #receive} returns null within 200 ms.
     */
    @Override
    public void close() {
        sd.close();
    }
}
