package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket module and socket.inet over real sockets on loopback (and AF_UNIX in a temporary folder). */
class SocketLibTest {
    private static LuaState state(boolean sleepable) {
        return CryptoLibTest.newState(sleepable);
    }

    private static String eval(LuaState L, String src) {
        return Ops.tostring(L, L.call1(L.load(src, "=socket"))).toString();
    }

    @Test
    void tcpServerInLuaEchoesToAJavaClient() throws Exception {
        LuaState L = state(true);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        L.globals.put(Ops.str("PORT"), (long) port);
        eval(L, """
            inet = require("socket.inet")
            server = inet.tcp()
            server:bind(inet.localhost, PORT)
            server:listen()
            local ip, p = server:getsockname()
            return ip .. ":" .. p
            """);
        AtomicReference<String> got = new AtomicReference<>();
        Thread client = Thread.ofPlatform().start(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream o = s.getOutputStream();
                o.write("hello\0world".getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                got.set(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            } catch (Exception e) {
                got.set(e.toString());
            }
        });
        String r = eval(L, """
            local conn = server:accept()
            local ip, p = conn:getpeername()
            local all = {}
            while true do
              local chunk = conn:receive(1024)
              if chunk == "" then break end
              all[#all + 1] = chunk
              conn:send(chunk)
            end
            conn:close()
            server:close()
            return table.concat(all) == "hello\\0world" and require("net").ntoa(ip) or "bad"
            """);
        client.join(10_000);
        assertThat(r).isEqualTo("127.0.0.1");
        assertThat(got.get()).isEqualTo("hello\0world");
    }

