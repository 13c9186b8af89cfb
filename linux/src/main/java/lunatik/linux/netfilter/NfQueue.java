package lunatik.linux.netfilter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    private final int fd;
    private final int num;
    private int seq;
    private final lunatik.linux.ffm.SharedDescriptor sd;

    /** A queued packet: its id, hook, ethertype, mark, devices, source MAC (or null) and the IP packet. */
    public record Packet(int id, int hook, int hwProtocol, long mark, int indev, int outdev, byte[] hwaddr,
                         byte[] payload) {
    }

    private NfQueue(int fd, int num) {
        this.fd = fd;
        this.sd = new lunatik.linux.ffm.SharedDescriptor(fd);
        this.num = num;
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
     * The next packet; null once the queue is closed. Waits in slices of 200 ms, so that
     * {@link #close} from another thread ends the wait (a netlink socket cannot be shut down).
     */
    public Packet receive() throws ErrnoException {
        if (!sd.enter()) {
            return null;
        }
        try {
            return receiveInUse();
        } finally {
            sd.exit();
        }
    }

    private Packet receiveInUse() throws ErrnoException {
        int[] err = new int[1];
        while (!sd.isClosed()) {
            int ready = LibC.pollOne(fd, LibC.POLLIN, 200);
            if (ready == 0 || ready == -4) {
                continue;
            }
            Sockets.Received r = Sockets.recvfrom(fd, 65536 + 4096, 0, false, err);
            if (r == null) {
                if (sd.isClosed()) {
                    return null;
                }
                if (err[0] == 4 || err[0] == 105) { // EINTR, ENOBUFS
                    continue;
                }
                throw new ErrnoException("recv(netlink)", err[0]);
            }
            // one packet per datagram (the kernel sends each in its own); a malformed one is skipped
            Packet p = Netlink.messages(r.data(), (type, b, from, to) ->
                type == (NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET) ? parse(b, from + 20, to) : null);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static Packet parse(ByteBuffer b, int from, int to) {
        // id, hook, hw protocol, mark, indev, outdev
        long[] f = {-1, 0, 0, 0, 0, 0};
        byte[][] hwAndPayload = {null, new byte[0]};
        ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        Netlink.attributes(b, from, to, (type, v, end) -> {
            switch (type) {
                case NFQA_PACKET_HDR -> {
                    f[0] = be.getInt(v);
                    f[2] = be.getShort(v + 4) & 0xffff;
                    f[1] = b.get(v + 6) & 0xff;
                }
                case NFQA_MARK -> f[3] = Integer.toUnsignedLong(be.getInt(v));
                case NFQA_IFINDEX_INDEV -> f[4] = be.getInt(v);
                case NFQA_IFINDEX_OUTDEV -> f[5] = be.getInt(v);
                case NFQA_HWADDR -> {
                    byte[] hw = new byte[Math.min(be.getShort(v) & 0xffff, 8)];
                    b.get(v + 4, hw);
                    hwAndPayload[0] = hw;
                }
                case NFQA_PAYLOAD -> {
                    byte[] payload = new byte[end - v];
                    b.get(v, payload);
                    hwAndPayload[1] = payload;
                }
                default -> {
                    // other attributes are not used
                }
            }
        });
        return f[0] < 0 ? null : new Packet((int) f[0], (int) f[1], (int) f[2], f[3], (int) f[4], (int) f[5],
            hwAndPayload[0], hwAndPayload[1]);
    }

    /**
     * Answers packet {@code id}: {@code verdict} (NF_DROP, NF_ACCEPT, ...), a new mark when
     * {@code mark} is not null, the packet replaced by {@code payload} when it is not null.
     */
    public void verdict(int id, int verdict, Long mark, byte[] payload) throws ErrnoException {
        if (!sd.enter()) {
            return; // closed: the kernel has dropped the queue and its packets' fate with it
        }
        try {
            sendVerdict(id, verdict, mark, payload);
        } finally {
            sd.exit();
        }
    }

    private void sendVerdict(int id, int verdict, Long mark, byte[] payload) throws ErrnoException {
        byte[] attrs = Netlink.attr(NFQA_VERDICT_HDR, ByteBuffer.allocate(8).putInt(verdict).putInt(id).array());
        if (mark != null) {
            attrs = concat(attrs, Netlink.attr(NFQA_MARK, be32(mark.intValue())));
        }
        if (payload != null) {
            attrs = concat(attrs, Netlink.attr(NFQA_PAYLOAD, payload));
        }
        send(message(NFQNL_MSG_VERDICT, 0, attrs));
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
