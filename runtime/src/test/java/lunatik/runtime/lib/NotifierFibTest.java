package lunatik.runtime.lib;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notifier.netdevice and fib for real, in a network namespace of the test's own. */
class NotifierFibTest {
    @TempDir
    Path root;
    final List<String> log = new CopyOnWriteArrayList<>();
    TestNamespace net;
    Host host;

    @BeforeEach
    void setUp() throws Exception {
        Require.root();
        net = new TestNamespace("nd").use();
        host = new Host(root, log::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    private void script(String name, String src) throws Exception {
        Files.writeString(root.resolve(name + ".lua"), src);
    }

    private static void waitFor(Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.call() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(c.call()).isTrue();
    }

    @Test
    void netdeviceEventsOfAVethPairFromRegisterToUnregister() throws Exception {
        script("watch", """
            local notifier = require("notifier")
            local names = {}
            for name, value in pairs(notifier.netdev) do names[value] = name end
            n = notifier.netdevice(function(event, ifname)
              print(names[event] .. " " .. ifname)
              return notifier.notify.OK
            end)
            print("registered")
            """);
        Runtime rt = host.runtime("watch", true);
        // the replay of what exists, during the call: lo, which is up
        assertThat(log).startsWith("REGISTER lo", "UP lo", "registered");
        log.clear();
        net.exec("ip", "link", "add", "lua0", "type", "veth", "peer", "name", "lua1");
        net.exec("ip", "link", "set", "lua0", "mtu", "1400");
        net.exec("ip", "link", "set", "lua0", "up");
        net.exec("ip", "link", "set", "lua0", "down");
        net.exec("ip", "link", "set", "lua1", "name", "lua2");
        net.exec("ip", "link", "del", "lua0");
        waitFor(() -> log.contains("UNREGISTER lua2"));
        List<String> lua0 = log.stream().filter(l -> l.endsWith(" lua0")).toList();
        assertThat(lua0).containsSubsequence("REGISTER lua0", "CHANGEMTU lua0", "UP lua0", "GOING_DOWN lua0",
            "DOWN lua0", "UNREGISTER lua0");
        assertThat(log).contains("REGISTER lua1", "CHANGENAME lua2", "UNREGISTER lua2");
        rt.stop();
        // stopped with its runtime: later changes call nothing
        log.clear();
        net.exec("ip", "link", "add", "lua3", "type", "veth", "peer", "name", "lua4");
        Thread.sleep(300);
        assertThat(log).isEmpty();
    }

    /**
     * Netdevice notifiers of two runtimes are one chain: the first one's STOP keeps an event
     * from the second; the replay at registration is the new notifier's alone.
     */
    @Test
    void netdeviceNotifiersOfTwoRuntimesAreOneChain() throws Exception {
        script("first", """
            local notifier = require("notifier")
            notifier.netdevice(function(event, ifname)
              print("first " .. event .. " " .. ifname)
              if ifname == "lua7" then return notifier.notify.STOP end
              return notifier.notify.OK
            end)
            """);
        script("second", """
            local notifier = require("notifier")
            notifier.netdevice(function(event, ifname)
              print("second " .. event .. " " .. ifname)
            end)
            """);
        Runtime first = host.runtime("first", true);
        Runtime second = host.runtime("second", true);
        // each replay went to the notifier registering only
        assertThat(log).containsExactly("first 5 lo", "first 1 lo", "second 5 lo", "second 1 lo");
        net.exec("ip", "link", "add", "lua7", "type", "veth", "peer", "name", "lua8");
        waitFor(() -> log.contains("second 5 lua8") && log.contains("first 5 lua7"));
        Thread.sleep(200);
        assertThat(log).contains("first 5 lua8").noneMatch(l -> l.startsWith("second") && l.endsWith(" lua7"));
        first.stop();
        net.exec("ip", "link", "del", "lua7");
        waitFor(() -> log.contains("second 6 lua7"));
        second.stop();
    }

    @Test
    void stopFromInsideTheCallbackIsRefusedAndOtherErrorsAreLogged() throws Exception {
        script("self", """
            local notifier = require("notifier")
            local n
            n = notifier.netdevice(function(event, ifname)
              if ifname == "lua5" and event == notifier.netdev.REGISTER then
                local ok, err = pcall(n.stop, n)
                print(ok, err)
                error("callback failed")
              end
            end)
            """);
        Runtime rt = host.runtime("self", true);
        net.exec("ip", "link", "add", "lua5", "type", "veth", "peer", "name", "lua6");
        waitFor(() -> log.stream().anyMatch(l -> l.contains("callback failed")));
        assertThat(log).anyMatch(l -> l.matches("false\t\\[[0-9a-f]+\\] notifier cannot unregister itself \\(deadlock\\)"));
        rt.stop();
    }

    @Test
    void missingFacilitiesAndBadArgumentsSaySo() throws Exception {
        script("kbd", """
            local n = require("notifier")
            return function()
              return select(2, pcall(n.keyboard, print)) .. "|" .. select(2, pcall(n.netdevice, 42))
                .. "|" .. select(2, pcall(n.vterm, print))
            end
            """);
        NotifierLib.setConsoleDirectory(root); // no virtual console there
        Runtime rt = host.runtime("kbd", true);
        String r;
        try {
            r = rt.run(S -> S.call1(rt.entry()).toString());
        } finally {
            NotifierLib.setConsoleDirectory(null);
        }
        rt.stop();
        String[] parts = r.split("\\|");
        assertThat(parts[0]).startsWith("couldn't create notifier: no keyboard");
        assertThat(parts[1]).isEqualTo("bad argument #1 to 'notifier.netdevice' (function expected, got number)");
        assertThat(parts[2]).isEqualTo("couldn't create notifier: no virtual console on this machine (no "
            + root.resolve("vcsu") + "<N>)");
    }

    @Test
    void fibRulesAreAddedAndDeleted() throws Exception {
        script("rules", """
            local fib = require("fib")
            fib.newrule(100, 1000)
            local again = select(2, pcall(fib.newrule, 100, 1000))
            fib.delrule(100, 1000)
            local gone = select(2, pcall(fib.delrule, 100, 1000))
            fib.newrule(200, 2000)
            return function() return again .. "|" .. gone end
            """);
        Runtime rt = host.runtime("rules", true);
        String errors = rt.run(S -> S.call1(rt.entry()).toString());
        assertThat(errors).isEqualTo("failed on newrule|failed on delrule");
        // the script sees Lunatik's message; the log says why
        assertThat(log).anyMatch(l -> l.startsWith("fib: failed on newrule: ") && l.contains("exists"))
            .anyMatch(l -> l.startsWith("fib: failed on delrule: "));
        String rules = net.exec("ip", "-d", "rule", "show");
        assertThat(rules).contains("2000:\tfrom all lookup 200").doesNotContain("1000:");
        assertThat(rules.lines().filter(l -> l.startsWith("2000:"))).allMatch(l -> l.contains("proto kernel"));
        rt.stop();
        script("sleepless", "require('fib').newrule(1, 1)");
        assertThatThrownBy(() -> host.runtime("sleepless", false)).isInstanceOf(LuaException.class)
            .hasMessageContaining("cannot use non-sleepable runtime in this context");
    }
}
