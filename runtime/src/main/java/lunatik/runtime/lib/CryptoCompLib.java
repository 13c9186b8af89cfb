package lunatik.runtime.lib;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;

/**
 * {@code crypto_comp} (spec §8.2.5): compression by kernel name.
 * <ul>
 *   <li>{@code deflate}: raw DEFLATE (RFC 1951, no zlib header), as the kernel's "deflate";
 *       {@code zlib-deflate}: the zlib format (RFC 1950); both on {@link java.util.zip};</li>
 *   <li>{@code lz4}, {@code lz4hc}: the LZ4 block format ({@link CryptoLz4}; the JDK has no
 *       LZ4). Both names share one compressor, and both decompress any LZ4 block.</li>
 * </ul>
 * Other kernel compressors (lzo, lzo-rle, zstd, 842) are not available here and fail as
 * unknown algorithms. An output larger than {@code max_out}, or corrupt input, raises EINVAL
 * (22) as the kernel's compressors do.
 */
public final class CryptoCompLib {
    private CryptoCompLib() {
    }

    /** The class of compressor objects. */
    public static final ObjectClass CLASS = CryptoSupport.newClass("crypto_comp", b -> b
            .method("compress", (self, a) -> run(self, a, true))
            .method("decompress", (self, a) -> run(self, a, false)),
            p -> { });

    /** A compression algorithm: both directions, null meaning "does not fit / malformed". */
    interface Codec {
        byte[] compress(byte[] in, long max);

        byte[] decompress(byte[] in, long max);
    }

    private static final Codec LZ4 = new Codec() {
        @Override
        public byte[] compress(byte[] in, long max) {
            return CryptoLz4.compress(in, max);
        }

        @Override
        public byte[] decompress(byte[] in, long max) {
            return CryptoLz4.decompress(in, max);
        }
    };

    private static final Map<String, Codec> CODECS = Map.of(
            "deflate", new Zip(true), "zlib-deflate", new Zip(false), "lz4", LZ4, "lz4hc", LZ4);

    /** Opens the module (require "crypto_comp" / "crypto.comp"). */
    /*lua @module crypto_comp
     * Compression by kernel name (`require("crypto.comp")` gives the same module): deflate (raw
     * DEFLATE, RFC 1951), zlib-deflate (RFC 1950), lz4 and lz4hc (the LZ4 block format, our own
     * codec; both names share one compressor and both decompress any LZ4 block). Objects are
     * monitored and close with `<close>`.
     * @differs lzo, lzo-rle, zstd and 842 are not available and fail as unknown algorithms; lz4hc
     * compresses as lz4 does.
     */
    /*lua crypto_comp.new(algorithm)
     * Makes a compressor.
     * @param algorithm string: a kernel name (above)
     * @return a crypto_comp object
     * @raise "Failed to allocate comp transform for <algorithm> (err -2)" for an unknown name
     */
    /*lua crypto_comp:compress(data, max)
     * Compresses.
     * @param data string: 1 byte or more
     * @param max integer: the largest output accepted
     * @return string
     * @raise 22 (EINVAL) when the output would be larger than `max`; "bad argument #2/#3 ... (out
     *   of bounds)"
     */
    /*lua crypto_comp:decompress(data, max)
     * Decompresses.
     * @param data string: 1 byte or more
     * @param max integer: the largest output accepted
     * @return string
     * @raise 22 (EINVAL) for corrupt input or an output larger than `max`
     */
    public static Object open(LuaState L) {
        return CryptoSupport.library(L, "crypto_comp", "comp", CLASS, CODECS::get);
    }

    private static Object run(LunatikObject self, Args a, boolean compress) {
        Codec c = self.payload(Codec.class);
        byte[] data = a.checkString(2).bytes();
        CryptoSupport.checkBounds(a, 2, data.length, 1, CryptoSupport.UINT_MAX);
        long max = CryptoSupport.checkInteger(a, 3, 1, CryptoSupport.UINT_MAX);
        byte[] out = compress ? c.compress(data, max) : c.decompress(data, max);
        if (out == null) {
            throw CryptoSupport.errno(CryptoSupport.EINVAL);
        }
        return LuaString.wrap(out);
    }

    /** DEFLATE through java.util.zip: raw ({@code nowrap}) or zlib-wrapped. */
    private record Zip(boolean raw) implements Codec {
        @Override
        public byte[] compress(byte[] in, long max) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
            try {
                d.setInput(in);
                d.finish();
                return drain(max, buf -> d.deflate(buf), d::finished, () -> false);
            } finally {
                d.end();
            }
        }

        @Override
        public byte[] decompress(byte[] in, long max) {
            Inflater f = new Inflater(raw);
            try {
                f.setInput(in);
                return drain(max, buf -> {
                    try {
                        return f.inflate(buf);
                    } catch (DataFormatException e) {
                        return -1;
                    }
                }, f::finished, () -> f.needsInput() || f.needsDictionary());
            } finally {
                f.end();
            }
        }
    }

    /** A step of a java.util.zip stream: bytes written into {@code buf}, -1 on bad data. */
    private interface Step {
        int run(byte[] buf);
    }

    /**
     * Runs a zip stream until it finishes, into at most {@code max} bytes; null when it does not
     * fit, the data is bad, or the stream stalls (truncated input).
     */
    private static byte[] drain(long max, Step step, java.util.function.BooleanSupplier finished,
            java.util.function.BooleanSupplier stalled) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!finished.getAsBoolean()) {
            int n = step.run(buf);
            if (n < 0) {
                return null;
            }
            out.write(buf, 0, n);
            if (out.size() > max) {
                return null;
            }
            if (n == 0 && !finished.getAsBoolean() && stalled.getAsBoolean()) {
                return null;
            }
        }
        return out.toByteArray();
    }
}
