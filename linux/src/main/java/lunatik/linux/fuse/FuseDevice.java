package lunatik.linux.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;

/**
 * A single regular file served by this process through FUSE (the raw protocol on /dev/fuse, no
 * libfuse): what a character device is for a kernel module. Every open is direct I/O (and, if
 * asked, non-seekable), so each read(2) and write(2) reaches the {@link FuseHandler}.
 *
 * <p>A device touches only what is its own. The last component of the path is the device's name
 * (a plain file name, else EINVAL). The directory entry must be absent, and is then made as an
 * empty regular file (O_CREAT|O_EXCL|O_NOFOLLOW) that {@link #close} removes again; or it must be
 * a stale mount of ours: a {@code fuse.lunatik} mount whose source {@code lunatik:<pid>} names a
 * process that is gone, or this process while it serves no device there (a source without a pid,
 * from an older version, counts as stale too). Stale mounts are detached (MNT_DETACH, never
 * following a symbolic link) while the topmost mount there is one, and what they covered must be
 * an empty regular file, which the device then takes over. Anything else (a symbolic link, a
 * device node, a file with data, a directory, a mount of another kind, or a device another live
 * process serves) fails with EEXIST, and nothing is changed. A path is reserved inside the
 * process before anything is touched, so of two mounts of one path exactly one succeeds. The
 * mount is made through a descriptor of the file checked just before, so the entry cannot be
 * swapped for a symbolic link in between. Only the permission bits of the mode are used.
 *
 * <p>chmod (permission bits only: setuid, setgid and sticky fail with EPERM), chown and utimes
 * change the attributes the file shows; truncation to 0 succeeds (the shell's {@code >} needs it),
 * to any other size fails with EINVAL.
 *
 * <p>Reader threads take requests from the /dev/fuse descriptor; a handler that blocks does not
 * stop the others: when every thread is in a handler, more are started (up to
 * {@value #MAX_THREADS}; the extra ones end when idle). An interrupted request (its caller got
 * a signal, even SIGKILL) gets {@link FuseHandler#interrupt} called for the thread that serves
 * it, so a blocked handler can give up and the caller go. A handler's RuntimeException or Error
 * fails the call with EIO and is reported (by default to the System.Logger "lunatik.fuse").
 * {@link #close} detaches the mount (MNT_DETACH) and interrupts the requests still being served;
 * files still open stay served until they are closed, then the kernel ends the connection and
 * the reader threads exit.
 *
 * <pre>{@code
 * try (FuseDevice dev = FuseDevice.mount(Path.of("/dev/hello"), 0444, handler)) { ... }
 * }</pre>
 */
public final class FuseDevice implements AutoCloseable {
    /** Reader threads by default. */
    public static final int DEFAULT_THREADS = 4;
    /** Most reader threads a device runs, when that many requests are stuck in handlers. */
    public static final int MAX_THREADS = 64;
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

    // fuse_setattr_in.valid
    static final int FATTR_MODE = 1;
    static final int FATTR_UID = 2;
    static final int FATTR_GID = 4;
    static final int FATTR_SIZE = 8;
    static final int FATTR_ATIME = 16;
    static final int FATTR_MTIME = 32;
    static final int FATTR_ATIME_NOW = 128;
    static final int FATTR_MTIME_NOW = 256;
    static final int FATTR_CTIME = 1024;

    private static final int FOPEN_DIRECT_IO = 1;
    private static final int FOPEN_NONSEEKABLE = 4;
    private static final int S_IFREG = 0100000;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private static final String FSTYPE = "fuse.lunatik";
    private static final String SOURCE_PREFIX = "lunatik:";
    private static final long PID = ProcessHandle.current().pid();
    private static final System.Logger LOG = System.getLogger("lunatik.fuse");

    /**
     * The devices of this process by real path, mounted or being mounted: a path is reserved
     * here before anything is touched, and released only once the device has let it go.
     */
    private static final Map<Path, FuseDevice> LIVE = new ConcurrentHashMap<>();

