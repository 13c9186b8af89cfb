package lunatik.runtime.lib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.Sockets;
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
 * The {@code socket} module (spec §8.12, lib/luasocket.c): real sockets of the daemon, any
 * family the kernel has (inet, unix, packet, netlink), made with socket(2) through the FFM API.
 * Failures raise the positive errno as an integer, as Lunatik's {@code lunatik_try} does.
 *
 * <p>Addresses follow the socket's family: AF_INET takes a host-order IPv4 integer and a port;
 * AF_PACKET an interface index (the protocol is the socket's) or raw {@code sockaddr_ll} bytes
 * after the family field; any other family raw bytes after the family field (for AF_UNIX, the
 * path). A blocking call (accept, receive, send on a blocking socket) waits in slices of
 * 100 ms and gives up with EINTR (4) when its thread is stopped ({@code thread.stop}), so a
 * runtime blocked on a socket can be stopped; a kernel thread would not notice.
 *
 * <p>One quirk of v3.7 is not kept: {@code s:connect(ip, port)} does not read the port as the
 * flags argument; flags are the third explicit argument only. One thing is added: TCP sockets
 * have SO_REUSEADDR, so a service restarted while its old connections linger in TIME_WAIT can
 * bind its port again (a listening socket still refuses a second one).
 */
public final class SocketLib {
    private SocketLib() {
    }

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_PACKET = 17;
    static final int SOCK_STREAM = 1;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SOCK_NONBLOCK = 04000;
    static final int SOCK_CLOEXEC = 02000000;
    static final int MSG_DONTWAIT = 0x40;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBADF = 9;
    static final int SOMAXCONN = 4096;
    static final int MAX_RECEIVE = 1 << 20;
    private static final short POLLIN = 1;
    private static final short POLLOUT = 4;

    /** An open socket: its descriptor, family, protocol and whether it is non-blocking. */
    static final class Sock {
        volatile int fd;
        final int family;
        final int protocol;
        final boolean nonblocking;

        Sock(int fd, int family, int protocol, boolean nonblocking) {
            this.fd = fd;
            this.family = family;
            this.protocol = protocol;
            this.nonblocking = nonblocking;
        }

        int fd() {
            int f = fd;
            if (f < 0) {
                throw errno(EBADF);
            }
            return f;
        }

        void close() {
            int f = fd;
            if (f >= 0) {
                fd = -1;
                Sockets.shutdown(f, Sockets.SHUT_RDWR);
                try {
                    LibC.close(f);
                } catch (lunatik.linux.ffm.ErrnoException e) {
                    // released either way
                }
            }
        }
    }

    /** The class: sleepable runtimes only, monitored (one call at a time per socket). */
    public static final ObjectClass CLASS = ObjectClass.builder("socket").monitored().sleep()
            .method("close", (self, a) -> {
                self.close();
                return Varargs.NONE;
            })
            .method("bind", SocketLib::bind)
            .method("listen", SocketLib::listen)
            .method("accept", SocketLib::accept)
            .method("connect", SocketLib::connect)
            .method("send", SocketLib::send)
            .method("receive", SocketLib::receive)
            .method("getsockname", (self, a) -> name(self, false))
            .method("getpeername", (self, a) -> name(self, true))
            .closer("close")
            .release(p -> ((Sock) p).close())
            .build();

    static LuaError errno(int e) {
        return new LuaError(Long.valueOf(e));
    }

    private static long check(long r) {
        if (r < 0) {
            throw errno((int) -r);
        }
        return r;
    }

    /**
     * Waits until {@code s} is ready for {@code events}, in slices, unless the call must not
     * block; EINTR once the thread is interrupted (stopped).
     */
    private static void await(LuaState L, Sock s, short events, boolean mayBlock) {
        if (!mayBlock || s.nonblocking) {
            return;
        }
        while (true) {
            L.checkInterrupt(); // the runtime is stopping: its error, not EINTR, which a script may retry
            if (Thread.currentThread().isInterrupted()) {
                throw errno(EINTR);
            }
            int r = LibC.pollOne(s.fd(), events, 100);
            if (r != 0 && r != -EINTR) {
                L.refillBudget(); // waited for I/O: a new slice of the instruction budget
                return; // ready, or an error the call itself will report
            }
        }
    }


    /** {@code require("socket")}. */
    /*lua @module socket
     * Sockets of the daemon, any family the kernel has (inet, unix, packet, netlink), made with
     * socket(2). Failures raise the positive errno as an integer (as Lunatik's `lunatik_try`), e.g.
     * `pcall(s.bind, s, ...)` gives `false, 98` for EADDRINUSE. Addresses follow the socket's
     * family: AF_INET takes a host-order IPv4 integer and a port (`net.aton` makes one); AF_PACKET
     * an interface index (the protocol is the socket's) or raw `sockaddr_ll` bytes after the family
     * field; any other family raw bytes after the family field (for AF_UNIX, the path). A blocking
     * call (accept, receive, send) waits in slices of 100 ms and raises EINTR (4) when its thread
     * is stopped; a stopping runtime raises its own error. Sleepable runtimes only.
     * @differs `s:connect(ip, port)` does not read the port as the flags argument (v3.7's quirk):
     * flags are the argument after the address only. TCP sockets get SO_REUSEADDR, so a restarted
     * service can bind its port again.
     */
    /*lua socket.new(family, type, protocol)
     * Makes a socket (close-on-exec).
     * @param family integer: a `socket.af` value
     * @param type integer: a `socket.sock` value, optionally ORed with `socket.sock.NONBLOCK`
     * @param protocol integer: a `socket.ipproto` value; for AF_PACKET an Ethernet protocol in
     *   host order (0x0003 for all)
     * @return a socket object
     * @raise "socket: not supported on non-sleepable runtimes"; an errno integer from socket(2)
     */
    /*lua socket.af
     * Address families.
     */
    /*lua socket.sock
     * Socket types, and the flags CLOEXEC and NONBLOCK.
     */
    /*lua socket.msg
     * Message flags for `receive`.
     */
    /*lua socket.ipproto
     * IP protocols.
     */
    /*lua socket:bind(address [, port])
     * Binds the socket.
     * @param address integer (AF_INET, host order), integer interface index (AF_PACKET) or string
     *   (raw bytes after the family field)
     * @param port integer: AF_INET only
     * @raise an errno integer; "bad argument #2 to 'bind' (address too long)"
     */
    /*lua socket:listen([backlog])
     * Listens for connections.
     * @param backlog integer: SOMAXCONN (4096) when absent
     * @raise an errno integer
     */
    /*lua socket:accept([flags])
     * Waits for a connection and accepts it.
     * @param flags integer: `socket.sock.NONBLOCK` not to wait (EAGAIN when none is pending),
     *   `socket.sock.CLOEXEC` (always set)
     * @return a socket object, blocking
     * @raise an errno integer; EINTR (4) when the thread is stopped
     */
    /*lua socket:connect(address [, port] [, flags])
     * Connects the socket.
     * @param address as for `bind`
     * @param port integer: AF_INET only
     * @param flags integer: `socket.sock.NONBLOCK` only on a non-blocking socket
     * @raise an errno integer; "non-blocking connect is not supported on a blocking socket"
     *   (argument error)
     */
    /*lua socket:send(message [, address [, port]])
     * Sends bytes (MSG_NOSIGNAL), to `address` when given (sendto).
     * @param message string
     * @param address as for `bind`
     * @param port integer: AF_INET only
     * @return integer: the count sent
     * @raise an errno integer; EINTR (4) when the thread is stopped while waiting
     */
    /*lua socket:receive(length [, flags [, from]])
     * Receives up to `length` bytes (at most 1 MiB at a time), waiting unless `flags` has
     * `socket.msg.DONTWAIT`.
     * @param length integer
     * @param flags integer: `socket.msg` values
     * @param from boolean: also return the sender's address
     * @return string; with `from`, then the address: for AF_INET the host-order IPv4 integer and
     *   the port, else the raw bytes after the family field
     * @raise an errno integer (EAGAIN without data and DONTWAIT); "bad argument #2 to 'receive'
     *   (out of bounds)" for a negative length
     */
    /*lua socket:getsockname()
     * The socket's own address.
     * @return for AF_INET the host-order IPv4 integer and the port; else the raw bytes after the
     *   family field (at least 14)
     * @raise an errno integer
     */
    /*lua socket:getpeername()
     * The connected peer's address, as `getsockname` gives it.
     * @raise an errno integer (ENOTCONN, 107, when not connected)
     */
    /*lua socket:close()
     * Closes the socket. Also its `__close`.
     */
    public static Object open(LuaState L) {
        Objects.metatable(L, CLASS);
        LuaTable t = new LuaTable();
        LibFunction.register(L, t, "socket", "new", a -> {
            long family = a.checkInteger(1);
            long type = a.checkInteger(2);
            long protocol = a.checkInteger(3);
            if (!Lunatik.isSleepable(a.state())) {
                throw new LuaError(Ops.str("socket: not supported on non-sleepable runtimes"));
            }
            int proto = (int) protocol;
            // AF_PACKET takes the ethernet protocol in network order, as the kernel's sock_create
            int p = family == AF_PACKET ? Short.toUnsignedInt(Short.reverseBytes((short) proto)) : proto;
            int fd = (int) check(Sockets.socket((int) family, (int) type | SOCK_CLOEXEC, p));
            if ((family == AF_INET || family == AF_INET6) && (type & 0xf) == SOCK_STREAM) {
                // a service restarted while its old connections linger in TIME_WAIT can bind again
                Sockets.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
            }
            Sock s = new Sock(fd, (int) family, proto, (type & SOCK_NONBLOCK) != 0);
            return Objects.push(a.state(), new LunatikObject(CLASS, s, true));
        });
        t.put(Ops.str("af"), Constants.table("UNSPEC", 0, "UNIX", 1, "LOCAL", 1, "INET", 2, "AX25", 3, "IPX", 4,
            "APPLETALK", 5, "NETROM", 6, "BRIDGE", 7, "ATMPVC", 8, "X25", 9, "INET6", 10, "ROSE", 11,
            "DECnet", 12, "NETBEUI", 13, "SECURITY", 14, "KEY", 15, "NETLINK", 16, "ROUTE", 16,
            "PACKET", 17, "ASH", 18, "ECONET", 19, "ATMSVC", 20, "RDS", 21, "SNA", 22, "IRDA", 23,
            "PPPOX", 24, "WANPIPE", 25, "LLC", 26, "IB", 27, "MPLS", 28, "CAN", 29, "TIPC", 30,
            "BLUETOOTH", 31, "IUCV", 32, "RXRPC", 33, "ISDN", 34, "PHONET", 35, "IEEE802154", 36,
            "CAIF", 37, "ALG", 38, "NFC", 39, "VSOCK", 40, "KCM", 41, "QIPCRTR", 42, "SMC", 43,
            "XDP", 44, "MCTP", 45, "MAX", 46));
        t.put(Ops.str("sock"), Constants.table("STREAM", 1, "DGRAM", 2, "RAW", 3, "RDM", 4, "SEQPACKET", 5,
            "DCCP", 6, "PACKET", 10, "CLOEXEC", SOCK_CLOEXEC, "NONBLOCK", SOCK_NONBLOCK));
        t.put(Ops.str("msg"), Constants.table("OOB", 0x1, "PEEK", 0x2, "DONTROUTE", 0x4, "TRYHARD", 0x4,
            "CTRUNC", 0x8, "PROBE", 0x10, "TRUNC", 0x20, "DONTWAIT", 0x40, "EOR", 0x80, "WAITALL", 0x100,
            "FIN", 0x200, "SYN", 0x400, "CONFIRM", 0x800, "RST", 0x1000, "ERRQUEUE", 0x2000,
            "NOSIGNAL", 0x4000, "MORE", 0x8000, "WAITFORONE", 0x10000, "SENDPAGE_NOPOLICY", 0x10000,
            "BATCH", 0x40000, "EOF", 0x200, "NO_SHARED_FRAGS", 0x80000, "SENDPAGE_DECRYPTED", 0x100000,
            "ZEROCOPY", 0x4000000, "FASTOPEN", 0x20000000, "CMSG_CLOEXEC", 0x40000000));
        t.put(Ops.str("ipproto"), Constants.table("IP", 0, "ICMP", 1, "IGMP", 2, "IPIP", 4, "TCP", 6, "EGP", 8,
            "PUP", 12, "UDP", 17, "IDP", 22, "TP", 29, "DCCP", 33, "IPV6", 41, "RSVP", 46, "GRE", 47,
            "ESP", 50, "AH", 51, "MTP", 92, "BEETPH", 94, "ENCAP", 98, "PIM", 103, "COMP", 108,
            "L2TP", 115, "SCTP", 132, "UDPLITE", 136, "MPLS", 137, "ETHERNET", 143, "RAW", 255,
            "MPTCP", 262));
        return t;
    }

    // ---------------------------------------------------------------- addresses

    /** The raw address of explicit arguments {@code n} (addr) and {@code n + 1} (port) for {@code s}. */
    static byte[] address(Sock s, Args a, int n) {
        Object addr = a.get(n);
        if (s.family == AF_INET) {
            long ip = a.checkInteger(n);
            long port = a.checkInteger(n + 1);
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            b.putShort((short) AF_INET);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt((int) ip);
            return b.array();
        }
        if (s.family == AF_PACKET && !(addr instanceof LuaString)) {
            long ifindex = a.checkInteger(n);
            ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
            b.putShort((short) AF_PACKET);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) s.protocol);
            b.order(ByteOrder.nativeOrder()).putInt((int) ifindex);
            return b.array();
        }
        byte[] raw = a.checkString(n).bytes();
        int size = s.family == AF_PACKET ? 20 : Math.max(16, 2 + raw.length);
        if (2 + raw.length > Sockets.ADDR_MAX) {
            throw a.argError(n, "address too long");
        }
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 2 + raw.length)).order(ByteOrder.nativeOrder());
        b.putShort((short) s.family);
        b.put(raw);
        byte[] out = b.array();
        // AF_UNIX: the length covers the path exactly (an abstract name may hold zero bytes)
        return s.family == AF_UNIX ? Arrays.copyOf(out, 2 + raw.length) : out;
    }

    /** An AF_INET address as {host-order integer, port}. */
    private static Object[] inet(byte[] sa) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(sa, 16)).order(ByteOrder.BIG_ENDIAN);
        long port = Short.toUnsignedInt(b.getShort(2));
        long ip = Integer.toUnsignedLong(b.getInt(4));
        return new Object[] {ip, port};
    }

    /** The bytes after the family field, at least {@code min} of them (zero-padded). */
    private static LuaString raw(byte[] sa, int min) {
        byte[] r = Arrays.copyOfRange(sa, Math.min(2, sa.length), Math.max(sa.length, 2 + min));
        return LuaString.wrap(r);
    }

    // ---------------------------------------------------------------- methods

    private static Sock sock(LunatikObject self) {
        return self.payload(Sock.class);
    }

    private static Object bind(LunatikObject self, Args a) {
        Sock s = sock(self);
        check(Sockets.bind(s.fd(), address(s, a, 2)));
        return Varargs.NONE;
    }

    private static Object listen(LunatikObject self, Args a) {
        Sock s = sock(self);
        long backlog = a.optInteger(2, SOMAXCONN);
        check(Sockets.listen(s.fd(), (int) backlog));
        return Varargs.NONE;
    }

    private static Object accept(LunatikObject self, Args a) {
        Sock s = sock(self);
        long flags = a.optInteger(2, 0);
        boolean dontWait = (flags & SOCK_NONBLOCK) != 0;
        if (dontWait && !s.nonblocking && LibC.pollOne(s.fd(), POLLIN, 0) == 0) {
            throw errno(EAGAIN); // the accept itself does not wait; the new socket blocks
        }
        await(a.state(), s, POLLIN, !dontWait);
        int fd = (int) check(Sockets.accept(s.fd(), SOCK_CLOEXEC | (int) (flags & ~SOCK_NONBLOCK & ~SOCK_CLOEXEC)));
        Sock c = new Sock(fd, s.family, s.protocol, false);
        return Objects.push(a.state(), new LunatikObject(CLASS, c, true));
    }

    private static Object connect(LunatikObject self, Args a) {
        Sock s = sock(self);
        byte[] sa = address(s, a, 2);
        int flagsArg = s.family == AF_INET ? 4 : 3;
        long flags = a.optInteger(flagsArg, 0);
        if ((flags & SOCK_NONBLOCK) != 0 && !s.nonblocking) {
            throw a.argError(flagsArg, "non-blocking connect is not supported on a blocking socket");
        }
        check(Sockets.connect(s.fd(), sa));
        return Varargs.NONE;
    }

    private static Object send(LunatikObject self, Args a) {
        Sock s = sock(self);
        LuaString msg = a.checkString(2);
        byte[] to = a.isNoneOrNil(3) ? null : address(s, a, 3);
        await(a.state(), s, POLLOUT, true);
        return check(Sockets.sendto(s.fd(), msg.bytes(), 0x4000 /* MSG_NOSIGNAL */, to));
    }

    private static Object receive(LunatikObject self, Args a) {
        Sock s = sock(self);
        long len = a.checkInteger(2);
        long flags = a.optInteger(3, 0);
        boolean from = a.toBoolean(4);
        if (len < 0) {
            throw a.argError(2, "out of bounds");
        }
        // at most 1 MiB at a time: a stream gives the rest to the next receive, and no datagram
        // is larger (the buffer is native memory, which the memory budget does not see)
        len = Math.min(len, MAX_RECEIVE);
        await(a.state(), s, POLLIN, (flags & MSG_DONTWAIT) == 0);
        int[] err = new int[1];
        Sockets.Received r = Sockets.recvfrom(s.fd(), (int) len, (int) flags, from, err);
        if (r == null) {
            throw errno(err[0]);
        }
        LuaString msg = LuaString.wrap(r.data());
        if (!from) {
            return msg;
        }
        if (s.family == AF_INET) {
            Object[] ipPort = inet(r.from());
            return Varargs.of(msg, ipPort[0], ipPort[1]);
        }
        return Varargs.of(msg, raw(r.from(), 0));
    }

    private static Object name(LunatikObject self, boolean peer) {
        Sock s = sock(self);
        int[] err = new int[1];
        byte[] sa = Sockets.name(s.fd(), peer, err);
        if (sa == null) {
            throw errno(err[0]);
        }
        return s.family == AF_INET ? Varargs.of(inet(sa)) : raw(sa, 14);
    }
}
