package lunatik.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.Sockets;

/**
 * A NETLINK_ROUTE socket of the calling thread's network namespace: requests with their
 * acknowledgement (FIB rules), the dump of the network interfaces, and, when made with the link
 * group, the kernel's link announcements (RTM_NEWLINK / RTM_DELLINK). Headers and attributes in
 * host order.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_ROUTE = 0;
    public static final int RTMGRP_LINK = 1;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    private static final int RTM_GETLINK = 18;
    public static final int RTM_NEWRULE = 32;
    public static final int RTM_DELRULE = 33;
    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_ACK = 4;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_DUMP = 0x300;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_OPERSTATE = 16;

    private final int fd;
    private int seq;
    private final lunatik.linux.ffm.SharedDescriptor sd;

    /** A network interface as a link message describes it. */
    public record Link(int index, String name, int flags, int mtu, String address, int operstate) {
        public boolean isUp() {
            return (flags & 1) != 0; // IFF_UP
        }
    }

    /** A link announcement: RTM_NEWLINK or RTM_DELLINK, and the link. */
    public record LinkEvent(int type, Link link) {
    }

    private Rtnetlink(int fd) {
        this.fd = fd;
        this.sd = new lunatik.linux.ffm.SharedDescriptor(fd);
    }

    /** A socket of the calling thread's namespace, in the multicast {@code groups} (0: none). */
    public static Rtnetlink open(int groups) throws ErrnoException {
        int fd = Sockets.socket(Netlink.AF_NETLINK, SOCK_RAW | 02000000, NETLINK_ROUTE);
        if (fd < 0) {
            throw new ErrnoException("socket(NETLINK_ROUTE)", -fd);
        }
        int r = Sockets.bind(fd, Netlink.address(groups));
        if (r < 0) {
            try {
                LibC.close(fd);
            } catch (ErrnoException e) {
                // failing anyway
            }
            throw new ErrnoException("bind(NETLINK_ROUTE)", -r);
        }
        return new Rtnetlink(fd);
    }


    /** A message: nlmsghdr, then {@code body}. */
    private byte[] message(int type, int flags, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.nativeOrder());
        b.putInt(16 + body.length).putShort((short) type).putShort((short) flags).putInt(++seq).putInt(0).put(body);
        return b.array();
    }


    public static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** Sends a request and returns the kernel's answer to it: 0, or a negative errno. */
    public int request(int type, int flags, byte[] body) throws ErrnoException {
        send(message(type, flags | NLM_F_REQUEST | NLM_F_ACK, body));
        int want = seq;
        int[] err = new int[1];
        while (true) {
            Sockets.Received r = Sockets.recvfrom(fd, 65536, 0, false, err);
            if (r == null) {
                throw new ErrnoException("recv(NETLINK_ROUTE)", err[0]);
            }
            Integer code = Netlink.messages(r.data(), (t, b, from, to) ->
                t == NLMSG_ERROR && b.getInt(from + 8) == want && from + 20 <= to ? b.getInt(from + 16) : null);
            if (code != null) {
                return code;
            }
        }
    }

    private void send(byte[] m) throws ErrnoException {
        long r = Sockets.sendto(fd, m, 0, Netlink.address(0));
        if (r < 0) {
            throw new ErrnoException("sendto(NETLINK_ROUTE)", (int) -r);
        }
    }

    /** Every network interface of the namespace now. */
    public List<Link> links() throws ErrnoException {
        send(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, new byte[16]));
        List<Link> out = new ArrayList<>();
        int[] err = new int[1];
        while (true) {
            Sockets.Received r = Sockets.recvfrom(fd, 65536, 0, false, err);
            if (r == null) {
                throw new ErrnoException("recv(NETLINK_ROUTE)", err[0]);
            }
            Integer end = Netlink.messages(r.data(), (type, b, from, to) -> {
                if (type == NLMSG_DONE) {
                    return 0;
                }
                if (type == NLMSG_ERROR) {
                    return -b.getInt(from + 16);
                }
                if (type == RTM_NEWLINK) {
                    out.add(link(b, from + 16, to));
                }
                return null;
            });
            if (end != null) {
                if (end != 0) {
                    throw new ErrnoException("RTM_GETLINK", end);
                }
                return out;
            }
        }
    }

    private static Link link(ByteBuffer b, int from, int to) {
        int index = b.getInt(from + 4);
        int flags = b.getInt(from + 8);
        String[] name = {""};
        String[] address = {""};
        int[] mtuOper = {0, 0};
        Netlink.attributes(b, from + 16, to, (type, vf, vt) -> {
            byte[] v = new byte[vt - vf];
            b.get(vf, v);
            switch (type) {
                case IFLA_IFNAME -> {
                    int n = 0;
                    while (n < v.length && v[n] != 0) {
                        n++;
                    }
                    name[0] = new String(v, 0, n, StandardCharsets.ISO_8859_1);
                }
                case IFLA_MTU -> mtuOper[0] = v.length >= 4 ? ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt() : 0;
                case IFLA_ADDRESS -> address[0] = HexFormat.ofDelimiter(":").formatHex(v);
                case IFLA_OPERSTATE -> mtuOper[1] = v.length > 0 ? v[0] & 0xff : 0;
                default -> {
                    // other attributes are not used
                }
            }
        });
        return new Link(index, name[0], flags, mtuOper[0], address[0], mtuOper[1]);
    }

    /**
     * The next link announcements (one datagram's worth); empty once closed. Waits in slices of
     * 200 ms so that {@link #close} from another thread ends the wait.
     */
    public List<LinkEvent> events() throws ErrnoException {
        if (!sd.enter()) {
            return List.of();
        }
        try {
            int[] err = new int[1];
            while (!sd.isClosed()) {
                int ready = LibC.pollOne(fd, LibC.POLLIN, 200);
                if (ready == 0 || ready == -4) {
                    continue;
                }
                Sockets.Received r = Sockets.recvfrom(fd, 65536, 0, false, err);
                if (r == null) {
                    if (err[0] == 4 || err[0] == 105) { // EINTR, ENOBUFS
                        continue;
                    }
                    throw new ErrnoException("recv(NETLINK_ROUTE)", err[0]);
                }
                List<LinkEvent> out = new ArrayList<>();
                Netlink.messages(r.data(), (type, b, from, to) -> {
                    if (type == RTM_NEWLINK || type == RTM_DELLINK) {
                        out.add(new LinkEvent(type, link(b, from + 16, to)));
                    }
                    return null;
                });
                if (!out.isEmpty()) {
                    return out;
                }
            }
            return List.of();
        } finally {
            sd.exit();
        }
    }

    @Override
    public void close() {
        sd.close();
    }
}
