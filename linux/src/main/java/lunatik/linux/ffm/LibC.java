package lunatik.linux.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Raw libc bindings through the FFM API (no native library of ours): the few system calls the
 * FUSE server needs. Each wrapper returns the call's result or throws an {@link ErrnoException}
 * carrying errno, which is captured with {@code Linker.Option.captureCallState("errno")} in a
 * segment that belongs to the calling thread (a shared one races: another thread's call
 * overwrites it between the call and the read).
 */
public final class LibC {
    private LibC() {
    }

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    /** Fails on a symbolic link (ELOOP), or opens the link itself with {@link #O_PATH}; arm64 has its own value. */
    public static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0100000 : 0400000;
    /** A descriptor that only names a file (no read or write, no open of a device or FUSE file). */
    public static final int O_PATH = 010000000;

    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    /** umount2: fails with EINVAL rather than follow a symbolic link in the last component. */
    public static final int UMOUNT_NOFOLLOW = 8;

    /** The dirfd that means the working directory ({@code *at} calls). */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** An empty path: the call is about the descriptor itself. */
    public static final int AT_EMPTY_PATH = 0x1000;
    /** statx: what the kernel has in its caches, asking no remote or FUSE server (which may be dead or stuck). */
    public static final int AT_STATX_DONT_SYNC = 0x4000;

    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 040000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 020000;

