package lunatik.runtime.lib;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;

/**
 * The {@code linux} module (spec §8.7): random numbers, time, sleeping, signals, byte order and
 * the kernel's constant tables, realized in userspace.
 *
 * <ul>
 *   <li>{@code random} draws from a per-thread {@link SecureRandom} (the kernel's
 *       {@code get_random_*} is a CSPRNG too); ranges are uniform over the whole interval (the
 *       kernel reduces a 32-bit draw modulo the range, biased and capped at 2^32 values).</li>
 *   <li>{@code time} is nanoseconds since the Unix epoch, read from the monotonic clock anchored
 *       to the wall clock once, so it never goes backwards.</li>
 *   <li>{@code schedule} sleeps the calling thread; an interrupt of the thread wakes it as
 *       {@code wake_up_process} does, and is consumed. Non-sleepable runtimes may not sleep.</li>
 *   <li>{@code kill} is {@code kill(2)} through the FFM linker.</li>
 *   <li>{@code tracing} reads and writes tracefs' {@code tracing_on} when tracefs is mounted.</li>
 *   <li>{@code ifindex} asks the JDK for the interface's index.</li>
 *   <li>{@code lookup} reads {@code /proc/kallsyms}: the symbol's address as an address value
 *       (the one {@code syscall.address} gives for a system call entry point, which
 *       {@code probe.new} takes), whose {@code tostring} shows the address (zeros unless the
 *       daemon may see kernel addresses: root, kptr_restrict below 2); an unknown symbol gives a
 *       null address, which is truthy as in Lunatik.</li>
 *   <li>The 64-bit byte-order functions swap all 64 bits (v3.7 first truncates the input to
 *       32 bits; a fix).</li>
 * </ul>
 */
public final class LinuxLib {
    private LinuxLib() {
    }

    /** MAX_SCHEDULE_TIMEOUT: sleep until woken. */
    static final long FOREVER = Long.MAX_VALUE;

    /** What {@code schedule} reports left of an endless sleep (jiffies_to_msecs saturates). */
    static final long FOREVER_MS = 0xFFFFFFFFL;

    /** Task states accepted by {@code schedule} (values of current kernels). */
    public static final long TASK_INTERRUPTIBLE = 1;
    public static final long TASK_UNINTERRUPTIBLE = 2;
    public static final long TASK_KILLABLE = 0x102;
    public static final long TASK_IDLE = 0x402;

