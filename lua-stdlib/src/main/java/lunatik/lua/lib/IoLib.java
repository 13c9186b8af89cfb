package lunatik.lua.lib;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.NumberFormat;
import lunatik.lua.vm.NumberParser;
import lunatik.lua.vm.Ops;

/**
 * Lua's {@code io} library (reference manual §6.8), for the FULL dialect only (the standalone
 * interpreter): files are {@code FILE*} userdata whose payload is a {@link LuaFile}.
 *
 * <p>Standard streams: {@code io.stdout} and {@code io.stderr} write to the state's
 * {@link LuaState#out()} and {@link LuaState#err()}, looked up at each write (a host or a test
 * replaces them with {@code L.setOut}); {@code io.stdin} reads the stream given to
 * {@link #open(LuaState, InputStream)} ({@link System#in} by default). Data is bytes in and
 * out, never characters.
 *
 * <p>{@code io.popen} is not supported: it raises "'popen' not supported", as a Lua built
 * without popen does.
 */
public final class IoLib {
    private IoLib() {
    }

    private static final LuaString FILE_NAME = LuaString.of("FILE*");
    /** luaL_Buffer's size, the default of setvbuf's size argument. */
    private static final int DEFAULT_BUFFER = 1024;
    /** The most formats io.lines and file:lines accept. */
    private static final int MAX_LINE_FORMATS = 250;
    /** The longest numeral the "n" format reads. */
    private static final int MAX_NUMERAL = 200;

    /** Per-state data of the library (kept as a state extension). */
    private static final class IoState {
        final LuaState L;
        final LuaTable meta = new LuaTable();
        final Set<IoHandle> openHandles = ConcurrentHashMap.newKeySet();
        LuaUserdata stdin;
        LuaUserdata stdout;
        LuaUserdata stderr;
        LuaUserdata input;
        LuaUserdata output;

        IoState(LuaState L) {
            this.L = L;
        }

        LuaUserdata newFile(IoHandle h, boolean standard) {
            return new LuaUserdata(new LuaFile(h, standard, openHandles), meta);
        }
    }

    /** Opens the library with the state's standard input ({@link LuaState#in}, the process's by default). */
    public static void open(LuaState L) {
        open(L, L.in());
    }

    /**
     * Creates the {@code io} table and sets the global. {@code stdin} is what {@code io.stdin}
     * reads; the standard output and error are the state's {@code out()} and {@code err()}.
     */
    public static void open(LuaState L, InputStream stdin) {
        if (L.dialect != Dialect.FULL) {
            throw new IllegalArgumentException("the io library exists only in the FULL dialect");
        }
        IoState s = new IoState(L);
        L.setExtension(IoState.class, s);
        openMetatable(s);
        s.stdin = s.newFile(new IoInputHandle(stdin, () -> L.out().flush()), true);
        s.stdout = s.newFile(new IoOutputHandle(L::out), true);
        s.stderr = s.newFile(new IoOutputHandle(L::err), true);
        s.input = s.stdin;
        s.output = s.stdout;

        LuaTable io = new LuaTable();
        LibFunction.register(L, io, "io", "close", a -> close(s, a));
        LibFunction.register(L, io, "io", "flush", a -> flush(getIoFile(s, a, true)));
        LibFunction.register(L, io, "io", "input", a -> ioFile(s, a, false));
        LibFunction.register(L, io, "io", "lines", a -> lines(s, a));
        LibFunction.register(L, io, "io", "open", a -> openFile(s, a));
        LibFunction.register(L, io, "io", "output", a -> ioFile(s, a, true));
        LibFunction.register(L, io, "io", "popen", a -> {
            throw a.error("'popen' not supported");
        });
        LibFunction.register(L, io, "io", "read", a -> {
            LuaFile f = getIoFile(s, a, false);
            return read(a, f, a.array(), 0, a.count(), 1);
        });
        LibFunction.register(L, io, "io", "tmpfile", a -> tmpfile(s));
        LibFunction.register(L, io, "io", "type", a -> type(s, a));
        LibFunction.register(L, io, "io", "write", a -> write(a, getIoFile(s, a, true), s.output, 1));
        io.put(LuaString.of("stdin"), s.stdin);
        io.put(LuaString.of("stdout"), s.stdout);
        io.put(LuaString.of("stderr"), s.stderr);
        L.globals.put(LuaString.of("io"), io);
    }

