package lunatik.lua.interp;

import java.io.ByteArrayOutputStream;
import lunatik.lua.parse.Ast;
import lunatik.lua.parse.Parser;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;

/**
 * Binary chunks: what {@code string.dump} makes and {@code load} takes back.
 *
 * <p>This engine has no bytecode of its own to save (functions become JVM classes or trees),
 * so a binary chunk carries the source of the function's chunk and which function of it was
 * dumped; loading parses that chunk again and builds that one function. The format, after
 * Lua's signature, is this engine's own:
 *
 * <pre>
 *   "\x1bLua"   signature, as every Lua binary chunk
 *   0x54        Lua version 5.4
 *   'J'         format: this engine's (a real Lua 5.4 chunk has format 0; each refuses the
 *               other with "format mismatch")
 *   flags       bit 0: stripped (no debug information); bit 1: written by a KERNEL state
 *   u32 n, n bytes   the chunk name ("=?" when stripped)
 *   u32 n, n bytes   the text of the whole chunk the function was defined in
 *   u32 index   the function's number in that chunk, in the order the parser meets functions
 *               (0: the main function)
 *   u8 nparams, u8 isvararg, u16 nups   checked against the function found
 * </pre>
 *
 * (u16/u32: big-endian.) As for any Lua binary chunk, the loaded function's first upvalue is
 * set to the environment given to {@code load} (the globals by default) and its other upvalues
 * are fresh and nil. Stripped, it has no line information (errors read "?:-1:"), and its
 * locals, upvalues and globals are not named in messages, as in Lua.
 */
public final class BinaryChunk {
    /** The first byte of every binary chunk (a text chunk starting with it is refused as binary). */
    public static final byte SIGNATURE = 0x1b;
    private static final byte[] HEADER = {0x1b, 'L', 'u', 'a', 0x54, 'J'};
    private static final int STRIPPED = 1;
    private static final int KERNEL = 2;

    private BinaryChunk() {
    }

    /** The binary chunk of a Lua function ({@code strip}: without debug information). */
    public static byte[] dump(LuaState L, LuaClosure f, boolean strip) {
        FunctionShape s = f.shape();
        boolean stripped = strip || s.stripped();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        out.write((stripped ? STRIPPED : 0) | (L.dialect == Dialect.KERNEL ? KERNEL : 0));
        writeBlock(out, LuaString.fromJava(stripped ? "=?" : s.chunkName()).bytes());
        writeBlock(out, s.chunkText());
        writeInt(out, s.index());
        out.write(s.numParams());
        out.write(s.isVararg() ? 1 : 0);
        out.write(s.upNames().length >> 8);
        out.write(s.upNames().length);
        return out.toByteArray();
    }

    /**
     * The function of binary chunk {@code b}, its first upvalue set to {@code env}; a malformed
     * chunk raises Lua's "NAME: bad binary format (...)" error.
     */
    public static LuaFunction load(LuaState L, byte[] b, String chunkName, Object env) {
        Reader r = new Reader(b, messageName(chunkName));
        r.header();
        int flags = r.u8();
        if (((flags & KERNEL) != 0) != (L.dialect == Dialect.KERNEL)) {
            throw r.error("dialect mismatch");
        }
        String name = LuaString.wrap(r.block()).toString();
        byte[] text = r.block();
        int index = r.u32();
        int nparams = r.u8();
        boolean vararg = r.u8() != 0;
        int nups = r.u8() << 8 | r.u8();
        if (r.remaining() != 0) {
            throw r.error("too much data");
        }
        Ast.Function fn = parse(L, r, text, name, index, (flags & STRIPPED) != 0);
        if (fn.params.size() != nparams || fn.isVararg != vararg || fn.upvalues.size() != nups) {
            throw r.error("function mismatch");
        }
        Cell[] ups = new Cell[nups];
        for (int i = 0; i < nups; i++) {
            ups[i] = new Cell(i == 0 ? env : null);
        }
        return Compiler.closure(L, fn, ups);
    }

    /* The dumped function, parsed again from its chunk; a chunk that does not parse is a bad one. */
    private static Ast.Function parse(LuaState L, Reader r, byte[] text, String chunkName, int index, boolean strip) {
        Ast.Function fn;
        try {
            fn = Parser.parseFunction(text, chunkName, L.dialect == Dialect.KERNEL, L::intern, index, strip);
        } catch (LuaError e) {
            throw r.error("source does not compile");
        }
        if (fn == null) {
            throw r.error("no such function");
        }
        return fn;
    }

    /* How lundump names the chunk in its messages. */
    private static String messageName(String chunkName) {
        if (chunkName.startsWith("@") || chunkName.startsWith("=")) {
            return chunkName.substring(1);
        }
        return chunkName.startsWith("\u001b") ? "binary string" : chunkName;
    }

    private static void writeBlock(ByteArrayOutputStream out, byte[] b) {
        writeInt(out, b.length);
        out.writeBytes(b);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** Reads a binary chunk, raising lundump's errors. */
    private static final class Reader {
        private final byte[] b;
        private final String name;
        private int pos;

        Reader(byte[] b, String name) {
            this.b = b;
            this.name = name;
        }

        /* As lundump's checkHeader: signature, version, format, in that order. */
        void header() {
            pos = 1;
            byte[] sig = bytes(3);
            if (sig[0] != 'L' || sig[1] != 'u' || sig[2] != 'a') {
                throw error("not a binary chunk");
            }
            if (u8() != 0x54) {
                throw error("version mismatch");
            }
            if (u8() != 'J') {
                throw error("format mismatch");
            }
        }

        int u8() {
            if (pos >= b.length) {
                throw error("truncated chunk");
            }
            return b[pos++] & 0xff;
        }

        int u32() {
            return u8() << 24 | u8() << 16 | u8() << 8 | u8();
        }

        byte[] block() {
            int n = u32();
            if (n < 0 || n > remaining()) {
                throw error("truncated chunk");
            }
            return bytes(n);
        }

        byte[] bytes(int n) {
            if (n > remaining()) {
                throw error("truncated chunk");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        int remaining() {
            return b.length - pos;
        }

        LuaError error(String why) {
            return new LuaError(LuaString.fromJava(name + ": bad binary format (" + why + ")"));
        }
    }
}