    /** Linux errno numbers by name without the leading E, in lualinux.c's order. */
    public static final Map<String, Integer> ERRNO = table(
        "PERM", 1, "NOENT", 2, "SRCH", 3, "INTR", 4, "IO", 5, "NXIO", 6, "2BIG", 7, "NOEXEC", 8,
        "BADF", 9, "CHILD", 10, "AGAIN", 11, "NOMEM", 12, "ACCES", 13, "FAULT", 14, "NOTBLK", 15,
        "BUSY", 16, "EXIST", 17, "XDEV", 18, "NODEV", 19, "NOTDIR", 20, "ISDIR", 21, "INVAL", 22,
        "NFILE", 23, "MFILE", 24, "NOTTY", 25, "TXTBSY", 26, "FBIG", 27, "NOSPC", 28, "SPIPE", 29,
        "ROFS", 30, "MLINK", 31, "PIPE", 32, "DOM", 33, "RANGE", 34, "DEADLK", 35,
        "NAMETOOLONG", 36, "NOLCK", 37, "NOSYS", 38, "NOTEMPTY", 39, "LOOP", 40, "WOULDBLOCK", 11,
        "NOMSG", 42, "IDRM", 43, "CHRNG", 44, "L2NSYNC", 45, "L3HLT", 46, "L3RST", 47, "LNRNG", 48,
        "UNATCH", 49, "NOCSI", 50, "L2HLT", 51, "BADE", 52, "BADR", 53, "XFULL", 54, "NOANO", 55,
        "BADRQC", 56, "BADSLT", 57, "DEADLOCK", 35, "BFONT", 59, "NOSTR", 60, "NODATA", 61,
        "TIME", 62, "NOSR", 63, "NONET", 64, "NOPKG", 65, "REMOTE", 66, "NOLINK", 67, "ADV", 68,
        "SRMNT", 69, "COMM", 70, "PROTO", 71, "MULTIHOP", 72, "DOTDOT", 73, "BADMSG", 74,
        "OVERFLOW", 75, "NOTUNIQ", 76, "BADFD", 77, "REMCHG", 78, "LIBACC", 79, "LIBBAD", 80,
        "LIBSCN", 81, "LIBMAX", 82, "LIBEXEC", 83, "ILSEQ", 84, "RESTART", 85, "STRPIPE", 86,
        "USERS", 87, "NOTSOCK", 88, "DESTADDRREQ", 89, "MSGSIZE", 90, "PROTOTYPE", 91,
        "NOPROTOOPT", 92, "PROTONOSUPPORT", 93, "SOCKTNOSUPPORT", 94, "OPNOTSUPP", 95,
        "PFNOSUPPORT", 96, "AFNOSUPPORT", 97, "ADDRINUSE", 98, "ADDRNOTAVAIL", 99, "NETDOWN", 100,
        "NETUNREACH", 101, "NETRESET", 102, "CONNABORTED", 103, "CONNRESET", 104, "NOBUFS", 105,
        "ISCONN", 106, "NOTCONN", 107, "SHUTDOWN", 108, "TOOMANYREFS", 109, "TIMEDOUT", 110,
        "CONNREFUSED", 111, "HOSTDOWN", 112, "HOSTUNREACH", 113, "ALREADY", 114, "INPROGRESS", 115,
        "STALE", 116, "UCLEAN", 117, "NOTNAM", 118, "NAVAIL", 119, "ISNAM", 120, "REMOTEIO", 121,
        "DQUOT", 122, "NOMEDIUM", 123, "MEDIUMTYPE", 124, "CANCELED", 125, "NOKEY", 126,
        "KEYEXPIRED", 127, "KEYREVOKED", 128, "KEYREJECTED", 129, "OWNERDEAD", 130,
        "NOTRECOVERABLE", 131, "RFKILL", 132, "HWPOISON", 133);

    /** {@code linux.stat}: file mode bits. */
    public static final Map<String, Integer> STAT = table(
        "IRWXU", 0700, "IRUSR", 0400, "IWUSR", 0200, "IXUSR", 0100,
        "IRWXG", 0070, "IRGRP", 0040, "IWGRP", 0020, "IXGRP", 0010,
        "IRWXO", 0007, "IROTH", 0004, "IWOTH", 0002, "IXOTH", 0001,
        "IRWXUGO", 0777, "IALLUGO", 07777, "IRUGO", 0444, "IWUGO", 0222, "IXUGO", 0111);

    /** {@code linux.task}: task states for {@code schedule}. */
    public static final Map<String, Integer> TASK = table(
        "INTERRUPTIBLE", (int) TASK_INTERRUPTIBLE, "UNINTERRUPTIBLE", (int) TASK_UNINTERRUPTIBLE,
        "KILLABLE", (int) TASK_KILLABLE, "IDLE", (int) TASK_IDLE);

    /** {@code linux.signal}: signal numbers (x86-64). */
    public static final Map<String, Integer> SIGNAL = table(
        "HUP", 1, "INT", 2, "QUIT", 3, "ILL", 4, "TRAP", 5, "ABRT", 6, "BUS", 7, "FPE", 8,
        "KILL", 9, "USR1", 10, "SEGV", 11, "USR2", 12, "PIPE", 13, "ALRM", 14, "TERM", 15,
        "STKFLT", 16, "CHLD", 17, "CONT", 18, "STOP", 19, "TSTP", 20, "TTIN", 21, "TTOU", 22,
        "URG", 23, "XCPU", 24, "XFSZ", 25, "VTALRM", 26, "PROF", 27, "WINCH", 28, "IO", 29,
        "PWR", 30, "SYS", 31);

    private static final int SIGKILL = 9;
    private static final int ESRCH = 3;