    /**
     * Flushes the output of every open file of the state and its standard streams: what C's
     * {@code exit} does, for the interpreter to call before exiting (also after {@link LuaExit}).
     */
    public static void flushAll(LuaState L) {
        IoState s = L.extension(IoState.class);
        if (s != null) {
            for (IoHandle h : s.openHandles) {
                try {
                    h.flush();
                } catch (IOException | RuntimeException e) {
                    // as at exit in C: nothing left to report to
                }
            }
        }
        L.out().flush();
        L.err().flush();
    }

    /** The {@link LuaFile} of a {@code FILE*} userdata of this state, or null. */
    public static LuaFile toFile(LuaState L, Object v) {
        IoState s = L.extension(IoState.class);
        if (s != null && v instanceof LuaUserdata u && u.getMetatable() == s.meta) {
            return (LuaFile) u.payload();
        }
        return null;
    }

    // ---------------------------------------------------------------- the FILE* metatable

    private static void openMetatable(IoState s) {
        LuaState L = s.L;
        LuaTable methods = new LuaTable();
        LibFunction.register(L, methods, null, "close", a -> closeFile(tofile(s, a)));
        LibFunction.register(L, methods, null, "flush", a -> flush(tofile(s, a)));
        LibFunction.register(L, methods, null, "lines", a -> {
            tofile(s, a);
            return linesIterator(s, a, a.get(1), false);
        });
        LibFunction.register(L, methods, null, "read", a -> {
            LuaFile f = tofile(s, a);
            return read(a, f, a.array(), 1, a.count(), 2);
        });
        LibFunction.register(L, methods, null, "seek", a -> seek(tofile(s, a), a));
        LibFunction.register(L, methods, null, "setvbuf", a -> setvbuf(tofile(s, a), a));
        LibFunction.register(L, methods, null, "write", a -> write(a, tofile(s, a), a.get(1), 2));

        LuaTable mt = s.meta;
        mt.put(Meta.INDEX, methods);
        mt.put(Meta.NAME, FILE_NAME);
        LibFunction gc = LibFunction.register(L, mt, null, "__gc", a -> {
            LuaFile f = checkFile(s, a);
            if (!f.isClosed() && !f.isStandard()) {
                closeFile(f);
            }
            return Varargs.NONE;
        });
        mt.put(Meta.CLOSE, gc);
        LibFunction.register(L, mt, null, "__tostring", a -> {
            LuaFile f = checkFile(s, a);
            return LuaString.of(f.isClosed() ? "file (closed)" : "file (" + Ops.address(f) + ")");
        });
        L.registry.put(FILE_NAME, mt);
    }

    /** luaL_checkudata(L, 1, "FILE*"). */
    private static LuaFile checkFile(IoState s, Args a) {
        if (a.get(1) instanceof LuaUserdata u && u.getMetatable() == s.meta) {
            return (LuaFile) u.payload();
        }
        throw a.typeError(1, "FILE*");
    }

    /** A FILE* argument that must still be open. */
    private static LuaFile tofile(IoState s, Args a) {
        LuaFile f = checkFile(s, a);
        if (f.isClosed()) {
            throw a.error("attempt to use a closed file");
        }
        return f;
    }

    /** The default input or output file, which must be open. */
    private static LuaFile getIoFile(IoState s, Args a, boolean output) {
        LuaFile f = (LuaFile) (output ? s.output : s.input).payload();
        if (f.isClosed()) {
            throw a.error("default " + (output ? "output" : "input") + " file is closed");
        }
        return f;
    }

    // ---------------------------------------------------------------- opening

    /** Whether {@code mode} is a valid fopen mode: [rwa] then an optional '+' then only 'b's. */
    private static boolean validMode(LuaString mode) {
        int n = mode.length();
        if (n == 0 || "rwa".indexOf(mode.byteAt(0)) < 0) {
            return false;
        }
        int i = 1;
        if (i < n && mode.byteAt(i) == '+') {
            i++;
        }
        for (; i < n; i++) {
            if (mode.byteAt(i) != 'b') {
                return false;
            }
        }
        return true;
    }

    /**
     * The path a Lua file name denotes. A name with a zero byte, which C would cut short, or
     * one the platform cannot encode, is a file that does not exist (see {@link FileNames}).
     */
    static Path toPath(LuaString name) throws NoSuchFileException {
        return FileNames.existingPath(name);
    }

