package lunatik.runtime.lib;

import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * The {@code fifo} module (spec §8.6, lib/luafifo.c): a byte FIFO with the kfifo rules. The
 * capacity is the requested size rounded up to a power of two; {@code push} writes all of its
 * string or nothing ({@code bad argument #2 to '?' (not enough space)}); {@code pop(n)} takes up
 * to {@code n} bytes and returns them with their count. The class is monitored, so one fifo can
 * be shared by runtimes on different threads: a producer in one, a consumer in another.
 */
public final class FifoLib {
    private FifoLib() {
    }

    /** kfifo's errno values, reported negated by {@code failed to allocate kfifo (<n>)}. */
    private static final int EINVAL = 22;
    private static final int ENOMEM = 12;
    /** Largest capacity (a power of two a Java array can hold). */
    static final long MAX_CAPACITY = 1L << 30;

    /** A ring of {@code mask + 1} bytes; {@code in} and {@code out} count bytes ever written and read. */
    static final class Ring {
        private byte[] buf;
        private final int mask;
        private long in;
        private long out;

        Ring(int capacity) {
            this.buf = new byte[capacity];
            this.mask = capacity - 1;
        }

        int capacity() {
            return mask + 1;
        }

        int length() {
            return (int) (in - out);
        }

        int available() {
            return capacity() - length();
        }

        void put(byte[] s) {
            int at = (int) (in & mask);
            int first = Math.min(s.length, capacity() - at);
            System.arraycopy(s, 0, buf, at, first);
            System.arraycopy(s, first, buf, 0, s.length - first);
            in += s.length;
        }

        byte[] take(int n) {
            byte[] r = new byte[Math.min(n, length())];
            int at = (int) (out & mask);
            int first = Math.min(r.length, capacity() - at);
            System.arraycopy(buf, at, r, 0, first);
            System.arraycopy(buf, 0, r, first, r.length - first);
            out += r.length;
            return r;
        }

        void free() {
            buf = new byte[0];
            in = 0;
            out = 0;
        }
    }

    /** The class: monitored, usable in any runtime; {@code close} releases the ring. */
    public static final ObjectClass CLASS = ObjectClass.builder("fifo").monitored()
            .method("push", FifoLib::push)
            .method("pop", FifoLib::pop)
            .method("close", (self, a) -> {
                self.close();
                return Varargs.NONE;
            })
            .closer("close")
            .release(p -> ((Ring) p).free())
            .build();

    private static Object push(LunatikObject self, Args a) {
        Ring r = self.payload(Ring.class);
        LuaString s = a.checkString(2);
        if (s.length() > r.available()) {
            throw a.argError(2, "not enough space");
        }
        r.put(s.bytes());
        return Varargs.NONE;
    }

    private static Object pop(LunatikObject self, Args a) {
        Ring r = self.payload(Ring.class);
        long n = a.checkInteger(2);
        if (n < 0) {
            // a C size_t this large cannot be allocated for the result
            throw new LuaError(Ops.str("not enough memory"));
        }
        byte[] b = r.take((int) Math.min(n, r.length()));
        return Varargs.of(LuaString.wrap(b), (long) b.length);
    }

    /** {@code require("fifo")}: the module table, {@code {new = ...}}. */
    /*lua @module fifo
     * A byte FIFO with the kernel's kfifo rules. A fifo is monitored, so one fifo can be shared by
     * runtimes on different threads: a producer in one, a consumer in another.
     */
    /*lua fifo.new(size)
     * Makes a fifo whose capacity is `size` rounded up to a power of two.
     * @param size integer: bytes, 2 to 2^30
     * @return a fifo object
     * @raise "failed to allocate kfifo (-22)" for a size below 2; "failed to allocate kfifo (-12)"
     *   for a negative size, one above 2^30, or when memory is short
     */
    /*lua fifo:push(s)
     * Writes all of `s`, or nothing.
     * @param s string
     * @raise "bad argument #2 to '?' (not enough space)" when `s` does not fit in the free space
     */
    /*lua fifo:pop(n)
     * Takes up to `n` bytes.
     * @param n integer: most bytes to take
     * @return the bytes (a string, empty when the fifo is) and their count
     * @raise "not enough memory" for a negative `n`
     */
    /*lua fifo:close()
     * Releases the fifo's memory; the object cannot be used afterwards. Also its `__close`.
     */
    public static Object open(LuaState L) {
        Objects.metatable(L, CLASS);
        LuaTable t = new LuaTable();
        LibFunction.register(L, t, "fifo", "new", a -> {
            long size = a.checkInteger(1);
            int capacity = capacity(size);
            if (capacity < 0) {
                throw new LuaError(Ops.str("failed to allocate kfifo (" + capacity + ")"));
            }
            Ring r;
            try {
                r = new Ring(capacity);
            } catch (OutOfMemoryError e) {
                throw new LuaError(Ops.str("failed to allocate kfifo (-" + ENOMEM + ")"));
            }
            return Objects.push(a.state(), new LunatikObject(CLASS, r, Lunatik.isSleepable(a.state())));
        });
        return t;
    }

    /** {@code size} rounded up to a power of two, or a negated errno as kfifo_alloc reports. */
    static int capacity(long size) {
        if (size < 0 || size > MAX_CAPACITY) {
            return -ENOMEM;
        }
        if (size < 2) {
            return -EINVAL; // kfifo refuses fewer than two elements
        }
        return (int) Long.highestOneBit(size - 1) << 1;
    }
}
