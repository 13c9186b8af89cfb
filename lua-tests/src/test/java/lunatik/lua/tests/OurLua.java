package lunatik.lua.tests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.CompileStats;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;

/** Runs Lua programs in-process on our engine, in a fresh state with the dialect's libraries. */
final class OurLua {
    /** Wall-clock limit of one program; the state is interrupted past it. */
    static final long TIMEOUT_SECONDS = 60;

    private OurLua() {
    }

    /**
     * Compiles {@code source} under {@code chunkName} (Lua's convention: "@file.lua", "=stdin")
     * and calls it with no arguments. An uncaught Lua error is reported the way lua5.4 reports it
     * on its standard error ("lua5.4: message"); output printed before it is kept.
     */
    static Run run(Dialect dialect, byte[] source, String chunkName) {
        return run(dialect, true, source, chunkName);
    }

    /** As {@link #run(Dialect, byte[], String)}, compiled to JVM bytecode or interpreted. */
    static Run run(Dialect dialect, boolean compiled, byte[] source, String chunkName) {
        return runCounted(dialect, compiled, 0, source, chunkName).run();
    }

    /** A run, and how many of the program's functions were compiled and interpreted. */
    record Counted(Run run, CompileStats stats) {
    }

    /**
     * As {@link #run(Dialect, boolean, byte[], String)}, with the state's count of compiled and
     * interpreted functions; {@code split} > 0 compiles every function in the JIT's split mode
     * with that budget ({@link LuaState#setJitSplit}).
     */
    static Counted runCounted(Dialect dialect, boolean compiled, int split, byte[] source, String chunkName) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
        String failure = null;
        CompileStats stats = null;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            LuaState L = Stdlib.newState(dialect);
            lunatik.lua.lib.BaseLib.useGenerationalGc(L); // lua5.4, the standalone, runs so
            L.setJitEnabled(compiled);
            L.setJitSplit(split);
            L.setJitResumableAll(split > 0); // every simple function's stackless-body code made and verified too
            stats = L.compileStats();
            L.setOut(new PrintStream(buffer, true));
            L.setErr(new PrintStream(errBuffer, true));
            // interrupt() is the one LuaState method that is safe from another thread
            timer.schedule(() -> L.interrupt(LuaString.of("timeout: program ran longer than "
                + TIMEOUT_SECONDS + " s")), TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LuaFunction f = L.load(source, chunkName, null);
            L.call(f);
            L.out().flush();
        } catch (LuaError e) {
            failure = "lua5.4: " + e.getMessage();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            failure = "engine crash: " + stackTrace(e);
        } finally {
            timer.shutdownNow();
        }
        return new Counted(new Run(buffer.toString(StandardCharsets.ISO_8859_1), failure), stats);
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        // the top of the trace says where; the rest is JUnit machinery
        return s.length() > 4000 ? s.substring(0, 4000) + "\n\t..." : s;
    }
}
