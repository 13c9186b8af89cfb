package lunatik.linux.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;

/**
 * A single regular file served by this process through FUSE (the raw protocol on /dev/fuse, no
 * libfuse): what a character device is for a kernel module. The file is mounted over
 * {@code path} (created empty if missing; whatever is mounted there, such as the stale mount a
 * killed daemon leaves, is detached first, but a path this process serves is refused with
 * EEXIST), every open is direct I/O (and, if asked, non-seekable), so each read(2) and write(2) reaches the
 * {@link FuseHandler}. Several reader threads take requests from the same /dev/fuse descriptor,
 * so a handler that blocks does not stop other readers. {@link #close} detaches the mount
 * (MNT_DETACH); the kernel then ends the connection and the reader threads exit.
 *
 * <pre>{@code
 * try (FuseDevice dev = FuseDevice.mount(Path.of("/dev/hello"), 0444, handler)) { ... }
 * }</pre>
 */
public final class FuseDevice implements AutoCloseable {
    /** Reader threads by default. */
    public static final int DEFAULT_THREADS = 4;
    /** Largest WRITE payload the kernel sends us in one request. */
    static final int MAX_WRITE = 128 * 1024;
    private static final int IN_BUFFER = MAX_WRITE + 64 * 1024;

    // opcodes (linux/fuse.h)
    static final int LOOKUP = 1;
    static final int FORGET = 2;
    static final int GETATTR = 3;
    static final int SETATTR = 4;
    static final int OPEN = 14;
    static final int READ = 15;
    static final int WRITE = 16;
    static final int RELEASE = 18;
    static final int FLUSH = 25;
    static final int INIT = 26;
    static final int INTERRUPT = 36;
    static final int DESTROY = 38;
    static final int BATCH_FORGET = 42;

    private static final int FOPEN_DIRECT_IO = 1;
    private static final int FOPEN_NONSEEKABLE = 4;
    private static final int S_IFREG = 0100000;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** The devices of this process that are mounted, by path: a second mount there is refused. */
    private static final Map<Path, FuseDevice> LIVE = new ConcurrentHashMap<>();

    private final Path path;
    private final int mode;
    private final FuseHandler handler;
    private final int fd;
    private final int uid = LibC.getuid();
    private final int gid = LibC.getgid();
    private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicInteger live = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private final int openFlags;

    private FuseDevice(Path path, int mode, FuseHandler handler, int fd, boolean nonseekable) {
        this.openFlags = FOPEN_DIRECT_IO | (nonseekable ? FOPEN_NONSEEKABLE : 0);
        this.path = path;
        this.mode = mode & 07777;
        this.handler = handler;
        this.fd = fd;
    }

    /** Mounts {@code file} with mode 0600 and {@value #DEFAULT_THREADS} reader threads. */
    public static FuseDevice mount(Path file, FuseHandler handler) throws IOException {
        return mount(file, 0600, handler, DEFAULT_THREADS);
    }

    /** Mounts {@code file} with the permission bits {@code mode}. */
    public static FuseDevice mount(Path file, int mode, FuseHandler handler) throws IOException {
        return mount(file, mode, handler, DEFAULT_THREADS);
    }

    /**
     * Mounts {@code file} (made empty if missing) as a FUSE file with permission bits
     * {@code mode}, served by {@code threads} reader threads calling {@code handler}.
     * @throws IOException with the errno ({@link ErrnoException}) when a system call fails
     */
    public static FuseDevice mount(Path file, int mode, FuseHandler handler, int threads) throws IOException {
        return mount(file, mode, handler, threads, false);
    }

