package lunatik.linux.netfilter;

/**
 * Internet checksums of a rewritten IP packet. A packet whose payload a queue's verdict replaces
 * is marked CHECKSUM_NONE by the kernel, so its IPv4 header checksum and its UDP or TCP checksum
 * must be right, or the stack drops it; a hook in the kernel changes packets whose checksums
 * the hardware or the stack still vouches for. {@link #fix} makes them right, so a script
 * written for Lunatik (which does not touch checksums) has the same effect here.
 */
public final class Checksums {
    private Checksums() {
    }

    private static final int TCP = 6;
    private static final int UDP = 17;

    /** Sums 16-bit big-endian words of {@code b[off, off + len)} into {@code sum}. */
    private static long add(long sum, byte[] b, int off, int len) {
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < off + len) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int DEST_OPTS = 60;

    /**
     * Recomputes, in place, the IPv4 header checksum and the TCP or UDP checksum of the IP
     * packet {@code p}. A UDP checksum of zero over IPv4 (none, which IPv4 allows) stays zero.
     * The transport checksum of a fragment is left alone: it covers the whole datagram, which
     * one fragment does not hold (and a later fragment has no transport header, only data that
     * must not be "fixed"). IPv6 hop-by-hop and destination options are stepped over; with a
     * routing header (the checksum uses the final destination) or a fragment header the
     * transport checksum is left alone too. A packet too short to hold its headers is left
     * alone.
     */
    public static void fix(byte[] p) {
        if (p.length < 1) {
            return;
        }
        int version = (p[0] & 0xff) >> 4;
        int proto;
        int l4;
        long pseudo;
        if (version == 4) {
            int ihl = (p[0] & 0x0f) * 4;
            if (ihl < 20 || p.length < ihl) {
                return;
            }
            put16(p, 10, 0);
            put16(p, 10, fold(add(0, p, 0, ihl)));
            int total = Math.min(p.length, ((p[2] & 0xff) << 8) | (p[3] & 0xff));
            int fragment = ((p[6] & 0xff) << 8 | (p[7] & 0xff)) & 0x3fff; // more-fragments bit and offset
            if (fragment != 0) {
                return;
            }
            proto = p[9] & 0xff;
            l4 = ihl;
            int l4len = total - l4;
            if (l4len <= 0) {
                return;
            }
            pseudo = add(add(0, p, 12, 8), new byte[] {0, (byte) proto}, 0, 2) + l4len;
            finish(p, proto, l4, l4len, pseudo);
        } else if (version == 6) {
            if (p.length < 40) {
                return;
            }
            proto = p[6] & 0xff;
            l4 = 40;
            int end = Math.min(p.length, 40 + (((p[4] & 0xff) << 8) | (p[5] & 0xff)));
            while (proto == HOP_BY_HOP || proto == DEST_OPTS) {
                if (l4 + 8 > end) {
                    return;
                }
                int next = p[l4] & 0xff;
                l4 += ((p[l4 + 1] & 0xff) + 1) * 8;
                proto = next;
            }
            if (proto == ROUTING || proto == FRAGMENT || l4 > end) {
                return;
            }
            int l4len = end - l4;
            pseudo = add(0, p, 8, 32) + l4len + proto;
            finish6(p, proto, l4, l4len, pseudo);
        }
    }

    /** As {@link #finish} for IPv6, where a UDP checksum is never left out. */
    private static void finish6(byte[] p, int proto, int l4, int l4len, long pseudo) {
        if (proto == UDP && l4len >= 8) {
            put16(p, l4 + 6, 0);
            int sum = fold(add(pseudo, p, l4, l4len));
            put16(p, l4 + 6, sum == 0 ? 0xffff : sum);
        } else {
            finish(p, proto, l4, l4len, pseudo);
        }
    }

    private static void finish(byte[] p, int proto, int l4, int l4len, long pseudo) {
        int at;
        if (proto == UDP && l4len >= 8) {
            at = l4 + 6;
            if (p[at] == 0 && p[at + 1] == 0) {
                return; // no checksum
            }
        } else if (proto == TCP && l4len >= 20) {
            at = l4 + 16;
        } else {
            return;
        }
        put16(p, at, 0);
        int sum = fold(add(pseudo, p, l4, l4len));
        put16(p, at, proto == UDP && sum == 0 ? 0xffff : sum);
    }
}
