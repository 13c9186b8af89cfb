package lunatik.lua.lib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import lunatik.lua.vm.Unwinding;

/**
 * The basic library (manual §6.1): the global functions. In the KERNEL dialect
 * {@code collectgarbage("count")} answers in bytes, as an integer, and {@code tonumber} accepts
 * integer strings only.
 */
public final class BaseLib {
    private BaseLib() {
    }

    /** Where {@code dofile}/{@code loadfile} read files; hosts may restrict it (see {@link #setFileLoader}). */
    public interface FileLoader {
        /** The bytes of {@code name}, or an exception whose message Lua will show. */
        byte[] read(String name) throws IOException;
    }

    private static final Object FILE_LOADER_KEY = new Object();

    /** Installs how this state reads script files (default: the file system). */
    public static void setFileLoader(LuaState L, FileLoader loader) {
        L.setExtension(FILE_LOADER_KEY, loader);
    }

    /*
     * The bytes of a script file. A name with a zero byte (C would cut it short there) names no
     * file, whatever the loader; the file system's loader also refuses names the platform
     * cannot encode (FileNames).
     */
    static byte[] readFile(LuaState L, String name) throws IOException {
        if (name.indexOf('\0') >= 0) {
            throw new NoSuchFileException(name);
        }
        FileLoader fl = L.extension(FILE_LOADER_KEY);
        if (fl != null) {
            return fl.read(name);
        }
        Path p = FileNames.path(name);
        if (p == null) {
            throw new NoSuchFileException(name);
        }
        return Files.readAllBytes(p);
    }