    /** Mount options appended for tests (say, one that makes mount(2) fail). */
    static volatile String extraMountOptions = "";

    private final Path path;
    private final Path target;            // the real path: real parent directory and the name
    private final String name;
    private final FuseHandler handler;
    private final BiConsumer<String, Throwable> errors;
    private final int baseThreads;
    private int fd = -1;                   // set before the reader threads start
    private final int uid = LibC.getuid();
    private final int gid = LibC.getgid();
    private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private final int openFlags;
    /** The file under the mount, when it is ours (made by us, or left by a device of ours that died). */
    private volatile LibC.Stat ownFile;
    /** Whether this mount call made the file (removed again if the mount fails). */
    private boolean created;
    private boolean mounted;
    /** Our mount's id (mountinfo), -1 if the kernel does not tell. */
    private volatile long mountId = -1;
    private volatile Attributes attributes;
    private final Object attributesLock = new Object();

    /** What chmod, chown and utimes change; a time of {@link Long#MIN_VALUE} shows as now. */
    private record Attributes(int mode, int uid, int gid, long atime, int atimeNs, long mtime, int mtimeNs,
                              long ctime, int ctimeNs) {
    }

    private FuseDevice(Path path, Path target, int mode, FuseHandler handler, int threads, boolean nonseekable,
                       BiConsumer<String, Throwable> errors) {
        this.openFlags = FOPEN_DIRECT_IO | (nonseekable ? FOPEN_NONSEEKABLE : 0);
        this.path = path;
        this.target = target;
        this.name = target.getFileName().toString();
        this.handler = handler;
        this.errors = errors != null ? errors : FuseDevice::log;
        this.baseThreads = Math.clamp(threads, 1, MAX_THREADS);
        this.attributes = new Attributes(mode & 0777, uid, gid, Long.MIN_VALUE, 0, Long.MIN_VALUE, 0,
            Long.MIN_VALUE, 0);
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
     * Mounts {@code file} as a FUSE file with the permission bits {@code mode & 0777}, served by
     * {@code threads} reader threads (more while handlers block) calling {@code handler}.
     * @throws IOException with the errno ({@link ErrnoException}) when the file is not ours to
     *     mount (EEXIST), its name is not a file name (EINVAL) or a system call fails
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
        return mount(file, mode, handler, threads, nonseekable, null);
    }

    /**
     * As {@link #mount(Path, int, FuseHandler, int, boolean)}; {@code errors} gets a line
     * {@code "<path>: <op>: <exception>"} and the exception for each failure of the handler that
     * is not a {@link FuseException} (the call fails with EIO). Null: {@link #log}.
     */
    public static FuseDevice mount(Path file, int mode, FuseHandler handler, int threads, boolean nonseekable,
                                   BiConsumer<String, Throwable> errors) throws IOException {
        String name = checkName(file);
        Path p = file.toAbsolutePath().normalize();
        Path target = realParent(p).resolve(name);
        FuseDevice dev = new FuseDevice(p, target, mode, handler, threads, nonseekable, errors);
        if (LIVE.putIfAbsent(target, dev) != null) {
            throw new ErrnoException("mount " + target, Errno.EEXIST); // ours, and serving (or being made)
        }
        try {
            dev.claim();
            dev.mountOver();
            dev.start();
            return dev;
        } catch (IOException | RuntimeException | Error e) {
            dev.abandon();
            throw e;
        }
    }

    /** The device name of {@code file}, its last component; EINVAL if that is no plain file name. */
    private static String checkName(Path file) throws ErrnoException {
        Path n = file.getFileName();
        String name = n == null ? "" : n.toString();
        checkName(name);
        return name;
    }