    /** Where tracefs may be mounted. */
    private static final Path[] TRACEFS = {Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing")};

    /** Wall-clock nanoseconds at {@link #NANO_ANCHOR}. */
    private static final long EPOCH_ANCHOR;
    private static final long NANO_ANCHOR;

    static {
        java.time.Instant now = java.time.Instant.now();
        NANO_ANCHOR = System.nanoTime();
        EPOCH_ANCHOR = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static final ThreadLocal<Batch> RANDOM = ThreadLocal.withInitial(Batch::new);

    /**
     * Random numbers as the kernel's get_random_u64 makes them: a batch of output from a
     * CSPRNG (here an in-process DRBG, NIST SP 800-90A, seeded by the system) handed out a
     * word at a time, each word wiped once used, so a number costs neither a system call nor a
     * hash of its own.
     */
    private static final class Batch {
        private final SecureRandom source = newRandom();
        private final byte[] bytes = new byte[512];
        private int next = bytes.length;

        long nextLong() {
            if (next == bytes.length) {
                source.nextBytes(bytes);
                next = 0;
            }
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[next] & 0xff);
                bytes[next++] = 0;
            }
            return v;
        }

        /** Uniform in [0, bound) for bound > 0: masked rejection, no modulo bias. */
        long nextLong(long bound) {
            long max = bound - 1;
            long mask = -1L >>> Long.numberOfLeadingZeros(max | 1);
            long u;
            do {
                u = nextLong() & mask;
            } while (u > max);
            return u;
        }

        private static SecureRandom newRandom() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }

