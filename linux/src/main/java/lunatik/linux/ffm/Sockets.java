package lunatik.linux.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The BSD socket calls of libc, through the FFM API, for any address family (inet, unix,
 * packet, netlink). Addresses travel as the raw bytes of a {@code struct sockaddr_*}, family
 * field first, so callers build and read them. Every call returns its result, or a negative
 * errno: a socket script expects failures (EAGAIN, ECONNREFUSED) as values, not exceptions.
 */
public final class Sockets {
    private Sockets() {
    }


    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle CONNECT = handle("connect", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle LISTEN = handle("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle ACCEPT4 = handle("accept4", FunctionDescriptor.of(INT, INT, PTR, PTR, INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));
    private static final MethodHandle RECVFROM = handle("recvfrom", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, PTR));
    private static final MethodHandle GETSOCKNAME = handle("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR));
    private static final MethodHandle GETPEERNAME = handle("getpeername", FunctionDescriptor.of(INT, INT, PTR, PTR));
    private static final MethodHandle SHUTDOWN = handle("shutdown", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    private static final MethodHandle RECVMMSG = handle("recvmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));
    private static final MethodHandle SEND = handle("send", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT));

    /** Largest socket address (struct sockaddr_storage). */
    public static final int ADDR_MAX = 128;
    public static final int SHUT_RDWR = 2;

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Ffm.downcall(name, fd, Ffm.ERRNO_OPTION);
    }

    private static long orErrno(MemorySegment st, long r) {
        return r < 0 ? -Ffm.errno(st) : r;
    }

    private static RuntimeException unexpected(Throwable t) {
        return Ffm.unexpected(t);
    }

    /**
     * recvmmsg(2) into {@code vec}, an array of {@code vlen} {@code struct mmsghdr} the caller
     * has set up (no timeout): how many messages arrived, or a negative errno. For readers that
     * take many datagrams per system call into memory of their own (no copy, no allocation).
     */
    public static int recvmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        MemorySegment st = Ffm.state();
        try {
            return (int) orErrno(st, (int) RECVMMSG.invokeExact(st, fd, vec, vlen, flags, MemorySegment.NULL));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** send(2) of {@code len} bytes of {@code buf} (to the connected peer; for netlink, the kernel): bytes sent or a negative errno. */
    public static long send(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment st = Ffm.state();
        try {
            return orErrno(st, (long) SEND.invokeExact(st, fd, buf, len, flags));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** socket(2): the descriptor, or a negative errno. */
    public static int socket(int family, int type, int protocol) {
        MemorySegment st = Ffm.state();
        try {
            return (int) orErrno(st, (int) SOCKET.invokeExact(st, family, type, protocol));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** bind(2) to the raw address {@code addr}: 0 or a negative errno. */
    public static int bind(int fd, byte[] addr) {
        return addrCall(BIND, fd, addr);
    }

    /** connect(2) to the raw address {@code addr}: 0 or a negative errno. */
    public static int connect(int fd, byte[] addr) {
        return addrCall(CONNECT, fd, addr);
    }

    private static int addrCall(MethodHandle h, int fd, byte[] addr) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(Math.max(addr.length, 1));
            MemorySegment.copy(addr, 0, sa, ValueLayout.JAVA_BYTE, 0, addr.length);
            return (int) orErrno(st, (int) h.invokeExact(st, fd, sa, addr.length));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** listen(2): 0 or a negative errno. */
    public static int listen(int fd, int backlog) {
        MemorySegment st = Ffm.state();
        try {
            return (int) orErrno(st, (int) LISTEN.invokeExact(st, fd, backlog));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** accept4(2): the new descriptor, or a negative errno. */
    public static int accept(int fd, int flags) {
        MemorySegment st = Ffm.state();
        try {
            return (int) orErrno(st, (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sendto(2) of {@code data} ({@code addr} null: the connected peer): bytes sent or a negative errno. */
    public static long sendto(int fd, byte[] data, int flags, byte[] addr) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(data.length, 1));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment sa = MemorySegment.NULL;
            int salen = 0;
            if (addr != null) {
                sa = a.allocate(Math.max(addr.length, 1));
                MemorySegment.copy(addr, 0, sa, ValueLayout.JAVA_BYTE, 0, addr.length);
                salen = addr.length;
            }
            return orErrno(st, (long) SENDTO.invokeExact(st, fd, buf, (long) data.length, flags, sa, salen));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** What recvfrom(2) got: the bytes, and the sender's raw address (when asked). */
    public record Received(byte[] data, byte[] from) {
    }

    /**
     * recvfrom(2) of at most {@code len} bytes; {@code from}: also the sender's address. Returns
     * null with the errno in {@code err[0]} on failure.
     */
    public static Received recvfrom(int fd, int len, int flags, boolean from, int[] err) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(len, 1));
            MemorySegment sa = from ? a.allocate(ADDR_MAX) : MemorySegment.NULL;
            MemorySegment salen = from ? a.allocate(INT) : MemorySegment.NULL;
            if (from) {
                salen.set(INT, 0, ADDR_MAX);
            }
            long n = (long) RECVFROM.invokeExact(st, fd, buf, (long) len, flags, sa, salen);
            if (n < 0) {
                err[0] = Ffm.errno(st);
                return null;
            }
            byte[] data = buf.asSlice(0, Math.min(n, len)).toArray(ValueLayout.JAVA_BYTE);
            byte[] addr = from ? sa.asSlice(0, Math.min(salen.get(INT, 0), ADDR_MAX)).toArray(ValueLayout.JAVA_BYTE) : null;
            return new Received(data, addr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getsockname(2) (peer: getpeername(2)): the raw address, or null with the errno in {@code err[0]}. */
    public static byte[] name(int fd, boolean peer, int[] err) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(ADDR_MAX);
            MemorySegment salen = a.allocate(INT);
            salen.set(INT, 0, ADDR_MAX);
            int r = peer ? (int) GETPEERNAME.invokeExact(st, fd, sa, salen) : (int) GETSOCKNAME.invokeExact(st, fd, sa, salen);
            if (r < 0) {
                err[0] = Ffm.errno(st);
                return null;
            }
            return sa.asSlice(0, Math.min(salen.get(INT, 0), ADDR_MAX)).toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** shutdown(2): 0 or a negative errno. */
    public static int shutdown(int fd, int how) {
        MemorySegment st = Ffm.state();
        try {
            return (int) orErrno(st, (int) SHUTDOWN.invokeExact(st, fd, how));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setsockopt(2) of the option {@code name} to a receive or send time limit ({@code struct timeval}): 0 or a negative errno. */
    public static int setTimeout(int fd, int name, long millis) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(16, 8);
            tv.set(LONG, 0, millis / 1000);
            tv.set(LONG, 8, millis % 1000 * 1000);
            return (int) orErrno(st, (int) SETSOCKOPT.invokeExact(st, fd, 1 /* SOL_SOCKET */, name, tv, 16));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** SO_RCVTIMEO, for {@link #setTimeout}. */
    public static final int SO_RCVTIMEO = 20;

    /** setsockopt(2) with an int value: 0 or a negative errno. */
    public static int setsockopt(int fd, int level, int name, int value) {
        MemorySegment st = Ffm.state();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(INT);
            v.set(INT, 0, value);
            return (int) orErrno(st, (int) SETSOCKOPT.invokeExact(st, fd, level, name, v, 4));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
