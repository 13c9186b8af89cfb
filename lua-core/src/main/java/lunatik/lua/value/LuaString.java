package lunatik.lua.value;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Lua string: an immutable sequence of bytes (any value, embedded zeros included).
 *
 * <p>Lua strings are never {@link String}s inside the engine: packets and {@code string.pack}
 * need 8-bit-clean data. The hash is computed once and cached, so a string used as a table key
 * costs one hash computation in its lifetime; equality checks identity, then length and hash,
 * then bytes.
 */
public final class LuaString implements Comparable<LuaString> {
    /** The empty string. */
    public static final LuaString EMPTY = new LuaString(new byte[0]);
    /**
     * The longest string: the longest byte array every JVM allocates (the JDK's own limit for
     * growing arrays, 2^31 - 9). Operations that would make a longer string raise a Lua error.
     */
    public static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private final byte[] bytes;
    private int hash;          // 0 = not yet computed
    private String javaString; // cached decoding for messages

    private LuaString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The UTF-8 encoding of {@code s}. */
    public static LuaString of(String s) {
        return new LuaString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Wraps {@code b} without copying: the caller must never change it afterwards. */
    public static LuaString wrap(byte[] b) {
        return b.length == 0 ? EMPTY : new LuaString(b);
    }

    /** A copy of {@code len} bytes of {@code b} from {@code off}. */
    public static LuaString copyOf(byte[] b, int off, int len) {
        return len == 0 ? EMPTY : new LuaString(Arrays.copyOfRange(b, off, off + len));
    }

    /** Number of bytes. */
    public int length() {
        return bytes.length;
    }

    /** The byte at {@code i} (0-based) as an unsigned value 0..255. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    /** The backing array itself: callers must not modify it. */
    public byte[] bytes() {
        return bytes;
    }

    /** The bytes from {@code from} (inclusive) to {@code to} (exclusive), 0-based. */
    public LuaString substring(int from, int to) {
        if (from == 0 && to == bytes.length) {
            return this;
        }
        return copyOf(bytes, from, to - from);
    }

    /** Concatenation of two strings (together at most {@link #MAX_LENGTH} bytes long). */
    public LuaString concat(LuaString o) {
        byte[] r = Arrays.copyOf(bytes, bytes.length + o.bytes.length);
        System.arraycopy(o.bytes, 0, r, bytes.length, o.bytes.length);
        return new LuaString(r);
    }

    /** Index of byte sequence {@code p} at or after {@code from}, or -1 (a plain find). */
    public int indexOf(LuaString p, int from) {
        byte[] s = bytes;
        byte[] pb = p.bytes;
        int n = pb.length;
        if (n == 0) {
            return from <= s.length ? from : -1;
        }
        byte first = pb[0];
        outer:
        for (int i = from, last = s.length - n; i <= last; i++) {
            if (s[i] != first) {
                continue;
            }
            for (int j = 1; j < n; j++) {
                if (s[i + j] != pb[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = bytes.length ^ 0x9e3779b9;
            for (byte b : bytes) {
                h = 31 * h + b;
            }
            h ^= h >>> 16;
            if (h == 0) {
                h = 1;
            }
            hash = h;
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LuaString s) || s.bytes.length != bytes.length || s.hashCode() != hashCode()) {
            return false;
        }
        return Arrays.equals(bytes, s.bytes);
    }

    /** Byte-wise unsigned comparison, as C's {@code strcmp} in the C locale. */
    @Override
    public int compareTo(LuaString o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /**
     * The text of the bytes for Java-side use (messages, names): UTF-8, with each byte that is
     * not part of valid UTF-8 kept as the lone surrogate U+DC80..U+DCFF ("surrogateescape"), so
     * that {@link #fromJava} gives back exactly these bytes. Messages that quote Lua strings
     * therefore keep their bytes, as Lua's do.
     */
    @Override
    public String toString() {
        String s = javaString;
        if (s == null) {
            s = decode(bytes);
            javaString = s;
        }
        return s;
    }

    private static String decode(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
            int cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
            boolean ok = n >= 0 && i + n < b.length;
            for (int k = 1; ok && k <= n; k++) {
                int d = b[i + k] & 0xff;
                ok = (d & 0xc0) == 0x80;
                cp = (cp << 6) | (d & 0x3f);
            }
            // reject overlong forms, surrogates and values past U+10FFFF
            if (ok && ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))) {
                ok = false;
            }
            if (ok) {
                sb.appendCodePoint(cp);
                i += n + 1;
            } else {
                sb.append((char) (0xdc00 + c));
                i++;
            }
        }
        return sb.toString();
    }

    /** The bytes of Java text: UTF-8, and U+DC80..U+DCFF back to the raw bytes (see {@link #toString}). */
    public static LuaString fromJava(String s) {
        int n = s.length();
        boolean plain = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return of(s);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 8);
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                byte[] part = s.substring(start, i).getBytes(StandardCharsets.UTF_8);
                out.write(part, 0, part.length);
                out.write(c - 0xdc00);
                start = i + 1;
            }
        }
        byte[] part = s.substring(start).getBytes(StandardCharsets.UTF_8);
        out.write(part, 0, part.length);
        return wrap(out.toByteArray());
    }
}