    /**
     * As {@link #mount(Path, int, FuseHandler, int)}; {@code nonseekable} makes lseek(2) fail
     * with ESPIPE, as on a pipe (FOPEN_NONSEEKABLE). By default lseek succeeds and does nothing
     * the handler sees (the position the handler gets is the server's), which java.nio needs:
     * {@code Files.readAllBytes} and {@code InputStream.readNBytes} ask a file channel its position.
     */
    public static FuseDevice mount(Path file, int mode, FuseHandler handler, int threads, boolean nonseekable)
            throws IOException {
        Path p = file.toAbsolutePath().normalize();
        String target = p.toString();
        if (LIVE.containsKey(p)) {
            throw new ErrnoException("mount " + target, Errno.EEXIST); // ours, and serving
        }
        detachStale(target);
        // the device file is ours: made now, or an empty one left by a device that died
        boolean ours = !Files.exists(p) || (Files.isRegularFile(p) && Files.size(p) == 0);
        if (!Files.exists(p)) {
            Files.createFile(p);
        }
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        FuseDevice dev = new FuseDevice(p, mode, handler, fd, nonseekable);
        dev.removeOnClose = ours;
        String name = p.getFileName() == null ? "lunatik" : p.getFileName().toString();
        String fsname = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        try {
            LibC.mount(fsname, target, "fuse.lunatik", LibC.MS_NOSUID | LibC.MS_NODEV,
                "fd=" + fd + ",rootmode=100000,user_id=" + dev.uid + ",group_id=" + dev.gid
                    + ",allow_other,default_permissions");
        } catch (ErrnoException e) {
            LibC.close(fd);
            throw e;
        }
        int n = Math.max(1, threads);
        try {
            LibC.setNonBlocking(fd, true); // the leader spins on read before it waits in poll
        } catch (ErrnoException e) {
            detachStale(target);
            throw e;
        }
        dev.live.set(n);
        for (int i = 0; i < n; i++) {
            Thread t = Thread.ofPlatform().daemon().name("fuse-" + name + "-" + i).unstarted(dev::serve);
            dev.threads.add(t);
        }
        if (LIVE.putIfAbsent(p, dev) != null) {
            detachStale(target);
            throw new ErrnoException("mount " + target, Errno.EEXIST);
        }
        dev.threads.forEach(Thread::start);
        dev.monitor = Thread.ofPlatform().daemon().name("fuse-" + name + "-monitor").start(dev::monitor);
        return dev;
    }

