package lunatik.daemon;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The examples that use sockets, run by a real daemon as the README says, and used as a user
 * would: TCP clients on loopback, and reads of their devices.
 */
class ExamplesTest extends DaemonFixture {
    @BeforeEach
    void setUp() throws Exception {
        Require.netfilterTools();
        assertThat(cli.command("load")).isZero();
    }

    /** Runs a lunatik command that must succeed; its output and the daemon log explain a failure. */
    private void ok(String... args) throws Exception {
        int rc = cli.command(args);
        assertThat(rc).as("lunatik %s: %s\n%s", String.join(" ", args), out, log()).isZero();
    }

    private String log() throws Exception {
        return Files.readString(run.resolve("lunatikd.log"));
    }

    private static void waitFor(java.util.concurrent.Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.call() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(c.call()).isTrue();
    }

    /** Connects, retrying while the spawned script is still starting to listen. */
    private static Socket connect(int port) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                return s;
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Sends {@code request} and reads until the server closes or {@code expect} bytes came. */
    private static byte[] exchange(Socket s, String request, int expect) throws Exception {
        OutputStream o = s.getOutputStream();
        o.write(request.getBytes(StandardCharsets.US_ASCII));
        o.flush();
        return expect == 0 ? new byte[0] : s.getInputStream().readNBytes(expect);
    }

    /**
     * One request per connection: the example answers one received chunk at a time, so requests
     * sent back to back would arrive as one chunk and only the first would count.
     */
    private static byte[] request(String line, int expect) throws Exception {
        try (Socket s = connect(90)) {
            byte[] reply = exchange(s, line, expect);
            s.shutdownOutput(); // end of the session
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            return reply;
        }
    }

