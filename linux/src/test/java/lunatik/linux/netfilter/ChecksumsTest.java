package lunatik.linux.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    /** One's complement sum of 16-bit words, folded: 0xffff over data that holds its own checksum. */
    private static int sum(byte[] b, int off, int len, long start) {
        long s = start;
        for (int i = off; i < off + len; i += 2) {
            s += ((b[i] & 0xff) << 8) | (i + 1 < off + len ? b[i + 1] & 0xff : 0);
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    @Test
    void ipv4HeaderChecksumOfAKnownHeader() {
        // Wikipedia's example header (total length 0x73, checksum b861)
        byte[] known = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        Checksums.fix(known);
        assertThat(HexFormat.of().formatHex(known, 10, 12)).isEqualTo("b861");
        // a header with a zero-checksum UDP datagram after it
        byte[] p = hex("4500 0024 0000 4000 4011 0000 c0a8 0001 c0a8 00c7 "
            + "0035 1234 0010 0000 6869 2074 6865 7265");
        Checksums.fix(p);
        assertThat(sum(p, 0, 20, 0)).isEqualTo(0xffff);
        assertThat(p[26]).isZero(); // a UDP checksum of zero (none) stays zero
        assertThat(p[27]).isZero();
    }

    @Test
    void udpAndTcpChecksumsVerify() {
        byte[] udp = hex("4500 0021 0001 0000 4011 0000 0a01 0102 0a01 0103 "
            + "0035 c000 000d ffff 6869 2121 21");
        Checksums.fix(udp);
        long pseudo = 0x0a01 + 0x0102 + 0x0a01 + 0x0103 + 17 + 13;
        assertThat(sum(udp, 20, 13, pseudo)).isEqualTo(0xffff);
        byte[] tcp = hex("4500 0028 0001 0000 4006 0000 0a01 0102 0a01 0103 "
            + "0050 1f90 0000 0001 0000 0000 5002 7210 0000 0000");
        Checksums.fix(tcp);
        pseudo = 0x0a01 + 0x0102 + 0x0a01 + 0x0103 + 6 + 20;
        assertThat(sum(tcp, 20, 20, pseudo)).isEqualTo(0xffff);
        assertThat(sum(tcp, 0, 20, 0)).isEqualTo(0xffff);
    }

    @Test
    void fragmentsKeepTheirTransportBytes() {
        // a first fragment (more fragments): its UDP checksum covers data it does not hold
        byte[] first = hex("4500 0021 0001 2000 4011 0000 0a01 0102 0a01 0103 "
            + "0035 c000 0100 abcd 6869 2121 21");
        Checksums.fix(first);
        assertThat(sum(first, 0, 20, 0)).isEqualTo(0xffff);
        assertThat(HexFormat.of().formatHex(first, 26, 28)).isEqualTo("abcd");
        // a later fragment: no transport header at all, only data that must not change
        byte[] later = hex("4500 0021 0001 0010 4011 0000 0a01 0102 0a01 0103 "
            + "0001 0203 0405 0607 0809 0a0b 0c");
        byte[] data = java.util.Arrays.copyOfRange(later, 20, 33);
        Checksums.fix(later);
        assertThat(sum(later, 0, 20, 0)).isEqualTo(0xffff);
        assertThat(java.util.Arrays.copyOfRange(later, 20, 33)).isEqualTo(data);
    }

    /** The IPv6 pseudo-header sum of {@code p}'s addresses, length and next header. */
    private static long pseudo6(byte[] p, int l4len, int proto) {
        return sum(p, 8, 32, 0) + l4len + proto;
    }

    @Test
    void ipv6UdpAndTcpChecksumsVerifyAndExtensionHeadersAreSteppedOver() {
        String addrs = "fd00 0000 0000 0000 0000 0000 0000 0001 fd00 0000 0000 0000 0000 0000 0000 0002 ";
        byte[] udp = hex("6000 0000 000d 1140 " + addrs + "0035 c000 000d 0000 6869 2121 21");
        Checksums.fix(udp);
        assertThat(sum(udp, 40, 13, pseudo6(udp, 13, 17))).isEqualTo(0xffff);
        assertThat(udp[46] != 0 || udp[47] != 0).as("IPv6 UDP always has a checksum").isTrue();
        byte[] tcp = hex("6000 0000 0014 0640 " + addrs + "0050 1f90 0000 0001 0000 0000 5002 7210 0000 0000");
        Checksums.fix(tcp);
        assertThat(sum(tcp, 40, 20, pseudo6(tcp, 20, 6))).isEqualTo(0xffff);
        // a hop-by-hop options header (8 bytes) before the UDP header
        byte[] hop = hex("6000 0000 0015 0040 " + addrs + "1100 0000 0000 0000 " + "0035 c000 000d 0000 6869 2121 21");
        Checksums.fix(hop);
        assertThat(sum(hop, 48, 13, pseudo6(hop, 13, 17))).isEqualTo(0xffff);
        // a fragment header: left alone
        byte[] frag = hex("6000 0000 0015 2c40 " + addrs + "1100 0001 0000 0001 " + "0035 c000 000d abcd 6869 2121 21");
        Checksums.fix(frag);
        assertThat(HexFormat.of().formatHex(frag, 54, 56)).isEqualTo("abcd");
    }

    @Test
    void truncatedPacketsAreLeftAlone() {
        byte[] p = hex("4f00 0014");
        byte[] copy = p.clone();
        Checksums.fix(p);
        assertThat(p).isEqualTo(copy);
        Checksums.fix(new byte[0]);
    }
}
