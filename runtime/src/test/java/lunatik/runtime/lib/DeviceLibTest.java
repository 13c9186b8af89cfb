package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.linux.fuse.FuseDevice;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Host;
import lunatik.runtime.Lunatik;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device module with real runtimes and real FUSE files in a temporary device directory. */
class DeviceLibTest {
    @TempDir
    Path root;
    @TempDir
    Path devdir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Runtime> runtimes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        if (!log.isEmpty()) {
            System.out.println("host log: " + log);
        }
        runtimes.forEach(rt -> {
            if (!rt.isStopped()) {
                rt.stop();
            }
        });
    }

    private Host host() {
        Host h = new Host(root, log::add);
        h.registerModule("device", DeviceLib::open);
        return h;
    }

    private void script(String name, String src) throws Exception {
        Path p = root.resolve(name + ".lua");
        Files.createDirectories(p.getParent());
        Files.writeString(p, src);
    }

    /** Runs {@code <name>.lua}, whose entry function makes the devices, with devdir as /dev. */
    private Runtime start(String name, Object... args) throws Exception {
        Runtime rt = host().runtime(name, true);
        runtimes.add(rt);
        DeviceLib.setDeviceDirectory(rt.state(), devdir);
        rt.run(L -> L.call(rt.entry(), args));
        return rt;
    }

    /** The passwd example of Lunatik's README: one random printable character per read(2). */
    private static final String PASSWD = """
        local device = require("device")
        local linux = require("linux")
        local nop = function() end
        return function(name)
          local driver = {name = name, open = nop, release = nop, mode = linux.stat.IRUGO}
          function driver:read() return string.char(linux.random(32, 126)) end
          device.new(driver)
        end
        """;

    @Test
    void thePasswdDeviceGivesRandomPrintableBytes() throws Exception {
        script("passwd", PASSWD);
        start("passwd", Ops.str("passwd"));
        Path p = devdir.resolve("passwd");
        assertThat(FuseDevice.isMounted(p)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("r--r--r--");
        String a;
        String b;
        try (InputStream in = Files.newInputStream(p)) { // head -c 16
            a = new String(in.readNBytes(16), StandardCharsets.ISO_8859_1);
        }
        try (InputStream in = Files.newInputStream(p)) {
            b = new String(in.readNBytes(16), StandardCharsets.ISO_8859_1);
        }
        assertThat(a).hasSize(16).matches("[ -~]{16}");
        assertThat(b).hasSize(16).matches("[ -~]{16}").isNotEqualTo(a);
        assertThat(log).isEmpty();
    }

    private static final String STORE = """
        local device = require("device")
        local nop = function() end
        calls = {}
        return function(name, step)
          local driver = {name = name, open = nop, release = nop, data = ""}
          function driver:read(len, off)
            if off >= #self.data then return nil end
            return self.data:sub(off + 1, off + len)
          end
          function driver:write(buf, off)
            calls[#calls + 1] = off .. ":" .. buf
            if off == 0 then self.data = "" end
            self.data = self.data .. buf:sub(1, step or #buf)
            return step
          end
          device.new(driver)
        end
        """;

    @Test
    void writesReachTheDriverAndReadsGiveThemBack() throws Exception {
        script("store", STORE);
        Runtime rt = start("store", Ops.str("store"));
        Path p = devdir.resolve("store");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        Files.writeString(p, "hello\n"); // echo hello > /dev/store (O_TRUNC)
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        }
        Files.writeString(p, "x", StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x");
        }
        Object calls = rt.run(L -> L.call(L.load("return table.concat(calls, ',')", "=t")));
        assertThat(Varargs.first(calls).toString()).isEqualTo("0:hello\n,0:x");
    }

    @Test
    void aShortWriteCountAndTheReturnedOffsetAreHonoured() throws Exception {
        script("store", STORE);
        Runtime rt = start("store", Ops.str("bytewise"), 1L);
        Path p = devdir.resolve("bytewise");
        Files.writeString(p, "abc"); // the writer loops: one byte taken per write(2)
        Object calls = rt.run(L -> L.call(L.load("return table.concat(calls, ',')", "=t")));
        assertThat(Varargs.first(calls).toString()).isEqualTo("0:abc,1:bc,2:c");
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        }
        script("seek", """
            local device = require("device")
            local nop = function() end
            return function()
              device.new{name = "seek", open = nop, release = nop,
                read = function(self, len, off) return tostring(off), off + 10 end}
            end
            """);
        start("seek");
        try (InputStream in = Files.newInputStream(devdir.resolve("seek"))) {
            byte[] b = new byte[8];
            assertThat(new String(b, 0, in.read(b), StandardCharsets.US_ASCII)).isEqualTo("0");
            assertThat(new String(b, 0, in.read(b), StandardCharsets.US_ASCII)).isEqualTo("10");
            assertThat(new String(b, 0, in.read(b), StandardCharsets.US_ASCII)).isEqualTo("20");
        }
    }

    @Test
    void aCallbackErrorFailsTheSyscallWithEcanceledAndIsLogged() throws Exception {
        script("faulty", """
            local device = require("device")
            local nop = function() end
            return function()
              device.new{name = "faulty", open = nop, release = nop,
                read = function(self, len, off) error("boom") end,
                write = function(self, buf, off) error({}) end}
            end
            """);
        start("faulty");
        Path p = devdir.resolve("faulty");
        assertThatThrownBy(() -> {
            try (InputStream in = Files.newInputStream(p)) {
                in.readNBytes(4);
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("Operation canceled");
        assertThat(log).containsExactly(root.resolve("faulty.lua") + ":5: boom: read");
        assertThatThrownBy(() -> Files.writeString(p, "x")).isInstanceOf(IOException.class)
            .hasMessageContaining("Operation canceled");
        assertThat(log).hasSize(2);
        assertThat(log.get(1)).endsWith(": write");
    }

    @Test
    void aMissingCallbackGivesEnxioAndALogLine() throws Exception {
        script("partial", """
            local device = require("device")
            return function()
              device.new{name = "noopen", read = function() return "x" end}
              device.new{name = "nowrite", open = function() end, release = function() end}
              device.new{name = "norelease", open = function() end, read = function() return "y" end}
            end
            """);
        start("partial");
        assertThatThrownBy(() -> Files.newInputStream(devdir.resolve("noopen")).close())
            .isInstanceOf(IOException.class).hasMessageContaining("No such device or address");
        assertThat(log).containsExactly("open: operation isn't defined for /dev/noopen");
        log.clear();
        assertThatThrownBy(() -> Files.writeString(devdir.resolve("nowrite"), "x"))
            .isInstanceOf(IOException.class).hasMessageContaining("No such device or address");
        assertThat(log).containsExactly("write: operation isn't defined for /dev/nowrite");
        log.clear();
        try (InputStream in = Files.newInputStream(devdir.resolve("norelease"))) {
            assertThat(in.readNBytes(1)).containsExactly('y');
        }
        waitFor(() -> !log.isEmpty());
        assertThat(log).containsExactly("release: operation isn't defined for /dev/norelease");
    }

    @Test
    void twoReadersAreServedConcurrentlyOneCallbackAtATime() throws Exception {
        script("counter", """
            local device = require("device")
            local nop = function() end
            inside, overlaps, calls = 0, 0, 0
            return function()
              device.new{name = "counter", open = nop, release = nop,
                read = function(self, len, off)
                  inside = inside + 1
                  if inside > 1 then overlaps = overlaps + 1 end
                  calls = calls + 1
                  local c = string.char(string.byte("a") + off % 26)
                  inside = inside - 1
                  return c
                end}
            end
            """);
        Runtime rt = start("counter");
        Path p = devdir.resolve("counter");
        List<String> got = new CopyOnWriteArrayList<>();
        Thread[] readers = new Thread[2];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = Thread.ofPlatform().start(() -> {
                try (InputStream in = Files.newInputStream(p)) {
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < 500; k++) {
                        sb.append((char) in.read());
                    }
                    got.add(sb.toString());
                } catch (IOException e) {
                    got.add(e.toString());
                }
            });
        }
        for (Thread t : readers) {
            t.join(30_000);
        }
        StringBuilder expected = new StringBuilder();
        for (int k = 0; k < 500; k++) {
            expected.append((char) ('a' + k % 26));
        }
        assertThat(got).containsExactly(expected.toString(), expected.toString());
        Object r = rt.run(L -> L.call(L.load("return calls, overlaps", "=t")));
        assertThat(Varargs.get(r, 0)).isEqualTo(1000L);
        assertThat(Varargs.get(r, 1)).isEqualTo(0L);
    }

    @Test
    void stopRemovesTheDeviceAndASecondStopIsAnError() throws Exception {
        script("stoppable", """
            local device = require("device")
            local nop = function() end
            return function()
              dev = device.new{name = "stoppable", open = nop, release = nop, read = function() return "z" end}
            end
            """);
        Runtime rt = start("stoppable");
        Path p = devdir.resolve("stoppable");
        assertThat(FuseDevice.isMounted(p)).isTrue();
        Object r = rt.run(L -> L.call(L.load("dev:stop() return pcall(dev.stop, dev)", "=t")));
        Object m = rt.run(L -> L.call(L.load("return pcall(function() dev:stop() end)", "=t")));
        assertThat(FuseDevice.isMounted(p)).isFalse();
        assertThat(Varargs.get(r, 0)).isEqualTo(false);
        assertThat(Varargs.get(r, 1).toString()).isEqualTo("bad argument #1 to 'stop' (null-pointer dereference)");
        assertThat(Varargs.get(m, 1).toString()).isEqualTo("t:1: calling 'stop' on bad self (null-pointer dereference)");
        assertThat(Files.exists(p)).as("stop removes the device file").isFalse();
    }

    @Test
    void aDroppedReferenceKeepsTheDeviceAndStoppingTheRuntimeRemovesIt() throws Exception {
        script("passwd", PASSWD);
        Runtime rt = start("passwd", Ops.str("kept"));
        rt.run(L -> {
            L.fullGc();
            return null;
        });
        Path p = devdir.resolve("kept");
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(in.readNBytes(4)).hasSize(4);
        }
        assertThat(rt.stop()).isTrue();
        assertThat(FuseDevice.isMounted(p)).isFalse();
    }

    @Test
    void aFileStillOpenWhenTheRuntimeStopsGetsEnxio() throws Exception {
        script("passwd", PASSWD);
        Runtime rt = start("passwd", Ops.str("open"));
        Path p = devdir.resolve("open");
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(in.readNBytes(2)).hasSize(2);
            rt.stop();
            assertThat(FuseDevice.isMounted(p)).isFalse();
            assertThatThrownBy(() -> in.readNBytes(2)).isInstanceOf(IOException.class)
                .hasMessageContaining("No such device or address");
        }
    }

    @Test
    void aDeviceMadeAtLoadTimeUsesTheHostsDirectory() throws Exception {
        script("loadtime", """
            local device = require("device")
            local nop = function() end
            device.new{name = "loadtime", open = nop, release = nop, read = function() return "L" end}
            """);
        Host h = host();
        h.setDeviceDirectory(devdir);
        Runtime rt = h.runtime("loadtime", true);
        runtimes.add(rt);
        try (InputStream in = Files.newInputStream(devdir.resolve("loadtime"))) {
            assertThat(in.readNBytes(3)).containsExactly('L', 'L', 'L');
        }
        rt.stop();
        assertThat(FuseDevice.isMounted(devdir.resolve("loadtime"))).isFalse();
    }

    @Test
    void constructorErrors() throws Exception {
        LuaState L = lunatik.lua.lib.Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(L, true);
        lunatik.lua.lib.PackageLib.registerJavaModule(L, "device", DeviceLib::open);
        DeviceLib.setDeviceDirectory(L, devdir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        L.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        L.call(L.load("""
            local device = require("device")
            print(pcall(device.new, {}))
            print(pcall(device.new, {name = 1}))
            print(pcall(device.new, {name = "x", mode = "rw"}))
            print(pcall(device.new, {name = "a/b"}))
            print(pcall(device.new))
            local d = device.new{name = "dup"}
            print(pcall(device.new, {name = "dup"}))
            d:stop()
            device.new{name = "dup"}:stop()
            """, "=test"));
        assertThat(buf.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
            "false\tbad field 'name' (string expected, got nil)",
            "false\tbad field 'name' (string expected, got number)",
            "false\tbad field 'mode' (integer expected, got string)",
            "false\tfailed to create a new device (-22)",
            "false\tbad argument #1 to 'device.new' (table expected, got no value)",
            "false\tfailed to create a new device (-17)");
        L.close();

        LuaState K = lunatik.lua.lib.Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(K, false);
        lunatik.lua.lib.PackageLib.registerJavaModule(K, "device", DeviceLib::open);
        Object r = K.call(K.load("return pcall(require, 'device')", "=test"));
        assertThat(Varargs.get(r, 1).toString()).contains("cannot use 'device' class on non-sleepable runtime");
    }

    @Test
    void measureOneByteReadsThroughLua() throws Exception {
        script("one", """
            local device = require("device")
            local nop = function() end
            return function()
              device.new{name = "one", open = nop, release = nop, read = function() return "x" end}
            end
            """);
        start("one");
        try (var ch = java.nio.channels.FileChannel.open(devdir.resolve("one"))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(1);
            for (int i = 0; i < 20_000; i++) {
                b.clear();
                ch.read(b);
            }
            int n = 100_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                b.clear();
                ch.read(b);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("device (Lua read callback): %.0f 1-byte reads/s (%.1f us each)%n", n / s, s * 1e6 / n);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }
}