    @Test
    void tcpClientInLuaTalksToAJavaServer() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread t = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] b = in.readNBytes(4);
                    s.getOutputStream().write(("re:" + new String(b, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the assertion below fails
                }
            });
            LuaState L = state(true);
            L.globals.put(Ops.str("PORT"), (long) server.getLocalPort());
            String r = eval(L, """
                local inet = require("socket.inet")
                local c <close> = inet.tcp()
                c:connect(inet.localhost, PORT)
                assert(c:send("ping") == 4)
                local got = ""
                while #got < 7 do
                  local s = c:receive(16)
                  if s == "" then break end
                  got = got .. s
                end
                return got
                """);
            t.join(10_000);
            assertThat(r).isEqualTo("re:ping");
        }
    }

    @Test
    void udpBetweenTwoLuaSocketsWithSenderAddress() {
        LuaState L = state(true);
        String r = eval(L, """
            local inet = require("socket.inet")
            local a <close> = inet.udp()
            local b <close> = inet.udp()
            a:bind(inet.localhost, 0)
            b:bind("*", 0)
            local _, pa = a:getsockname()
            local _, pb = b:getsockname()
            assert(b:sendto("datagram", inet.localhost, pa) == 8)
            local msg, ip, port = a:receivefrom(100)
            assert(port == pb, "sender port")
            -- a huge length is no huge buffer: at most 1 MiB is asked of the kernel at a time
            b:sendto("again", inet.localhost, pa)
            assert(a:receive(1 << 40) == "again")
            return msg .. " from " .. ip
            """);
        assertThat(r).isEqualTo("datagram from 127.0.0.1");
    }

    @Test
    void unixStreamSocketsByPath(@TempDir Path dir) {
        LuaState L = state(true);
        L.globals.put(Ops.str("PATH"), Ops.str(dir.resolve("s.sock").toString()));
        String r = eval(L, """
            local socket = require("socket")
            local af, sock = socket.af, socket.sock
            local server = socket.new(af.UNIX, sock.STREAM, 0)
            server:bind(PATH)
            server:listen(4)
            local client = socket.new(af.UNIX, sock.STREAM, 0)
            client:connect(PATH)
            local conn = server:accept()
            client:send("over unix")
            local got = conn:receive(64)
            local name = conn:getsockname()
            client:close() conn:close() server:close()
            return got .. " " .. #name
            """);
        assertThat(r).isEqualTo("over unix " + (dir.resolve("s.sock").toString().length() + 1));
        assertThat(Files.exists(dir.resolve("s.sock"))).isTrue();
    }

    @Test
    void failuresRaiseTheErrnoAsAnInteger() {
        LuaState L = state(true);
        String r = eval(L, """
            local socket = require("socket")
            local inet = require("socket.inet")
            local linux = require("linux")
            local server <close> = inet.tcp()
            server:bind(inet.localhost, 0)
            server:listen()
            local _, port = server:getsockname()
            local out = {}
            -- nothing pending: a non-blocking accept raises EAGAIN
            out[#out + 1] = select(2, pcall(server.accept, server, socket.sock.NONBLOCK))
            -- the address is taken
            local other <close> = inet.tcp()
            out[#out + 1] = select(2, pcall(other.bind, other, inet.localhost, port))
            -- nobody listens there any more
            local closed = inet.tcp()
            closed:bind(inet.localhost, 0)
            local _, free = closed:getsockname()
            closed:close()
            local c <close> = inet.tcp()
            out[#out + 1] = select(2, pcall(c.connect, c, inet.localhost, free))
            -- a closed socket (Lunatik's message for an object whose payload is gone)
            out[#out + 1] = select(2, pcall(closed.send, closed, "x"))
            -- not connected
            out[#out + 1] = select(2, pcall(c.getpeername, c))
            assert(linux.errno.AGAIN == out[1] and linux.errno.ADDRINUSE == out[2])
            return table.concat(out, " ")
            """);
        assertThat(r).isEqualTo("11 98 111 bad argument #1 to '?' (null-pointer dereference) 107");
    }

    @Test
    void argumentErrorsReadLikeTheReference() {
        LuaState L = state(true);
        String r = eval(L, """
            local socket = require("socket")
            local out = {}
            out[#out + 1] = select(2, pcall(socket.new, nil, 1, 0))
            out[#out + 1] = select(2, pcall(socket.new, socket.af.INET, "x", 0))
            local s <close> = socket.new(socket.af.INET, socket.sock.DGRAM, 0)
            out[#out + 1] = select(2, pcall(s.bind, s, "127.0.0.1", 1))
            out[#out + 1] = select(2, pcall(s.receive, s))
            out[#out + 1] = select(2, pcall(s.send, s, {}))
            -- a family the kernel does not have
            out[#out + 1] = select(2, pcall(socket.new, socket.af.MAX, 1, 0))
            return table.concat(out, "\\n")
            """);
        assertThat(r).isEqualTo("""
            bad argument #1 to 'socket.new' (number expected, got nil)
            bad argument #2 to 'socket.new' (number expected, got string)
            bad argument #2 to '?' (number expected, got string)
            bad argument #2 to '?' (number expected, got no value)
            bad argument #2 to '?' (string expected, got table)
            97""");
    }

    @Test
    void notInNonSleepableRuntimes() {
        LuaState L = state(false);
        String r = eval(L, "return select(2, pcall(require('socket').new, 2, 1, 0))");
        assertThat(r).contains("not supported on non-sleepable runtimes");
    }

    @Test
    void aBlockedReceiveEndsWithEintrWhenItsThreadIsStopped() throws Exception {
        LuaState L = state(true);
        AtomicReference<String> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> result.set(eval(L, """
            local inet = require("socket.inet")
            local u <close> = inet.udp()
            u:bind(inet.localhost, 0)
            return tostring(select(2, pcall(u.receive, u, 10)))
            """)));
        Thread.sleep(300);
        t.interrupt();
        t.join(5_000);
        assertThat(result.get()).isEqualTo("4");
    }

    @Test
    void constantTablesHoldTheLinuxValues() {
        LuaState L = state(true);
        LuaTable s = (LuaTable) L.call1(L.load("return require('socket')", "=c"));
        assertThat(((LuaTable) s.get(Ops.str("af"))).get(Ops.str("PACKET"))).isEqualTo(17L);
        assertThat(((LuaTable) s.get(Ops.str("sock"))).get(Ops.str("NONBLOCK"))).isEqualTo(2048L);
        assertThat(((LuaTable) s.get(Ops.str("msg"))).get(Ops.str("DONTWAIT"))).isEqualTo(64L);
        assertThat(((LuaTable) s.get(Ops.str("ipproto"))).get(Ops.str("UDP"))).isEqualTo(17L);
        assertThat(Lunatik.moduleNames()).contains("socket");
    }
}