    /**
     * Fails with EINVAL unless {@code name} is a plain file name: not empty, "." or "..", without
     * '/' or NUL, at most 255 bytes in UTF-8.
     */
    public static void checkName(String name) throws ErrnoException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new ErrnoException("mount " + name, Errno.EINVAL);
        }
    }

    /** The real path of the directory of {@code p} (as /proc/self/mountinfo names it). */
    private static Path realParent(Path p) throws IOException {
        Path parent = p.getParent();
        try {
            return parent == null ? Path.of("/") : parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ErrnoException("mount " + p, Errno.ENOENT);
        }
    }

    // ---------------------------------------------------------------- claiming the file

    /**
     * Whether {@code m} is a lunatik mount whose server is gone, or is this process (which holds
     * the path's reservation while it looks, so no device of ours serves there).
     */
    private static boolean isStaleOurs(Mounts.Mount m) {
        if (!m.fstype().equals(FSTYPE)) {
            return false;
        }
        if (!m.source().startsWith(SOURCE_PREFIX)) {
            return true; // an older version's source, without a pid
        }
        long pid;
        try {
            pid = Long.parseLong(m.source().substring(SOURCE_PREFIX.length()));
        } catch (NumberFormatException e) {
            return true;
        }
        return pid == PID || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean isEmptyFile(LibC.Stat s) {
        return s.type() == LibC.S_IFREG && s.size() == 0;
    }

    private ErrnoException notOurs() {
        return new ErrnoException("mount " + target, Errno.EEXIST);
    }

    /**
     * Makes the entry ours: creates it when absent; detaches stale mounts of ours while one is on
     * top and takes over the empty file they covered; anything else is EEXIST.
     */
    private void claim() throws IOException {
        for (int round = 0; round < 64; round++) {
            Mounts.Entry e = Mounts.probe(target);
            if (e == null) {
                create();
                return;
            }
            if (e.mount() == null) {
                if (round > 0 && e.stat() != null && isEmptyFile(e.stat())) {
                    ownFile = e.stat(); // the file a device of ours that died was mounted on
                    return;
                }
                throw notOurs();
            }
            if (!isStaleOurs(e.mount())) {
                throw notOurs();
            }
            try {
                LibC.umount2(target.toString(), LibC.MNT_DETACH | LibC.UMOUNT_NOFOLLOW);
            } catch (ErrnoException x) {
                if (x.errno() != Errno.EINVAL) {
                    throw x; // EINVAL: no mount point any more; look again
                }
            }
        }
        throw notOurs();
    }

    /**
     * Removes what a device of a dead daemon left at {@code file}: its stale lunatik mounts
     * (never a live one, nor a mount of another kind), then the empty file they covered. For a
     * daemon that starts after one killed with SIGKILL ({@link lunatik.linux.Ledger}). Returns
     * whether a mount was detached.
     */
    public static boolean removeStale(Path file) throws IOException {
        String name = checkName(file);
        Path target;
        try {
            target = realParent(file.toAbsolutePath().normalize()).resolve(name);
        } catch (ErrnoException e) {
            return false; // its folder is gone, and what was in it
        }
        if (LIVE.containsKey(target)) {
            return false;
        }
        boolean detached = false;
        for (int round = 0; round < 64; round++) {
            Mounts.Entry e = Mounts.probe(target);
            if (e == null) {
                return detached;
            }
            if (e.mount() == null) {
                if (detached && e.stat() != null && isEmptyFile(e.stat())) {
                    Files.deleteIfExists(target);
                }
                return detached;
            }
            if (!isStaleOurs(e.mount())) {
                return detached;
            }
            try {
                LibC.umount2(target.toString(), LibC.MNT_DETACH | LibC.UMOUNT_NOFOLLOW);
                detached = true;
            } catch (ErrnoException x) {
                if (x.errno() != Errno.EINVAL) {
                    throw x;
                }
            }
        }
        return detached;
    }

    /** Makes the empty file, failing if anything (even a dangling symbolic link) is there. */
    private void create() throws ErrnoException {
        int f = LibC.open(target.toString(),
            LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0600);
        created = true;
        try {
            ownFile = LibC.statx(f, "", LibC.AT_EMPTY_PATH);
        } finally {
            LibC.close(f);
        }
    }

    /**
     * Mounts over the file, through a descriptor of the entry that is checked to be still the
     * empty file claimed, not a symbolic link and no mount point (mount(2) would follow a link).
     */
    private void mountOver() throws IOException {
        fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        LibC.setNonBlocking(fd, true); // the leader spins on read before it waits in poll
        int pf = LibC.open(target.toString(), LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
        try {
            LibC.Stat s = LibC.statx(pf, "", LibC.AT_EMPTY_PATH | LibC.AT_STATX_DONT_SYNC);
            LibC.Stat own = ownFile;
            if (!isEmptyFile(s) || !s.sameFile(own) || s.mountId() != own.mountId()) {
                throw notOurs();
            }
            LibC.mount(SOURCE_PREFIX + PID, "/proc/self/fd/" + pf, FSTYPE, LibC.MS_NOSUID | LibC.MS_NODEV,
                "fd=" + fd + ",rootmode=100000,user_id=" + uid + ",group_id=" + gid
                    + ",allow_other,default_permissions" + extraMountOptions);
            mounted = true;
            lunatik.linux.Ledger.record("mount " + target);
        } finally {
            LibC.close(pf);
        }
        Mounts.Entry e = Mounts.probe(target);
        if (e != null && e.mount() != null && e.stat() != null && e.stat().mountId() >= 0) {
            mountId = e.mount().id();
        }
    }

    /** Undoes what a failed mount did: our mount, the descriptor, the file made, the reservation. */
    private void abandon() {
        closing.set(true);
        closed = true;
        if (mounted) {
            detachOwn();
            lunatik.linux.Ledger.forget("mount " + target);
        }
        if (fd >= 0 && live.get() == 0) {
            try {
                LibC.close(fd);
            } catch (ErrnoException e) {
                // nothing to do
            }
        }
        if (created) {
            removeOwnFile();
        }
        LIVE.remove(target, this);
    }

    /** Detaches our mount, if it is still the one on top at the path (never anyone else's). */
    private void detachOwn() {
        for (int i = 0; i < 64; i++) {
            try {
                Mounts.Entry e = Mounts.probe(target);
                if (e == null || e.mount() == null || !isOwnMount(e.mount())) {
                    return;
                }
                LibC.umount2(target.toString(), LibC.MNT_DETACH | LibC.UMOUNT_NOFOLLOW);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                return;
            }
        }
    }

    private boolean isOwnMount(Mounts.Mount m) {
        return mountId >= 0 ? m.id() == mountId : m.fstype().equals(FSTYPE) && m.source().equals(SOURCE_PREFIX + PID);
    }

    /** Removes the file under the mount if it is ours and still what we left: an empty file, uncovered. */
    private void removeOwnFile() {
        LibC.Stat own = ownFile;
        if (own == null) {
            return;
        }
        try {
            LibC.Stat s = LibC.statx(LibC.AT_FDCWD, target.toString(),
                LibC.AT_SYMLINK_NOFOLLOW | LibC.AT_STATX_DONT_SYNC);
            if (isEmptyFile(s) && s.sameFile(own) && s.mountId() == own.mountId()) {
                Files.deleteIfExists(target); // the device disappears with its server, as a device node does
            }
        } catch (IOException e) {
            // gone already, or not ours to remove
        }
    }

    /** Starts the reader threads and the monitor. */
    private void start() {
        for (int i = 0; i < baseThreads; i++) {
            live.incrementAndGet();
            startReader();
        }
        monitor = Thread.ofPlatform().daemon().name("fuse-" + name + "-monitor").start(this::monitor);
    }

    /** Whether {@code file} is a mount point now (from /proc/self/mountinfo). */
    public static boolean isMounted(Path file) {
        try {
            Path p = file.toAbsolutePath().normalize();
            Path real = p.getFileName() == null ? p : realParent(p).resolve(p.getFileName().toString());
            String t = real.toString();
            return Mounts.all().stream().anyMatch(m -> m.mountPoint().equals(t));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The path the device was mounted at, as given (absolute). */
    public Path path() {
        return path;
    }

    /** The permission bits the file shows now (chmod changes them). */
    public int mode() {
        return attributes.mode();
    }

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
     * Detaches the mount (the path is free again for new devices; files still open stay served
     * until they are closed), removes the file if the device made it, calls
     * {@link FuseHandler#interrupt} for each request still being served (but the caller's own),
     * and waits up to {@code wait} for the reader threads to end. Safe to call more than once
     * and from a handler.
     */
    public void close(Duration wait) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        detachOwn();
        lunatik.linux.Ledger.forget("mount " + target);
        removeOwnFile();
        LIVE.remove(target, this);
        interruptAll();
        long deadline = System.nanoTime() + wait.toNanos();
        for (Reader r : readers) {
            if (r.thread == Thread.currentThread()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                r.thread.join(Duration.ofNanos(left));
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

    /** The reader a thread of a device is, for {@link #callerPid}. */
    private static final ThreadLocal<Reader> SERVING = new ThreadLocal<>();

    /**
     * The id of the thread (its process, for a single-threaded one) whose request the calling
     * thread is serving, as the kernel reports it, in the daemon's PID namespace; 0 outside a
     * request. For a handler that must tell its callers apart (the control device keeps one
     * pending result per caller).
     */
    public static int callerPid() {
        Reader r = SERVING.get();
        return r == null ? 0 : r.callerPid;
    }

    /** How many reader threads run now. */
    public int readerThreads() {
        return live.get();
    }

    /** How many requests are being served now (read, and not yet answered). */
    public int requestsInFlight() {
        int n = 0;
        for (Reader r : readers) {
            if (r.unique != IDLE) {
                n++;
            }
        }
        return n;
    }

    /** The default error report: the line at WARNING, with the stack trace at DEBUG. */
    public static void log(String message, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, message);
        LOG.log(System.Logger.Level.DEBUG, message, error);
    }

    private void report(int opcode, Throwable e) {
        try {
            errors.accept(path + ": " + opName(opcode) + ": " + e, e);
        } catch (RuntimeException ignored) {
            // a reporter that fails has nothing better to tell
        }
    }

    private static String opName(int opcode) {
        return switch (opcode) {
            case GETATTR -> "getattr";
            case SETATTR -> "setattr";
            case OPEN -> "open";
            case READ -> "read";
            case WRITE -> "write";
            case RELEASE -> "release";
            case FLUSH -> "flush";
            case INTERRUPT -> "interrupt";
            default -> "opcode " + opcode;
        };
    }

    // ---------------------------------------------------------------- the server loop

    /*
     * Leader and followers. One thread at a time, the leader, reads requests: it spins on the
     * non-blocking descriptor for a while after each request (a reader that reads in a loop
     * sends the next one within microseconds, and catching it without sleeping saves a wake-up
     * on each side), then waits in poll(2). It answers the request itself, without handing
     * leadership over (that would cost a wake-up per request). The other threads wait on a
     * Java monitor, not in read(2), so a request wakes no one. If the leader spends long on one
     * request (a callback that sleeps), the monitor thread promotes a follower, or starts a new
     * reader thread when no follower is idle, so one slow request does not hold up the others
     * (nor the INTERRUPT that would end it); the old leader becomes a follower when it is done.
     * Threads beyond the base count end after a while without work.
     */

    /** How long the leader spins for the next request before it waits in poll(2). */
    static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1
        ? Long.getLong("lunatik.fuse.spin-us", 50) * 1000 : 0;
    /** A request taking longer than this gets a follower promoted. */
    static final long PROMOTE_NANOS = 1_000_000;
    /** How long a reader thread beyond the base count waits without work before it ends. */
    static volatile long retireNanos = 30_000_000_000L;

    private static final int LEAD = 0;
    private static final int END = 1;
    private static final int RETIRE = 2;

    /** What a reader's slot holds when it serves no request. */
    private static final long IDLE = 0;
    /** What a reader's slot holds while an interrupt is being delivered to its request. */
    private static final long INTERRUPTING = -1;
    private static final VarHandle UNIQUE;

    static {
        try {
            UNIQUE = MethodHandles.lookup().findVarHandle(Reader.class, "unique", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A reader thread, and the request it serves: its unique, {@link #IDLE} or {@link #INTERRUPTING}. */
    private final class Reader implements Runnable {
        final Thread thread = Thread.ofPlatform().daemon()
            .name("fuse-" + name + "-" + threadNumber.getAndIncrement()).unstarted(this);
        volatile long unique;
        /** The process (thread) id of the caller of the request being served (fuse_in_header.pid). */
        int callerPid;

        @Override
        public void run() {
            serve(this);
        }
    }

    private final Object leadership = new Object();
    private Thread leader;                 // guarded by leadership
    private boolean ended;                 // guarded by leadership: the connection is gone
    private int idle;                      // guarded by leadership: followers waiting
    /** When the leader began its current request, 0 while it reads (or once a follower took over). */
    private final AtomicLong busySince = new AtomicLong();
    /** Requests answered, for the monitor's rate. */
    private volatile long answered;
    private volatile Thread monitor;
    private volatile boolean monitorParked;

    /** Starts one more reader thread (counted in {@link #live} by the caller). */
    private void startReader() {
        try {
            new Reader().thread.start();
        } catch (OutOfMemoryError e) {
            live.decrementAndGet(); // no thread: the others go on
        }
    }

    private void serve(Reader self) {
        Thread me = self.thread;
        int role = LEAD;
        readers.add(self);
        SERVING.set(self);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(IN_BUFFER, 8);
            MemorySegment[] out = {arena.allocate(16 + MAX_WRITE, 8)};
            while ((role = lead(me)) == LEAD) {
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
                long unique = in.get(I64, 8);
                self.callerPid = in.get(I32, 32);
                self.unique = unique; // from now on an INTERRUPT finds this request
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
                    report(in.get(I32, 4), e);
                    try {
                        reply(out[0], unique, -Errno.EIO, 0);
                    } catch (ErrnoException | RuntimeException ignored) {
                        // already answered, or gone
                    }
                } finally {
                    finish(self, unique);
                    busySince.compareAndSet(start, 0); // unless a new leader is busy now
                    answered++;
                }
            }
        } finally {
            readers.remove(self);
            if (role != RETIRE && live.decrementAndGet() == 0) {
                disconnected();
            }
        }
    }

    /** The last reader's end: the connection is gone, and so is the device. */
    private void disconnected() {
        closed = true;
        if (!closing.get()) {
            removeOwnFile(); // unmounted by someone else: close() will not run
            LIVE.remove(target, this);
        }
        try {
            LibC.close(fd);
        } catch (ErrnoException e) {
            // already gone
        }
        Thread m = monitor;
        if (m != null) {
            LockSupport.unpark(m);
        }
    }

    /**
     * Ends {@code self}'s request: waits out an interrupt being delivered to it (so none lands on
     * the next request), then drops the thread's interrupt status.
     */
    private static void finish(Reader self, long unique) {
        while (!UNIQUE.compareAndSet(self, unique, IDLE)) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
    }

    /**
     * Calls {@link FuseHandler#interrupt} for the request {@code unique} if a reader serves it
     * now; false if none does.
     */
    private boolean interruptRequest(long unique) {
        for (Reader r : readers) {
            if (r.unique == unique && interrupt(r, unique)) {
                return true;
            }
        }
        return false;
    }

    /** Interrupts every request being served (but the calling thread's own). */
    private void interruptAll() {
        for (Reader r : readers) {
            long u = r.unique;
            if (u != IDLE && u != INTERRUPTING && r.thread != Thread.currentThread()) {
                interrupt(r, u);
            }
        }
    }

    private boolean interrupt(Reader r, long unique) {
        if (!UNIQUE.compareAndSet(r, unique, INTERRUPTING)) {
            return false; // answered meanwhile
        }
        try {
            handler.interrupt(r.thread);
        } catch (RuntimeException | Error e) {
            report(INTERRUPT, e);
        } finally {
            r.unique = unique;
        }
        return true;
    }

    /**
     * Returns {@link #LEAD} when {@code me} is the leader, waiting as a follower until there is
     * no leader; {@link #END} once the connection has ended; {@link #RETIRE} (and counts the
     * thread out) when a thread beyond the base count has waited {@link #retireNanos} for work.
     */
    private int lead(Thread me) {
        synchronized (leadership) {
            long idleSince = System.nanoTime();
            while (true) {
                if (ended) {
                    return END;
                }
                if (leader == me) {
                    return LEAD;
                }
                if (leader == null) {
                    leader = me;
                    return LEAD;
                }
                long waitMs = 0;
                if (live.get() > baseThreads) {
                    long left = retireNanos - (System.nanoTime() - idleSince);
                    if (left <= 0) {
                        live.decrementAndGet();
                        return RETIRE;
                    }
                    waitMs = Math.max(1, left / 1_000_000);
                }
                idle++;
                try {
                    leadership.wait(waitMs);
                } catch (InterruptedException e) {
                    // followers leave only when the connection ends, or when retired
                } finally {
                    idle--;
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

    /**
     * Lets a follower lead in place of the leader stuck since {@code since}, or starts a new
     * reader thread when no follower waits: someone must read the next request.
     */
    private void promote(long since) {
        boolean spawn = false;
        synchronized (leadership) {
            if (busySince.compareAndSet(since, 0) && leader != null && !ended) {
                leader = null; // the stuck leader rejoins as a follower when it is done
                if (idle > 0) {
                    leadership.notify();
                } else if (live.get() < MAX_THREADS) {
                    live.incrementAndGet();
                    spawn = true;
                }
            }
        }
        if (spawn) {
            startReader();
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
                LockSupport.unpark(m);
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
                    promote(b);
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
                        LockSupport.parkNanos(this, 100 * tick);
                    }
                    monitorParked = false;
                    lastActive = windowStart = System.nanoTime();
                    windowCount = answered;
                } else {
                    LockSupport.parkNanos(this, tick);
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
            case GETATTR -> {
                attr(out, attributes);
                reply(out, unique, 0, 104);
            }
            case SETATTR -> {
                attr(out, setattr(body));
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
                    } catch (FuseException e) {
                        // close(2) has returned already: nobody to tell
                    } catch (RuntimeException | Error e) {
                        report(RELEASE, e);
                    }
                }
                reply(out, unique, 0, 0);
            }
            case INTERRUPT -> {
                // EAGAIN has the kernel ask again: the request may be read but not yet in a slot
                // (if it was answered, the reply fails with ENOENT, which is ignored)
                if (!interruptRequest(body.get(I64, 0))) {
                    reply(out, unique, -Errno.EAGAIN, 0);
                }
            }
            case FLUSH -> {
                OpenFile f = files.get(body.get(I64, 0));
                if (f != null) {
                    handler.flush(f); // a FuseException fails the close(2) with its errno
                }
                reply(out, unique, 0, 0);
            }
            case DESTROY -> reply(out, unique, 0, 0);
            case FORGET, BATCH_FORGET -> {
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

    /**
     * Applies a SETATTR (fuse_setattr_in) and returns the attributes now: all of it, or nothing
     * when a part is refused. The file's size is always 0: only truncation to 0 succeeds.
     */
    private Attributes setattr(MemorySegment in) throws FuseException {
        int valid = in.get(I32, 0);
        int newMode = in.get(I32, 68) & 07777;
        if ((valid & FATTR_MODE) != 0 && (newMode & ~0777) != 0) {
            throw new FuseException(Errno.EPERM, "setuid, setgid and sticky bits are not for devices");
        }
        if ((valid & FATTR_SIZE) != 0 && in.get(I64, 16) != 0) {
            throw new FuseException(Errno.EINVAL, "a device's size is 0");
        }
        long now = System.currentTimeMillis();
        long nowS = Math.floorDiv(now, 1000);
        int nowNs = Math.floorMod(now, 1000) * 1_000_000;
        synchronized (attributesLock) {
            Attributes a = attributes;
            int mode = (valid & FATTR_MODE) != 0 ? newMode : a.mode();
            int u = (valid & FATTR_UID) != 0 ? in.get(I32, 76) : a.uid();
            int g = (valid & FATTR_GID) != 0 ? in.get(I32, 80) : a.gid();
            long at = a.atime();
            int atn = a.atimeNs();
            if ((valid & FATTR_ATIME_NOW) != 0) {
                at = nowS;
                atn = nowNs;
            } else if ((valid & FATTR_ATIME) != 0) {
                at = in.get(I64, 32);
                atn = in.get(I32, 56);
            }
            long mt = a.mtime();
            int mtn = a.mtimeNs();
            if ((valid & FATTR_MTIME_NOW) != 0) {
                mt = nowS;
                mtn = nowNs;
            } else if ((valid & FATTR_MTIME) != 0) {
                mt = in.get(I64, 40);
                mtn = in.get(I32, 60);
            }
            long ct = a.ctime();
            int ctn = a.ctimeNs();
            if ((valid & FATTR_CTIME) != 0) {
                ct = in.get(I64, 48);
                ctn = in.get(I32, 64);
            }
            a = new Attributes(mode, u, g, at, atn, mt, mtn, ct, ctn);
            attributes = a;
            return a;
        }
    }

    /** fuse_attr_out for {@code a} (a time never set shows as now) into {@code out}'s body. */
    private static void attr(MemorySegment out, Attributes a) {
        MemorySegment o = out.asSlice(16, 104);
        o.fill((byte) 0);
        o.set(I64, 0, 1L); // attr_valid: one second
        long now = System.currentTimeMillis() / 1000;
        o.set(I64, 16, 1L); // ino
        o.set(I64, 40, a.atime() == Long.MIN_VALUE ? now : a.atime());
        o.set(I64, 48, a.mtime() == Long.MIN_VALUE ? now : a.mtime());
        o.set(I64, 56, a.ctime() == Long.MIN_VALUE ? now : a.ctime());
        o.set(I32, 64, a.atime() == Long.MIN_VALUE ? 0 : a.atimeNs());
        o.set(I32, 68, a.mtime() == Long.MIN_VALUE ? 0 : a.mtimeNs());
        o.set(I32, 72, a.ctime() == Long.MIN_VALUE ? 0 : a.ctimeNs());
        o.set(I32, 76, S_IFREG | a.mode());
        o.set(I32, 80, 1);
        o.set(I32, 84, a.uid());
        o.set(I32, 88, a.gid());
        o.set(I32, 96, 4096);
    }

    private void reply(MemorySegment out, long unique, int error, int bodyLength) throws ErrnoException {
        int len = 16 + (error == 0 ? bodyLength : 0);
        out.set(I32, 0, len);
        out.set(I32, 4, error);
        out.set(I64, 8, unique);
        LibC.write(fd, out, len);
    }
}
