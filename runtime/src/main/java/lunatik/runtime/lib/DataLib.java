package lunatik.runtime.lib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code data} module (spec §8.3, lib/luadata.c): raw memory buffers, made by scripts with
 * {@code data.new(size)} and by other modules around packet memory ({@link #newData}).
 *
 * <p>Integers are read and written in host byte order; setters truncate to the field width as
 * a C cast does. An access is valid iff {@code off >= 0 and len > 0 and off + len <= size};
 * otherwise it raises {@code bad argument #2 to '?' (out of bounds)}. Writes to a read-only
 * buffer raise {@code bad argument #1 to '?' (read only)}, bounds being checked first. The
 * class is monitored: every method runs under the object's lock.
 *
 * <p>Java modules that hand packet memory to scripts make a {@link Buffer} over it, wrap it with
 * {@link #newData} (or {@link #newObject} and {@link #push}), and detach it with
 * {@link #clear(LunatikObject)} once the memory is no longer theirs to lend: a detached buffer
 * has size 0, so every later access is out of bounds.
 */
public final class DataLib {
    private DataLib() {
    }

    /** Host byte order (the spec's "host order": little-endian on x86 and arm64). */
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * Memory of a {@code data} object: a window on a byte array or a {@link ByteBuffer}. Not
     * thread-safe by itself: scripts use it under the object's lock, and Java code that may run
     * while a script uses the object should take that lock too (as {@link DataLib#reset} does).
     */
    public static final class Buffer {
        /** No option (LUADATA_OPT_NONE). */
        public static final int OPT_NONE = 0x00;
        /** Scripts may read but not write (LUADATA_OPT_READONLY). */
        public static final int OPT_READONLY = 0x01;
        /** The memory belongs to the buffer: {@code data.new}'s (LUADATA_OPT_FREE). */
        public static final int OPT_FREE = 0x02;
        /** On {@link #reset}: keep the previous options (LUADATA_OPT_KEEP). */
        public static final int OPT_KEEP = 0x80;

        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).order(ORDER);

        private ByteBuffer mem;
        private int opt;
        /** Whether a script wrote to the memory since it was last set (a hook's packet was rewritten). */
        private boolean written;

        /** A buffer of {@code size} zero bytes that owns its memory (what {@code data.new} makes). */
        public Buffer(int size) {
            this.mem = ByteBuffer.allocate(size).order(ORDER);
            this.opt = OPT_FREE;
        }

        /** A buffer over {@code len} bytes of {@code array} from {@code off} (not copied). */
        public Buffer(byte[] array, int off, int len, int opt) {
            set(ByteBuffer.wrap(array, off, len), opt);
        }

        /**
         * A buffer over the remaining bytes of {@code b} (position to limit, not copied). A
         * read-only {@link ByteBuffer} makes a read-only buffer whatever {@code opt} says.
         */
        public Buffer(ByteBuffer b, int opt) {
            set(b, opt);
        }

        /** An empty, detached buffer with options {@code opt} (to be {@link #reset} later). */
        public static Buffer detached(int opt) {
            return new Buffer(EMPTY, opt);
        }

        /** Whether a script wrote to the buffer since its memory was last set. */
        public boolean isWritten() {
            return written;
        }

        private void set(ByteBuffer b, int opt) {
            this.written = false;
            this.mem = b == null ? EMPTY : b.slice().order(ORDER);
            this.opt = b != null && b.isReadOnly() ? opt | OPT_READONLY : opt;
        }

        /** Size in bytes (0 once detached). */
        public int size() {
            return mem.capacity();
        }

        /** The options ({@code OPT_*} bits). */
        public int options() {
            return opt;
        }

        public boolean isReadOnly() {
            return (opt & OPT_READONLY) != 0;
        }

        /**
         * The memory, in host byte order, position 0 and limit {@link #size()}: a view that
         * shares the buffer's bytes (writing through it is seen by scripts).
         */
        public ByteBuffer memory() {
            return mem.duplicate().order(ORDER);
        }

        /** A copy of the contents. */
        public byte[] toByteArray() {
            byte[] b = new byte[mem.capacity()];
            mem.get(0, b);
            return b;
        }

        /**
         * Points the buffer at other memory (luadata_reset): {@code b}'s remaining bytes, or
         * nothing when {@code b} is null. With {@link #OPT_KEEP} in {@code opt}, the options stay
         * as they were. Refused (returns -1, nothing changed) for a buffer that owns its memory;
         * 0 otherwise. The caller holds the object's lock ({@link DataLib#reset} takes it).
         */
        public int reset(ByteBuffer b, int opt) {
            if ((this.opt & OPT_FREE) != 0) {
                return -1;
            }
            set(b, (opt & OPT_KEEP) != 0 ? this.opt : opt);
            return 0;
        }

        /** {@link #reset(ByteBuffer, int)} over {@code len} bytes of {@code array} from {@code off}. */
        public int reset(byte[] array, int off, int len, int opt) {
            return reset(ByteBuffer.wrap(array, off, len), opt);
        }

        /**
         * Detaches the memory (luadata_clear): size 0, options kept. Returns -1 (nothing done)
         * for a buffer that owns its memory.
         */
        public int clear() {
            return reset((ByteBuffer) null, OPT_KEEP);
        }

        /** Frees an owned buffer's memory when its object is released. */
        void release() {
            mem = EMPTY;
        }
    }

    /** The class: monitored, usable in any runtime. */
    public static final ObjectClass CLASS = classBuilder().build();

    private static ObjectClass.Builder classBuilder() {
        ObjectClass.Builder b = ObjectClass.builder("data").monitored()
                .release(p -> ((Buffer) p).release())
                .setup((L, mt) -> {
                    mt.put(Meta.LEN, new LibFunction(L, "__len", "__len", a -> locked(a, d -> (long) d.size())));
                    mt.put(Meta.TOSTRING, new LibFunction(L, "__tostring", "__tostring",
                            a -> locked(a, d -> LuaString.wrap(d.toByteArray()))));
                });
        getter(b, "int8", 1, (m, o) -> m.get(o));
        getter(b, "uint8", 1, (m, o) -> m.get(o) & 0xffL);
        getter(b, "byte", 1, (m, o) -> m.get(o) & 0xffL);
        getter(b, "int16", 2, (m, o) -> m.getShort(o));
        getter(b, "uint16", 2, (m, o) -> m.getShort(o) & 0xffffL);
        getter(b, "int32", 4, (m, o) -> m.getInt(o));
        getter(b, "uint32", 4, (m, o) -> m.getInt(o) & 0xffffffffL);
        getter(b, "int64", 8, (m, o) -> m.getLong(o));
        getter(b, "number", 8, (m, o) -> m.getLong(o));
        setter(b, "int8", 1, (m, o, v) -> m.put(o, (byte) v));
        setter(b, "uint8", 1, (m, o, v) -> m.put(o, (byte) v));
        setter(b, "byte", 1, (m, o, v) -> m.put(o, (byte) v));
        setter(b, "int16", 2, (m, o, v) -> m.putShort(o, (short) v));
        setter(b, "uint16", 2, (m, o, v) -> m.putShort(o, (short) v));
        setter(b, "int32", 4, (m, o, v) -> m.putInt(o, (int) v));
        setter(b, "uint32", 4, (m, o, v) -> m.putInt(o, (int) v));
        setter(b, "int64", 8, (m, o, v) -> m.putLong(o, v));
        setter(b, "number", 8, (m, o, v) -> m.putLong(o, v));
        b.method("getstring", DataLib::getstring);
        b.method("setstring", DataLib::setstring);
        return b;
    }

    @FunctionalInterface
    private interface Reader {
        long read(ByteBuffer m, int off);
    }

    @FunctionalInterface
    private interface Writer {
        void write(ByteBuffer m, int off, long v);
    }

    private static void getter(ObjectClass.Builder b, String type, int width, Reader r) {
        b.method("get" + type, (self, a) -> {
            Buffer d = self.payload(Buffer.class);
            int off = checkBounds(a, d, a.checkInteger(2), width);
            return r.read(d.mem, off);
        });
    }

    private static void setter(ObjectClass.Builder b, String type, int width, Writer w) {
        b.method("set" + type, (self, a) -> {
            Buffer d = self.payload(Buffer.class);
            int off = checkBounds(a, d, a.checkInteger(2), width);
            checkWritable(a, d);
            w.write(d.mem, off, a.checkInteger(3));
            d.written = true;
            return Varargs.NONE;
        });
    }

    private static Object getstring(LunatikObject self, Args a) {
        Buffer d = self.payload(Buffer.class);
        long off = a.checkInteger(2);
        long len = a.optInteger(3, d.size() - off);
        int o = checkBounds(a, d, off, len);
        byte[] s = new byte[(int) len];
        d.mem.get(o, s);
        return LuaString.wrap(s);
    }

    private static Object setstring(LunatikObject self, Args a) {
        Buffer d = self.payload(Buffer.class);
        long off = a.checkInteger(2);
        LuaString s = a.checkString(3);
        int o = checkBounds(a, d, off, s.length());
        checkWritable(a, d);
        d.mem.put(o, s.bytes());
        d.written = true;
        return Varargs.NONE;
    }

    /** The bounds rule of luadata: {@code off >= 0 and len > 0 and off + len <= size}. */
    private static int checkBounds(Args a, Buffer d, long off, long len) {
        if (off < 0 || len <= 0 || off > d.size() - len) {
            throw a.argError(2, "out of bounds");
        }
        return (int) off;
    }

    private static void checkWritable(Args a, Buffer d) {
        if (d.isReadOnly()) {
            throw a.argError(1, "read only");
        }
    }

    // ---------------------------------------------------------------- module

    /** {@code require("data")}: the module table, {@code {new = ...}}. */
    /*lua @module data
     * Raw memory buffers, made by scripts with `data.new(size)` and by other modules around packet
     * memory (a netfilter hook's packet, an xtable or xdp callback's). Integers are read and written
     * in host byte order (little-endian on x86-64); setters truncate to the field width as a C cast
     * does. An access at `offset` of `length` bytes is valid iff `offset >= 0`, `length > 0` and
     * `offset + length <= #d`, else it raises "bad argument #2 to '?' (out of bounds)"; writes to a
     * read-only buffer raise "bad argument #1 to '?' (read only)" (bounds checked first). A data
     * object is monitored: every method runs under its lock. `#d` is its size (0 once its memory
     * was taken back by the module that lent it) and `tostring(d)` its bytes.
     */
    /*lua data.new(size)
     * A buffer of `size` zero bytes that owns its memory.
     * @param size integer: bytes
     * @return a data object
     * @raise "not enough memory" for a negative or too large size (above 2^31-9)
     */
    /*lua data:getint8(offset)
     * Reads the signed 8-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setint8(offset, value)
     * Writes the low 8 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getuint8(offset)
     * Reads the unsigned 8-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setuint8(offset, value)
     * Writes the low 8 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getbyte(offset)
     * Reads the unsigned 8-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setbyte(offset, value)
     * Writes the low 8 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getint16(offset)
     * Reads the signed 16-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setint16(offset, value)
     * Writes the low 16 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getuint16(offset)
     * Reads the unsigned 16-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setuint16(offset, value)
     * Writes the low 16 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getint32(offset)
     * Reads the signed 32-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setint32(offset, value)
     * Writes the low 32 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getuint32(offset)
     * Reads the unsigned 32-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setuint32(offset, value)
     * Writes the low 32 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getint64(offset)
     * Reads the signed 64-bit integer at `offset`.
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setint64(offset, value)
     * Writes the low 64 bits of `value` at `offset`.
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getnumber(offset)
     * Reads the signed 64-bit integer at `offset` (the same as `getint64`: the KERNEL dialect's numbers are integers).
     * @param offset integer: byte offset from 0
     * @return integer
     * @raise "bad argument #2 to '?' (out of bounds)"
     */
    /*lua data:setnumber(offset, value)
     * Writes the low 64 bits of `value` at `offset` (the same as `setint64`).
     * @param offset integer: byte offset from 0
     * @param value integer
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    /*lua data:getstring(offset [, length])
     * Reads bytes.
     * @param offset integer: byte offset from 0
     * @param length integer: how many; up to the end when absent
     * @return string
     * @raise "bad argument #2 to '?' (out of bounds)", also for an empty range
     */
    /*lua data:setstring(offset, s)
     * Writes the bytes of `s` at `offset`.
     * @param offset integer: byte offset from 0
     * @param s string: at least one byte
     * @raise "bad argument #2 to '?' (out of bounds)"; "bad argument #1 to '?' (read only)"
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        metatable(L);
        LuaTable t = new LuaTable();
        LibFunction.register(L, t, "data", "new", a -> {
            long size = a.checkInteger(1);
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                throw new LuaError(Ops.str("not enough memory"));
            }
            Buffer b;
            try {
                b = new Buffer((int) size);
            } catch (OutOfMemoryError e) {
                throw new LuaError(Ops.str("not enough memory"));
            }
            return newData(a.state(), b);
        });
        return t;
    }

    /**
     * The state's metatable of {@code data}, with the metamethods the class builder does not
     * declare ({@code __len}, {@code __tostring}) added on first use.
     */
    static LuaTable metatable(LuaState L) {
        return Objects.metatable(L, CLASS); // the class's setup adds __len and __tostring
    }

    private static Object locked(Args a, java.util.function.Function<Buffer, Object> f) {
        LunatikObject o = Objects.toObject(a.get(1));
        if (o == null || o.objectClass() != CLASS) {
            throw a.typeError(1, CLASS.name);
        }
        o.lock().lock();
        try {
            Buffer d = o.payload(Buffer.class);
            if (d == null) {
                throw a.argError(1, Objects.NULLPTR);
            }
            return f.apply(d);
        } finally {
            o.lock().unlock();
        }
    }

    // ---------------------------------------------------------------- Java API

    /** A new {@code data} object over {@code b}, as a Lua value of {@code L} owning its only reference. */
    public static LuaUserdata newData(LuaState L, Buffer b) {
        LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, b, Lunatik.isSleepable(L)));
        metatable(L);
        return u;
    }

    /**
     * A new {@code data} object held by Java only (luadata_new): one reference, the caller's.
     * Hand it to a state with {@link #push}; drop it with {@link #close(LunatikObject)}.
     */
    public static LunatikObject newObject(Buffer b, boolean sleep) {
        return new LunatikObject(CLASS, b, sleep);
    }

    /** A wrapper of {@code o} for {@code L}, holding a reference of its own (lunatik_pushobject). */
    public static LuaUserdata push(LuaState L, LunatikObject o) {
        LuaUserdata u = Objects.share(L, o);
        metatable(L);
        return u;
    }

    /** Argument {@code n} must be an open {@code data} object; returns its buffer. */
    public static Buffer check(Args a, int n) {
        return Objects.checkPayload(a, n, CLASS, Buffer.class);
    }

    /** The buffer of a {@code data} object, or null when {@code o} is not one or is closed. */
    public static Buffer buffer(LunatikObject o) {
        return o != null && o.objectClass() == CLASS ? o.payload(Buffer.class) : null;
    }

    /**
     * luadata_reset: points the object's buffer at {@code b} (null: nothing) under the object's
     * lock. Returns -1 when the buffer owns its memory or the object is closed, else 0.
     */
    public static int reset(LunatikObject o, ByteBuffer b, int opt) {
        o.lock().lock();
        try {
            Buffer d = buffer(o);
            return d == null ? -1 : d.reset(b, opt);
        } finally {
            o.lock().unlock();
        }
    }

    /** luadata_clear: detaches the object's memory (size 0, options kept) under its lock. */
    public static int clear(LunatikObject o) {
        return reset(o, null, Buffer.OPT_KEEP);
    }

    /** luadata_close: clears the object and drops the caller's reference. */
    public static void close(LunatikObject o) {
        clear(o);
        o.put();
    }
}
