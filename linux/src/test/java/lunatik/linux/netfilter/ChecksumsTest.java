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
    void truncatedPacketsAreLeftAlone() {
        byte[] p = hex("4f00 0014");
        byte[] copy = p.clone();
        Checksums.fix(p);
        assertThat(p).isEqualTo(copy);
        Checksums.fix(new byte[0]);
    }
}
