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
}