    private static final Linker.Option ERRNO_OPTION = Ffm.ERRNO_OPTION;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle OPEN = handle("open",
        FunctionDescriptor.of(INT, PTR, INT, INT), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT), ERRNO_OPTION);
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO_OPTION);
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO_OPTION);
    private static final MethodHandle WRITEV = handle("writev", FunctionDescriptor.of(LONG, INT, PTR, INT), ERRNO_OPTION);
    private static final MethodHandle MOUNT = handle("mount",
        FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR), ERRNO_OPTION);
    private static final MethodHandle UMOUNT2 = handle("umount2", FunctionDescriptor.of(INT, PTR, INT), ERRNO_OPTION);
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(INT, PTR, LONG, INT), ERRNO_OPTION);
    private static final MethodHandle IOCTL = handle("ioctl",
        FunctionDescriptor.of(INT, INT, LONG, LONG), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_PTR = handle("ioctl",
        FunctionDescriptor.of(INT, INT, LONG, PTR), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle LSEEK = handle("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT), ERRNO_OPTION);
    private static final MethodHandle FCNTL = handle("fcntl",
        FunctionDescriptor.of(INT, INT, INT, INT), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(INT, INT, INT), ERRNO_OPTION);
    private static final MethodHandle STATX = handle("statx",
        FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR), ERRNO_OPTION);
    private static final MethodHandle GETUID = handle("getuid", FunctionDescriptor.of(INT));
    private static final MethodHandle GETGID = handle("getgid", FunctionDescriptor.of(INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        return Ffm.downcall(name, fd, options);
    }

    private static int errno(MemorySegment state) {
        return Ffm.errno(state);
    }

    private static RuntimeException unexpected(Throwable t) {
        return Ffm.unexpected(t);
    }

    /** open(2) with {@code flags} (and mode 0); returns the descriptor. */
    public static int open(String path, int flags) throws ErrnoException {
        return open(path, flags, 0);
    }

    /** open(2) with {@code flags} and the {@code mode} a file made by {@link #O_CREAT} gets; returns the descriptor. */
    public static int open(String path, int flags, int mode) throws ErrnoException {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw new ErrnoException("open " + path, errno(st));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(2). */
    public static void close(int fd) throws ErrnoException {
        MemorySegment st = Ffm.state();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("close", errno(st));
        }
    }

    /** read(2) of at most {@code len} bytes into {@code buf}; returns the count (0 at end of file). */
    public static long read(int fd, MemorySegment buf, long len) throws ErrnoException {
        long r = readOrErrno(fd, buf, len);
        if (r < 0) {
            throw new ErrnoException("read", (int) -r);
        }
        return r;
    }

    /**
     * read(2) that reports failure as a negative errno instead of an exception (for loops that
     * expect EAGAIN often, on a non-blocking descriptor).
     */
    public static long readOrErrno(int fd, MemorySegment buf, long len) {
        MemorySegment st = Ffm.state();
        long r;
        try {
            r = (long) READ.invokeExact(st, fd, buf, Math.min(len, buf.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r < 0 ? -errno(st) : r;
    }

    public static final short POLLIN = 1;

    /**
     * poll(2) on one descriptor for {@code events}, waiting at most {@code timeoutMs} (-1: no
     * limit); returns the events that occurred, 0 on timeout, or a negative errno.
     */
    public static int pollOne(int fd, short events, int timeoutMs) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, events);
            pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int r = (int) POLL.invokeExact(st, pfd, 1L, timeoutMs);
            if (r < 0) {
                return -errno(st);
            }
            return r == 0 ? 0 : pfd.get(ValueLayout.JAVA_SHORT, 6);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) with a pointer argument (a struct the call reads or fills): its result, or a negative errno. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = Ffm.state();
        try {
            int r = (int) IOCTL_PTR.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static final int SEEK_SET = 0;
    public static final int SEEK_END = 2;

    /** lseek(2): the new offset, or a negative errno (ESPIPE for a pipe or a device that cannot seek). */
    public static long lseek(int fd, long offset, int whence) {
        MemorySegment st = Ffm.state();
        try {
            long r = (long) LSEEK.invokeExact(st, fd, offset, whence);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) with an integer argument: its result, or a negative errno. */
    public static int ioctl(int fd, long request, long arg) {
        MemorySegment st = Ffm.state();
        try {
            int r = (int) IOCTL.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static final int CLONE_NEWNET = 0x40000000;

    /**
     * Moves the calling thread into the network namespace at {@code path} (setns(2)): sockets
     * the thread makes afterwards belong to that namespace.
     */
    public static void enterNetworkNamespace(String path) throws ErrnoException {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        MemorySegment st = Ffm.state();
        try {
            if ((int) SETNS.invokeExact(st, fd, CLONE_NEWNET) < 0) {
                throw new ErrnoException("setns " + path, errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            close(fd);
        }
    }

    public static final int O_NONBLOCK = 04000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;

    /** Sets or clears O_NONBLOCK on {@code fd} (fcntl F_SETFL). */
    public static void setNonBlocking(int fd, boolean on) throws ErrnoException {
        MemorySegment st = Ffm.state();
        try {
            int fl = (int) FCNTL.invokeExact(st, fd, F_GETFL, 0);
            if (fl < 0) {
                throw new ErrnoException("fcntl", errno(st));
            }
            int nfl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
            if ((int) FCNTL.invokeExact(st, fd, F_SETFL, nfl) < 0) {
                throw new ErrnoException("fcntl", errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** write(2) of the first {@code len} bytes of {@code buf}; returns the count written. */
    public static long write(int fd, MemorySegment buf, long len) throws ErrnoException {
        MemorySegment st = Ffm.state();
        long r;
        try {
            r = (long) WRITE.invokeExact(st, fd, buf, Math.min(len, buf.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("write", errno(st));
        }
        return r;
    }

    /** writev(2) of the given segments, in order, in one call; returns the count written. */
    public static long writev(int fd, MemorySegment... parts) throws ErrnoException {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(16L * parts.length, 8);
            for (int i = 0; i < parts.length; i++) {
                iov.set(PTR, 16L * i, parts[i]);
                iov.set(LONG, 16L * i + 8, parts[i].byteSize());
            }
            long r = (long) WRITEV.invokeExact(st, fd, iov, parts.length);
            if (r < 0) {
                throw new ErrnoException("writev", errno(st));
            }
            return r;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** mount(2). */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws ErrnoException {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = data == null ? MemorySegment.NULL : a.allocateFrom(data);
            int r = (int) MOUNT.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target),
                a.allocateFrom(fstype), flags, d);
            if (r < 0) {
                throw new ErrnoException("mount " + target, errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** umount2(2) with {@code flags} ({@link #MNT_DETACH}...). */
    public static void umount2(String target, int flags) throws ErrnoException {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags);
            if (r < 0) {
                throw new ErrnoException("umount2 " + target, errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_MNT_ID = 0x1000;

    /**
     * What statx(2) tells of a file: its type and permission bits ({@code mode}, as st_mode), inode
     * and device numbers, size, and the id of the mount it belongs to (as in
     * /proc/self/mountinfo; -1 when the kernel does not say, before Linux 5.8).
     */
    public record Stat(int mode, long ino, int devMajor, int devMinor, long size, long mountId) {
        /** The file type bits ({@link #S_IFREG}...). */
        public int type() {
            return mode & S_IFMT;
        }

        /** Whether {@code o} is the same file (device and inode). */
        public boolean sameFile(Stat o) {
            return o != null && ino == o.ino && devMajor == o.devMajor && devMinor == o.devMinor;
        }
    }

    /**
     * statx(2) of {@code path} relative to {@code dirfd} ({@link #AT_FDCWD}; with
     * {@link #AT_EMPTY_PATH} and an empty path, the descriptor itself) with {@code flags}
     * ({@link #AT_SYMLINK_NOFOLLOW}, {@link #AT_STATX_DONT_SYNC}...). Struct statx has the same
     * layout on every architecture, unlike struct stat.
     */
    public static Stat statx(int dirfd, String path, int flags) throws ErrnoException {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256, 8);
            int r = (int) STATX.invokeExact(st, dirfd, a.allocateFrom(path), flags,
                STATX_BASIC_STATS | STATX_MNT_ID, buf);
            if (r < 0) {
                throw new ErrnoException("statx " + path, errno(st));
            }
            boolean mnt = (buf.get(INT, 0) & STATX_MNT_ID) != 0;
            return new Stat(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28)), buf.get(LONG, 32),
                buf.get(INT, 136), buf.get(INT, 140), buf.get(LONG, 40), mnt ? buf.get(LONG, 144) : -1);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getuid(2). */
    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getgid(2). */
    public static int getgid() {
        try {
            return (int) GETGID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