    /** fopen: {@code mode} must be valid. */
    private static IoHandle openHandle(LuaString name, LuaString mode) throws IOException {
        char kind = (char) mode.byteAt(0);
        boolean plus = mode.length() > 1 && mode.byteAt(1) == '+';
        Set<StandardOpenOption> opts = EnumSet.noneOf(StandardOpenOption.class);
        boolean readable = kind == 'r' || plus;
        boolean writable = kind != 'r' || plus;
        if (readable) {
            opts.add(StandardOpenOption.READ);
        }
        if (writable) {
            opts.add(StandardOpenOption.WRITE);
        }
        if (kind != 'r') {
            opts.add(StandardOpenOption.CREATE);
        }
        if (kind == 'w') {
            opts.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        FileChannel ch = FileChannel.open(toPath(name), opts);
        if (kind == 'a' && !plus) {
            // glibc starts a write-only append stream at the end, an "a+" one at the start
            ch.position(ch.size());
        }
        return new IoFileHandle(ch, readable, writable, kind == 'a');
    }

    private static Object openFile(IoState s, Args a) {
        LuaString name = a.checkString(1);
        LuaString mode = a.optString(2, LuaString.of("r"));
        if (!validMode(mode)) {
            throw a.argError(2, "invalid mode");
        }
        try {
            return s.newFile(openHandle(name, mode), false);
        } catch (IOException | RuntimeException e) {
            return IoErrors.fail(e, name);
        }
    }

    /** Opens a file or raises "cannot open file 'name' (reason)". */
    private static LuaUserdata openOrRaise(IoState s, Args a, LuaString name, String mode) {
        try {
            return s.newFile(openHandle(name, LuaString.of(mode)), false);
        } catch (IOException | RuntimeException e) {
            LuaString msg = LuaString.of(s.L.where(1) + "cannot open file '").concat(name)
                .concat(LuaString.of("' (" + IoErrors.message(e) + ")"));
            throw new LuaError(msg);
        }
    }

    private static Object tmpfile(IoState s) {
        try {
            Path p = Files.createTempFile("lua_", null);
            // DELETE_ON_CLOSE unlinks the file right after opening it on POSIX systems, as tmpfile does
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
            return s.newFile(new IoFileHandle(ch, true, true, false), false);
        } catch (IOException | RuntimeException e) {
            return IoErrors.fail(e, null);
        }
    }

    /** io.input and io.output: set the default file from a name or a file; return the default. */
    private static Object ioFile(IoState s, Args a, boolean output) {
        if (!a.isNoneOrNil(1)) {
            Object v = a.get(1);
            LuaString name = Ops.toStringCoerce(v);
            LuaUserdata f;
            if (name != null) {
                f = openOrRaise(s, a, name, output ? "w" : "r");
            } else {
                tofile(s, a);
                f = (LuaUserdata) v;
            }
            if (output) {
                s.output = f;
            } else {
                s.input = f;
            }
        }
        return output ? s.output : s.input;
    }

    // ---------------------------------------------------------------- closing

    /** aux_close: standard files refuse to close. */
    private static Object closeFile(LuaFile f) {
        if (f.isStandard()) {
            return Varargs.of(null, LuaString.of("cannot close standard file"));
        }
        try {
            f.close();
            return Boolean.TRUE;
        } catch (IOException e) {
            return IoErrors.fail(e, null);
        }
    }

    private static Object close(IoState s, Args a) {
        if (a.isNone(1)) {
            LuaFile f = (LuaFile) s.output.payload();
            if (f.isClosed()) {
                throw a.error("attempt to use a closed file");
            }
            return closeFile(f);
        }
        return closeFile(tofile(s, a));
    }

    private static Object flush(LuaFile f) {
        try {
            f.handle().flush();
            return Boolean.TRUE;
        } catch (IOException e) {
            return IoErrors.fail(e, null);
        }
    }

    private static Object type(IoState s, Args a) {
        Object v = a.checkAny(1);
        if (v instanceof LuaUserdata u && u.getMetatable() == s.meta) {
            return LuaString.of(((LuaFile) u.payload()).isClosed() ? "closed file" : "file");
        }
        return null;
    }

    private static Object seek(LuaFile f, Args a) {
        int whence = a.checkOption(2, "cur", "set", "cur", "end");
        long offset = a.optInteger(3, 0);
        try {
            return f.handle().seek(whence, offset);
        } catch (IOException e) {
            return IoErrors.fail(e, null);
        }
    }

    private static Object setvbuf(LuaFile f, Args a) {
        int mode = a.checkOption(2, null, "no", "full", "line");
        a.optInteger(3, DEFAULT_BUFFER);
        try {
            f.handle().setBuffering(mode);
            return Boolean.TRUE;
        } catch (IOException e) {
            return IoErrors.fail(e, null);
        }
    }

    // ---------------------------------------------------------------- lines

    private static Object lines(IoState s, Args a) {
        if (a.isNoneOrNil(1)) {
            LuaFile f = (LuaFile) s.input.payload();
            if (f.isClosed()) {
                throw a.error("attempt to use a closed file");
            }
            return linesIterator(s, a, s.input, false);
        }
        LuaUserdata f = openOrRaise(s, a, a.checkString(1), "r");
        return Varargs.of(linesIterator(s, a, f, true), null, null, f);
    }

    /** The iterator of io.lines and file:lines; the formats are arguments 2.. of {@code a}. */
    private static LibFunction linesIterator(IoState s, Args a, Object fileValue, boolean closeAtEnd) {
        int n = Math.max(0, a.count() - 1);
        if (n > MAX_LINE_FORMATS) {
            throw a.argError(MAX_LINE_FORMATS + 2, "too many arguments");
        }
        Object[] formats = n == 0 ? LuaFunction.NO_ARGS : Arrays.copyOfRange(a.array(), 1, n + 1);
        LuaFile file = (LuaFile) ((LuaUserdata) fileValue).payload();
        return new LibFunction(s.L, "for iterator", "for iterator", it -> {
            if (file.isClosed()) {
                throw it.error("file is already closed");
            }
            Object r = read(it, file, formats, 0, formats.length, 2);
            if (Varargs.first(r) != null) {
                return r;
            }
            if (Varargs.count(r) > 1 && Varargs.get(r, 1) instanceof LuaString msg) {
                throw new LuaError(LuaString.of(s.L.where(1)).concat(msg));
            }
            if (closeAtEnd) {
                closeFile(file);
            }
            return Varargs.NONE;
        });
    }

    // ---------------------------------------------------------------- reading

    /**
     * g_read: reads with the formats {@code formats[from, to)}, whose argument numbers in
     * messages start at {@code firstArg}. Reading stops at the first format that fails, whose
     * result is nil; an I/O failure gives {@code nil, message, errno}.
     */
    private static Object read(Args a, LuaFile f, Object[] formats, int from, int to, int firstArg) {
        a.state().checkInterrupt(); // a read may block (standard input): not once the state is told to stop
        IoHandle h = f.handle();
        try {
            if (from >= to) {
                return readLine(a.state(), h, false);
            }
            Object[] results = new Object[to - from];
            int n = 0;
            boolean ok = true;
            for (int i = from; i < to && ok; i++) {
                Object r = readFormat(a, h, formats[i], firstArg + i - from);
                results[n++] = r;
                ok = r != null;
            }
            return Varargs.of(results, n);
        } catch (IOException e) {
            return IoErrors.fail(e, null);
        }
    }

    private static Object readFormat(Args a, IoHandle h, Object fmt, int arg) throws IOException {
        if (fmt instanceof Long || fmt instanceof Double) {
            Long count = Ops.toInteger(fmt, Dialect.FULL);
            if (count == null) {
                throw a.argError(arg, "number has no integer representation");
            }
            return count == 0 ? testEof(h) : readChars(a.state(), h, count);
        }
        if (!(fmt instanceof LuaString p)) {
            throw a.argError(arg, "string expected, got " + Ops.objTypeName(a.state(), fmt));
        }
        int i = p.length() > 0 && p.byteAt(0) == '*' ? 1 : 0;
        int c = i < p.length() ? p.byteAt(i) : 0;
        return switch (c) {
            case 'n' -> readNumber(h);
            case 'l' -> readLine(a.state(), h, false);
            case 'L' -> readLine(a.state(), h, true);
            case 'a' -> readAll(a.state(), h);
            default -> throw a.argError(arg, "invalid format");
        };
    }


    private static Object testEof(IoHandle h) throws IOException {
        int c = h.read();
        if (c < 0) {
            return null;
        }
        h.unread();
        return LuaString.EMPTY;
    }

    /*
     * The reading functions build their result in a StringBytes polling the state: a line
     * longer than any string is "not enough memory", and a read of /dev/zero can be stopped.
     */
    private static Object readChars(LuaState L, IoHandle h, long count) throws IOException {
        // C allocates the whole buffer first: a negative (huge unsigned) or giant count fails so
        if (count < 0 || count > Integer.MAX_VALUE - 16) {
            throw new LuaError(LuaString.of("not enough memory"));
        }
        StringBytes out = new StringBytes(L, (int) Math.min(count, IoHandle.BUFFER_SIZE));
        return h.read(out, count) > 0 ? out.toLuaString() : null;
    }

    private static Object readLine(LuaState L, IoHandle h, boolean keepNewline) throws IOException {
        StringBytes out = new StringBytes(L, 80);
        boolean newline = h.readLine(out);
        if (newline && keepNewline) {
            out.write('\n');
        }
        return newline || out.size() > 0 ? out.toLuaString() : null;
    }

    private static Object readAll(LuaState L, IoHandle h) throws IOException {
        StringBytes out = new StringBytes(L, 32);
        h.readAll(out);
        return out.toLuaString();
    }

    /**
     * The "n" format: reads the longest prefix that can start a numeral (at most 200 bytes),
     * as Lua's lexer would see it, pushes back the byte that ended it, and converts it.
     */
    private static Object readNumber(IoHandle h) throws IOException {
        NumeralReader r = new NumeralReader(h);
        return r.read();
    }

    /** The state of reading one numeral: the bytes accepted so far and the current byte. */
    private static final class NumeralReader {
        private final IoHandle h;
        private final byte[] text = new byte[MAX_NUMERAL + 1];
        private int n;
        private int c;
        private boolean tooLong;

        NumeralReader(IoHandle h) {
            this.h = h;
        }

        Object read() throws IOException {
            do {
                c = h.read();
            } while (c == ' ' || (c >= '\t' && c <= '\r'));
            accept('-', '+');
            int digits = 0;
            boolean hex = false;
            if (accept('0', '0')) {
                if (accept('x', 'X')) {
                    hex = true;
                } else {
                    digits = 1;
                }
            }
            digits += digits(hex);
            if (accept('.', '.')) {
                digits += digits(hex);
            }
            if (digits > 0 && (hex ? accept('p', 'P') : accept('e', 'E'))) {
                accept('-', '+');
                digits(false);
            }
            if (c >= 0) {
                h.unread();
            }
            if (tooLong) {
                return null;
            }
            return NumberParser.parse(text, 0, n, true);
        }

        /** Adds the current byte to the numeral and reads the next; false when it is too long. */
        private boolean next() throws IOException {
            if (n >= MAX_NUMERAL) {
                tooLong = true;
                return false;
            }
            text[n++] = (byte) c;
            c = h.read();
            return true;
        }

        private boolean accept(char a, char b) throws IOException {
            return (c == a || c == b) && next();
        }

        private int digits(boolean hex) throws IOException {
            int count = 0;
            while ((hex ? Character.digit(c, 16) >= 0 && c < 128 : c >= '0' && c <= '9') && next()) {
                count++;
            }
            return count;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * g_write: writes arguments {@code first..} of {@code a} (strings, or numbers as
     * {@code %.14g} / {@code %d} as C Lua prints them); returns {@code fileValue}, or
     * {@code nil, message, errno} when a write failed.
     */
    private static Object write(Args a, LuaFile f, Object fileValue, int first) {
        IOException failure = null;
        for (int i = first; i <= a.count(); i++) {
            Object v = a.get(i);
            byte[] b;
            if (v instanceof Long l) {
                b = Long.toString(l).getBytes(StandardCharsets.US_ASCII);
            } else if (v instanceof Double d) {
                // not tostring: fprintf(LUA_NUMBER_FMT) writes 1.0 as "1"
                b = NumberFormat.formatG(d, 14, false).getBytes(StandardCharsets.US_ASCII);
            } else {
                b = a.checkString(i).bytes();
            }
            if (failure == null) {
                try {
                    f.handle().write(b, 0, b.length);
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        return failure == null ? fileValue : IoErrors.fail(failure, null);
    }
}
