package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoLibTest {
    @TempDir
    Path dir;

    LuaState L;
    ByteArrayOutputStream out;
    ByteArrayOutputStream err;

    @BeforeEach
    void setUp() {
        newState("");
    }

    void newState(String stdin) {
        L = new LuaState(Dialect.FULL);
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        L.setOut(new PrintStream(out, true));
        L.setErr(new PrintStream(err, true));
        IoLib.open(L, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)));
    }

    // ---------------------------------------------------------------- helpers

    static LuaString s(String v) {
        return LuaString.of(v);
    }

    LuaTable io() {
        return (LuaTable) L.globals.get(s("io"));
    }

    Object io(String name, Object... args) {
        return ((LuaFunction) io().get(s(name))).invoke(conv(args));
    }

    Object m(Object file, String name, Object... args) {
        LuaTable methods = (LuaTable) ((LuaUserdata) file).getMetatable().get(Meta.INDEX);
        Object[] all = new Object[args.length + 1];
        all[0] = file;
        System.arraycopy(conv(args), 0, all, 1, args.length);
        return ((LuaFunction) methods.get(s(name))).invoke(all);
    }

    Object meta(Object file, LuaString event) {
        return ((LuaFunction) ((LuaUserdata) file).getMetatable().get(event)).invoke(new Object[] {file});
    }

    /** Java strings become Lua strings; Integers become Longs. */
    static Object[] conv(Object[] args) {
        Object[] r = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            r[i] = a instanceof String str ? s(str) : a instanceof Integer n ? (Object) n.longValue() : a;
        }
        return r;
    }

    static List<Object> list(Object result) {
        List<Object> r = new ArrayList<>();
        for (Object o : Varargs.toArray(result)) {
            r.add(o instanceof LuaString str ? str.toString() : o);
        }
        return r;
    }

    static List<Object> expect(Object... v) {
        List<Object> r = new ArrayList<>();
        for (Object o : v) {
            r.add(o instanceof Integer n ? (Object) n.longValue() : o);
        }
        return r;
    }

    String path(String name) {
        return dir.resolve(name).toString();
    }

    String write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.ISO_8859_1));
        return p.toString();
    }

    String content(String name) throws IOException {
        return new String(Files.readAllBytes(dir.resolve(name)), StandardCharsets.ISO_8859_1);
    }

    Object open(String name, String mode) {
        return io("open", path(name), mode);
    }

    Object openContent(String content) throws IOException {
        return io("open", write("in.txt", content), "rb");
    }

    // ---------------------------------------------------------------- open

    @Test
    void openMissingFileFails() {
        String p = path("nofile");
        assertThat(list(io("open", p))).isEqualTo(expect(null, p + ": No such file or directory", 2));
    }

    @Test
    void openDirectoryForWritingFails() {
        String p = dir.toString();
        assertThat(list(io("open", p, "w"))).isEqualTo(expect(null, p + ": Is a directory", 21));
    }

    @Test
    void openSymlinkLoopFails() throws IOException {
        Files.createSymbolicLink(dir.resolve("loop1"), dir.resolve("loop2"));
        Files.createSymbolicLink(dir.resolve("loop2"), dir.resolve("loop1"));
        String p = path("loop1");
        assertThat(list(io("open", p))).isEqualTo(expect(null, p + ": Too many levels of symbolic links", 40));
    }

    @Test
    void readingADirectoryFails() {
        Object f = io("open", dir.toString());
        assertThat(list(m(f, "read"))).isEqualTo(expect(null, "Is a directory", 21));
        assertThat(list(m(f, "read", "a"))).isEqualTo(expect(null, "Is a directory", 21));
    }

    @Test
    void invalidModes() throws IOException {
        for (String mode : new String[] {"rw", "br", "", "r++", "x", "w+a"}) {
            assertThatThrownBy(() -> io("open", path("x"), mode)).isInstanceOf(LuaError.class)
                .hasMessage("bad argument #2 to 'io.open' (invalid mode)");
        }
        write("ok", "");
        for (String mode : new String[] {"r+bb", "wb", "a+b", "rbbb", "r", "w+", "a"}) {
            assertThat(io("open", path("ok"), mode)).as(mode).isInstanceOf(LuaUserdata.class);
        }
    }

    @Test
    void openArgumentErrors() {
        assertThatThrownBy(() -> io("open")).hasMessage("bad argument #1 to 'io.open' (string expected, got no value)");
        assertThatThrownBy(() -> io("open", new LuaTable()))
            .hasMessage("bad argument #1 to 'io.open' (string expected, got table)");
    }

    @Test
    void writeModeCreatesAndTruncates() throws IOException {
        write("w.txt", "old content");
        Object f = open("w.txt", "w");
        assertThat(m(f, "write", "new")).isSameAs(f);
        assertThat(m(f, "close")).isEqualTo(true);
        assertThat(content("w.txt")).isEqualTo("new");
    }

    @Test
    void appendModes() throws IOException {
        write("a.txt", "abc");
        Object f = open("a.txt", "a");
        assertThat(m(f, "seek")).isEqualTo(3L);
        m(f, "write", "def");
        m(f, "seek", "set");
        m(f, "write", "g");
        m(f, "close");
        assertThat(content("a.txt")).isEqualTo("abcdefg");

        f = open("a.txt", "a+");
        assertThat(m(f, "read", "a").toString()).isEqualTo("abcdefg");
        m(f, "seek", "set");
        m(f, "write", "h");
        m(f, "seek", "set");
        assertThat(m(f, "read", "a").toString()).isEqualTo("abcdefgh");
        assertThat(m(f, "seek", "cur")).isEqualTo(8L);
        m(f, "close");
    }

    @Test
    void readPlusWriteAfterRead() throws IOException {
        write("d.txt", "abcdef");
        Object f = open("d.txt", "r+");
        m(f, "write", "X");
        assertThat(m(f, "read", "a").toString()).isEqualTo("bcdef");
        m(f, "seek", "set", 2);
        assertThat(m(f, "read", 1).toString()).isEqualTo("c");
        m(f, "write", "YY");
        m(f, "close");
        assertThat(content("d.txt")).isEqualTo("XbcYYf");
    }

    @Test
    void writePlusReadsBack() throws IOException {
        Object f = open("w.txt", "w+");
        m(f, "write", "hello");
        assertThat(list(m(f, "read", "a"))).isEqualTo(expect(""));
        assertThat(m(f, "seek", "cur")).isEqualTo(5L);
        m(f, "seek", "set", 1);
        assertThat(m(f, "read", 2).toString()).isEqualTo("el");
        m(f, "write", "ZZ");
        m(f, "seek", "set");
        assertThat(m(f, "read", "a").toString()).isEqualTo("helZZ");
        m(f, "close");
    }

    @Test
    void readOnlyAndWriteOnlyFiles() throws IOException {
        String p = write("r.txt", "data");
        Object r = io("open", p);
        assertThat(list(m(r, "write", "x"))).isEqualTo(expect(null, "Bad file descriptor", 9));
        assertThat(m(r, "flush")).isEqualTo(true);
        Object w = open("w.txt", "w");
        assertThat(list(m(w, "read"))).isEqualTo(expect(null, "Bad file descriptor", 9));
        assertThat(list(m(w, "read", 0))).isEqualTo(expect(null, "Bad file descriptor", 9));
        assertThat(list(m(w, "read", "a"))).isEqualTo(expect(null, "Bad file descriptor", 9));
    }

    @Test
    void bytesAreKept() throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Object f = open("bin", "wb");
        m(f, "write", LuaString.wrap(all.clone()));
        m(f, "close");
        assertThat(Files.readAllBytes(dir.resolve("bin"))).isEqualTo(all);
        f = open("bin", "rb");
        assertThat(((LuaString) m(f, "read", "a")).bytes()).isEqualTo(all);
    }

    @Test
    void largeWritesAndReads() throws IOException {
        String big = "x".repeat(20000) + "\n" + "y".repeat(9000);
        Object f = open("big", "w");
        for (int i = 0; i < big.length(); i += 700) {
            m(f, "write", big.substring(i, Math.min(big.length(), i + 700)));
        }
        m(f, "write", big);
        m(f, "close");
        assertThat(content("big")).isEqualTo(big + big);
        f = open("big", "r");
        assertThat(m(f, "read", "l").toString()).isEqualTo("x".repeat(20000));
        assertThat(m(f, "read", 9000).toString()).isEqualTo("y".repeat(9000));
        assertThat(((LuaString) m(f, "read", "a")).length()).isEqualTo(big.length());
    }

    // ---------------------------------------------------------------- read formats

    @Test
    void readLines() throws IOException {
        Object f = openContent("line1\nline2\n\nlast");
        assertThat(list(m(f, "read", "l", "L", "*l", "l", "l", "l")))
            .isEqualTo(expect("line1", "line2\n", "", "last", null));
        f = openContent("a\r\nb");
        assertThat(list(m(f, "read", "L", "*L", "L"))).isEqualTo(expect("a\r\n", "b", null));
    }

    @Test
    void readCounts() throws IOException {
        Object f = openContent("abc");
        assertThat(list(m(f, "read", 0))).isEqualTo(expect(""));
        assertThat(list(m(f, "read", 2))).isEqualTo(expect("ab"));
        assertThat(list(m(f, "read", 5))).isEqualTo(expect("c"));
        assertThat(list(m(f, "read", 0))).isEqualTo(expect((Object) null));
        assertThat(list(m(f, "read", 1))).isEqualTo(expect((Object) null));
        assertThat(list(m(f, "read", "a"))).isEqualTo(expect(""));
        assertThat(list(m(f, "read", "*a"))).isEqualTo(expect(""));
        assertThat(list(m(f, "read", "l"))).isEqualTo(expect((Object) null));
        assertThat(list(m(f, "read", 2.0))).isEqualTo(expect((Object) null));
    }

    @Test
    void readStopsAtFirstFailure() throws IOException {
        Object f = openContent("12 13 x 14");
        assertThat(list(m(f, "read", "n", "n", "n", "n"))).isEqualTo(expect(12L, 13L, null));
        f = openContent("x");
        // formats after the failing one are not even checked
        assertThat(list(m(f, "read", 1, 2, "bogus"))).isEqualTo(expect("x", null));
    }

    @Test
    void readNumbers() throws IOException {
        Object f = openContent("  0x1p4 -12 3.5e2 .5 0x.8 1e 12abc 0x +7\t0xA 1E+2");
        Object[][] expected = {
            {16.0, 7L}, {-12L, 11L}, {350.0, 17L}, {0.5, 20L}, {0.5, 25L}, {null, 28L}, {12L, 31L},
            {null, 31L},
        };
        for (Object[] e : expected) {
            assertThat(m(f, "read", "n")).isEqualTo(e[0]);
            assertThat(m(f, "seek")).isEqualTo(e[1]);
        }
        m(f, "read", 3); // "abc"
        assertThat(m(f, "read", "*n")).isNull(); // "0x"
        assertThat(list(m(f, "read", "n", "n", "n"))).isEqualTo(expect(7L, 10L, 100.0));
        assertThat(m(f, "read", "n")).isNull();
    }

    @Test
    void readNumberLongerThan200Fails() throws IOException {
        Object f = openContent("1".repeat(250));
        assertThat(m(f, "read", "n")).isNull();
        assertThat(m(f, "seek")).isEqualTo(200L);
        f = openContent("1".repeat(199) + "x");
        assertThat(m(f, "read", "n")).isEqualTo(1.1111111111111111e198);
        assertThat(m(f, "seek")).isEqualTo(199L);
    }

    @Test
    void readFormatErrors() throws IOException {
        Object f = openContent("hello");
        assertThatThrownBy(() -> m(f, "read", "*x")).hasMessage("bad argument #2 to 'read' (invalid format)");
        assertThatThrownBy(() -> m(f, "read", "")).hasMessage("bad argument #2 to 'read' (invalid format)");
        assertThatThrownBy(() -> m(f, "read", "l", new LuaTable()))
            .hasMessage("bad argument #3 to 'read' (string expected, got table)");
        assertThatThrownBy(() -> m(f, "read", 1.5))
            .hasMessage("bad argument #2 to 'read' (number has no integer representation)");
        assertThatThrownBy(() -> m(f, "read", -1)).hasMessage("not enough memory");
        assertThatThrownBy(() -> io("read", "x")).hasMessage("bad argument #1 to 'io.read' (invalid format)");
    }

    // ---------------------------------------------------------------- write

    @Test
    void writeNumbersAsCLua() throws IOException {
        Object f = open("n.txt", "w");
        m(f, "write", 1.0, " ", 2, " ", 1e100, " ", -0.0, " ", Math.pow(2, 63), " ", 0.1, " ",
            Double.POSITIVE_INFINITY, " ", Long.MIN_VALUE);
        m(f, "close");
        assertThat(content("n.txt")).isEqualTo("1 2 1e+100 -0 9.2233720368548e+18 0.1 inf -9223372036854775808");
    }

    @Test
    void writeArgumentErrors() {
        Object f = open("w.txt", "w");
        assertThatThrownBy(() -> m(f, "write", "a", new LuaTable()))
            .hasMessage("bad argument #3 to 'write' (string expected, got table)");
        assertThatThrownBy(() -> io("write", (Object) null))
            .hasMessage("bad argument #1 to 'io.write' (string expected, got nil)");
    }

    @Test
    void ioWriteGoesToStateOut() {
        assertThat(io("write", "a", 1, "\n")).isSameAs(io().get(s("stdout")));
        m(io().get(s("stderr")), "write", "oops");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a1\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops");
        // the state's stream is looked up at each write
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        L.setOut(new PrintStream(other, true));
        io("write", "b");
        assertThat(other.toString(StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(io("flush")).isEqualTo(true);
    }

    @Test
    void setvbufModes() throws IOException {
        Object f = open("v.txt", "w");
        assertThat(m(f, "setvbuf", "no")).isEqualTo(true);
        m(f, "write", "a");
        assertThat(content("v.txt")).isEqualTo("a");
        assertThat(m(f, "setvbuf", "line", 100)).isEqualTo(true);
        m(f, "write", "b");
        assertThat(content("v.txt")).isEqualTo("a");
        m(f, "write", "c\nd");
        assertThat(content("v.txt")).isEqualTo("abc\nd");
        assertThat(m(f, "setvbuf", "full")).isEqualTo(true);
        m(f, "write", "e");
        assertThat(content("v.txt")).isEqualTo("abc\nd");
        assertThat(m(f, "flush")).isEqualTo(true);
        assertThat(content("v.txt")).isEqualTo("abc\nde");
        assertThatThrownBy(() -> m(f, "setvbuf", "x")).hasMessage("bad argument #2 to 'setvbuf' (invalid option 'x')");
        assertThatThrownBy(() -> m(f, "setvbuf")).hasMessage("bad argument #2 to 'setvbuf' (string expected, got no value)");
    }

    // ---------------------------------------------------------------- seek

    @Test
    void seek() throws IOException {
        Object f = openContent("x");
        assertThat(list(m(f, "seek", "end"))).isEqualTo(expect(1L));
        assertThat(list(m(f, "seek", "set"))).isEqualTo(expect(0L));
        assertThat(list(m(f, "seek", "cur", 1))).isEqualTo(expect(1L));
        assertThat(list(m(f, "seek", "end", -1))).isEqualTo(expect(0L));
        assertThat(list(m(f, "seek", "set", -1))).isEqualTo(expect(null, "Invalid argument", 22));
        assertThat(list(m(f, "seek", "cur", 1L << 40))).isEqualTo(expect(1L << 40));
        assertThat(list(m(f, "seek", "cur", Long.MAX_VALUE))).isEqualTo(expect(null, "Invalid argument", 22));
        assertThat(list(m(f, "seek", "cur"))).isEqualTo(expect(1L << 40));
        assertThatThrownBy(() -> m(f, "seek", "foo")).hasMessage("bad argument #2 to 'seek' (invalid option 'foo')");
        assertThatThrownBy(() -> m(f, "seek", "set", 1.5))
            .hasMessage("bad argument #3 to 'seek' (number has no integer representation)");
    }

    @Test
    void seekingAStreamIsIllegal() {
        assertThat(list(m(io().get(s("stdin")), "seek"))).isEqualTo(expect(null, "Illegal seek", 29));
        assertThat(list(m(io().get(s("stdout")), "seek", "set"))).isEqualTo(expect(null, "Illegal seek", 29));
    }

    // ---------------------------------------------------------------- close, type, tostring

    @Test
    void closedFiles() throws IOException {
        Object f = open("c.txt", "w");
        String name = ((LuaString) meta(f, Meta.TOSTRING)).toString();
        assertThat(name).matches("file \\(0x[0-9a-f]+\\)");
        assertThat(io("type", f).toString()).isEqualTo("file");
        assertThat(io("close", f)).isEqualTo(true);
        assertThat(meta(f, Meta.TOSTRING).toString()).isEqualTo("file (closed)");
        assertThat(io("type", f).toString()).isEqualTo("closed file");
        for (String method : new String[] {"read", "write", "lines", "seek", "close", "flush", "setvbuf"}) {
            assertThatThrownBy(() -> m(f, method)).hasMessage("attempt to use a closed file");
        }
        assertThatThrownBy(() -> io("close", f)).hasMessage("attempt to use a closed file");
        // __gc and __close on a closed file do nothing
        assertThat(Varargs.count(meta(f, Meta.GC))).isZero();
        assertThat(Varargs.count(meta(f, Meta.CLOSE))).isZero();
    }

    @Test
    void gcAndCloseMetamethodsClose() throws IOException {
        Object f = open("g.txt", "w");
        m(f, "write", "pending");
        meta(f, Meta.CLOSE);
        assertThat(io("type", f).toString()).isEqualTo("closed file");
        assertThat(content("g.txt")).isEqualTo("pending");
        Object g = open("h.txt", "w");
        meta(g, Meta.GC);
        assertThat(io("type", g).toString()).isEqualTo("closed file");
        // standard files stay open
        meta(io().get(s("stdout")), Meta.GC);
        assertThat(io("type", io().get(s("stdout"))).toString()).isEqualTo("file");
    }

    @Test
    void flushAllFlushesForgottenFiles() throws IOException {
        Object f = open("forgotten.txt", "w");
        m(f, "write", "data");
        assertThat(content("forgotten.txt")).isEmpty();
        IoLib.flushAll(L);
        assertThat(content("forgotten.txt")).isEqualTo("data");
    }

    /** Opens a file, writes to it and forgets it. */
    void writeAndForget(String name) {
        m(open(name, "w"), "write", "collected");
    }

    @Test
    void unreachableFilesAreClosed() throws Exception {
        writeAndForget("gc.txt");
        for (int i = 0; i < 100 && content("gc.txt").isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(content("gc.txt")).isEqualTo("collected");
    }

    @Test
    void standardFilesCannotBeClosed() {
        Object stdout = io().get(s("stdout"));
        assertThat(list(m(stdout, "close"))).isEqualTo(expect(null, "cannot close standard file"));
        assertThat(list(io("close"))).isEqualTo(expect(null, "cannot close standard file"));
        assertThat(list(io("close", io().get(s("stdin"))))).isEqualTo(expect(null, "cannot close standard file"));
        assertThat(io("type", stdout).toString()).isEqualTo("file");
    }

    @Test
    void closeArgumentErrors() {
        assertThatThrownBy(() -> io("close", 1L)).hasMessage("bad argument #1 to 'io.close' (FILE* expected, got number)");
        assertThatThrownBy(() -> io("close", (Object) null))
            .hasMessage("bad argument #1 to 'io.close' (FILE* expected, got nil)");
        LuaFunction read = (LuaFunction) ((LuaTable) ((LuaUserdata) io().get(s("stdout"))).getMetatable()
            .get(Meta.INDEX)).get(s("read"));
        assertThatThrownBy(() -> read.invoke(new Object[] {new LuaTable()}))
            .hasMessage("bad argument #1 to 'read' (FILE* expected, got table)");
    }

    @Test
    void type() {
        assertThat(io("type", 42L)).isNull();
        assertThat(io("type", (Object) null)).isNull();
        assertThat(io("type", new LuaUserdata(null, null))).isNull();
        assertThatThrownBy(() -> io("type")).hasMessage("bad argument #1 to 'io.type' (value expected)");
    }

    @Test
    void metatable() {
        LuaTable mt = ((LuaUserdata) io().get(s("stdout"))).getMetatable();
        assertThat(mt.get(Meta.NAME).toString()).isEqualTo("FILE*");
        assertThat(L.registry.get(s("FILE*"))).isSameAs(mt);
        LuaTable methods = (LuaTable) mt.get(Meta.INDEX);
        for (String name : new String[] {"close", "flush", "lines", "read", "seek", "setvbuf", "write"}) {
            assertThat(methods.get(s(name))).as(name).isInstanceOf(LuaFunction.class);
        }
        for (String name : new String[] {"close", "flush", "input", "lines", "open", "output", "popen", "read",
            "tmpfile", "type", "write"}) {
            assertThat(io().get(s(name))).as(name).isInstanceOf(LuaFunction.class);
        }
    }

    @Test
    void kernelStatesHaveNoIo() {
        assertThatThrownBy(() -> IoLib.open(new LuaState(Dialect.KERNEL))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- lines

    @Test
    void fileLinesDoesNotClose() throws IOException {
        Object f = openContent("a\nb\nc");
        LuaFunction it = (LuaFunction) m(f, "lines");
        assertThat(list(it.call())).isEqualTo(expect("a"));
        assertThat(list(it.call())).isEqualTo(expect("b"));
        assertThat(list(it.call())).isEqualTo(expect("c"));
        assertThat(Varargs.count(it.call())).isZero();
        assertThat(io("type", f).toString()).isEqualTo("file");
        m(f, "close");
        assertThatThrownBy(it::call).hasMessage("file is already closed");
    }

    @Test
    void ioLinesWithFormatsClosesAtEnd() throws IOException {
        String p = write("l.txt", "a\nb\nc");
        Object r = io("lines", p, 1, "l");
        assertThat(Varargs.count(r)).isEqualTo(4);
        Object file = Varargs.get(r, 3);
        assertThat(io("type", file).toString()).isEqualTo("file");
        LuaFunction it = (LuaFunction) Varargs.first(r);
        assertThat(list(it.call())).isEqualTo(expect("a", ""));
        assertThat(list(it.call())).isEqualTo(expect("b", ""));
        assertThat(list(it.call())).isEqualTo(expect("c", null));
        assertThat(Varargs.count(it.call())).isZero();
        assertThat(io("type", file).toString()).isEqualTo("closed file");
        assertThatThrownBy(it::call).hasMessage("file is already closed");
    }

    @Test
    void linesErrors() throws IOException {
        String p = path("nofile");
        assertThatThrownBy(() -> io("lines", p)).hasMessage("cannot open file '" + p + "' (No such file or directory)");
        Object[] many = new Object[301];
        many[0] = write("l.txt", "x");
        assertThatThrownBy(() -> io("lines", many)).hasMessage("bad argument #252 to 'io.lines' (too many arguments)");
        LuaFunction bad = (LuaFunction) Varargs.first(io("lines", many[0], "x"));
        assertThatThrownBy(bad::call).hasMessage("bad argument #2 to 'for iterator' (invalid format)");
        LuaFunction dirLines = (LuaFunction) m(io("open", dir.toString()), "lines");
        assertThatThrownBy(dirLines::call).hasMessage("Is a directory");
    }

    @Test
    void ioLinesWithoutFileReadsDefaultInput() {
        newState("one\ntwo\n");
        Object r = io("lines");
        assertThat(Varargs.count(r)).isEqualTo(1);
        LuaFunction it = (LuaFunction) r;
        assertThat(list(it.call())).isEqualTo(expect("one"));
        assertThat(list(it.call())).isEqualTo(expect("two"));
        assertThat(Varargs.count(it.call())).isZero();
    }

    // ---------------------------------------------------------------- default files

    @Test
    void readFromStdin() {
        newState("12 0x10 abc\nline\n\u00ff\u0000rest");
        assertThat(list(io("read", "n", "n", "n"))).isEqualTo(expect(12L, 16L, null));
        assertThat(list(io("read"))).isEqualTo(expect("abc"));
        assertThat(list(io("read", "L"))).isEqualTo(expect("line\n"));
        LuaString rest = (LuaString) io("read", "a");
        assertThat(rest.bytes()).isEqualTo(new byte[] {(byte) 0xff, 0, 'r', 'e', 's', 't'});
        assertThat(io("read")).isNull();
        assertThat(list(m(io().get(s("stdin")), "write", "x"))).isEqualTo(expect(null, "Bad file descriptor", 9));
    }

    @Test
    void inputAndOutput() throws IOException {
        Object stdin = io().get(s("stdin"));
        Object stdout = io().get(s("stdout"));
        assertThat(io("input")).isSameAs(stdin);
        assertThat(io("output")).isSameAs(stdout);
        String in = write("in.txt", "first\nsecond\n");
        Object f = io("input", in);
        assertThat(io("input")).isSameAs(f);
        assertThat(list(io("read"))).isEqualTo(expect("first"));
        Object o = io("output", path("out.txt"));
        assertThat(io("output")).isSameAs(o);
        io("write", "to file");
        assertThat(io("close")).isEqualTo(true);
        assertThat(content("out.txt")).isEqualTo("to file");
        assertThatThrownBy(() -> io("write", "x")).hasMessage("default output file is closed");
        assertThatThrownBy(() -> io("flush")).hasMessage("default output file is closed");
        assertThatThrownBy(() -> io("close")).hasMessage("attempt to use a closed file");
        assertThat(io("output", stdout)).isSameAs(stdout);
        m(f, "close");
        assertThatThrownBy(() -> io("read")).hasMessage("default input file is closed");
        assertThatThrownBy(() -> io("lines")).hasMessage("attempt to use a closed file");
        assertThatThrownBy(() -> io("input", f)).hasMessage("attempt to use a closed file");
        assertThat(io("input", stdin)).isSameAs(stdin);
    }

    @Test
    void inputOutputErrors() {
        String p = path("nofile");
        assertThatThrownBy(() -> io("input", p)).hasMessage("cannot open file '" + p + "' (No such file or directory)");
        String q = path("nodir/x");
        assertThatThrownBy(() -> io("output", q)).hasMessage("cannot open file '" + q + "' (No such file or directory)");
        assertThatThrownBy(() -> io("input", new LuaTable()))
            .hasMessage("bad argument #1 to 'io.input' (FILE* expected, got table)");
    }

    @Test
    void tmpfile() {
        Object f = io("tmpfile");
        assertThat(io("type", f).toString()).isEqualTo("file");
        assertThat(m(f, "write", "abc", 12, 1.5)).isSameAs(f);
        m(f, "seek", "set");
        assertThat(m(f, "read", "a").toString()).isEqualTo("abc121.5");
        assertThat(m(f, "close")).isEqualTo(true);
    }

    @Test
    void popenIsNotSupported() {
        assertThatThrownBy(() -> io("popen", "ls")).hasMessage("'popen' not supported");
    }

    /** C Lua would open the name cut at the zero byte; we refuse the name instead. */
    @Test
    void fileNameWithZeroByteNamesNoFile() throws IOException {
        write("z.txt", "zz");
        LuaString name = LuaString.of(path("z.txt") + "\u0000ignored");
        Object r = io("open", name);
        assertThat(Varargs.get(r, 0)).isNull();
        assertThat(Varargs.get(r, 1)).hasToString(name + ": No such file or directory");
        assertThat(Varargs.get(r, 2)).isEqualTo(2L);
    }
}