    @Test
    void sharedStoresReadsAndDeletesKeysOverTcp() throws Exception {
        ok("spawn", "examples/shared");
        request("name=lunatik\n", 0);
        request("other=x\n", 0);
        byte[] reply = request("name\n", 1025);
        assertThat(new String(reply, 0, 7, StandardCharsets.US_ASCII)).isEqualTo("lunatik");
        for (int i = 7; i < 1024; i++) {
            assertThat(reply[i]).isZero(); // the rest of the fresh 1024-byte buffer
        }
        assertThat(reply[1024]).isEqualTo((byte) '\n');
        request("name=\n", 0); // deleted
        try (Socket s = connect(90)) {
            exchange(s, "!\n", 0); // not a request: the server ends the session
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(new String(request("other\n", 1025), 0, 1, StandardCharsets.US_ASCII)).isEqualTo("x");
        assertThat(cli.command("stop", "examples/shared")).isZero();
        assertThat(log()).contains("starting shared...").contains("stopping shared...");
    }

    @Test
    void echodServesEachClientFromAWorkerOfItsOwn() throws Exception {
        ok("spawn", "examples/echod/daemon");
        List<String> echoes = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            String word = "client" + c;
            clients.add(Thread.ofPlatform().start(() -> {
                try (Socket s = connect(1337)) {
                    for (int i = 0; i < 5; i++) {
                        String msg = word + "/" + i;
                        echoes.add(new String(exchange(s, msg, msg.length()), StandardCharsets.US_ASCII));
                    }
                } catch (Exception e) {
                    echoes.add(e.toString());
                }
            }));
        }
        for (Thread t : clients) {
            t.join(20_000);
        }
        assertThat(echoes).hasSize(15).allMatch(e -> e.matches("client\\d/\\d"));
        out.reset();
        cli.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("examples/echod/daemon");
        // a client still connected when the daemon stops: its worker is stopped too
        try (Socket s = connect(1337)) {
            assertThat(new String(exchange(s, "last", 4), StandardCharsets.US_ASCII)).isEqualTo("last");
            assertThat(cli.command("stop", "examples/echod/daemon")).isZero();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        String log = log();
        assertThat(log).contains("echod [daemon]: started").contains("echod [daemon]: stopped");
        for (int w = 1; w <= 4; w++) {
            assertThat(log).contains("echod [worker #" + w + "]: started");
        }
        assertThat(log).contains("echod [worker #4]: aborted");
    }

    @Test
    void tapListsFramesOnLoopback() throws Exception {
        ok("run", "examples/tap");
        Path tap = dev.resolve("tap");
        assertThat(Files.getPosixFilePermissions(tap)).extracting(Object::toString)
            .containsExactlyInAnyOrder("OWNER_READ", "GROUP_READ", "OTHERS_READ");
        // datagrams to the discard port on loopback, until the reads below are done
        Thread traffic = Thread.ofPlatform().daemon().start(() -> {
            try (DatagramSocket u = new DatagramSocket()) {
                byte[] b = new byte[100];
                while (!Thread.currentThread().isInterrupted()) {
                    u.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), 9));
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                // interrupted: done
            }
        });
        List<String> lines = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tap)) {
            byte[] buf = new byte[256];
            for (int i = 0; i < 40 && lines.stream().noneMatch(l -> l.equals("0\t0\t800\t142\n")); i++) {
                int n = in.read(buf);
                lines.add(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        } finally {
            traffic.interrupt();
        }
        // loopback frames have zero MACs; 142 = 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 100
        assertThat(lines).contains("0\t0\t800\t142\n");
        assertThat(lines).allMatch(l -> l.matches("[0-9A-F]+\t[0-9A-F]+\t[0-9A-F]+\t\\d+\n"));
        assertThat(cli.command("stop", "examples/tap")).isZero();
        waitFor(() -> !Files.exists(tap));
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** Runs {@code c} on a thread that entered the network namespace {@code ns}. */
    private static <T> T inNamespace(String ns, java.util.concurrent.Callable<T> c) throws Exception {
        java.util.concurrent.ExecutorService inside = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return inside.submit(() -> {
                lunatik.linux.ffm.LibC.enterNetworkNamespace("/var/run/netns/" + ns);
                return c.call();
            }).get();
        } finally {
            inside.shutdownNow();
        }
    }

    /** A test body given the name of its namespace. */
    private interface InNamespace {
        void run(String ns) throws Exception;
    }

    /**
     * Runs {@code body} with a network namespace of its own (loopback up) and a daemon whose
     * network modules work there (LUNATIK_NETNS); both are gone afterwards.
     */
    private void withDaemonInNamespace(String prefix, InNamespace body) throws Exception {
        String ns = prefix + ProcessHandle.current().pid();
        sh("ip", "netns", "add", ns);
        try {
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            cli.command("unload");
            cli.netns(Path.of("/var/run/netns", ns));
            assertThat(cli.command("load")).isZero();
            body.run(ns);
        } finally {
            cli.command("unload");
            sh("ip", "netns", "del", ns);
        }
    }

    /** A DNS query for {@code name}, sent from inside the namespace; whether it arrived at 127.0.0.1:53 there. */
    private static boolean dnsQueryArrives(String ns, String name) throws Exception {
        return inNamespace(ns, () -> {
            java.io.ByteArrayOutputStream q = new java.io.ByteArrayOutputStream();
            q.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
            for (String label : name.split("\\.")) {
                q.write(label.length());
                q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
            q.writeBytes(new byte[] {0, 0, 1, 0, 1});
            byte[] b = q.toByteArray();
            try (DatagramSocket rx = new DatagramSocket(53, InetAddress.getLoopbackAddress());
                 DatagramSocket tx = new DatagramSocket()) {
                rx.setSoTimeout(1000);
                tx.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), 53));
                rx.receive(new DatagramPacket(new byte[512], 512));
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            }
        });
    }

    /**
     * dnsblock's netfilter hook made by the daemon in a namespace of the test's own
     * (LUNATIK_NETNS); then the daemon killed with SIGKILL: its rules stay and let packets pass
     * (fail-open), and the next daemon removes them.
     */
    @Test
    void dnsblockHookAndADaemonKilledWithSigkill() throws Exception {
        withDaemonInNamespace("lunatik-ex-", ns -> {
            ok("run", "examples/dnsblock/nf_dnsblock", "false");
            assertThat(dnsQueryArrives(ns, "github.com")).isFalse();
            assertThat(dnsQueryArrives(ns, "example.org")).isTrue();
            assertThat(log()).contains("blocked");
            long pid = Long.parseLong(Files.readString(run.resolve("lunatikd.pid")).strip());
            ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
            sh("kill", "-KILL", Long.toString(pid));
            h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(sh("ip", "netns", "exec", ns, "nft", "list", "chains")).contains("lunatik_h");
            assertThat(dnsQueryArrives(ns, "github.com")).as("fail-open with nobody reading").isTrue();
            assertThat(cli.command("load")).isZero();
            assertThat(log()).contains("removed the netfilter chain ip filter lunatik_h", "removed the netfilter chain ip6 filter lunatik_q",
                "removed the empty table ip filter it had made", "removed the empty table ip6 filter it had made");
            assertThat(sh("ip", "netns", "exec", ns, "nft", "list", "chains")).doesNotContain("lunatik_");
            assertThat(sh("ip", "netns", "exec", ns, "nft", "list", "tables")).doesNotContain("filter");
        });
    }

    /** dnsblock as an iptables match (xtable), with its rule written as for Lunatik: `lunatik iptables ...`. */
    @Test
    void dnsblockAsAnIptablesMatch() throws Exception {
        withDaemonInNamespace("lunatik-xt-", ns -> {
            ok("run", "examples/dnsblock/dnsblock", "false");
            out.reset();
            ok("iptables", "-A", "OUTPUT", "-m", "dnsblock", "-j", "DROP");
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("iptables -t filter -A OUTPUT -m mark ! --mark ")
                .contains("-j NFQUEUE --queue-num ");
            assertThat(dnsQueryArrives(ns, "github.com")).isFalse();
            assertThat(dnsQueryArrives(ns, "example.org")).isTrue();
            assertThat(log()).contains("blocked");
            out.reset();
            assertThat(cli.command("iptables", "-A", "OUTPUT", "-m", "nosuch", "-j", "DROP")).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("no xtable extension in this rule");
            ok("stop", "examples/dnsblock/dnsblock");
            assertThat(sh("ip", "netns", "exec", ns, "iptables-nft", "-S", "OUTPUT")).doesNotContain("NFQUEUE");
            assertThat(dnsQueryArrives(ns, "github.com")).isTrue();
        });
    }

    /** A TLS 1.2 ClientHello naming {@code host} in its server_name extension. */
    private static byte[] clientHello(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream sniExt = new java.io.ByteArrayOutputStream();
        sniExt.writeBytes(new byte[] {0, 0}); // server_name
        int listLen = 3 + name.length;
        sniExt.writeBytes(new byte[] {(byte) ((listLen + 2) >> 8), (byte) (listLen + 2), (byte) (listLen >> 8), (byte) listLen, 0,
            (byte) (name.length >> 8), (byte) name.length});
        sniExt.writeBytes(name);
        byte[] ext = sniExt.toByteArray();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);                  // random
        body.writeBytes(new byte[] {0});                // session id
        body.writeBytes(new byte[] {0, 2, 0x13, 0x01}); // cipher suites
        body.writeBytes(new byte[] {1, 0});             // compression
        body.writeBytes(new byte[] {(byte) (ext.length >> 8), (byte) ext.length});
        body.writeBytes(ext);
        byte[] b = body.toByteArray();
        java.io.ByteArrayOutputStream rec = new java.io.ByteArrayOutputStream();
        int hs = 4 + b.length;
        rec.writeBytes(new byte[] {0x16, 3, 1, (byte) (hs >> 8), (byte) hs, 1, 0, (byte) (b.length >> 8), (byte) b.length});
        rec.writeBytes(b);
        return rec.toByteArray();
    }

    /** Sends a ClientHello for {@code host} to 127.0.0.1:443 in the namespace; the bytes the server got within a second. */
    private static int helloArrives(String ns, String host) throws Exception {
        return inNamespace(ns, () -> {
            try (java.net.ServerSocket server = new java.net.ServerSocket(443, 1, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), 443);
                 Socket conn = server.accept()) {
                client.getOutputStream().write(clientHello(host));
                conn.setSoTimeout(1500);
                try {
                    return conn.getInputStream().readNBytes(16).length;
                } catch (java.net.SocketTimeoutException e) {
                    return 0;
                }
            }
        });
    }

    /** filter/sni with https.lua playing https.o, in a namespace of the test's own. */
    @Test
    void sniFilterDropsTheClientHelloOfBlockedNames() throws Exception {
        withDaemonInNamespace("lunatik-sni-", ns -> {
            ok("run", "examples/filter/sni", "false");
            ok("run", "examples/filter/https", "false");
            assertThat(helloArrives(ns, "ebpf.io")).isZero();
            assertThat(helloArrives(ns, "example.org")).isEqualTo(16);
            assertThat(log()).contains("filter_sni: ebpf.io DROP").contains("filter_sni: example.org PASS");
        });
    }

    /** One read(2) of up to 4 KiB, as cat makes (spyglass gives its log to one read, and clears it). */
    private static String readOnce(Path p) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
            int n = ch.read(b);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** Appends each key pressed then released, as evdev input_event records, to a simulated keyboard. */
    private static void type(Path keyboard, int... codes) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(48 * codes.length).order(java.nio.ByteOrder.nativeOrder());
        for (int c : codes) {
            for (int v = 1; v >= 0; v--) {
                b.putLong(0).putLong(0).putShort((short) 1).putShort((short) c).putInt(v);
            }
        }
        Files.write(keyboard, b.array(), java.nio.file.StandardOpenOption.APPEND);
    }

    /** The key events (code/value) the sink received, SYN_REPORTs left out. */
    private static List<String> sinkKeys(Path sink) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.exists(sink)) {
            return out;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(sink)).order(java.nio.ByteOrder.nativeOrder());
        for (int at = 0; at + 24 <= b.limit(); at += 24) {
            if (b.getShort(at + 16) == 1) {
                out.add(b.getShort(at + 18) + "/" + b.getInt(at + 20));
            }
        }
        return out;
    }

    private static List<String> typed(int... codes) {
        List<String> out = new ArrayList<>();
        for (int c : codes) {
            out.add(c + "/1");
            out.add(c + "/0");
        }
        return out;
    }

    /**
     * Lunatik's keylocker and spyglass, unmodified, run together on the daemon (in either order)
     * with a simulated keyboard (--keyboard) and a sink standing for the rest of the system
     * (--keyboard-sink): while locked, keys reach neither /dev/spyglass nor the sink; before and
     * after, both; spyglass sees nothing typed before it ran; with keylocker stopped, keys go on.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void keylockerAndSpyglassShareTheKeyboardChain(boolean keylockerFirst) throws Exception {
        Path keyboard = run.resolve("keyboard");
        Path sink = run.resolve("sink");
        Files.write(keyboard, new byte[0]);
        cli.command("unload");
        cli.daemonOptions("--keyboard", keyboard.toString(), "--keyboard-sink", sink.toString());
        assertThat(cli.command("load")).isZero();
        int[] sequence = {103, 103, 108, 108, 105, 106, 105, 106, 29, 56};
        ok("run", keylockerFirst ? "examples/keylocker" : "examples/spyglass");
        type(keyboard, 45, 21); // x y
        waitFor(() -> sinkKeys(sink).size() == 4);
        ok("run", keylockerFirst ? "examples/spyglass" : "examples/keylocker");
        type(keyboard, 30, 48); // a b
        type(keyboard, sequence);
        waitFor(() -> log().contains("keylocker: locked"));
        type(keyboard, 46, 32); // c d, locked
        type(keyboard, sequence);
        waitFor(() -> log().contains("keylocker: unlocked"));
        type(keyboard, 18, 33); // e f
        List<String> expected = new ArrayList<>(typed(45, 21, 30, 48));
        expected.addAll(typed(sequence));
        expected.add("56/0"); // the unlocking release
        expected.addAll(typed(18, 33));
        waitFor(() -> sinkKeys(sink).size() >= expected.size());
        Path spy = dev.resolve("spyglass");
        assertThat(sinkKeys(sink)).containsExactlyElementsOf(expected);
        assertThat(readOnce(spy)).isEqualTo((keylockerFirst ? "" : "xy") + "ab" + "<nil>".repeat(10) + "ef");
        // locked again, then keylocker stopped: its lock goes with it
        type(keyboard, sequence);
        waitFor(() -> log().lines().filter(l -> l.contains("keylocker: locked")).count() == 2);
        ok("stop", "examples/keylocker");
        type(keyboard, 17); // w
        waitFor(() -> sinkKeys(sink).size() >= expected.size() + 22);
        assertThat(sinkKeys(sink).subList(expected.size() + 20, expected.size() + 22)).containsExactly("17/1", "17/0");
        assertThat(readOnce(spy)).isEqualTo("<nil>".repeat(9) + "w");
    }
}