    /** {@code require("linux")}. */
    /*lua @module linux
     * Random numbers, time, sleeping, signals, byte order and the kernel's constant tables,
     * realized in userspace.
     * @differs `lookup` gives an address value (what `probe.new` takes), not a light userdata;
     * the 64-bit byte-order functions swap all 64 bits (v3.7 truncates the input to 32 bits first); random
     * ranges are uniform (the kernel reduces a 32-bit draw modulo the range).
     */
    /*lua linux.random([m [, n]])
     * A random integer from a CSPRNG (the JDK's DRBG, handed out a batch at a time): with no
     * argument any 64-bit integer; with `n` alone in [1, n]; with both in [m, n], uniformly.
     * @param m integer: lower bound (or the upper bound when alone)
     * @param n integer: upper bound
     * @return integer
     * @raise "bad argument #1 to 'random' (interval is empty)" when m > n; "interval too large"
     *   when the range spans more than 2^63 values; "wrong number of arguments" for more than two
     */
    /*lua linux.schedule([ms [, state]])
     * Sleeps the calling thread for `ms` milliseconds (forever when absent or negative). An
     * interrupt of the thread (its thread stopped) wakes it early. Begins a new slice of the
     * instruction budget.
     * @param ms integer: milliseconds
     * @param state integer: a `linux.task` state (INTERRUPTIBLE when absent); all four sleep alike here
     * @return integer: the milliseconds left when woken early, else 0
     * @raise "cannot use non-sleepable runtime in this context"; "bad argument #2 to 'schedule'
     *   (invalid task state)"; the runtime's stop interrupts the sleep with an error
     */
    /*lua linux.kill(pid [, signal])
     * Sends a signal to a process, kill(2).
     * @param pid integer: process id (> 0; process groups cannot be named)
     * @param signal integer: a `linux.signal` number, SIGKILL when absent
     * @return `true`; or `false` and an error number: ESRCH (3) for no such process or a pid <= 0,
     *   else the negated errno (-1 for EPERM, -22 for EINVAL)
     * @raise "'kill' is not available in userspace" when the JVM denies native access
     */
    /*lua linux.tracing([on])
     * Reads, and with `on` first sets, the kernel's tracing switch (tracefs' `tracing_on`).
     * @param on boolean: switch tracing on or off
     * @return boolean: whether tracing is on
     * @raise "'tracing' is not available in userspace" when tracefs is not mounted; the integer
     *   `linux.errno.ACCES` or `linux.errno.IO` when the file cannot be read or written
     */
    /*lua linux.time()
     * Nanoseconds since the Unix epoch, from the monotonic clock anchored once to the wall clock
     * (it never goes backwards).
     * @return integer
     */
    /*lua linux.difftime(t1, t0)
     * `t1 - t0`.
     * @param t1 integer: a `linux.time()`
     * @param t0 integer: an earlier `linux.time()`
     * @return integer: nanoseconds
     */
    /*lua linux.lookup(symbol)
     * The address of a kernel symbol, from /proc/kallsyms: an address value (a userdata; the one
     * `syscall.address` gives for a system call entry point), which `probe.new` takes and whose
     * `tostring` shows the address ("userdata: 0xffffffff81...", zeros unless the daemon may see
     * kernel addresses). An unknown symbol gives the null address ("userdata: (nil)"), which is
     * truthy, as in Lunatik.
     * @param symbol string: the symbol's name
     * @return address
     * @raise "bad argument #1 to 'lookup' (string expected, got <type>)"; "lookup: cannot read
     *   /proc/kallsyms (<reason>)"
     * @differs Lunatik returns a light userdata holding the address.
     */
    /*lua linux.ifindex(name)
     * The index of a network interface (in the daemon's network namespace).
     * @param name string: interface name
     * @return integer
     * @raise "bad argument #1 to 'ifindex' (device not found)"
     */
    /*lua linux.ntoh16(x)
     * Converts the low 16 bits of `x` from network (big-endian) to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.hton16(x)
     * Converts the low 16 bits of `x` from host to network (big-endian) order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.htobe16(x)
     * Converts the low 16 bits of `x` from host to big-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.be16toh(x)
     * Converts the low 16 bits of `x` from big-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.htole16(x)
     * Converts the low 16 bits of `x` from host to little-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.le16toh(x)
     * Converts the low 16 bits of `x` from little-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 16 bits
     */
    /*lua linux.ntoh32(x)
     * Converts the low 32 bits of `x` from network (big-endian) to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.hton32(x)
     * Converts the low 32 bits of `x` from host to network (big-endian) order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.htobe32(x)
     * Converts the low 32 bits of `x` from host to big-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.be32toh(x)
     * Converts the low 32 bits of `x` from big-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.htole32(x)
     * Converts the low 32 bits of `x` from host to little-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.le32toh(x)
     * Converts the low 32 bits of `x` from little-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: unsigned, 32 bits
     */
    /*lua linux.ntoh64(x)
     * Converts the low 64 bits of `x` from network (big-endian) to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.hton64(x)
     * Converts the low 64 bits of `x` from host to network (big-endian) order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.htobe64(x)
     * Converts the low 64 bits of `x` from host to big-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.be64toh(x)
     * Converts the low 64 bits of `x` from big-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.htole64(x)
     * Converts the low 64 bits of `x` from host to little-endian order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.le64toh(x)
     * Converts the low 64 bits of `x` from little-endian to host order (x86-64 is little-endian).
     * @param x integer
     * @return integer: the result's 64 bits (a swap of all 64 bits where one is made)
     */
    /*lua linux.stat
     * File mode bits (for `device.new`'s `mode`).
     */
    /*lua linux.task
     * Task states for `linux.schedule`.
     */
    /*lua linux.signal
     * Signal numbers (x86-64), for `linux.kill`.
     */
    /*lua linux.errno
     * Linux error numbers by name without the leading E (modules raise and return these integers).
     */
    public static Object open(LuaState L) {
        LuaTable lib = new LuaTable();
        fn(L, lib, "random", LinuxLib::random);
        fn(L, lib, "schedule", LinuxLib::schedule);
        fn(L, lib, "kill", LinuxLib::kill);
        fn(L, lib, "tracing", a -> tracing(a, TRACEFS));
        fn(L, lib, "time", a -> time());
        fn(L, lib, "difftime", a -> a.checkInteger(1) - a.checkInteger(2));
        fn(L, lib, "lookup", a -> {
            String symbol = a.checkString(1).toString();
            Long address;
            try {
                address = SyscallLib.kallsyms(symbol);
            } catch (java.io.IOException e) {
                throw a.error("lookup: cannot read /proc/kallsyms (" + e.getMessage() + ")");
            }
            return SyscallLib.address(a.state(), address == null ? null : symbol, address == null ? 0 : address);
        });
        fn(L, lib, "ifindex", LinuxLib::ifindex);
        for (String p : new String[] {"ntoh", "hton", "htobe", "be"}) {
            boolean suffix = p.equals("be");
            byteOrder(L, lib, suffix ? "be16toh" : p + "16", v -> Short.toUnsignedLong(Short.reverseBytes((short) v)));
            byteOrder(L, lib, suffix ? "be32toh" : p + "32", v -> Integer.toUnsignedLong(Integer.reverseBytes((int) v)));
            byteOrder(L, lib, suffix ? "be64toh" : p + "64", Long::reverseBytes);
        }
        for (String name : new String[] {"htole", "le"}) {
            boolean suffix = name.equals("le");
            byteOrder(L, lib, suffix ? "le16toh" : "htole16", v -> v & 0xFFFF);
            byteOrder(L, lib, suffix ? "le32toh" : "htole32", v -> v & 0xFFFFFFFFL);
            byteOrder(L, lib, suffix ? "le64toh" : "htole64", v -> v);
        }
        constants(L, lib, "stat", STAT);
        constants(L, lib, "task", TASK);
        constants(L, lib, "signal", SIGNAL);
        constants(L, lib, "errno", ERRNO);
        return lib;
    }

