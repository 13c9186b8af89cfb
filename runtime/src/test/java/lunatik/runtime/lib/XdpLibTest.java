package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The xdp module: callbacks of non-sleepable runtimes, run by key as bpf_luaxdp_run does. */
class XdpLibTest {
    @TempDir
    Path root;
    final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void attachIsForNonSleepableRuntimesAndRunFindsRuntimesByTheirRunnerName() throws Exception {
        Host host = new Host(root, log::add);
        Files.writeString(root.resolve("sleepy.lua"), "require('xdp').attach(print)");
        assertThatThrownBy(() -> host.runtime("sleepy", true)).isInstanceOf(LuaException.class)
            .hasMessageContaining("cannot use sleepable runtime in this context");
        // a callback that doubles the packet's first byte and returns the argument's byte; with
        // 99 as argument, the size of the packet it kept from the call before
        Files.writeString(root.resolve("cb.lua"), """
            local xdp = require("xdp")
            local keep
            xdp.attach(function(packet, argument)
              if argument:getuint8(0) == 99 then return #keep end
              packet:setuint8(0, packet:getuint8(0) * 2)
              keep = packet
              return argument:getuint8(0)
            end)
            """);
        Files.writeString(root.resolve("caller.lua"), """
            local xdp = require("xdp")
            local data = require("data")
            return function()
              local packet, argument = data.new(4), data.new(1)
              packet:setuint8(0, 21)
              argument:setuint8(0, xdp.action.DROP)
              local verdict = xdp.run("examples/cb", packet, argument)
              local missing = xdp.run("nope", packet, argument)
              argument:setuint8(0, 99)
              local kept = xdp.run("examples/cb", packet, argument)
              return verdict .. " " .. packet:getuint8(0) .. " " .. missing .. " " .. kept
            end
            """);
        Runtime caller = host.runtime("caller", false);
        String before = caller.run(S -> String.valueOf(S.call1(caller.entry())));
        assertThat(before).isEqualTo("-1 21 -1 -1");
        assertThat(log).contains("couldn't find runtime 'examples/cb'", "couldn't find runtime 'nope'");
        // the runner's bookkeeping, as lunatik run makes it
        Files.writeString(root.resolve("driver.lua"), """
            local lunatik = require("lunatik")
            local rcu = require("rcu")
            lunatik._ENV.runtimes = rcu.table()
            lunatik._ENV.runtimes["examples/cb"] = lunatik.runtime("cb", false)
            """);
        Runtime driver = host.runtime("driver", true);
        // DROP from the callback, the packet changed through the shared memory, the kept packet detached
        String after = caller.run(S -> String.valueOf(S.call1(caller.entry())));
        assertThat(after).isEqualTo("1 42 -1 0");
        caller.stop();
        driver.stop();
    }
}
