package lunatik.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects travelling between runtimes: resume, the mailbox pattern across threads. */
class CrossRuntimeTest {
    @TempDir
    Path root;
    final List<String> log = new CopyOnWriteArrayList<>();

    Host host() {
        Host h = new Host(root, log::add);
        h.setLibraryPath(LuaLibrariesTest.LIBRARIES);
        return h;
    }

    void script(String name, String src) throws Exception {
        Files.writeString(root.resolve(name + ".lua"), src);
    }

    @Test
    void aFifoPushedInOneRuntimePopsInAnotherAfterResume() throws Exception {
        script("reader", """
            return function(f)
              local s, n = f:pop(100)
              print("reader got " .. s .. " (" .. n .. ")")
            end
            """);
        script("writer", """
            local lunatik = require("lunatik")
            local fifo = require("fifo")
            return function()
              local f = fifo.new(64)
              f:push("hello")
              local r = lunatik.runtime("reader")
              r:resume(f)
              local rest, n = f:pop(10)
              r:stop()
              return n
            end
            """);
        Runtime w = host().runtime("writer", true);
        Object n = w.run(L -> L.call1(w.entry()));
        assertThat(log).contains("reader got hello (5)");
        assertThat(n).isEqualTo(0L);
        w.stop();
    }

    @Test
    void mailboxBetweenTwoRuntimesOnTwoThreads() throws Exception {
        script("sender", """
            local mailbox = require("mailbox")
            return function(q, e)
              local out = mailbox.outbox(q, e)
              return function()
                for i = 1, 200 do out:send("message " .. i) end
              end
            end
            """);
        script("receiver", """
            local lunatik = require("lunatik")
            local thread = require("thread")
            local mailbox = require("mailbox")
            return function()
              local inbox = mailbox.inbox(1 << 16)
              local sender = lunatik.runtime("sender")
              sender:resume(inbox.queue, inbox.event)
              local t = thread.run(sender, "sender")
              local got, last = 0
              for i = 1, 200 do
                local msg = inbox:receive(10000)
                got = got + 1
                last = msg
              end
              local ok, err = pcall(inbox.send, inbox, "x")
              t:stop()
              sender:stop()
              return got, last, err
            end
            """);
        Runtime r = host().runtime("receiver", true);
        Object res = r.run(L -> L.call(r.entry()));
        assertThat(lunatik.lua.value.Varargs.get(res, 0)).isEqualTo(200L);
        assertThat(lunatik.lua.value.Varargs.get(res, 1).toString()).isEqualTo("message 200");
        assertThat(lunatik.lua.value.Varargs.get(res, 2).toString()).endsWith("receive-only mailbox");
        r.stop();
    }

    @Test
    void mailboxTimesOutWhenNothingComes() throws Exception {
        script("lonely", """
            local mailbox = require("mailbox")
            return function()
              local inbox = mailbox.inbox(64)
              return pcall(inbox.receive, inbox, 50)
            end
            """);
        Runtime r = host().runtime("lonely", true);
        Object res = r.run(L -> L.call(r.entry()));
        assertThat(lunatik.lua.value.Varargs.get(res, 0)).isEqualTo(false);
        assertThat(lunatik.lua.value.Varargs.get(res, 1).toString()).matches(".*/mailbox.lua:[0-9]+: timeout");
        r.stop();
    }

    /** A class whose objects must stay in their runtime. */
    static final ObjectClass SINGLE = ObjectClass.builder("single").single().build();

    @Test
    void rcuTablesInEnvAreSharedAndSingleObjectsAreRefused() throws Exception {
        Host h = host();
        h.registerModule("single", L -> {
            lunatik.lua.value.LuaTable t = new lunatik.lua.value.LuaTable();
            lunatik.lua.vm.LibFunction.register(L, t, "single", "new",
                a -> Objects.push(L, new LunatikObject(SINGLE, new Object(), true)));
            return t;
        });
        script("publisher", """
            local lunatik = require("lunatik")
            local rcu = require("rcu")
            local data = require("data")
            local single = require("single")
            return function()
              local list = rcu.table()
              local d = data.new(4)
              d:setint32(0, 1234)
              list.answer = d
              lunatik._ENV.shared = list
              local ok, err = pcall(function() lunatik._ENV.mine = single.new() end)
              return err
            end
            """);
        script("consumer", """
            local lunatik = require("lunatik")
            return function()
              local list = lunatik._ENV.shared
              return list.answer:getint32(0)
            end
            """);
        Runtime p = h.runtime("publisher", true);
        Runtime c = h.runtime("consumer", false);
        Object err = p.run(L -> L.call1(p.entry()));
        assertThat(err.toString()).contains("cannot share 'single' object");
        Object v = c.run(L -> L.call1(c.entry()));
        assertThat(v).isEqualTo(1234L);
        p.stop();
        c.stop();
    }

    @Test
    void theRunnerKeepsItsBookkeepingInEnv() throws Exception {
        script("child", "return function() end");
        script("looper", """
            local thread = require("thread")
            local linux = require("linux")
            return function() while not thread.shouldstop() do linux.schedule(10) end end
            """);
        script("driver", """
            local runner = require("lunatik.runner")
            return function()
              runner.startup()
              runner.run("child.lua")
              local ok, err = pcall(runner.run, "child")
              runner.spawn("looper")
              local list = runner.list()
              runner.stop("looper")
              local after = runner.list()
              runner.shutdown()
              return err, list, after, runner.list()
            end
            """);
        Runtime d = host().runtime("driver", true);
        Object r = d.run(L -> L.call(d.entry()));
        assertThat(lunatik.lua.value.Varargs.get(r, 0).toString()).endsWith("child is already running");
        assertThat(lunatik.lua.value.Varargs.get(r, 1).toString()).isIn("child, looper", "looper, child");
        assertThat(lunatik.lua.value.Varargs.get(r, 2).toString()).isEqualTo("child");
        assertThat(lunatik.lua.value.Varargs.get(r, 3).toString()).isEmpty();
        d.stop();
    }
}
