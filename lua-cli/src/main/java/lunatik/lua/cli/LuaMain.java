package lunatik.lua.cli;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * {@code lunatik-lua}: the standalone interpreter, used like {@code lua5.4}:
 * {@code lunatik-lua [-k|--kernel] [-e stat] [-l mod] [-v] [-i] [-] [script [args]]}.
 * {@code -k} selects the KERNEL dialect (Lunatik's), the default is FULL. Errors print the
 * message and a traceback on stderr and exit with status 1.
 *
 * <p>The script runs on a thread with a large stack, so deep (non-tail) recursion reaches
 * Lua's own "stack overflow" limit rather than the JVM's.
 */
public final class LuaMain {
    private static final String PROGNAME = "lunatik-lua";
    private static final long STACK_BYTES = 1L << 30;

    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
    private final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    private int status;

    private LuaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LuaMain m = new LuaMain();
        Thread t = new Thread(null, () -> m.run(args), "lua-main", STACK_BYTES);
        t.start();
        t.join();
        m.out.flush();
        System.out.flush();
        System.err.flush();
        // halt, not System.exit: nothing here registers a shutdown hook, and exit logs the call
        // through a System.Logger (JDK 21 on), whose first use looks for a logging service in
        // the JDK's modules and on the class path: 9 ms of a 110 ms start-up
        Runtime.getRuntime().halt(m.status);
    }

    private LuaState state;

    private void run(String[] argv) {
        try {
            status = runArgs(argv);
        } catch (ExitRequest e) {
            status = e.status;
        } catch (lunatik.lua.lib.LuaExit e) {
            status = e.status();
        } finally {
            if (state != null) {
                try {
                    state.close(); // runs pending __gc, as lua_close does
                } catch (RuntimeException e) {
                    err.println(PROGNAME + ": " + e.getMessage());
                }
            }
            if (state != null && state.dialect == Dialect.FULL) {
                lunatik.lua.lib.IoLib.flushAll(state);
            }
            out.flush();
        }
    }

    /** Thrown to end the interpreter with a status (used by os.exit through a hook). */
    static final class ExitRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ExitRequest(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private int runArgs(String[] argv) {
        Dialect dialect = Dialect.FULL;
        boolean interactive = false;
        boolean version = false;
        int scriptIdx = -1;
        // first pass: options (lua.c collects them before running anything)
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("-") || a.equals("-")) {
                scriptIdx = i;
                break;
            }
            switch (a) {
                case "--":
                    scriptIdx = i + 1 < argv.length ? i + 1 : -1;
                    i = argv.length;
                    break;
                case "-k", "--kernel":
                    dialect = Dialect.KERNEL;
                    break;
                case "-h", "--help":
                    usage(out);
                    return 0;
                case "-i":
                    interactive = true;
                    version = true;
                    break;
                case "-v":
                    version = true;
                    break;
                case "-E", "-W":
                    break;
                case "-e", "-l":
                    if (i + 1 >= argv.length) {
                        err.println(PROGNAME + ": '" + a + "' needs argument");
                        usage();
                        return 1;
                    }
                    i++;
                    break;
                default:
                    if (a.startsWith("-e") || a.startsWith("-l")) {
                        break;
                    }
                    err.println(PROGNAME + ": unrecognized option '" + a + "'");
                    usage();
                    return 1;
            }
        }
        LuaState L = Stdlib.newState(dialect);
        lunatik.lua.lib.BaseLib.useGenerationalGc(L); // as lua.c
        state = L;
        L.setOut(out);
        L.setErr(err);
        createArgTable(L, argv, scriptIdx);
        if (version) {
            out.println(dialect.version() + " (lunatik-lua, Lunatik on the JVM)");
            out.flush();
        }
        // second pass: -e, -l and -W in order
        for (int i = 0; i < argv.length && (scriptIdx < 0 || i < scriptIdx); i++) {
            String a = argv[i];
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith("-e")) {
                String chunk = a.length() > 2 ? a.substring(2) : argv[++i];
                if (!doChunk(L, chunk.getBytes(StandardCharsets.UTF_8), "=(command line)")) {
                    return 1;
                }
            } else if (a.startsWith("-l")) {
                String mod = a.length() > 2 ? a.substring(2) : argv[++i];
                if (!doRequire(L, mod)) {
                    return 1;
                }
            } else if (a.equals("-W")) {
                L.call(L.globals.get(Ops.str("warn")), Ops.str("@on"));
            }
        }
        if (scriptIdx >= 0) {
            if (!doScript(L, argv, scriptIdx)) {
                return 1;
            }
        }
        if (interactive) {
            repl(L);
        } else if (scriptIdx < 0 && !hasE(argv) && !version) {
            if (System.console() != null) {
                out.println(dialect.version() + " (lunatik-lua, Lunatik on the JVM)");
                repl(L);
            } else {
                return doFile(L, null) ? 0 : 1;
            }
        }
        return 0;
    }

    private static boolean hasE(String[] argv) {
        for (String a : argv) {
            if (a.startsWith("-e")) {
                return true;
            }
        }
        return false;
    }

    private void usage() {
        usage(err);
    }

    private void usage(PrintStream to) {
        to.println("usage: " + PROGNAME + " [options] [script [args]]\n"
            + "Available options are:\n"
            + "  -e stat   execute string 'stat'\n"
            + "  -h        print this help\n"
            + "  -i        enter interactive mode after executing 'script'\n"
            + "  -k        use the kernel dialect (Lua 5.4-kernel: integers only)\n"
            + "  -l mod    require library 'mod' into global 'mod'\n"
            + "  -v        show version information\n"
            + "  -W        turn warnings on\n"
            + "  --        stop handling options\n"
            + "  -         stop handling options and execute stdin");
    }

    private static void createArgTable(LuaState L, String[] argv, int scriptIdx) {
        LuaTable arg = new LuaTable();
        int base = scriptIdx < 0 ? argv.length : scriptIdx;
        arg.put(-(long) base - 1, Ops.str(PROGNAME));
        for (int i = 0; i < argv.length; i++) {
            arg.put((long) (i - base), LuaString.of(argv[i]));
        }
        L.globals.put(Ops.str("arg"), arg);
    }

    private boolean doScript(LuaState L, String[] argv, int idx) {
        String name = argv[idx];
        Object[] args = new Object[argv.length - idx - 1];
        for (int i = 0; i < args.length; i++) {
            args[i] = LuaString.of(argv[idx + 1 + i]);
        }
        byte[] src;
        String chunk;
        try {
            if (name.equals("-")) {
                src = System.in.readAllBytes();
                chunk = "=stdin";
            } else {
                // (java.io, not Files.readAllBytes: the JVM has it ready, and its file channels
                // would be a millisecond of set-up on every start)
                try (FileInputStream in = new FileInputStream(name)) {
                    src = in.readAllBytes();
                }
                chunk = "@" + name;
            }
        } catch (FileNotFoundException e) {
            // as lua.c: "cannot open x.lua: No such file or directory", "cannot read dir: Is a
            // directory" (the JDK's message is "x.lua (No such file or directory)")
            String m = e.getMessage();
            int p = m == null ? -1 : m.lastIndexOf(" (");
            String why = p >= 0 && m.endsWith(")") ? m.substring(p + 2, m.length() - 1) : m;
            report((Files.isDirectory(Path.of(name)) ? "cannot read " : "cannot open ") + name + ": " + why);
            return false;
        } catch (IOException e) {
            report("cannot open " + name + ": " + e.getMessage());
            return false;
        }
        LuaFunction f;
        try {
            f = L.loadFile(src, chunk, null);
        } catch (LuaError e) {
            report(msgText(L, e.value()));
            return false;
        }
        return protectedCall(L, f, args);
    }

    private boolean doFile(LuaState L, String name) {
        try {
            byte[] src = System.in.readAllBytes();
            LuaFunction f = L.loadFile(src, "=stdin", null);
            return protectedCall(L, f, new Object[0]);
        } catch (IOException e) {
            report("cannot read stdin");
            return false;
        } catch (LuaError e) {
            report(msgText(L, e.value()));
            return false;
        }
    }

    private boolean doChunk(LuaState L, byte[] src, String name) {
        LuaFunction f;
        try {
            f = L.load(src, name, null);
        } catch (LuaError e) {
            report(msgText(L, e.value()));
            return false;
        }
        return protectedCall(L, f, new Object[0]);
    }

    private boolean doRequire(LuaState L, String mod) {
        Object req = L.globals.get(Ops.str("require"));
        try {
            Object r = L.call1(req, LuaString.of(mod));
            L.globals.put(LuaString.of(mod), r);
            return true;
        } catch (LuaError e) {
            report(msgText(L, e.value()));
            return false;
        }
    }

    /** Runs {@code f} with a traceback message handler, as lua.c's docall does. */
    private boolean protectedCall(LuaState L, LuaFunction f, Object[] args) {
        Coroutine co = L.current();
        Object saved = co.msgHandler;
        co.msgHandler = new lunatik.lua.vm.LibFunction(L, "msghandler", "msghandler", a -> {
            Object v = a.get(1);
            String msg;
            if (v instanceof LuaString || v instanceof Long || v instanceof Double) {
                msg = Ops.toStringCoerce(v).toString();
            } else if (L.metamethod(v, lunatik.lua.vm.Meta.TOSTRING) != null) {
                return Ops.tostring(L, v);
            } else {
                msg = "(error object is a " + Ops.typeName(v) + " value)";
            }
            return Ops.str(L.traceback(msg, 1));
        });
        try {
            L.call(f, args);
            return true;
        } catch (LuaError e) {
            Object v = e.value();
            report(e.isHandled() ? msgText(L, v) : msgText(L, v) + "\n" + L.traceback(null, 0));
            return false;
        } catch (StackOverflowError e) {
            report("stack overflow");
            return false;
        } finally {
            co.msgHandler = saved;
        }
    }

    private static String msgText(LuaState L, Object v) {
        if (v instanceof LuaString s) {
            return s.toString();
        }
        if (v instanceof Long || v instanceof Double) {
            return Ops.toJavaString(v);
        }
        return "(error object is a " + Ops.typeName(v) + " value)";
    }

    private void report(String msg) {
        out.flush();
        byte[] b = LuaString.fromJava(PROGNAME + ": " + msg + "\n").bytes();
        err.write(b, 0, b.length); // the message's own bytes, as Lua prints them
        err.flush();
    }

    /** The read-eval-print loop: expressions print their values; incomplete chunks continue. */
    private void repl(LuaState L) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (;;) {
            out.print("> ");
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                return;
            }
            if (line == null) {
                out.println();
                return;
            }
            StringBuilder chunk = new StringBuilder(line);
            LuaFunction f = null;
            for (;;) {
                try {
                    f = L.load("return " + chunk, "=stdin");
                    break;
                } catch (LuaError e1) {
                    try {
                        f = L.load(chunk.toString(), "=stdin");
                        break;
                    } catch (LuaError e2) {
                        String m = msgText(L, e2.value());
                        if (!m.endsWith("<eof>")) {
                            report(m);
                            f = null;
                            break;
                        }
                    }
                }
                out.print(">> ");
                out.flush();
                try {
                    line = in.readLine();
                } catch (IOException e) {
                    line = null;
                }
                if (line == null) {
                    return;
                }
                chunk.append('\n').append(line);
            }
            if (f == null) {
                continue;
            }
            try {
                Object r = L.call(f);
                int n = Varargs.count(r);
                if (n > 0) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            sb.append('\t');
                        }
                        sb.append(Ops.tostring(L, Varargs.get(r, i)));
                    }
                    out.println(sb);
                }
            } catch (LuaError e) {
                report(msgText(L, e.value()));
            }
        }
    }
}
