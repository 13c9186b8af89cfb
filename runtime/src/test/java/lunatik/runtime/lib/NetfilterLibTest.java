package lunatik.runtime.lib;

import lunatik.testsupport.Require;
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
    final List<String> log = new CopyOnWriteArrayList<>();
    TestNamespace net;
    String ns;
    Host host;

    private static void sh(String... cmd) throws Exception {
        TestNamespace.sh(cmd);
    }

    @BeforeEach
    void setUp() throws Exception {
        Require.root();
        Require.netfilterTools();
        net = new TestNamespace("nf").use();
        ns = net.name;
        host = new Host(root, log::add);
        host.setLibraryPath(CHECKOUT.resolve("lua"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    private <T> T inNamespace(Callable<T> c) throws Exception {
        return net.call(c);
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
        // the hook's rules go with its runtime (and the filter table it made), and packets flow unhooked
        assertThat(NfRules.chains("/var/run/netns/" + ns)).isEmpty();
        assertThat(net.exec("nft", "list", "tables")).doesNotContain("filter");
        assertThat(udp(9999, b("drop"))).containsExactly("drop");
    }

    @Test
    void aBurstGetsEachPacketsOwnVerdictInOrder() throws Exception {
        // packets queued faster than the hook answers them are answered in groups (verdicts wait
        // while more are received): each must still get its own verdict and rewrite
        script("burst", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              hook = function(skb)
                local thoff = (skb:getuint8(0) & 0x0F) << 2
                if skb:getuint8(9) ~= 17 then return nf.action.ACCEPT end
                local n = tonumber(skb:getstring(thoff + 8, 4))
                if n % 3 == 0 then return nf.action.DROP end
                if n % 5 == 0 then
                  skb:setstring(thoff + 8, "R")
                  skb:setuint16(thoff + 6, 0)
                end
                return nf.action.ACCEPT
              end}
            """);
        Runtime rt = host.runtime("burst", false);
        int count = 1500;
        List<String> got = inNamespace(() -> {
            List<String> in = java.util.Collections.synchronizedList(new ArrayList<>());
            try (DatagramSocket rx = new DatagramSocket(9998, InetAddress.getLoopbackAddress());
                 DatagramSocket tx = new DatagramSocket()) {
                rx.setSoTimeout(1000);
                Thread reader = Thread.ofPlatform().start(() -> {
                    byte[] buf = new byte[64];
                    try {
                        while (true) {
                            DatagramPacket d = new DatagramPacket(buf, buf.length);
                            rx.receive(d);
                            in.add(new String(buf, 0, d.getLength(), StandardCharsets.ISO_8859_1));
                        }
                    } catch (java.io.IOException e) {
                        // the time limit: all came
                    }
                });
                for (int i = 0; i < count; i++) {
                    byte[] p = b(String.format("%04d", i));
                    tx.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), 9998));
                }
                reader.join(30_000);
            }
            return in;
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 3 != 0) {
                expected.add(i % 5 == 0 ? "R" + String.format("%04d", i).substring(1) : String.format("%04d", i));
            }
        }
        assertThat(got).containsExactlyElementsOf(expected);
        rt.stop();
    }

    /** The hooks registered in {@code rt} (the objects its registry keeps). */
    private static List<NetfilterLib.Hook> hooks(Runtime rt) {
        List<NetfilterLib.Hook> hooks = new ArrayList<>();
        rt.withState(L -> {
            for (int s = L.registry.nextSlot(null); s >= 0; s = L.registry.nextSlot(L.registry.slotKey(s))) {
                if (L.registry.slotKey(s) instanceof lunatik.lua.value.LuaUserdata u
                        && u.payload() instanceof lunatik.runtime.LunatikObject o && o.payload() instanceof NetfilterLib.Hook h) {
                    hooks.add(h);
                }
            }
        });
        return hooks;
    }

    @Test
    void aReaderThatEndsRemovesItsRulesFirstSoPacketsFlow() throws Exception {
        script("dropall", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.IPV4, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              hook = function(skb) return nf.action.DROP end}
            """);
        Runtime rt = host.runtime("dropall", false);
        assertThat(udp(9997, b("dropped"))).isEmpty();
        List<NetfilterLib.Hook> hooks = hooks(rt);
        assertThat(hooks).hasSize(1);
        hooks.get(0).pq.q.close(); // the queue's socket fails under its reader
        long end = System.nanoTime() + 10_000_000_000L;
        while (!NfRules.chains("/var/run/netns/" + ns).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(NfRules.chains("/var/run/netns/" + ns)).isEmpty();
        assertThat(udp(9997, b("flows"))).containsExactly("flows");
        assertThat(log).anyMatch(l -> l.contains("its reader ended") && l.contains("rules were removed"));
        rt.stop();
    }

    @Test
    void anIpv6PacketRewrittenByAHookArrivesWithItsChecksumRight() throws Exception {
        script("upper6", """
            local nf = require("netfilter")
            nf.register{pf = nf.family.INET, hooknum = nf.inet_hooks.LOCAL_OUT, priority = nf.ip_priority.FILTER,
              hook = function(skb)
                if skb:getuint8(0) >> 4 ~= 6 or skb:getuint8(6) ~= 17 then return nf.action.ACCEPT end
                if skb:getstring(48) == "upper" then skb:setstring(48, "UPPER") end
                return nf.action.ACCEPT
              end}
            """);
        Runtime rt = host.runtime("upper6", false);
        List<String> got = inNamespace(() -> {
            List<String> r = new ArrayList<>();
            InetAddress lo6 = InetAddress.getByName("::1");
            try (DatagramSocket rx = new DatagramSocket(9996, lo6); DatagramSocket tx = new DatagramSocket()) {
                rx.setSoTimeout(1000);
                for (String m : new String[] {"upper", "other"}) {
                    byte[] b = b(m);
                    tx.send(new DatagramPacket(b, b.length, lo6, 9996));
                }
                byte[] buf = new byte[64];
                for (int i = 0; i < 2; i++) {
                    DatagramPacket d = new DatagramPacket(buf, buf.length);
                    try {
                        rx.receive(d);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    r.add(new String(buf, 0, d.getLength(), StandardCharsets.ISO_8859_1));
                }
            }
            return r;
        });
        // the rewritten datagram passes the kernel's UDP checksum check only if we fixed it
        assertThat(got).containsExactly("UPPER", "other");
        rt.stop();
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
        // what the next daemon does with the list a killed one kept (lunatik.linux.Ledger)
        for (String c : NfRules.chains(path)) {
            String[] f = c.split(" ");
            NfRules.removeChain(path, f[0], "filter", f[1]);
        }
        assertThat(NfRules.chains(path)).isEmpty();
        assertThat(NfRules.removeTableIfEmpty(path, "ip", "filter")).isTrue();
        assertThat(NfRules.removeTableIfEmpty(path, "ip6", "filter")).isTrue();
        assertThat(net.exec("nft", "list", "tables")).doesNotContain("filter");
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

    /** A DNS answer to {@code query}: its question and two A records 192.168.10.1 and .2 (compressed names). */
    private static byte[] dnsAnswer(byte[] query, int length) {
        java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
        a.write(query[0]);
        a.write(query[1]);
        a.writeBytes(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, 2, 0, 0, 0, 0});
        a.write(query, 12, length - 12);
        for (int host = 1; host <= 2; host++) {
            a.writeBytes(new byte[] {(byte) 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, (byte) 168, 10, (byte) host});
        }
        return a.toByteArray();
    }

    /** The A records of a DNS answer made by {@link #dnsAnswer}, as dotted strings. */
    private static List<String> addresses(byte[] answer, int length, int questionLength) {
        List<String> out = new ArrayList<>();
        for (int at = 12 + questionLength; at + 16 <= length; at += 16) {
            out.add((answer[at + 12] & 0xff) + "." + (answer[at + 13] & 0xff) + "." + (answer[at + 14] & 0xff) + "."
                + (answer[at + 15] & 0xff));
        }
        return out;
    }

    /**
     * The dnsdoctor test bed of Lunatik's example: a client namespace (10.1.1.2, where the rewrite
     * is made) and a server namespace (10.1.1.3, a DNS server answering 192.168.10.x) joined by a
     * veth pair. {@code start} makes the rewrite in the client's namespace and returns what undoes
     * it; the A records the client got for lunatik.com and for example.com.
     */
    private List<List<String>> dnsdoctorAnswers(Callable<Runnable> start) throws Exception {
        String srv = ns + "-srv";
        sh("ip", "netns", "add", srv);
        ExecutorService inSrv = Executors.newSingleThreadExecutor();
        try {
            sh("ip", "link", "add", "lunc0", "netns", ns, "type", "veth", "peer", "name", "luns0", "netns", srv);
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", "10.1.1.2/24", "dev", "lunc0");
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lunc0", "up");
            sh("ip", "netns", "exec", srv, "ip", "addr", "add", "10.1.1.3/24", "dev", "luns0");
            sh("ip", "netns", "exec", srv, "ip", "link", "set", "luns0", "up");
            sh("ip", "netns", "exec", srv, "ip", "link", "set", "lo", "up");
            DatagramSocket server = inSrv.submit(() -> {
                LibC.enterNetworkNamespace("/var/run/netns/" + srv);
                return new DatagramSocket(53, InetAddress.getByName("10.1.1.3"));
            }).get();
            inSrv.submit(() -> {
                byte[] buf = new byte[512];
                while (!server.isClosed()) {
                    DatagramPacket q = new DatagramPacket(buf, buf.length);
                    server.receive(q);
                    byte[] a = dnsAnswer(buf, q.getLength());
                    server.send(new DatagramPacket(a, a.length, q.getSocketAddress()));
                }
                return null;
            });
            Runnable stop = start.call();
            List<List<String>> results = new ArrayList<>();
            for (String name : new String[] {"lunatik.com", "example.com"}) {
                byte[] query = dnsQuery(name);
                results.add(inNamespace(() -> {
                    try (DatagramSocket c = new DatagramSocket(0, InetAddress.getByName("10.1.1.2"))) {
                        c.setSoTimeout(5000);
                        c.send(new DatagramPacket(query, query.length, InetAddress.getByName("10.1.1.3"), 53));
                        byte[] buf = new byte[512];
                        DatagramPacket r = new DatagramPacket(buf, buf.length);
                        c.receive(r); // times out if the rewritten answer had a bad checksum
                        return addresses(buf, r.getLength(), query.length - 12);
                    }
                }));
            }
            stop.run();
            server.close();
            return results;
        } finally {
            inSrv.shutdownNow();
            sh("ip", "netns", "del", srv);
        }
    }

    @Test
    void theDnsdoctorExampleRewritesAnswersForTheClient() throws Exception {
        Host h = new Host(CHECKOUT, log::add);
        List<List<String>> results = dnsdoctorAnswers(() -> {
            Runtime rt = h.runtime("examples/dnsdoctor/nf_dnsdoctor", false);
            return rt::stop;
        });
        assertThat(results.get(0)).containsExactly("10.1.2.3", "10.1.2.3");
        assertThat(results.get(1)).containsExactly("192.168.10.1", "192.168.10.2");
    }

    // ---------------------------------------------------------------- xtable

    /** Runs {@code xtable.iptables(ipv6, {args...})} as the control device would: the translation, or the error. */
    private String iptables(Host h, boolean ipv6, String... args) throws Exception {
        script("ctl", "return function(...) return require('xtable').iptables(...) end");
        Runtime ctl = h.runtime("ctl", true);
        try {
            lunatik.lua.value.LuaTable t = new lunatik.lua.value.LuaTable();
            for (int i = 0; i < args.length; i++) {
                t.put(i + 1, lunatik.lua.vm.Ops.str(args[i]));
            }
            return ctl.run(S -> String.valueOf(S.call1(ctl.entry(), ipv6, t)));
        } catch (LuaException e) {
            return "error: " + e.getMessage();
        } finally {
            ctl.stop();
        }
    }

    @Test
    void theXtableDnsblockExampleMatchesInAnOrdinaryRule() throws Exception {
        Host h = new Host(CHECKOUT, log::add);
        h.setLibraryPath(root); // the control script of iptables()
        Runtime rt = h.runtime("examples/dnsblock/dnsblock", false);
        String translation = iptables(h, false, "-A", "OUTPUT", "-p", "udp", "-m", "dnsblock", "-j", "DROP");
        assertThat(translation.lines()).hasSize(2).allMatch(l -> l.startsWith("iptables -t filter -A OUTPUT -p udp -m mark "));
        assertThat(translation).contains("-j NFQUEUE --queue-num", "--queue-bypass").endsWith("-j DROP");
        assertThat(net.exec("iptables-nft", "-S", "OUTPUT")).contains("NFQUEUE");
        List<String> got = udp(53, dnsQuery("github.com"), dnsQuery("example.org"), dnsQuery("www.gitlab.com"));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).contains("example");
        assertThat(log).anyMatch(l -> l.startsWith("DNS query for ") && l.contains("github") && l.endsWith("blocked"));
        // other traffic goes on through the rules (it is evaluated, does not match, goes on)
        assertThat(udp(9995, b("other"))).containsExactly("other");
        // -D with the same words removes the rule
        String deleted = iptables(h, false, "-D", "OUTPUT", "-p", "udp", "-m", "dnsblock", "-j", "DROP");
        assertThat(deleted.lines()).hasSize(2).allMatch(l -> l.startsWith("iptables -t filter -D OUTPUT"));
        assertThat(net.exec("iptables-nft", "-S", "OUTPUT")).doesNotContain("NFQUEUE");
        assertThat(udp(53, dnsQuery("github.com"))).hasSize(1);
        // rules added again go when the extension's runtime stops
        iptables(h, false, "-I", "OUTPUT", "-m", "dnsblock", "-j", "DROP");
        assertThat(net.exec("iptables-nft", "-S", "OUTPUT")).contains("NFQUEUE");
        rt.stop();
        assertThat(net.exec("iptables-nft", "-S", "OUTPUT")).doesNotContain("NFQUEUE");
        assertThat(udp(53, dnsQuery("github.com"))).hasSize(1);
    }

    @Test
    void theXtableDnsdoctorExampleRewritesThroughItsRule() throws Exception {
        Host h = new Host(CHECKOUT, log::add);
        h.setLibraryPath(root); // the control script of iptables()
        String[] translation = new String[1];
        List<List<String>> results = dnsdoctorAnswers(() -> {
            Runtime rt = h.runtime("examples/dnsdoctor/dnsdoctor", false);
            translation[0] = iptables(h, false, "-t", "mangle", "-A", "PREROUTING", "-p", "udp", "--sport", "53",
                "-j", "dnsdoctor");
            return rt::stop;
        });
        assertThat(translation[0]).startsWith("iptables -t mangle -A PREROUTING -p udp --sport 53 -m mark ! --mark ")
            .contains("-j NFQUEUE");
        assertThat(results.get(0)).containsExactly("10.1.2.3", "10.1.2.3");
        assertThat(results.get(1)).containsExactly("192.168.10.1", "192.168.10.2");
    }

    @Test
    void xtableRegistrationAndRulesAreChecked() throws Exception {
        Host h = new Host(root, log::add);
        script("sleepy", "require('xtable').match{name = 'x', revision = 0, family = 0, proto = 0, match = print, "
            + "checkentry = print, destroy = print}");
        assertThatThrownBy(() -> h.runtime("sleepy", true)).hasMessageContaining("cannot use sleepable runtime in this context");
        script("long", "require('xtable').match{name = string.rep('n', 29), revision = 0, family = 0, proto = 0, "
            + "match = print, checkentry = print, destroy = print}");
        assertThatThrownBy(() -> h.runtime("long", false)).hasMessageContaining("'name' is too long");
        script("noproto", "require('xtable').target{name = 't', revision = 0, family = 0, target = print, "
            + "checkentry = print, destroy = print}");
        assertThatThrownBy(() -> h.runtime("noproto", false)).hasMessageContaining("bad field 'proto' (number expected, got nil)");
        script("picky", """
            local xt = require("xtable")
            local destroyed = 0
            xt.match{name = "picky", revision = 0, family = 0, proto = 0,
              match = function() return false end,
              checkentry = function(userargs)
                assert(#userargs == 256 and userargs == string.rep("\0", 256))
                error("not in this table")
              end,
              destroy = function() end}
            """);
        Runtime picky = h.runtime("picky", false);
        assertThat(iptables(h, false, "-A", "OUTPUT", "-m", "picky", "-j", "DROP"))
            .contains("rule rejected by picky's checkentry (EINVAL)").contains("not in this table");
        assertThat(net.exec("iptables-nft", "-S", "OUTPUT")).doesNotContain("NFQUEUE");
        assertThat(iptables(h, false, "-A", "OUTPUT", "-m", "nosuch", "-j", "DROP")).contains("no xtable extension in this rule");
        script("picky2", "require('xtable').match{name = 'picky', revision = 0, family = 0, proto = 0, match = print, "
            + "checkentry = print, destroy = print}");
        assertThatThrownBy(() -> h.runtime("picky2", false)).hasMessageContaining("unable to register match");
        picky.stop();
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
