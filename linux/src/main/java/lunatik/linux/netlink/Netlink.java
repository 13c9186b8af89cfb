package lunatik.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** What every netlink protocol shares: addresses and attributes (host order, 4-byte aligned). */
public final class Netlink {
    private Netlink() {
    }

    public static final int AF_NETLINK = 16;

    /** A {@code sockaddr_nl}: port 0 (the kernel, or "any" when binding) and multicast {@code groups}. */
    public static byte[] address(int groups) {
        ByteBuffer a = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        a.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
        return a.array();
    }

    /** An attribute: length and type, the payload, padding to 4 bytes. */
    public static byte[] attr(int type, byte[] payload) {
        int len = 4 + payload.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(payload);
        return b.array();
    }

    /** Visits one netlink message: its type, and where it starts and ends in the buffer. */
    @FunctionalInterface
    public interface MessageVisitor<T> {
        /** A result to stop with, or null to go on. */
        T visit(int type, ByteBuffer b, int from, int to);
    }

    /**
     * Visits the messages of one datagram (host order) until a visitor returns a result, and
     * returns it; null when none did. A malformed length ends the walk.
     */
    public static <T> T messages(byte[] datagram, MessageVisitor<T> v) {
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
        for (int at = 0; at + 16 <= b.limit(); ) {
            int len = b.getInt(at);
            if (len < 16 || at + len > b.limit()) {
                return null;
            }
            T r = v.visit(b.getShort(at + 4) & 0xffff, b, at, at + len);
            if (r != null) {
                return r;
            }
            at += (len + 3) & ~3;
        }
        return null;
    }

    /** Visits one attribute: its type (flag bits off) and its payload's bounds. */
    @FunctionalInterface
    public interface AttributeVisitor {
        void visit(int type, int from, int to);
    }

    /** Visits the attributes between {@code from} and {@code to}; a malformed length ends the walk. */
    public static void attributes(ByteBuffer b, int from, int to, AttributeVisitor v) {
        for (int at = from; at + 4 <= to; ) {
            int len = b.getShort(at) & 0xffff;
            if (len < 4 || at + len > to) {
                return;
            }
            v.visit(b.getShort(at + 2) & 0x3fff, at + 4, at + len);
            at += (len + 3) & ~3;
        }
    }
}