    public static void open(LuaState L) {
        LuaTable G = L.globals;
        G.put(Ops.str("_G"), G);
        G.put(Ops.str("_VERSION"), Ops.str(L.dialect.version()));
        reg(L, "print", a -> print(a));
        // the functions that run in inner loops: each a class of its own (LibFunction.Own)
        reg(L, new LibFunction.Own(L, null, "type") {
            @Override
            protected Object call(Args a) {
                return Ops.str(Ops.typeName(a.checkAny(1)));
            }
        });
        reg(L, new LibFunction.Own(L, null, "tostring") {
            @Override
            protected Object call(Args a) {
                return Ops.tostring(L, a.checkAny(1));
            }
        });
        reg(L, new LibFunction.Own(L, null, "tonumber") {
            @Override
            protected Object call(Args a) {
                return BaseLib.tonumber(a);
            }
        });
        reg(L, new LibFunction.Own(L, null, "rawequal") {
            @Override
            protected Object call(Args a) {
                return Ops.rawEquals(a.checkAny(1), a.checkAny(2));
            }
        });
        reg(L, new LibFunction.Own(L, null, "rawlen") {
            @Override
            protected Object call(Args a) {
                Object v = a.get(1);
                if (v instanceof LuaTable t) {
                    return t.length();
                }
                if (v instanceof LuaString s) {
                    return (long) s.length();
                }
                throw a.typeError(1, "table or string");
            }
        });
        reg(L, new LibFunction.Own(L, null, "rawget") {
            @Override
            protected Object call(Args a) {
                return a.checkTable(1).get(a.checkAny(2));
            }
        });
        reg(L, new LibFunction.Own(L, null, "rawset") {
            @Override
            protected Object call(Args a) {
                LuaTable t = a.checkTable(1);
                a.checkAny(2);
                a.checkAny(3);
                Ops.rawSet(L, t, a.get(2), a.get(3));
                return t;
            }
        });
        reg(L, new LibFunction.Own(L, null, "setmetatable") {
            @Override
            protected Object call(Args a) {
                LuaTable t = a.checkTable(1);
                Object mt = a.get(2);
                if (mt != null && !(mt instanceof LuaTable)) {
                    throw a.typeError(2, "nil or table");
                }
                if (t.getMetatable() != null && t.getMetatable().metaField(Meta.METATABLE, LuaTable.ABSENT_METATABLE) != null) {
                    throw a.error("cannot change a protected metatable");
                }
                t.setMetatable((LuaTable) mt);
                if (mt != null && ((LuaTable) mt).metaField(Meta.GC, LuaTable.ABSENT_GC) != null) {
                    L.markForFinalization(t);
                }
                return t;
            }
        });
        reg(L, new LibFunction.Own(L, null, "getmetatable") {
            @Override
            protected Object call(Args a) {
                LuaTable mt = L.getMetatable(a.checkAny(1));
                if (mt == null) {
                    return null;
                }
                Object protect = mt.metaField(Meta.METATABLE, LuaTable.ABSENT_METATABLE);
                return protect != null ? protect : mt;
            }
        });
        reg(L, new LibFunction.Own(L, null, "assert") {
            @Override
            protected Object call(Args a) {
                if (Ops.isTrue(a.get(1))) {
                    return Varargs.of(a.array(), a.count());
                }
                a.checkAny(1);
                if (a.count() < 2) {
                    throw a.error("assertion failed!");
                }
                throw new LuaError(a.get(2));
            }
        });
        reg(L, "error", a -> {
            Object v = a.get(1);
            long level = a.optInteger(2, 1);
            if (v instanceof LuaString s && level > 0) {
                v = Ops.str(L.where((int) level)).concat(s);
            }
            throw new LuaError(v);
        });
        reg(L, "pcall", a -> pcall(L, a)).yieldable();
        reg(L, "xpcall", a -> xpcall(L, a)).yieldable();
        reg(L, new LibFunction.Own(L, null, "select") {
            @Override
            protected Object call(Args a) {
                int n = a.count();
                Object first = a.get(1);
                if (first instanceof LuaString s && s.length() == 1 && s.byteAt(0) == '#') {
                    return (long) (n - 1);
                }
                long i = a.checkInteger(1);
                if (i < 0) {
                    i = n + i;
                } else if (i > n) {
                    i = n;
                }
                if (i < 1) {
                    throw a.argError(1, "index out of range");
                }
                Object[] arr = a.array();
                int from = (int) i;
                return Varargs.of(java.util.Arrays.copyOfRange(arr, from, Math.max(from, n)));
            }
        });
        LibFunction next = reg(L, "next", a -> next(a, a.checkTable(1), a.get(2)));
        // pairs calls __pairs as lua_callk does: a yield in it is allowed
        reg(L, "pairs", a -> {
            Object t = a.checkAny(1);
            Object mm = L.metamethod(t, Meta.PAIRS);
            if (mm != null) {
                Object r = L.call(mm, t);
                return Varargs.of(Varargs.get(r, 0), Varargs.get(r, 1), Varargs.get(r, 2));
            }
            if (!(t instanceof LuaTable)) {
                throw a.typeError(1, "table");
            }
            return Varargs.of(next, t, null);
        }).yieldable();
        // a class of its own: an ipairs loop gets it compiled into the loop
        LibFunction ipairsIter = new LibFunction.Own(L, null, "ipairs_iter") {
            @Override
            protected Object call(Args a) {
                long i = a.checkInteger(2) + 1;
                Object t = a.get(1);
                Object v = t instanceof LuaTable tt && tt.getMetatable() == null ? tt.get(i) : Ops.index(L, t, i, null);
                return v == null ? null : Varargs.of(i, v);
            }
        };
        reg(L, "ipairs", a -> Varargs.of(ipairsIter, a.checkAny(1), 0L));
        reg(L, "load", a -> load(L, a));
        reg(L, "loadfile", a -> loadfile(L, a));
        LibFunction dofile = reg(L, "dofile", a -> {
            LuaString name = a.optString(1, null);
            LuaFunction f = loadFileChunk(L, a, name == null ? null : name.toString(), L.globals);
            return L.call(f);
        });
        dofile.yieldable();
        reg(L, "collectgarbage", a -> GcControl.collectgarbage(L, a));
        reg(L, "warn", a -> {
            a.checkString(1);
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= a.count(); i++) {
                sb.append(a.checkString(i));
            }
            warn(L, sb.toString());
            return Varargs.NONE;
        });
    }

    /**
     * Makes {@code collectgarbage} report the generational mode, which lua.c (the standalone
     * interpreter) switches to at start; a new state is in incremental mode, as in Lua.
     */
    public static void useGenerationalGc(LuaState L) {
        GcControl.setGenerational(L);
    }

    private static LibFunction reg(LuaState L, LibFunction f) {
        return LibFunction.register(L, L.globals, f);
    }

    private static LibFunction reg(LuaState L, String name, LibFunction.Body body) {
        return LibFunction.register(L, L.globals, null, name, body);
    }

    /*
     * print writes its line in one write, so that lines of different states sharing a stream
     * do not mix; a line longer than any string (longer than a Java array) goes piece by piece.
     */
    private static Object print(Args a) {
        LuaState L = a.state();
        int n = a.count();
        LuaString[] pieces = new LuaString[n];
        long total = Math.max(n, 1); // the tabs between the pieces and the newline
        for (int i = 0; i < n; i++) {
            pieces[i] = Ops.tostring(L, a.get(i + 1));
            total += pieces[i].length();
        }
        java.io.PrintStream out = L.out();
        if (total <= LuaString.MAX_LENGTH) {
            byte[] line = new byte[(int) total];
            int at = 0;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    line[at++] = '\t';
                }
                System.arraycopy(pieces[i].bytes(), 0, line, at, pieces[i].length());
                at += pieces[i].length();
            }
            line[at] = '\n';
            out.write(line, 0, line.length);
        } else {
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.write('\t');
                }
                out.write(pieces[i].bytes(), 0, pieces[i].length());
            }
            out.write('\n');
        }
        out.flush();
        return Varargs.NONE;
    }

    private static void warn(LuaState L, String msg) {
        // control messages "@on" / "@off"; the state keeps the switch
        Boolean on = L.extension("warn.on");
        if (msg.startsWith("@")) {
            if (msg.equals("@on")) {
                L.setExtension("warn.on", Boolean.TRUE);
            } else if (msg.equals("@off")) {
                L.setExtension("warn.on", Boolean.FALSE);
            }
            return;
        }
        if (on != null && on) {
            L.err().println("Lua warning: " + msg);
            L.err().flush();
        }
    }

    private static Object tonumber(Args a) {
        LuaState L = a.state();
        if (a.isNoneOrNil(2)) {
            Object v = a.checkAny(1);
            if (v instanceof Long || v instanceof Double) {
                return v;
            }
            if (v instanceof LuaString s) {
                return Ops.stringToNumber(s, L.dialect);
            }
            return null;
        }
        long base = a.checkInteger(2);
        Object v = a.get(1);
        if (!(v instanceof LuaString s)) {
            throw a.typeError(1, "string");
        }
        if (base < 2 || base > 36) {
            throw a.argError(2, "base out of range");
        }
        return parseBase(s, (int) base);
    }

    /*
     * tonumber(s, base), as lbaselib.c's b_str2int: C-locale spaces around, an optional sign,
     * then ASCII letters and digits only (Java's strip and digit accept Unicode ones).
     */
    private static Object parseBase(LuaString str, int base) {
        byte[] b = str.bytes();
        int n = str.length();
        int i = skipSpaces(b, 0, n);
        boolean neg = i < n && b[i] == '-';
        if (i < n && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        if (i >= n || digitValue(b[i]) < 0) {
            return null;
        }
        long v = 0;
        for (; i < n && digitValue(b[i]) >= 0; i++) {
            int d = digitValue(b[i]);
            if (d >= base) {
                return null;
            }
            v = v * base + d;
        }
        return skipSpaces(b, i, n) == n ? (Object) (neg ? -v : v) : null;
    }

    private static int skipSpaces(byte[] b, int i, int n) {
        while (i < n && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        return i;
    }

    /* The value of an ASCII digit or letter (a = 10 ... z = 35), or -1. */
    private static int digitValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int u = c & ~0x20;
        return u >= 'A' && u <= 'Z' ? u - 'A' + 10 : -1;
    }

    private static Object next(Args a, LuaTable t, Object key) {
        int slot = t.nextSlot(key);
        if (slot == -2) {
            throw a.error("invalid key to 'next'");
        }
        if (slot < 0) {
            return null;
        }
        return Varargs.of(t.slotKey(slot), t.slotValue(slot));
    }

    private static Object pcall(LuaState L, Args a) {
        Object f = a.checkAny(1);
        return protectedCall(L, f, java.util.Arrays.copyOfRange(a.array(), 1, Math.max(1, a.count())), null);
    }

    private static Object xpcall(LuaState L, Args a) {
        Object f = a.checkAny(1);
        Object h = a.get(2);
        if (!(h instanceof LuaFunction)) {
            throw a.typeError(2, "function");
        }
        return protectedCall(L, f, java.util.Arrays.copyOfRange(a.array(), 2, Math.max(2, a.count())), h);
    }

    /**
     * Calls {@code f} in protected mode: true and its results, or false and the error value,
     * passed through {@code handler} (xpcall's) when there is one and the error has not been
     * through it yet. The call stack and the running message handler are restored either way.
     */
    private static Object protectedCall(LuaState L, Object f, Object[] args, Object handler) {
        Coroutine co = L.current();
        int depth = co.depth();
        Object savedHandler = co.msgHandler;
        co.msgHandler = handler;
        try {
            return prependTrue(L.call(f, args));
        } catch (LuaError e) {
            return failure(L, co, handler, e);
        } catch (StackOverflowError e) {
            return failure(L, co, handler, new LuaError(Ops.str("stack overflow")));
        } catch (Throwable t) {
            // L.call lets only Lua errors out; this catches what a bug might still let through
            if (t instanceof Unwinding) {
                throw t;
            }
            return failure(L, co, handler, L.internalError("pcall", t));
        } finally {
            co.msgHandler = savedHandler;
            while (co.depth() > depth) {
                co.pop();
            }
        }
    }

    /* false and the error value, through the message handler when it has not seen it yet. */
    private static Object failure(LuaState L, Coroutine co, Object handler, LuaError e) {
        Object v = e.value();
        if (handler != null && !e.isHandled()) {
            co.msgHandler = null;
            try {
                v = L.callHandler(handler, e);
            } catch (LuaError inner) {
                v = Ops.str("error in error handling");
            }
        }
        return Varargs.of(Boolean.FALSE, v);
    }

    static Object prependTrue(Object r) {
        if (r instanceof Varargs v) {
            Object[] out = new Object[v.count() + 1];
            out[0] = Boolean.TRUE;
            for (int i = 0; i < v.count(); i++) {
                out[i + 1] = v.get(i);
            }
            return Varargs.of(out);
        }
        return Varargs.of(Boolean.TRUE, r);
    }

    private static Object load(LuaState L, Args a) {
        Object chunk = a.get(1);
        if (chunk instanceof Long || chunk instanceof Double) {
            chunk = Ops.toStringCoerce(chunk); // lua_tolstring: a number is a string here
        }
        LuaString mode = a.optString(3, Ops.str("bt"));
        Object env = a.isNone(4) ? L.globals : a.get(4);
        byte[] src;
        String name;
        if (chunk instanceof LuaString s) {
            src = s.bytes();
            name = a.optString(2, s).toString();
        } else if (chunk instanceof LuaFunction fn) {
            name = a.optString(2, Ops.str("=(load)")).toString();
            StringBytes buf = new StringBytes();
            for (;;) {
                Object piece;
                try {
                    piece = L.call1(fn);
                } catch (LuaError e) {
                    return Varargs.of(null, e.value());
                }
                if (piece instanceof Long || piece instanceof Double) {
                    piece = Ops.toStringCoerce(piece); // lua_isstring: numbers are strings
                }
                if (piece == null || (piece instanceof LuaString ps && ps.length() == 0)) {
                    break;
                }
                if (!(piece instanceof LuaString ps)) {
                    return Varargs.of(null, Ops.str(L.where(1) + "reader function must return a string"));
                }
                if (ps.length() > LuaString.MAX_LENGTH - buf.size()) {
                    return Varargs.of(null, Ops.str("not enough memory")); // as lua_load's memory error
                }
                buf.write(ps.bytes(), 0, ps.length());
            }
            src = buf.toByteArray();
        } else {
            throw a.typeError(1, "function");
        }
        return loadChunk(L, src, name, mode.toString(), env);
    }

    static Object loadChunk(LuaState L, byte[] src, String name, String mode, Object env) {
        boolean binary = src.length > 0 && src[0] == 0x1b;
        if (binary && mode.indexOf('b') < 0) {
            return Varargs.of(null, Ops.str("attempt to load a binary chunk (mode is '" + mode + "')"));
        }
        if (!binary && mode.indexOf('t') < 0) {
            return Varargs.of(null, Ops.str("attempt to load a text chunk (mode is '" + mode + "')"));
        }
        try {
            return L.loadIn(src, name, env);
        } catch (LuaError e) {
            return Varargs.of(null, e.value());
        }
    }

    private static Object loadfile(LuaState L, Args a) {
        LuaString name = a.optString(1, null);
        LuaString mode = a.optString(2, Ops.str("bt"));
        Object env = a.isNone(3) ? L.globals : a.get(3);
        byte[] src;
        try {
            src = name == null ? L.in().readAllBytes() : readFile(L, name.toString());
        } catch (IOException e) {
            return Varargs.of(null, Ops.str("cannot open " + name + ioReason(e)));
        }
        return loadChunk(L, LuaState.skipFileHeader(src), name == null ? "=stdin" : "@" + name, mode.toString(), env);
    }

    private static LuaFunction loadFileChunk(LuaState L, Args a, String name, Object env) {
        byte[] src;
        try {
            src = name == null ? L.in().readAllBytes() : readFile(L, name);
        } catch (IOException e) {
            throw new LuaError(Ops.str("cannot open " + name + ioReason(e)));
        }
        Object r = loadChunk(L, LuaState.skipFileHeader(src), name == null ? "=stdin" : "@" + name, "bt", env);
        if (r instanceof LuaFunction f) {
            return f;
        }
        throw new LuaError(Varargs.get(r, 1));
    }

    static String ioReason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ": No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return ": Permission denied";
        }
        String m = e.getMessage();
        return m == null ? "" : ": " + m;
    }
}
