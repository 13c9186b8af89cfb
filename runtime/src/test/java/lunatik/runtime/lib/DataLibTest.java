package lunatik.runtime.lib;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code data} module: every accessor, the bounds and read-only rules, the Java API. */
class DataLibTest {
    private final LuaState L = state(true);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    DataLibTest() {
        L.setOut(new PrintStream(out, true));
    }

    @BeforeAll
    static void littleEndianHost() {
        Require.byNature(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the expected bytes are those of a little-endian CPU");
    }

    static LuaState state(boolean sleepable) {
        LuaState s = Stdlib.newState(Dialect.KERNEL);
        Lunatik.open(s, sleepable);
        PackageLib.registerJavaModule(s, "data", DataLib::open);
        return s;
    }

    private String run(String code) {
        out.reset();
        L.call(L.load("data = require('data')\n" + code, "=test"));
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static final String OOB = "bad argument #2 to '?' (out of bounds)";
    private static final String RO = "bad argument #1 to '?' (read only)";

    @Test
    void newBufferIsZeroFilled() {
        assertThat(run("local d = data.new(4) print(#d, tostring(d) == '\\0\\0\\0\\0', d:getint32(0))"))
                .isEqualTo("4\ttrue\t0\n");
        assertThat(run("local d = data.new(0) print(#d, tostring(d) == '', pcall(d.getint8, d, 0))"))
                .isEqualTo("0\ttrue\tfalse\t" + OOB + "\n");
    }

    @Test
    void newChecksItsArgument() {
        assertThat(run("print(pcall(data.new, -1))")).isEqualTo("false\tnot enough memory\n");
        assertThat(run("print(pcall(data.new))"))
                .isEqualTo("false\tbad argument #1 to 'data.new' (number expected, got no value)\n");
        assertThat(run("print(pcall(function() data.new() end))"))
                .isEqualTo("false\ttest:2: bad argument #1 to 'new' (number expected, got no value)\n");
        assertThat(run("print(pcall(data.new, 'x'))"))
                .isEqualTo("false\tbad argument #1 to 'data.new' (number expected, got string)\n");
    }

    @Test
    void integersInHostOrder() {
        String r = run("""
                local d = data.new(8)
                d:setuint32(0, 0x01020304)
                print(d:getuint8(0), d:getuint8(1), d:getuint8(2), d:getuint8(3))
                print(d:getuint16(0), d:getuint16(2), d:getint16(1))
                d:setint64(0, 0x0102030405060708)
                print(d:getbyte(0), d:getbyte(7), d:getuint32(4), d:getnumber(0) == 0x0102030405060708)
                d:setnumber(0, -2)
                print(d:getint64(0), d:getint32(0), d:getuint32(0), d:getint16(6), d:getuint16(6), d:getint8(7))
                d:setbyte(3, 0x41)
                print(d:getuint8(3), string.byte(tostring(d), 4))
                """);
        assertThat(r).isEqualTo("""
                4\t3\t2\t1
                772\t258\t515
                8\t1\t16909060\ttrue
                -2\t-2\t4294967294\t-1\t65535\t-1
                65\t65
                """);
    }

    @Test
    void settersTruncate() {
        String r = run("""
                local d = data.new(8)
                d:setint8(0, 0x1ff) print(d:getint8(0), d:getuint8(0))
                d:setuint8(0, 256) print(d:getuint8(0))
                d:setint16(0, 0x18000) print(d:getint16(0), d:getuint16(0))
                d:setuint16(0, -1) print(d:getuint16(0), d:getint16(0))
                d:setint32(0, 0x180000000) print(d:getint32(0), d:getuint32(0))
                d:setuint32(0, -1) print(d:getuint32(0), d:getint32(0))
                d:setint64(0, math.mininteger) print(d:getint64(0) == math.mininteger)
                print(d.getuint64, d.setuint64, d.nosuchmethod)
                """);
        assertThat(r).isEqualTo("""
                -1\t255
                0
                -32768\t32768
                65535\t-1
                -2147483648\t2147483648
                4294967295\t-1
                true
                nil\tnil\tnil
                """);
    }

    @Test
    void everyAccessorChecksBounds() {
        String[][] widths = {{"int8", "1"}, {"uint8", "1"}, {"byte", "1"}, {"int16", "2"}, {"uint16", "2"},
            {"int32", "4"}, {"uint32", "4"}, {"int64", "8"}, {"number", "8"}};
        for (String[] w : widths) {
            String r = run("""
                    local d = data.new(8)
                    local n = %s
                    print(d:get%s(8 - n), d:set%s(8 - n, 1))
                    print(pcall(d.get%s, d, 9 - n))
                    print(pcall(d.get%s, d, -1))
                    print(pcall(d.set%s, d, 9 - n, 1))
                    print(pcall(d.set%s, d, -1, 1))
                    print(pcall(d.get%s, d, math.maxinteger))
                    """.formatted(w[1], w[0], w[0], w[0], w[0], w[0], w[0], w[0]));
            assertThat(r).as(w[0]).isEqualTo("0\n" + ("false\t" + OOB + "\n").repeat(5));
        }
    }

    @Test
    void argumentTypesAreChecked() {
        assertThat(run("local d = data.new(8) print(pcall(d.getint8, d, 'x'))"))
                .isEqualTo("false\tbad argument #2 to '?' (number expected, got string)\n");
        assertThat(run("local d = data.new(8) print(pcall(d.setint8, d, 0))"))
                .isEqualTo("false\tbad argument #3 to '?' (number expected, got no value)\n");
        assertThat(run("local d = data.new(8) print(pcall(d.setstring, d, 0))"))
                .isEqualTo("false\tbad argument #3 to '?' (string expected, got no value)\n");
        assertThat(run("local d = data.new(8) print(pcall(d.getint8, {}, 0))"))
                .isEqualTo("false\tbad argument #1 to '?' (data expected, got table)\n");
    }

    @Test
    void strings() {
        String r = run("""
                local d = data.new(8)
                d:setstring(2, 'abc')
                print(#d:getstring(0), d:getstring(2, 3), d:getstring(2, 2), d:getstring(7) == '\\0')
                d:setstring(5, 'xyz')
                print(d:getstring(2))
                d:setstring(0, 'a\\0b')
                print(d:getstring(0, 3) == 'a\\0b', d:getuint8(1))
                print(pcall(d.getstring, d, 8))
                print(pcall(d.getstring, d, 0, 0))
                print(pcall(d.getstring, d, 0, 9))
                print(pcall(d.getstring, d, -1))
                print(pcall(d.setstring, d, 0, ''))
                print(pcall(d.setstring, d, 6, 'abc'))
                print(pcall(d.setstring, d, -1, 'a'))
                d:setstring(0, 12)
                print(d:getstring(0, 2))
                """);
        assertThat(r).isEqualTo("8\tabc\tab\ttrue\nabcxyz\ntrue\t0\n" + ("false\t" + OOB + "\n").repeat(7) + "12\n");
    }

    @Test
    void readOnlyBuffers() {
        byte[] mem = {1, 2, 3, 4};
        L.globals.put(Ops.str("ro"), DataLib.newData(L, new DataLib.Buffer(mem, 0, 4, DataLib.Buffer.OPT_READONLY)));
        String r = run("""
                print(#ro, ro:getuint8(3), ro:getstring(1, 2) == '\\2\\3')
                print(pcall(ro.setint8, ro, 0, 1))
                print(pcall(ro.setuint16, ro, 0, 1))
                print(pcall(ro.setint32, ro, 0, 1))
                print(pcall(ro.setstring, ro, 0, 'a'))
                print(pcall(ro.setint8, ro, 4, 1))
                print(pcall(ro.setstring, ro, 0, 'abcde'))
                print(pcall(ro.setint8, ro, 0))
                """);
        assertThat(r).isEqualTo("4\t4\ttrue\n" + ("false\t" + RO + "\n").repeat(4)
                + ("false\t" + OOB + "\n").repeat(2) + "false\t" + RO + "\n");
        assertThat(mem).containsExactly(1, 2, 3, 4);
        // a read-only ByteBuffer gives a read-only buffer
        DataLib.Buffer b = new DataLib.Buffer(ByteBuffer.allocate(2).asReadOnlyBuffer(), DataLib.Buffer.OPT_NONE);
        assertThat(b.isReadOnly()).isTrue();
    }

    @Test
    void javaBuffersShareTheirMemory() {
        byte[] mem = new byte[10];
        mem[3] = 7;
        LuaUserdata u = DataLib.newData(L, new DataLib.Buffer(mem, 2, 6, DataLib.Buffer.OPT_NONE));
        L.globals.put(Ops.str("pkt"), u);
        assertThat(run("print(#pkt, pkt:getuint8(1)) pkt:setuint16(4, 0x0201)")).isEqualTo("6\t7\n");
        assertThat(mem).containsExactly(0, 0, 0, 7, 0, 0, 1, 2, 0, 0);
        DataLib.Buffer b = DataLib.buffer(Objects.toObject(u));
        assertThat(b.size()).isEqualTo(6);
        assertThat(b.toByteArray()).containsExactly(0, 7, 0, 0, 1, 2);
        assertThat(b.memory().order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(b.memory().getShort(4)).isEqualTo((short) 0x0201);
        assertThat(b.options()).isEqualTo(DataLib.Buffer.OPT_NONE);
    }

    @Test
    void resetAndClear() {
        LunatikObject o = DataLib.newObject(DataLib.Buffer.detached(DataLib.Buffer.OPT_READONLY), true);
        L.globals.put(Ops.str("pkt"), DataLib.push(L, o));
        assertThat(o.references()).isEqualTo(2);
        assertThat(run("print(#pkt, pcall(pkt.getuint8, pkt, 0))")).isEqualTo("0\tfalse\t" + OOB + "\n");
        // reset keeping the options: still read only
        assertThat(DataLib.reset(o, ByteBuffer.wrap(new byte[] {9, 8, 7}), DataLib.Buffer.OPT_KEEP)).isZero();
        assertThat(run("print(#pkt, pkt:getuint8(0), tostring(pkt) == '\\9\\8\\7', pcall(pkt.setint8, pkt, 0, 1))"))
                .isEqualTo("3\t9\ttrue\tfalse\t" + RO + "\n");
        // reset with new options: writable
        byte[] mem = new byte[2];
        assertThat(DataLib.reset(o, ByteBuffer.wrap(mem), DataLib.Buffer.OPT_NONE)).isZero();
        assertThat(run("pkt:setuint8(1, 5) print(#pkt)")).isEqualTo("2\n");
        assertThat(mem).containsExactly(0, 5);
        // a ByteBuffer's position..limit is the window
        assertThat(DataLib.reset(o, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}, 1, 2), DataLib.Buffer.OPT_NONE)).isZero();
        assertThat(run("print(#pkt, pkt:getuint8(0), pkt:getuint8(1))")).isEqualTo("2\t2\t3\n");
        // clear: detached, every access out of bounds, options kept
        assertThat(DataLib.clear(o)).isZero();
        assertThat(run("print(#pkt, pcall(pkt.getuint8, pkt, 0))")).isEqualTo("0\tfalse\t" + OOB + "\n");
        assertThat(run("print(pcall(pkt.setstring, pkt, 0, 'a'))")).isEqualTo("false\t" + OOB + "\n");
        DataLib.close(o);
        assertThat(o.references()).isEqualTo(1);
    }

    @Test
    void ownedBuffersRefuseReset() {
        assertThat(run("d = data.new(3) d:setuint8(0, 1)")).isEmpty();
        LunatikObject o = Objects.toObject(L.globals.get(Ops.str("d")));
        assertThat(DataLib.buffer(o).options()).isEqualTo(DataLib.Buffer.OPT_FREE);
        assertThat(DataLib.reset(o, ByteBuffer.allocate(1), DataLib.Buffer.OPT_NONE)).isEqualTo(-1);
        assertThat(DataLib.clear(o)).isEqualTo(-1);
        assertThat(run("print(#d, d:getuint8(0))")).isEqualTo("3\t1\n");
    }

    @Test
    void sharedWithAnotherStateOnAnotherThread() throws Exception {
        assertThat(run("d = data.new(8) d:setstring(0, 'hello')")).isEmpty();
        LunatikObject o = Objects.toObject(L.globals.get(Ops.str("d")));
        LuaState L2 = state(false);
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        L2.setOut(new PrintStream(out2, true));
        Thread t = new Thread(() -> {
            L2.call(L2.load("require('data')", "=t2"));
            L2.globals.put(Ops.str("d"), Objects.share(L2, o));
            L2.call(L2.load("print(#d, d:getstring(0, 5), tostring(d):sub(1, 5)) d:setstring(5, '!!!')", "=t2"));
        });
        t.start();
        t.join();
        assertThat(out2.toString(StandardCharsets.ISO_8859_1)).isEqualTo("8\thello\thello\n");
        assertThat(o.references()).isEqualTo(2);
        assertThat(run("print(d:getstring(0))")).isEqualTo("hello!!!\n");
    }

    @Test
    void monitoredCallsAreSerialised() throws Exception {
        // while Java holds the object's lock, a method call from another state waits for it
        assertThat(run("d = data.new(8)")).isEmpty();
        LunatikObject o = Objects.toObject(L.globals.get(Ops.str("d")));
        o.lock().lock();
        LuaState L2 = state(true);
        Thread t = new Thread(() -> {
            L2.call(L2.load("require('data')", "=t2"));
            L2.globals.put(Ops.str("d"), Objects.share(L2, o));
            L2.call(L2.load("d:setint64(0, 42)", "=t2"));
        });
        t.start();
        t.join(200);
        assertThat(t.isAlive()).as("the method waits for the object's lock").isTrue();
        assertThat(o.payload(DataLib.Buffer.class).memory().getLong(0)).isZero();
        o.lock().unlock();
        t.join();
        assertThat(run("print(d:getint64(0))")).isEqualTo("42\n");
    }
}
