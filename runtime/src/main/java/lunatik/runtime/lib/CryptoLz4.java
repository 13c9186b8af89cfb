package lunatik.runtime.lib;

import java.util.Arrays;

/**
 * The LZ4 block format (what the kernel's "lz4" compressor reads and writes: no frame, no
 * checksum), written from the format description. A block is a run of sequences; each has a
 * token (high nibble: literal count, low nibble: match length − 4; 15 means "more bytes
 * follow, each adding up to 255"), the literals, a 2-byte little-endian offset back into the
 * output and the extra match-length bytes. The last sequence has literals only; the last 5
 * bytes are always literals and no match starts in the last 12 bytes.
 *
 * <p>The compressor is a greedy single-probe hash matcher (the "fast" level): its output is
 * valid LZ4 but not byte-identical to the kernel's.
 */
final class CryptoLz4 {
    private CryptoLz4() {
    }

    private static final int MIN_MATCH = 4;
    private static final int LAST_LITERALS = 5;
    private static final int MF_LIMIT = 12;
    private static final int MAX_OFFSET = 65535;
    private static final int HASH_LOG = 16;

    /** The largest output for {@code n} input bytes (LZ4_compressBound). */
    static long bound(long n) {
        return n + n / 255 + 16;
    }

    /** Compresses {@code src}; null when the output would exceed {@code max} bytes. */
    static byte[] compress(byte[] src, long max) {
        int n = src.length;
        byte[] dst = new byte[(int) Math.min(max, bound(n))];
        int[] table = new int[1 << HASH_LOG];
        Arrays.fill(table, -1);
        int anchor = 0;
        int op = 0;
        int ip = 0;
        int limit = n - MF_LIMIT;
        while (ip < limit) {
            int seq = read32(src, ip);
            int h = hash(seq);
            int ref = table[h];
            table[h] = ip;
            if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) != seq) {
                ip++;
                continue;
            }
            // extend the match forward (leaving the last literals) and backward
            int matchEnd = ip + MIN_MATCH;
            int refEnd = ref + MIN_MATCH;
            int maxEnd = n - LAST_LITERALS;
            while (matchEnd < maxEnd && src[matchEnd] == src[refEnd]) {
                matchEnd++;
                refEnd++;
            }
            while (ip > anchor && ref > 0 && src[ip - 1] == src[ref - 1]) {
                ip--;
                ref--;
            }
            op = sequence(src, anchor, ip - anchor, ip - ref, matchEnd - ip, dst, op);
            if (op < 0) {
                return null;
            }
            ip = matchEnd;
            anchor = ip;
            if (ip - 2 >= 0 && ip - 2 < limit) {
                table[hash(read32(src, ip - 2))] = ip - 2;
            }
        }
        op = sequence(src, anchor, n - anchor, 0, 0, dst, op);
        return op < 0 ? null : Arrays.copyOf(dst, op);
    }

    /** Writes one sequence (a match of length 0 = the last one); -1 when dst is too small. */
    private static int sequence(byte[] src, int lit, int litLen, int offset, int matchLen, byte[] dst, int op) {
        int ml = matchLen == 0 ? 0 : matchLen - MIN_MATCH;
        long need = 1L + extra(litLen) + litLen + (matchLen == 0 ? 0 : 2 + extra(ml));
        if (op + need > dst.length) {
            return -1;
        }
        int token = op++;
        dst[token] = (byte) (Math.min(litLen, 15) << 4);
        op = length(litLen, dst, op);
        System.arraycopy(src, lit, dst, op, litLen);
        op += litLen;
        if (matchLen == 0) {
            return op;
        }
        dst[op++] = (byte) offset;
        dst[op++] = (byte) (offset >>> 8);
        dst[token] |= (byte) Math.min(ml, 15);
        return length(ml, dst, op);
    }

    /** Bytes that a length field needs after its nibble. */
    private static int extra(int len) {
        return len < 15 ? 0 : 1 + (len - 15) / 255;
    }

    private static int length(int len, byte[] dst, int op) {
        if (len >= 15) {
            int rest = len - 15;
            while (rest >= 255) {
                dst[op++] = (byte) 255;
                rest -= 255;
            }
            dst[op++] = (byte) rest;
        }
        return op;
    }

    /** Decompresses {@code src}; null when it is malformed or the output exceeds {@code max}. */
    static byte[] decompress(byte[] src, long max) {
        byte[] dst = new byte[(int) Math.min(max, Math.min(Math.max(64L, src.length * 4L), CryptoSupport.MAX_ARRAY))];
        int ip = 0;
        int op = 0;
        int n = src.length;
        while (ip < n) {
            int token = src[ip++] & 0xff;
            long litLen = token >>> 4;
            if (litLen == 15) {
                int b;
                do {
                    if (ip >= n) {
                        return null;
                    }
                    b = src[ip++] & 0xff;
                    litLen += b;
                } while (b == 255);
            }
            if (ip + litLen > n) {
                return null;
            }
            dst = room(dst, op, litLen, max);
            if (dst == null) {
                return null;
            }
            System.arraycopy(src, ip, dst, op, (int) litLen);
            ip += (int) litLen;
            op += (int) litLen;
            if (ip == n) {
                return Arrays.copyOf(dst, op); // the last sequence: literals only
            }
            if (ip + 2 > n) {
                return null;
            }
            int offset = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8;
            ip += 2;
            if (offset == 0 || offset > op) {
                return null;
            }
            long matchLen = token & 15;
            if (matchLen == 15) {
                int b;
                do {
                    if (ip >= n) {
                        return null;
                    }
                    b = src[ip++] & 0xff;
                    matchLen += b;
                } while (b == 255);
            }
            matchLen += MIN_MATCH;
            dst = room(dst, op, matchLen, max);
            if (dst == null) {
                return null;
            }
            for (int i = 0; i < matchLen; i++, op++) {
                dst[op] = dst[op - offset]; // byte by byte: overlapping copies repeat a pattern
            }
        }
        return null; // a block ends with a literals-only sequence
    }

    /** {@code dst} with room for {@code more} bytes at {@code op}, or null past {@code max}. */
    private static byte[] room(byte[] dst, int op, long more, long max) {
        long need = op + more;
        if (need > max || need > CryptoSupport.MAX_ARRAY) {
            return null;
        }
        if (need <= dst.length) {
            return dst;
        }
        long size = Math.min(Math.min(max, CryptoSupport.MAX_ARRAY), Math.max(need, dst.length * 2L));
        return Arrays.copyOf(dst, (int) size);
    }

    private static int read32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static int hash(int seq) {
        return (seq * -1640531535) >>> (32 - HASH_LOG);
    }
}
