package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.Objects;
import org.junit.jupiter.api.Test;

/** The {@code fifo} module: kfifo capacities, all-or-nothing pushes, pops, closing, sharing. */
class FifoLibTest {
    private final LuaState L = state(true);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    FifoLibTest() {
        L.setOut(new PrintStream(out, true));
    }

    static LuaState state(boolean sleepable) {
        LuaState s = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(s, sleepable);
        PackageLib.registerJavaModule(s, "fifo", FifoLib::open);
        return s;
    }

    private String run(String code) {
        out.reset();
        L.call(L.load("fifo = require('fifo')\n" + code, "=test"));
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static final String NOSPACE = "bad argument #2 to '?' (not enough space)";

    @Test
    void capacityIsRoundedUpToAPowerOfTwo() {
        String r = run("""
                local f = fifo.new(13)
                print(f:push(string.rep('x', 16)))
                print(pcall(f.push, f, 'y'))
                print(f:pop(100))
                f = fifo.new(16)
                f:push(string.rep('x', 16))
                print(pcall(f.push, f, 'y'))
                f = fifo.new(2)
                f:push('ab')
                print(pcall(f.push, f, 'c'))
                f = fifo.new(17)
                f:push(string.rep('x', 32))
                print(pcall(f.push, f, 'y'))
                """);
        assertThat(r).isEqualTo("\nfalse\t" + NOSPACE + "\n" + "x".repeat(16) + "\t16\n"
                + ("false\t" + NOSPACE + "\n").repeat(3));
        assertThat(FifoLib.capacity(3)).isEqualTo(4);
        assertThat(FifoLib.capacity(1L << 30)).isEqualTo(1 << 30);
    }

    @Test
    void newRefusesWhatKfifoRefuses() {
        assertThat(run("print(pcall(fifo.new, 0))")).isEqualTo("false\tfailed to allocate kfifo (-22)\n");
        assertThat(run("print(pcall(fifo.new, 1))")).isEqualTo("false\tfailed to allocate kfifo (-22)\n");
        assertThat(run("print(pcall(fifo.new, -1))")).isEqualTo("false\tfailed to allocate kfifo (-12)\n");
        assertThat(run("print(pcall(fifo.new, 1 << 40))")).isEqualTo("false\tfailed to allocate kfifo (-12)\n");
        assertThat(run("print(pcall(fifo.new))"))
                .isEqualTo("false\tbad argument #1 to 'fifo.new' (number expected, got no value)\n");
    }

    @Test
    void pushIsAllOrNothing() {
        String r = run("""
                local f = fifo.new(8)
                f:push('abcde')
                print(pcall(f.push, f, 'fghi'))
                f:push('fgh')
                print(f:pop(8))
                print(pcall(f.push, f, '123456789'))
                print(f:pop(8))
                f:push('')
                print(f:pop(1))
                """);
        assertThat(r).isEqualTo("false\t" + NOSPACE + "\nabcdefgh\t8\nfalse\t" + NOSPACE + "\n\t0\n\t0\n");
    }

    @Test
    void popTakesUpToN() {
        String r = run("""
                local f = fifo.new(16)
                print(f:pop(4))
                f:push('a\\0bcdef')
                print(f:pop(0))
                local s, n = f:pop(3)
                print(s == 'a\\0b', n)
                print(f:pop(10))
                print(f:pop(10))
                print(pcall(f.pop, f, -1))
                print(pcall(f.pop, f))
                """);
        assertThat(r).isEqualTo("\t0\n\t0\ntrue\t3\ncdef\t4\n\t0\nfalse\tnot enough memory\n"
                + "false\tbad argument #2 to '?' (number expected, got no value)\n");
    }

    @Test
    void wrapsAround() {
        String r = run("""
                local f = fifo.new(8)
                local got = {}
                for i = 1, 50 do
                  f:push(string.format('%05d', i))
                  got[#got + 1] = f:pop(5)
                end
                print(table.concat(got) == (function()
                  local t = {} for i = 1, 50 do t[i] = string.format('%05d', i) end return table.concat(t)
                end)())
                f:push('1234567') f:pop(6) f:push('abcdefg')
                print(f:pop(8))
                """);
        assertThat(r).isEqualTo("true\n7abcdefg\t8\n");
    }

    @Test
    void argumentTypes() {
        String r = run("""
                local f = fifo.new(8)
                f:push(42)
                print(f:pop(8))
                print(pcall(f.push, f, {}))
                print(pcall(f.pop, {}, 1))
                """);
        assertThat(r).isEqualTo("42\t2\nfalse\tbad argument #2 to '?' (string expected, got table)\n"
                + "false\tbad argument #1 to '?' (fifo expected, got table)\n");
    }

    @Test
    void closeReleases() {
        String r = run("""
                local f = fifo.new(8)
                f:push('abc')
                print(f:close())
                print(pcall(f.push, f, 'x'))
                print(pcall(f.pop, f, 1))
                print(pcall(f.close, f))
                print(pcall(function() f:close() end))
                do
                  local g <close> = fifo.new(4)
                  h = g
                end
                print(pcall(h.pop, h, 1))
                """);
        assertThat(r).isEqualTo("""
                
                false\tbad argument #1 to '?' (null-pointer dereference)
                false\tbad argument #1 to '?' (null-pointer dereference)
                false\tbad argument #1 to 'close' (null-pointer dereference)
                false\ttest:8: calling 'close' on bad self (null-pointer dereference)
                false\tbad argument #1 to '?' (null-pointer dereference)
                """);
    }

    @Test
    void gcDropsTheWrappersReference() {
        assertThat(run("f = fifo.new(4)")).isEmpty();
        LunatikObject o = Objects.toObject(L.globals.get(Ops.str("f")));
        LuaState L2 = state(true);
        L2.globals.put(Ops.str("f"), Objects.share(L2, o));
        assertThat(o.references()).isEqualTo(2);
        L2.globals.put(Ops.str("f"), null);
        for (int i = 0; i < 20 && o.references() > 1; i++) {
            L2.fullGc();
        }
        assertThat(o.references()).isEqualTo(1);
        assertThat(o.payload()).isNotNull();
        L.globals.put(Ops.str("f"), null);
        for (int i = 0; i < 20 && o.payload() != null; i++) {
            L.fullGc();
        }
        assertThat(o.payload()).as("the last reference releases the ring").isNull();
    }

    @Test
    void producerAndConsumerInTwoStatesOnTwoThreads() throws Exception {
        assertThat(run("f = fifo.new(16)")).isEmpty();
        LunatikObject o = Objects.toObject(L.globals.get(Ops.str("f")));
        LuaState L2 = state(false);
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        L2.setOut(new PrintStream(out2, true));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                L2.call(L2.load("require('fifo')", "=consumer"));
                L2.globals.put(Ops.str("f"), Objects.share(L2, o));
                L2.call(L2.load("""
                        local got, n = {}, 0
                        while n < 3000 do
                          local s, k = f:pop(7)
                          if k > 0 then got[#got + 1] = s n = n + k end
                        end
                        local all = table.concat(got)
                        local ok = true
                        for i = 1, 1000 do
                          if all:sub(3 * i - 2, 3 * i) ~= string.format('%03d', i % 1000) then ok = false end
                        end
                        print(#all, ok)
                        """, "=consumer"));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        consumer.start();
        assertThat(run("""
                local i = 1
                while i <= 1000 do
                  if pcall(f.push, f, string.format('%03d', i % 1000)) then i = i + 1 end
                end
                """)).isEmpty();
        consumer.join(20_000);
        assertThat(failure.get()).isNull();
        assertThat(out2.toString(StandardCharsets.ISO_8859_1)).isEqualTo("3000\ttrue\n");
        assertThat(run("print(f:pop(1))")).isEqualTo("\t0\n");
    }
}