    /** Nanoseconds since the Unix epoch (monotonic). */
    public static long time() {
        return EPOCH_ANCHOR + (System.nanoTime() - NANO_ANCHOR);
    }

    // ---------------------------------------------------------------- functions

    /** {@code random()}, {@code random(n)}, {@code random(m, n)}. */
    private static Object random(Args a) {
        long low;
        long up;
        switch (a.count()) {
            case 0:
                return RANDOM.get().nextLong();
            case 1:
                low = 1;
                up = a.checkInteger(1);
                break;
            case 2:
                low = a.checkInteger(1);
                up = a.checkInteger(2);
                break;
            default:
                throw a.error("wrong number of arguments");
        }
        if (low > up) {
            throw a.argError(1, "interval is empty");
        }
        long span = up - low;  // as unsigned
        if (Long.compareUnsigned(span, Long.MAX_VALUE) > 0) {
            throw a.argError(1, "interval too large");
        }
        Batch r = RANDOM.get();
        long off = span == Long.MAX_VALUE ? r.nextLong() & Long.MAX_VALUE : r.nextLong(span + 1);
        return low + off;
    }

    /** {@code schedule([ms [, state]])}: sleeps; returns the milliseconds left. */
    private static Object schedule(Args a) {
        if (!Lunatik.isSleepable(a.state())) {
            throw a.error("cannot use non-sleepable runtime in this context");
        }
        long ms = a.optInteger(1, FOREVER);
        long state = a.optInteger(2, TASK_INTERRUPTIBLE);
        if (state != TASK_INTERRUPTIBLE && state != TASK_UNINTERRUPTIBLE && state != TASK_KILLABLE
                && state != TASK_IDLE) {
            throw a.argError(2, "invalid task state");
        }
        if (ms < 0) {
            ms = FOREVER;  // msecs_to_jiffies of a negative count is MAX_JIFFY_OFFSET
        }
        // a runtime being stopped (or an entry past its time limit) does not go to sleep, and
        // one woken for that reason does not go on
        a.state().checkInterrupt();
        long left = sleep(ms);
        a.state().checkInterrupt();
        a.state().refillBudget();
        return left;
    }

    /** Sleeps up to {@code ms} (or forever); an interrupt wakes the sleeper early. */
    static long sleep(long ms) {
        if (ms == 0) {
            return 0L;
        }
        long start = System.nanoTime();
        try {
            if (ms == FOREVER) {
                while (true) {
                    Thread.sleep(Long.MAX_VALUE / 2);
                }
            }
            TimeUnit.MILLISECONDS.sleep(ms);
            return 0L;
        } catch (InterruptedException e) {
            if (ms == FOREVER) {
                return FOREVER_MS;
            }
            long left = ms - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return Math.max(left, 0L);
        }
    }