    /** Detaches whatever is mounted on {@code target} (a daemon that died leaves its mount behind). */
    private static void detachStale(String target) throws ErrnoException {
        for (int i = 0; i < 16; i++) {
            try {
                LibC.umount2(target, LibC.MNT_DETACH);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
                    return; // not a mount point (any more), or nothing there
                }
                throw e;
            }
        }
    }

    /** Whether {@code file} is a mount point now (from /proc/self/mountinfo). */
    public static boolean isMounted(Path file) {
        String p = file.toAbsolutePath().normalize().toString()
            .replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals(p)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public Path path() {
        return path;
    }

    public int mode() {
        return mode;
    }

    /** Whether close() removes the device file (it was made for this device). */
    private volatile boolean removeOnClose;

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Detaches the mount and waits up to one second for the reader threads to end. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /**
     * Detaches the mount (the file is the plain file again for new opens; files still open stay
     * served until they are closed) and waits up to {@code wait} for the reader threads to end.
     * Safe to call more than once and from a handler.
     */
    public void close(Duration wait) {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(path, this);
        try {
            detachStale(path.toString());
            if (removeOnClose && !isMounted(path)) {
                Files.deleteIfExists(path); // the device disappears with its server, as a device node does
            }
        } catch (IOException e) {
            // nothing more can be done: report through the threads' normal end
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Whether every reader thread has ended (the connection is gone). */
    public boolean isTerminated() {
        return live.get() == 0;
    }

    // ---------------------------------------------------------------- the server loop

    /*
     * Leader and followers. One thread at a time, the leader, reads requests: it spins on the
     * non-blocking descriptor for a while after each request (a reader that reads in a loop
     * sends the next one within microseconds, and catching it without sleeping saves a wake-up
     * on each side), then waits in poll(2). It answers the request itself, without handing
     * leadership over (that would cost a wake-up per request). The other threads wait on a
     * Java monitor, not in read(2), so a request wakes no one. If the leader spends long on one
     * request (a callback that sleeps), the monitor thread promotes a follower, so one slow
     * request does not hold up the others; the old leader becomes a follower when it is done.
     */

    /** How long the leader spins for the next request before it waits in poll(2). */
    static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1
        ? Long.getLong("lunatik.fuse.spin-us", 50) * 1000 : 0;
    /** A request taking longer than this gets a follower promoted. */
    static final long PROMOTE_NANOS = 1_000_000;

    private final Object leadership = new Object();
    private Thread leader;                 // guarded by leadership
    private boolean ended;                 // guarded by leadership: the connection is gone
    /** When the leader began its current request, 0 while it reads. */
    private final AtomicLong busySince = new AtomicLong();
    /** Requests answered, for the monitor's rate. */
    private volatile long answered;
    private volatile Thread monitor;
    private volatile boolean monitorParked;

    private void serve() {
        Thread me = Thread.currentThread();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(IN_BUFFER, 8);
            MemorySegment[] out = {arena.allocate(16 + MAX_WRITE, 8)};
            while (lead(me)) {
                long n = readRequest(in);
                if (n < 0) {
                    int err = (int) -n;
                    if (err == Errno.EINTR || err == Errno.EAGAIN || err == Errno.ENOENT) {
                        continue; // interrupted, or a request aborted before we got it
                    }
                    end(); // ENODEV: unmounted and no file open any more
                    break;
                }
                if (n < 40) {
                    continue;
                }
                long start = System.nanoTime();
                busySince.set(start);
                try {
                    dispatch(arena, in, out);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENODEV) {
                        end();
                        break;
                    }
                    // ENOENT: the request was interrupted; others: the caller went away
                } catch (RuntimeException | Error e) {
                    // a handler bug (say a StackOverflowError): the caller must not hang
                    try {
                        reply(out[0], in.get(I64, 8), -Errno.EIO, 0);
                    } catch (ErrnoException | RuntimeException ignored) {
                        // already answered, or gone
                    }
                } finally {
                    busySince.compareAndSet(start, 0); // unless a new leader is busy now
                    answered++;
                }
            }
        } finally {
            if (live.decrementAndGet() == 0) {
                closed = true;
                LIVE.remove(path, this);
                try {
                    LibC.close(fd);
                } catch (ErrnoException e) {
                    // already gone
                }
                Thread m = monitor;
                if (m != null) {
                    java.util.concurrent.locks.LockSupport.unpark(m);
                }
            }
        }
    }

    /**
     * Returns true when {@code me} is the leader, waiting as a follower until there is no
     * leader; false once the connection has ended.
     */
    private boolean lead(Thread me) {
        synchronized (leadership) {
            while (true) {
                if (ended) {
                    return false;
                }
                if (leader == me) {
                    return true;
                }
                if (leader == null) {
                    leader = me;
                    return true;
                }
                try {
                    leadership.wait();
                } catch (InterruptedException e) {
                    // followers leave only when the connection ends
                }
            }
        }
    }

    private void end() {
        synchronized (leadership) {
            ended = true;
            leadership.notifyAll();
        }
    }

    /** The next request into {@code in}: its length, or a negative errno. */
    private long readRequest(MemorySegment in) {
        long deadline = 0;
        while (true) {
            long n = LibC.readOrErrno(fd, in, IN_BUFFER);
            if (n != -Errno.EAGAIN) {
                return n;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + SPIN_NANOS;
            } else if (now - deadline >= 0) {
                int r = LibC.pollOne(fd, LibC.POLLIN, -1); // no request for a while: sleep
                if (r < 0 && r != -Errno.EINTR) {
                    return r;
                }
                wakeMonitor();
                deadline = 0;
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void wakeMonitor() {
        if (monitorParked) {
            Thread m = monitor;
            if (m != null) {
                java.util.concurrent.locks.LockSupport.unpark(m);
            }
        }
    }

    /**
     * The monitor: every millisecond while requests come, promotes a follower when the leader is
     * stuck in one request, and holds a CPU latency request while this device is busy (if
     * {@link #setLowLatencyWhenBusy}); while the device is idle it looks ten times a second.
     */
    private void monitor() {
        final long tick = 1_000_000;
        final int busyPerWindow = 1000;    // requests per 50 ms, 20,000/s: busy
        long windowStart = System.nanoTime();
        long windowCount = answered;
        long lastActive = windowStart;
        boolean holding = false;
        try {
            while (live.get() > 0) {
                long now = System.nanoTime();
                long b = busySince.get();
                if (b != 0 && now - b > PROMOTE_NANOS) {
                    synchronized (leadership) {
                        if (busySince.get() == b && leader != null) {
                            leader = null; // the stuck leader rejoins as a follower when it is done
                            leadership.notify();
                        }
                    }
                }
                long done = answered;
                if (done != windowCount || b != 0) {
                    lastActive = now;
                }
                if (now - windowStart >= 50 * tick) {
                    boolean busy = done - windowCount >= busyPerWindow;
                    if (busy && !holding && lowLatencyWhenBusy) {
                        holding = true;
                        lunatik.linux.power.CpuLatency.acquire();
                    } else if (holding && !busy) {
                        holding = false;
                        lunatik.linux.power.CpuLatency.release();
                    }
                    windowStart = now;
                    windowCount = done;
                }
                if (now - lastActive > 200 * tick && !holding) {
                    // idle: the leader wakes us when it leaves poll(2); the timeout covers a
                    // request that came between our look and our sleep
                    monitorParked = true;
                    if (busySince.get() == 0 && answered == done) {
                        java.util.concurrent.locks.LockSupport.parkNanos(this, 100 * tick);
                    }
                    monitorParked = false;
                    lastActive = windowStart = System.nanoTime();
                    windowCount = answered;
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, tick);
                }
            }
        } finally {
            if (holding) {
                lunatik.linux.power.CpuLatency.release();
            }
        }
    }

    private static volatile boolean lowLatencyWhenBusy;

    /**
     * Whether a device that serves requests at a high rate (20,000/s and more) holds a CPU
     * latency request ({@link lunatik.linux.power.CpuLatency}) until it is quiet again. Off by
     * default; the daemon turns it on unless told not to.
     */
    public static void setLowLatencyWhenBusy(boolean on) {
        lowLatencyWhenBusy = on;
    }

    private void dispatch(Arena arena, MemorySegment in, MemorySegment[] outHolder) throws ErrnoException {
        int opcode = in.get(I32, 4);
        long unique = in.get(I64, 8);
        try {
            answer(opcode, unique, in.asSlice(40), arena, outHolder);
        } catch (FuseException e) {
            // the handler's refusal, as the caller's errno; any other exception of the handler
            // reaches serve(), which answers EIO
            reply(outHolder[0], unique, -e.errno(), 0);
        }
    }

    private void answer(int opcode, long unique, MemorySegment body, Arena arena, MemorySegment[] outHolder)
            throws ErrnoException, FuseException {
        MemorySegment out = outHolder[0];
        switch (opcode) {
            case INIT -> {
                out.asSlice(16, 64).fill((byte) 0);
                out.set(I32, 16, 7);
                out.set(I32, 20, 31);
                out.set(I32, 24, body.get(I32, 8)); // max_readahead as offered
                out.set(I32, 28, 0);
                out.set(I16, 32, (short) 16);
                out.set(I16, 34, (short) 12);
                out.set(I32, 36, MAX_WRITE);
                out.set(I32, 40, 1);
                reply(out, unique, 0, 64);
            }
            case GETATTR, SETATTR -> {
                attr(out);
                reply(out, unique, 0, 104);
            }
            case OPEN -> {
                int flags = body.get(I32, 0);
                OpenFile f = new OpenFile(nextHandle.getAndIncrement(), flags);
                handler.open(f);
                files.put(f.id(), f);
                out.set(I64, 16, f.id());
                out.set(I32, 24, openFlags);
                out.set(I32, 28, 0);
                reply(out, unique, 0, 16);
            }
            case READ -> {
                OpenFile f = file(body.get(I64, 0));
                int size = body.get(I32, 16);
                long off = f.begin();
                byte[] data = handler.read(f, size, off);
                int len = data == null ? 0 : Math.min(size, data.length);
                f.advance(off, len);
                if (16L + len > out.byteSize()) {
                    out = arena.allocate(16L + len, 8);
                    outHolder[0] = out;
                }
                if (len > 0) {
                    MemorySegment.copy(data, 0, out, ValueLayout.JAVA_BYTE, 16, len);
                }
                reply(out, unique, 0, len);
            }
            case WRITE -> {
                OpenFile f = file(body.get(I64, 0));
                int size = body.get(I32, 16);
                byte[] data = body.asSlice(40, size).toArray(ValueLayout.JAVA_BYTE);
                long off = f.begin();
                int written = handler.write(f, data, off);
                if (written < 0) {
                    reply(out, unique, written, 0);
                    return;
                }
                written = Math.min(written, size);
                f.advance(off, written);
                out.set(I32, 16, written);
                out.set(I32, 20, 0);
                reply(out, unique, 0, 8);
            }
            case RELEASE -> {
                OpenFile f = files.remove(body.get(I64, 0));
                if (f != null) {
                    try {
                        handler.release(f);
                    } catch (FuseException | RuntimeException e) {
                        // close(2) has returned already: nobody to tell
                    }
                }
                reply(out, unique, 0, 0);
            }
            case FLUSH, DESTROY -> reply(out, unique, 0, 0);
            case FORGET, BATCH_FORGET, INTERRUPT -> {
                // no reply
            }
            case LOOKUP -> reply(out, unique, -Errno.ENOENT, 0);
            default -> reply(out, unique, -Errno.ENOSYS, 0);
        }
    }

    private OpenFile file(long fh) {
        OpenFile f = files.get(fh);
        return f != null ? f : new OpenFile(fh, 0);
    }

    private void attr(MemorySegment out) {
        MemorySegment a = out.asSlice(16, 104);
        a.fill((byte) 0);
        a.set(I64, 0, 1L); // attr_valid: one second
        long now = System.currentTimeMillis() / 1000;
        a.set(I64, 16, 1L); // ino
        a.set(I64, 40, now);
        a.set(I64, 48, now);
        a.set(I64, 56, now);
        a.set(I32, 76, S_IFREG | mode);
        a.set(I32, 80, 1);
        a.set(I32, 84, uid);
        a.set(I32, 88, gid);
        a.set(I32, 96, 4096);
    }

    private void reply(MemorySegment out, long unique, int error, int bodyLength) throws ErrnoException {
        int len = 16 + (error == 0 ? bodyLength : 0);
        out.set(I32, 0, len);
        out.set(I32, 4, error);
        out.set(I64, 8, unique);
        LibC.write(fd, out, len);
    }
}
