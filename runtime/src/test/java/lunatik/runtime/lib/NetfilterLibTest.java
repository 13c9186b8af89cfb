package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import lunatik.linux.ffm.LibC;
import lunatik.linux.netfilter.NfRules;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netfilter module for real: hooks in a network namespace of the test's own, packets sent
 * on its loopback by a thread that entered the namespace, verdicts seen by a receiver there.
 */
class NetfilterLibTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path root;
    final String ns = "lunatik-nf-" + ProcessHandle.current().pid();
    final List<String> log = new CopyOnWriteArrayList<>();
    ExecutorService inNs;
    Host host;

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (CI runs as root)");
        sh("ip", "netns", "add", ns);
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        NetfilterLib.setNetworkNamespace(Path.of("/var/run/netns", ns));
        // a thread inside the namespace: its sockets are the namespace's
        inNs = Executors.newSingleThreadExecutor();
        inNs.submit(() -> {
            LibC.enterNetworkNamespace("/var/run/netns/" + ns);
            return null;
        }).get();
        host = new Host(root, log::add);
        host.setLibraryPath(CHECKOUT.resolve("lua"));
    }

    @AfterEach
    void tearDown() throws Exception {
        NetfilterLib.setNetworkNamespace(null);
        if (inNs != null) {
            inNs.shutdownNow();
        }
        sh("ip", "netns", "del", ns);
    }

    private <T> T inNamespace(Callable<T> c) throws Exception {
        return inNs.submit(c).get();
    }

    private void script(String name, String src) throws Exception {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    /** Sends each payload by UDP to 127.0.0.1:port in the namespace; returns what arrived. */
    private List<String> udp(int port, byte[]... payloads) throws Exception {
        return inNamespace(() -> {
            List<String> got = new ArrayList<>();
            try (DatagramSocket rx = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 DatagramSocket tx = new DatagramSocket()) {
                rx.setSoTimeout(500);
                for (byte[] p : payloads) {
                    tx.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), port));
                }
                byte[] buf = new byte[2048];
                while (true) {
                    DatagramPacket d = new DatagramPacket(buf, buf.length);
                    try {
                        rx.receive(d);
                    } catch (SocketTimeoutException e) {
                        return got;
                    }
                    got.add(new String(buf, 0, d.getLength(), StandardCharsets.ISO_8859_1));
                }
            }
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aHookDropsAcceptsAndRewritesPackets() throws Exception {
        script("filter", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              hook = function(skb)
                local thoff = (skb:getuint8(0) & 0x0F) << 2
                if skb:getuint8(9) ~= 17 then return nf.action.ACCEPT end
                local payload = skb:getstring(thoff + 8)
                if payload == "drop" then return nf.action.DROP end
                if payload == "upper" then
                  skb:setstring(thoff + 8, "UPPER")
                  skb:setuint16(thoff + 6, 0) -- no UDP checksum (IPv4 allows it)
                end
                if payload == "boom" then error("hook failed") end
                if payload == "nil" then return nil end
                return nf.action.ACCEPT
              end}
            """);
        Runtime rt = host.runtime("filter", false);
        assertThat(NfRules.chains("/var/run/netns/" + ns)).hasSize(2);
        List<String> got = udp(9999, b("keep"), b("drop"), b("upper"), b("boom"), b("nil"), b("last"));
        // an error accepts (and is logged); nil drops, as in Lunatik
        assertThat(got).containsExactly("keep", "UPPER", "boom", "last");
        assertThat(log).anyMatch(l -> l.contains("hook failed"));
        rt.stop();
        // the hook's rules go with its runtime, and packets flow unhooked
        assertThat(NfRules.chains("/var/run/netns/" + ns)).isEmpty();
        assertThat(udp(9999, b("drop"))).containsExactly("drop");
    }

    @Test
    void theMarkSelectsThePacketsAndTheSecondResultSetsIt() throws Exception {
        // only packets with mark 7 reach the hook; the hook marks them 9 and the rule at a later
        // priority (LAST) sees mark 9 and drops them, showing the mark took effect
        script("marks", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.MANGLE,
              hook = function(skb) return nf.action.ACCEPT, 9 end}
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              mark = 9, hook = function(skb) return nf.action.DROP end}
            """);
        Runtime rt = host.runtime("marks", false);
        assertThat(udp(9998, b("marked and dropped"))).isEmpty();
        rt.stop();
        assertThat(udp(9998, b("free"))).containsExactly("free");
    }

    @Test
    void registrationErrors() throws Exception {
        script("sleepy", "require('netfilter').register{pf = 2, hooknum = 3, priority = 0, hook = print}");
        assertThatThrownBy(() -> host.runtime("sleepy", true)).isInstanceOf(LuaException.class)
            .hasMessageContaining("cannot use sleepable runtime in this context");
        script("nopf", "require('netfilter').register{hooknum = 3, priority = 0, hook = print}");
        assertThatThrownBy(() -> host.runtime("nopf", false))
            .hasMessageContaining("bad field 'pf' (number expected, got nil)");
        script("bridge", "local nf = require('netfilter') nf.register{pf = nf.family.BRIDGE, hooknum = 0, priority = 0, hook = print}");
        assertThatThrownBy(() -> host.runtime("bridge", false))
            .hasMessageContaining("failed to register netfilter hook");
        assertThat(NfRules.chains("/var/run/netns/" + ns)).isEmpty(); // nothing left behind
    }

    /** What a daemon killed with SIGKILL leaves (its rules) is found and removed by the next one. */
    @Test
    void staleRulesAreRemoved() throws Exception {
        String path = "/var/run/netns/" + ns;
        NfRules.install(path, false, 3, 0, null, 31999);
        NfRules.install(path, true, 1, -150, 5L, 31998);
        assertThat(NfRules.chains(path)).containsExactlyInAnyOrder(
            "ip lunatik_h31999", "ip lunatik_q31999", "ip6 lunatik_h31998", "ip6 lunatik_q31998");
        // with nobody reading the queue, the bypass lets packets through (fail-open)
        assertThat(udp(9997, b("through"))).containsExactly("through");
        assertThat(NetfilterLib.removeStaleRules()).isEqualTo(2);
        assertThat(NfRules.chains(path)).isEmpty();
    }

    /** A DNS query for {@code name} (wire format), as a resolver sends it. */
    private static byte[] dnsQuery(String name) {
        java.io.ByteArrayOutputStream q = new java.io.ByteArrayOutputStream();
        q.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            q.write(label.length());
            q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return q.toByteArray();
    }

    @Test
    void theDnsblockExampleDropsQueriesForBlockedNames() throws Exception {
        Host h = new Host(CHECKOUT, log::add);
        h.setLibraryPath(CHECKOUT.resolve("lua"));
        Runtime rt = h.runtime("examples/dnsblock/nf_dnsblock", false);
        List<String> got = udp(53, dnsQuery("github.com"), dnsQuery("example.org"), dnsQuery("www.gitlab.com"));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).contains("example");
        assertThat(log).anyMatch(l -> l.startsWith("DNS query for ") && l.contains("github") && l.endsWith("blocked"));
        assertThat(log).anyMatch(l -> l.contains("gitlab") && l.endsWith("blocked"));
        rt.stop();
    }
}
