package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxLibTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LuaState state(boolean sleepable) {
        LuaState L = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(L, sleepable);
        PackageLib.registerJavaModule(L, "linux", LinuxLib::open);
        L.setOut(new PrintStream(out, true));
        return L;
    }

    private String run(LuaState L, String code) {
        out.reset();
        L.call(L.load("local linux = require('linux')\n" + code, "=test"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private String run(String code) {
        return run(state(true), code);
    }

    @Test
    void randomWithoutArgumentsUsesAll64Bits() {
        assertThat(run("""
                local neg, big, same = false, false, true
                local first = linux.random()
                for i = 1, 200 do
                  local r = linux.random()
                  assert(math.type == nil and r // 1 == r)
                  if r < 0 then neg = true end
                  if r > 1 << 40 then big = true end
                  if r ~= first then same = false end
                end
                print(neg, big, same)
                """)).isEqualTo("true\ttrue\tfalse\n");
    }

    @Test
    void randomRanges() {
        assertThat(run("""
                local seen = {}
                for i = 1, 500 do
                  local r = linux.random(5) assert(r >= 1 and r <= 5) seen[r] = true
                  local p = linux.random(32, 126) assert(p >= 32 and p <= 126)
                  local n = linux.random(-3, -1) assert(n >= -3 and n <= -1)
                end
                print(#seen, linux.random(3, 3), linux.random(1))
                local w = linux.random(math.mininteger, -1) assert(w < 0)
                local x = linux.random(0, math.maxinteger) assert(x >= 0)
                local y = linux.random(math.maxinteger) assert(y >= 1)
                print('ok')
                """)).isEqualTo("5\t3\t1\nok\n");
    }

    @Test
    void randomIsUniform() {
        // each value of a range must come up its share of times, give or take about 5.5
        // standard deviations (500 in 10,000; 170 in 1,000): a modulo bias or a stuck byte
        // fails, chance almost never does. Ranges 6 and 95 wide, and 8 (a power of two).
        assertThat(run("""
                local function check(lo, hi, n)
                  local count, faces = {}, hi - lo + 1
                  for i = 1, n do
                    local r = linux.random(lo, hi)
                    count[r] = (count[r] or 0) + 1
                  end
                  local want, worst = n // faces, 0
                  for f = lo, hi do
                    local d = (count[f] or 0) - want
                    if d < 0 then d = -d end
                    if d > worst then worst = d end
                  end
                  return worst
                end
                print(check(1, 6, 60000) < 500, check(0, 7, 64000) < 500, check(32, 126, 95000) < 170)
                """)).isEqualTo("true\ttrue\ttrue\n");
    }

    @Test
    void randomErrors() {
        assertThat(run("""
                print(pcall(function() return linux.random(5, 1) end))
                print(pcall(function() return linux.random(0) end))
                print(pcall(function() return linux.random(math.mininteger, 0) end))
                print(pcall(function() return linux.random(math.mininteger, math.maxinteger) end))
                print(pcall(function() return linux.random(1, 2, 3) end))
                print(pcall(function() return linux.random('x') end))
                """)).isEqualTo("""
                false\ttest:2: bad argument #1 to 'random' (interval is empty)
                false\ttest:3: bad argument #1 to 'random' (interval is empty)
                false\ttest:4: bad argument #1 to 'random' (interval too large)
                false\ttest:5: bad argument #1 to 'random' (interval too large)
                false\ttest:6: wrong number of arguments
                false\ttest:7: bad argument #1 to 'random' (number expected, got string)
                """);
    }

    @Test
    void timeIsEpochNanosecondsAndMonotonic() {
        LuaState L = state(true);
        long before = System.currentTimeMillis();
        String s = run(L, """
                local t1 = linux.time()
                local t2 = linux.time()
                assert(t2 >= t1)
                print(t1)
                """).trim();
        long ns = Long.parseLong(s);
        assertThat(ns / 1_000_000).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(LinuxLib.time()).isGreaterThanOrEqualTo(ns);
    }

    @Test
    void difftime() {
        assertThat(run("""
                print(linux.difftime(10, 3), linux.difftime(3, 10))
                local t1 = linux.time() linux.schedule(20) local t2 = linux.time()
                print(linux.difftime(t2, t1) >= 20 * 1000000)
                print(pcall(function() return linux.difftime(1) end))
                """)).isEqualTo("""
                7\t-7
                true
                false\ttest:5: bad argument #2 to 'difftime' (number expected, got no value)
                """);
    }

    @Test
    void scheduleSleepsAndReturnsZero() {
        LuaState L = state(true);
        long start = System.nanoTime();
        assertThat(run(L, """
                print(linux.schedule(50))
                print(linux.schedule(0))
                print(linux.schedule(10, linux.task.UNINTERRUPTIBLE), linux.schedule(1, linux.task.KILLABLE),
                      linux.schedule(1, linux.task.IDLE), linux.schedule(1, linux.task.INTERRUPTIBLE))
                """)).isEqualTo("0\n0\n0\t0\t0\t0\n");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(60);
    }

    @Test
    void scheduleWakesOnInterruptAndReturnsTheRest() throws Exception {
        LuaState L = state(true);
        AtomicReference<String> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> result.set(run(L, """
                print(linux.schedule(5000))
                print(linux.schedule())
                print(linux.schedule(30))
                """)));
        Thread.sleep(200);
        t.interrupt();
        Thread.sleep(200);
        t.interrupt();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        String[] lines = result.get().split("\n");
        assertThat(Long.parseLong(lines[0])).isBetween(4000L, 4900L);
        assertThat(lines[1]).isEqualTo("4294967295");
        assertThat(lines[2]).isEqualTo("0");
    }

    @Test
    void scheduleErrors() {
        assertThat(run("""
                print(pcall(function() return linux.schedule(1, 3) end))
                print(pcall(function() return linux.schedule('x') end))
                """)).isEqualTo("""
                false\ttest:2: bad argument #2 to 'schedule' (invalid task state)
                false\ttest:3: bad argument #1 to 'schedule' (number expected, got string)
                """);
        assertThat(run(state(false), """
                print(pcall(function() return linux.schedule(1) end))
                """)).isEqualTo("false\ttest:2: cannot use non-sleepable runtime in this context\n");
    }

    @Test
    void killSignalsARealProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            LuaState L = state(true);
            L.globals.put(Ops.str("pid"), p.pid());
            L.globals.put(Ops.str("self"), ProcessHandle.current().pid());
            assertThat(run(L, """
                    print(linux.kill(pid, 0))
                    print(linux.kill(self, 999))
                    print(linux.kill(self, -1))
                    print(linux.kill(4194305, 0))
                    print(linux.kill(0, 0)) print(linux.kill(-1, 0))
                    print(linux.kill(pid, linux.signal.TERM))
                    """)).isEqualTo("""
                    true
                    false\t-22
                    false\t-22
                    false\t3
                    false\t3
                    false\t3
                    true
                    """);
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 15);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void killDefaultsToSigkill() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            LuaState L = state(true);
            L.globals.put(Ops.str("pid"), p.pid());
            assertThat(run(L, "print(linux.kill(pid))")).isEqualTo("true\n");
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 9);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void tracingOnTracefs(@TempDir Path dir) throws Exception {
        Path on = dir.resolve("tracing_on");
        Files.writeString(on, "1\n");
        LuaState L = state(true);
        Path[] roots = {dir.resolve("absent"), dir};
        LibFunction.register(L, L.globals, null, "tracing", a -> LinuxLib.tracing(a, roots));
        assertThat(run(L, "print(tracing()) print(tracing(false)) print(tracing()) print(tracing(true))"))
                .isEqualTo("true\nfalse\nfalse\ntrue\n");
        assertThat(Files.readString(on)).isEqualTo("1\n");
    }

    @Test
    void tracingWithoutTracefsIsUnavailable() {
        boolean mounted = Files.exists(Path.of("/sys/kernel/tracing/tracing_on"))
                || Files.exists(Path.of("/sys/kernel/debug/tracing/tracing_on"));
        String r = run("print(pcall(function() return linux.tracing() end))");
        if (mounted) {
            assertThat(r).matches("true\t(true|false)\n");
        } else {
            assertThat(r).isEqualTo("false\ttest:2: 'tracing' is not available in userspace\n");
        }
    }

    @Test
    void lookupReadsKallsyms() throws Exception {
        lunatik.testsupport.Require.root();
        // the address of a kernel symbol, as /proc/kallsyms gives it to root
        String line;
        try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
            line = lines.filter(l -> l.endsWith(" vfs_read")).findFirst().orElseThrow();
        }
        long address = Long.parseUnsignedLong(line.substring(0, line.indexOf(' ')), 16);
        assertThat(address).isNotZero();
        assertThat(run("""
                local a = linux.lookup('vfs_read')
                print(tostring(a), a == linux.lookup('vfs_read'), type(a))
                local s = require('syscall')
                print(linux.lookup('__x64_sys_openat') == s.address(s.numbers.openat))
                local none = linux.lookup('no_such_symbol_here')
                print(tostring(none), none and 'truthy' or 'falsy', none == linux.lookup('another_missing_one'))
                print(pcall(linux.lookup))
                """)).isEqualTo("userdata: 0x" + Long.toHexString(address) + "\ttrue\tuserdata\n"
                + "true\n"
                + "userdata: (nil)\ttruthy\ttrue\n"
                + "false\tbad argument #1 to 'linux.lookup' (string expected, got no value)\n");
    }

    @Test
    void ifindex() throws Exception {
        int lo = NetworkInterface.getByName("lo").getIndex();
        assertThat(run("""
                print(linux.ifindex('lo'))
                print(pcall(function() return linux.ifindex('nosuchif0') end))
                print(pcall(function() return linux.ifindex('') end))
                print(pcall(function() return linux.ifindex() end))
                """)).isEqualTo(lo + "\n" + """
                false\ttest:3: bad argument #1 to 'ifindex' (device not found)
                false\ttest:4: bad argument #1 to 'ifindex' (device not found)
                false\ttest:5: bad argument #1 to 'ifindex' (string expected, got no value)
                """);
    }

    @Test
    void byteOrder() {
        assertThat(run("""
                print(linux.hton16(0x1234) == 0x3412, linux.ntoh16(0x11234) == 0x3412,
                      linux.htobe16(0xff00) == 0xff, linux.be16toh(-1) == 0xffff)
                print(linux.hton32(0x12345678) == 0x78563412, linux.ntoh32(-1) == 0xffffffff,
                      linux.htobe32(0x100000001) == 0x01000000, linux.be32toh(0x80) == 0x80000000)
                print(linux.htole16(0x12345) == 0x2345, linux.le16toh(0x1234) == 0x1234,
                      linux.htole32(0x1ffffffff) == 0xffffffff, linux.le32toh(0x12345678) == 0x12345678)
                print(linux.hton64(1) == 0x0100000000000000, linux.ntoh64(0x0102030405060708) == 0x0807060504030201,
                      linux.htobe64(0xff) == -0x0100000000000000, linux.be64toh(linux.htobe64(-12345)) == -12345)
                print(linux.htole64(-5) == -5, linux.le64toh(0x0102030405060708) == 0x0102030405060708)
                print(pcall(function() return linux.hton16('x') end))
                """)).isEqualTo("""
                true\ttrue\ttrue\ttrue
                true\ttrue\ttrue\ttrue
                true\ttrue\ttrue\ttrue
                true\ttrue\ttrue\ttrue
                true\ttrue
                false\ttest:11: bad argument #1 to 'hton16' (number expected, got string)
                """);
    }

    @Test
    void constantTables() {
        assertThat(run("""
                local s = linux.stat
                print(s.IRWXU, s.IRUSR, s.IWUSR, s.IXUSR, s.IRWXG, s.IRGRP, s.IWGRP, s.IXGRP, s.IRWXO)
                print(s.IROTH, s.IWOTH, s.IXOTH, s.IRWXUGO, s.IALLUGO, s.IRUGO, s.IWUGO, s.IXUGO)
                local t = linux.task
                print(t.INTERRUPTIBLE, t.UNINTERRUPTIBLE, t.KILLABLE, t.IDLE)
                local g = linux.signal
                print(g.HUP, g.INT, g.KILL, g.USR1, g.TERM, g.CHLD, g.STOP, g.WINCH, g.PWR, g.SYS)
                local n = 0 for _ in pairs(g) do n = n + 1 end print(n)
                local e = linux.errno
                print(e.AGAIN, e.WOULDBLOCK, e.INVAL, e.BADMSG, e.NOMEM, e.SRCH, e.NXIO, e.CANCELED,
                      e.DEADLK, e.DEADLOCK, e['2BIG'], e.PERM, e.HWPOISON)
                n = 0 for _ in pairs(e) do n = n + 1 end print(n)
                """)).isEqualTo("""
                448\t256\t128\t64\t56\t32\t16\t8\t7
                4\t2\t1\t511\t4095\t292\t146\t73
                1\t2\t258\t1026
                1\t2\t9\t10\t15\t17\t19\t28\t30\t31
                31
                11\t11\t22\t74\t12\t3\t6\t125\t35\t35\t7\t1\t133
                133
                """);
        assertThat(LinuxLib.ERRNO.get("TIMEDOUT")).isEqualTo(110);
    }

    @Test
    void everyFunctionOfTheSpecIsPresent() {
        assertThat(run("""
                local names = {'random', 'schedule', 'kill', 'tracing', 'time', 'difftime', 'lookup',
                  'ifindex', 'ntoh16', 'ntoh32', 'hton16', 'hton32', 'htobe16', 'htobe32', 'htole16',
                  'htole32', 'be16toh', 'be32toh', 'le16toh', 'le32toh', 'ntoh64', 'hton64', 'htobe64',
                  'htole64', 'be64toh', 'le64toh'}
                local missing = {}
                for _, n in ipairs(names) do if type(linux[n]) ~= 'function' then missing[#missing + 1] = n end end
                local count = 0 for _, v in pairs(linux) do if type(v) == 'function' then count = count + 1 end end
                print(#missing, count)
                """)).isEqualTo("0\t26\n");
    }
}