    /** {@code kill(pid [, sig])}: true, or false and an error number (kernel signs kept). */
    private static Object kill(Args a) {
        long pid = a.checkInteger(1);
        long sig = a.optInteger(2, SIGKILL);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            // find_get_pid finds no such task; never let kill(2) see 0 or -1 (process groups)
            return Varargs.of(Boolean.FALSE, (long) ESRCH);
        }
        if (sig < 0 || sig > Integer.MAX_VALUE) {
            return Varargs.of(Boolean.FALSE, -22L);
        }
        int err;
        try {
            err = Native.kill((int) pid, (int) sig);
        } catch (IllegalCallerException | LinkageError e) {
            // native access denied to this JVM (--enable-native-access not given and denied)
            throw unavailable(a, "kill");
        }
        if (err == 0) {
            return Boolean.TRUE;
        }
        return Varargs.of(Boolean.FALSE, err == ESRCH ? (long) ESRCH : (long) -err);
    }

    /** {@code tracing([on])} on tracefs' {@code tracing_on}. */
    static Object tracing(Args a, Path[] roots) {
        Path file = null;
        for (Path root : roots) {
            Path f = root.resolve("tracing_on");
            if (Files.exists(f)) {
                file = f;
                break;
            }
        }
        if (file == null) {
            throw unavailable(a, "tracing");
        }
        try {
            if (!a.isNone(1)) {
                Files.writeString(file, a.toBoolean(1) ? "1\n" : "0\n", StandardCharsets.US_ASCII);
            }
            return Files.readString(file, StandardCharsets.US_ASCII).trim().equals("1");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new LuaError((long) ERRNO.get("ACCES"));
        } catch (IOException e) {
            throw new LuaError((long) ERRNO.get("IO"));
        }
    }

    /** {@code ifindex(name)}. */
    private static Object ifindex(Args a) {
        String name = a.checkString(1).toString();
        NetworkInterface nif = null;
        try {
            nif = name.isEmpty() || name.indexOf('\0') >= 0 ? null : NetworkInterface.getByName(name);
        } catch (SocketException e) {
            nif = null;
        }
        if (nif == null || nif.getIndex() <= 0) {
            throw a.argError(1, "device not found");
        }
        return (long) nif.getIndex();
    }

    // ---------------------------------------------------------------- helpers

    private static LuaError unavailable(Args a, String name) {
        return a.error("'" + name + "' is not available in userspace");
    }

    private static void fn(LuaState L, LuaTable lib, String name, LibFunction.Body body) {
        LibFunction.register(L, lib, "linux", name, body);
    }

    private static void byteOrder(LuaState L, LuaTable lib, String name, LongUnaryOperator op) {
        fn(L, lib, name, a -> op.applyAsLong(a.checkInteger(1)));
    }

    private static void constants(LuaState L, LuaTable lib, String name, Map<String, Integer> values) {
        LuaTable t = new LuaTable(0, values.size());
        for (Map.Entry<String, Integer> e : values.entrySet()) {
            t.put(Ops.str(e.getKey()), (long) e.getValue());
        }
        lib.put(L.intern(Ops.str(name)), t);
    }

    private static Map<String, Integer> table(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** libc through the FFM linker, bound on first use. */
    private static final class Native {
        private static final StructLayout STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO_VH =
                STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle KILL = bind();

        @SuppressWarnings("restricted")
        private static MethodHandle bind() {
            Linker linker = Linker.nativeLinker();
            MemorySegment kill = linker.defaultLookup().find("kill").orElseThrow();
            return linker.downcallHandle(kill,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        }

        /** kill(2): 0, or the errno. */
        static int kill(int pid, int sig) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(STATE);
                int r = (int) KILL.invokeExact(state, pid, sig);
                return r == 0 ? 0 : (int) ERRNO_VH.get(state, 0L);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
