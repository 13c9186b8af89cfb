package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import lunatik.lua.lib.BaseLib;
import lunatik.lua.lib.CoroutineLib;
import lunatik.lua.lib.DebugLib;
import lunatik.lua.lib.IoLib;
import lunatik.lua.lib.MathLib;
import lunatik.lua.lib.OsLib;
import lunatik.lua.lib.PackageLib;
import lunatik.lua.lib.StringLib;
import lunatik.lua.lib.TableLib;
import lunatik.lua.lib.Utf8Lib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls every function of the standard library, in a FULL and a KERNEL state, with many
 * argument tuples made of edge values (no argument, nil, booleans, extreme integers and floats,
 * strings with zeros or pattern characters, a 1 MiB string, tables, a table whose metamethods
 * raise, functions, coroutines, userdata), and fails when
 * <ul>
 *   <li>a Java throwable had to be turned into a Lua error at the boundary (the state's
 *       internal-error handler heard of it): the boundary is a safety net, every conversion is
 *       a bug to fix at its source;</li>
 *   <li>anything but a Lua error came out of {@code L.call};</li>
 *   <li>a call ran past its time (a watchdog interrupts it after 2 s, and the test gives up
 *       on a call that does not even stop then).</li>
 * </ul>
 * Each call has its own instruction budget, so a loop that ticks ends with a Lua error.
 */
class LibraryFuzzTest {
    /** When the watchdog interrupts a call. */
    private static final long CALL_LIMIT_NS = 2_000_000_000L;
    /** When a call that ignores the interrupt is declared hung. */
    private static final long HANG_LIMIT_NS = 30_000_000_000L;
    /** Instructions (ticks) per call. */
    private static final long BUDGET = 2_000_000;
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void everyFunctionOfAFullStateAnswersBadArgumentsWithLuaErrors() throws Exception {
        fuzz(Dialect.FULL);
    }

    @Test
    void everyFunctionOfAKernelStateAnswersBadArgumentsWithLuaErrors() throws Exception {
        fuzz(Dialect.KERNEL);
    }

    private void fuzz(Dialect d) throws Exception {
        Path data = dir.resolve("data.txt");
        Files.writeString(data, "12 0x1p4 line\nsecond line\n\nlast");
        Fuzzer fz = new Fuzzer(d, data);
        long start = System.nanoTime();
        Thread worker = new Thread(null, fz::run, "library-fuzz-" + d, 64L << 20);
        worker.setDaemon(true);
        worker.start();
        while (worker.isAlive()) {
            worker.join(100);
            String hung = fz.watch();
            if (hung != null) {
                fail("a call does not stop even when interrupted: " + hung);
            }
        }
        if (fz.crash != null) {
            throw new AssertionError("the fuzzer itself failed", fz.crash);
        }
        System.out.printf("LibraryFuzzTest %s: %d functions, %d calls, %.1f s%n",
            d, fz.targets.size(), fz.calls, (System.nanoTime() - start) / 1e9);
        fz.failures.forEach(f -> System.out.println("LibraryFuzzTest " + d + ": " + f));
        assertThat(fz.failures).as("calls that leaked a Java throwable or ran too long").isEmpty();
    }

    /** A value of an argument tuple; mutable ones are made fresh for every call. */
    private record Value(String label, Supplier<Object> make) {
        static Value of(String label, Object v) {
            return new Value(label, () -> v);
        }
    }

    /** A function under test and the name it was found under. */
    private record Target(String name, LuaFunction fn) {
    }

    /** One fuzzing run over one state (runs on its own thread; {@link #watch} from another). */
    private static final class Fuzzer {
        final LuaState L;
        final Dialect dialect;
        final Path data;
        final List<Target> targets = new ArrayList<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final Set<String> reported = Collections.synchronizedSet(new HashSet<>());
        volatile Throwable crash;
        int calls;

        private final LuaString watchdog = LuaString.of("fuzz watchdog: call took too long");
        private volatile long callStart;
        private volatile String current;
        private volatile boolean interrupted;
        private LuaTable[] typeMetatables;
        private Object[] typeSamples;
        private Object file;
        private boolean collected;

        Fuzzer(Dialect d, Path data) {
            this.dialect = d;
            this.data = data;
            this.L = newState(d);
        }

        /* Every library, with standard input empty and output thrown away. */
        private static LuaState newState(Dialect d) {
            LuaState L = new LuaState(d);
            L.setOut(OutputStream.nullOutputStream());
            L.setErr(OutputStream.nullOutputStream());
            BaseLib.open(L);
            CoroutineLib.open(L);
            StringLib.open(L);
            TableLib.open(L);
            MathLib.open(L);
            Utf8Lib.open(L);
            DebugLib.open(L);
            if (d == Dialect.FULL) {
                IoLib.open(L, new ByteArrayInputStream(new byte[0]));
                OsLib.open(L);
            }
            PackageLib.open(L);
            return L;
        }

        void run() {
            try {
                L.setInstructionBudget(BUDGET);
                L.setInternalErrorHandler((fn, t) -> {
                    // one report per function, throwable class and place (the first call that hit it)
                    StackTraceElement at = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
                    if (reported.add(fn + " " + t.getClass().getName() + " " + at)) {
                        failures.add("internal error in '" + fn + "' for " + current + ": " + t + " at " + at);
                    }
                });
                collectTargets();
                typeSamples = new Object[] {LuaString.EMPTY, 0L, true, null, targets.get(0).fn(),
                                            new Coroutine(L, targets.get(0).fn())};
                typeMetatables = currentTypeMetatables();
                List<Value> all = values();
                List<Value> few = few(all);
                for (Target t : targets) {
                    file = dialect == Dialect.FULL ? openData("r+") : null;
                    fuzzOne(t, all, few);
                }
            } catch (Throwable t) {
                crash = t;
            }
        }

        /*
         * The tuples: none, each value alone, every pair of values, and triples of the reduced
         * set (the 1 MiB string and the rarer values only in the first two positions).
         */
        private void fuzzOne(Target t, List<Value> all, List<Value> few) {
            call(t);
            LuaFunction inCoroutine = (LuaFunction) Varargs.first(L.call(L.load(
                "local f = ... return function(...) return f(...) end", "=fuzz"), t.fn()));
            for (Value a : all) {
                call(t, a);
                // in a coroutine too, where the functions that may yield can
                run(t.name() + " in a coroutine", new Value[] {a},
                    args -> new Coroutine(L, inCoroutine).resume(Varargs.of(args)));
            }
            for (Value a : all) {
                for (Value b : all) {
                    call(t, a, b);
                }
            }
            for (Value a : few) {
                for (Value b : few) {
                    for (Value c : few) {
                        call(t, a, b, c);
                    }
                }
            }
        }

        private void call(Target t, Value... tuple) {
            run(t.name(), tuple, args -> L.call(t.fn(), args));
        }

        /* Runs one call of the function named `name` with the values of `tuple`, and checks it. */
        private void run(String name, Value[] tuple, java.util.function.Function<Object[], Object> call) {
            String why = excluded(name.replace(" in a coroutine", ""), tuple);
            if (why != null) {
                return;
            }
            Object[] args = new Object[tuple.length];
            StringBuilder desc = new StringBuilder(name).append('(');
            for (int i = 0; i < tuple.length; i++) {
                args[i] = tuple[i].make().get();
                desc.append(i > 0 ? ", " : "").append(tuple[i].label());
            }
            current = desc.append(')').toString();
            calls++;
            L.resetBudget();
            interrupted = false;
            callStart = System.nanoTime();
            try {
                call.apply(args);
            } catch (LuaError e) {
                if (e.value() == watchdog || interrupted) {
                    failures.add("ran past " + CALL_LIMIT_NS / 1_000_000_000 + " s: " + current);
                }
            } catch (Throwable e) {
                failures.add("escaped " + e + ": " + current);
            } finally {
                callStart = 0;
            }
            restore();
        }

        /** From the test thread: interrupts a call past its time; the call, if hung. */
        String watch() {
            long s = callStart;
            if (s == 0) {
                return null;
            }
            long ran = System.nanoTime() - s;
            if (ran > CALL_LIMIT_NS && !interrupted) {
                interrupted = true;
                L.interrupt(watchdog);
            }
            return ran > HANG_LIMIT_NS ? current : null;
        }

        /*
         * What the fuzzer does not call, and why. Only what touches the host or blocks by
         * design is left out; everything else gets every tuple.
         */
        private String excluded(String name, Value[] tuple) {
            String first = tuple.length > 0 ? tuple[0].label() : "none";
            boolean noFirst = tuple.length == 0 || first.equals("nil");
            switch (name) {
                case "os.exit":
                    return "ends the host program";
                case "os.remove", "os.rename":
                    return "deletes or moves the host files its arguments name";
                case "os.tmpname":
                    return "creates a file in the host's temporary directory at each call";
                case "io.output":
                    // a name (numbers are names too) is opened for writing; a file or nothing is fine
                    return tuple.length > 0 && (isString(tuple[0]) || isNumber(tuple[0]))
                        ? "opens the named host file for writing" : null;
                case "io.open":
                    return tuple.length > 1 && isString(tuple[1]) && writeMode(tuple[1])
                        ? "opens a host file for writing" : null;
                case "io.tmpfile":
                    return tuple.length == 0 ? null : "creates a host file at each call and takes no arguments";
                case "loadfile", "dofile":
                    return noFirst ? "reads the process's standard input" : null;
                case "collectgarbage":
                    if (noFirst) {
                        // a full JVM collection each time: once is enough
                        boolean again = collected;
                        collected = true;
                        return again ? "a full collection was already made" : null;
                    }
                    return null;
                default:
                    return null;
            }
        }

        private static boolean isString(Value v) {
            return v.label().startsWith("\"") || v.label().startsWith("string");
        }

        private boolean isNumber(Value v) {
            return v.make().get() instanceof Long || v.make().get() instanceof Double;
        }

        private static boolean writeMode(Value v) {
            String s = v.label();
            return s.startsWith("\"w") || s.startsWith("\"a") || s.contains("+");
        }

        /* Undoes what a call may have changed for all later calls: type metatables and hooks. */
        private void restore() {
            if (L.countHook() != null) {
                L.setCountHook(null, 0);
            }
            LuaTable[] now = currentTypeMetatables();
            for (int i = 0; i < now.length; i++) {
                if (now[i] != typeMetatables[i]) {
                    L.setMetatable(typeSamples[i], typeMetatables[i]);
                }
            }
        }

        private LuaTable[] currentTypeMetatables() {
            LuaTable[] r = new LuaTable[typeSamples.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = L.getMetatable(typeSamples[i]);
            }
            return r;
        }

        // ------------------------------------------------------------ the functions

        /*
         * Every Java function reachable from _G through tables and metatables (breadth first,
         * so each gets its shortest name), the string metatable's, and the functions the
         * library makes (iterators, coroutine.wrap's).
         */
        private void collectTargets() {
            Map<Object, Boolean> seen = new IdentityHashMap<>();
            ArrayDeque<Object[]> queue = new ArrayDeque<>();
            queue.add(new Object[] {"", L.globals});
            queue.add(new Object[] {"getmetatable('')", L.stringMetatable()});
            if (dialect == Dialect.FULL) {
                queue.add(new Object[] {"getmetatable(io.stdout)", L.getMetatable(field("io", "stdout"))});
            }
            while (!queue.isEmpty()) {
                Object[] e = queue.poll();
                String path = (String) e[0];
                Object v = e[1];
                if (v == null || seen.put(v, Boolean.TRUE) != null) {
                    continue;
                }
                if (v instanceof LuaFunction f) {
                    targets.add(new Target(path, f));
                } else if (v instanceof LuaTable t) {
                    enqueueFields(queue, path, t);
                }
            }
            made(seen, "ipairs iterator", "return (ipairs({}))");
            made(seen, "gmatch iterator", "return (string.gmatch('abc', '.'))");
            made(seen, "utf8.codes iterator", "return (utf8.codes('abc'))");
            made(seen, "utf8.codes lax iterator", "return (utf8.codes('abc', true))");
            made(seen, "coroutine.wrap function", "return coroutine.wrap(function(...) return ... end)");
            if (dialect == Dialect.FULL) {
                made(seen, "io.lines iterator", "return (io.lines(...))", LuaString.of(data.toString()));
                made(seen, "file:lines iterator", "return io.open(...):lines('n', 'l', 1)",
                    LuaString.of(data.toString()));
            }
        }

        private void enqueueFields(ArrayDeque<Object[]> queue, String path, LuaTable t) {
            for (int slot = t.nextSlot(null); slot >= 0; slot = t.nextSlot(t.slotKey(slot))) {
                Object k = t.slotKey(slot);
                String name = k instanceof LuaString s ? (path.isEmpty() ? s.toString() : path + "." + s)
                    : path + "[" + Ops.toJavaString(k instanceof Long || k instanceof Double ? k : 0L) + "]";
                queue.add(new Object[] {name, t.slotValue(slot)});
            }
            if (t.getMetatable() != null) {
                queue.add(new Object[] {"getmetatable(" + path + ")", t.getMetatable()});
            }
        }

        private Object field(String lib, String name) {
            return ((LuaTable) L.globals.get(LuaString.of(lib))).get(LuaString.of(name));
        }

        private void made(Map<Object, Boolean> seen, String name, String src, Object... args) {
            Object f = Varargs.first(L.call(L.load(src, "=fuzz"), args));
            if (f instanceof LuaFunction fn && seen.put(fn, Boolean.TRUE) == null) {
                targets.add(new Target(name, fn));
            }
        }

        private Object openData(String mode) {
            return Varargs.first(L.call(L.load("return io.open(...)", "=fuzz"),
                LuaString.of(data.toString()), LuaString.of(mode)));
        }

        // ------------------------------------------------------------ the values

        private List<Value> values() {
            List<Value> v = new ArrayList<>();
            v.add(Value.of("nil", null));
            v.add(Value.of("false", false));
            v.add(Value.of("true", true));
            v.add(Value.of("0", 0L));
            v.add(Value.of("-1", -1L));
            v.add(Value.of("1", 1L));
            v.add(Value.of("2", 2L));
            v.add(Value.of("256", 256L));
            v.add(Value.of("2^31-1", (long) Integer.MAX_VALUE));
            v.add(Value.of("2^31", 1L << 31));
            v.add(Value.of("2^32", 1L << 32));
            v.add(Value.of("-2^31", -(1L << 31)));
            v.add(Value.of("maxinteger", Long.MAX_VALUE));
            v.add(Value.of("mininteger", Long.MIN_VALUE));
            if (dialect.hasFloats()) {
                v.add(Value.of("0.5", 0.5));
                v.add(Value.of("-0.0", -0.0));
                v.add(Value.of("1/0", Double.POSITIVE_INFINITY));
                v.add(Value.of("-1/0", Double.NEGATIVE_INFINITY));
                v.add(Value.of("0/0", Double.NaN));
                v.add(Value.of("2^63", 0x1p63));
            }
            for (String s : new String[] {"", "\0", "a\0b", "\u00ff\u00fe", "%", "%d", "[", "(", "%f[", "%b", "*t", "n",
                                          "10", "-0x7fffffffffffffff"}) {
                v.add(Value.of(quote(s), LuaString.wrap(s.getBytes(StandardCharsets.ISO_8859_1))));
            }
            LuaString big = LuaString.wrap("x".repeat(BIG).getBytes(StandardCharsets.ISO_8859_1));
            v.add(Value.of("string.rep('x', 2^20)", big));
            v.add(new Value("{}", LuaTable::new));
            v.add(new Value("{1, 2, 'x'}", () -> list(1L, 2L, LuaString.of("x"))));
            v.add(new Value("raising", this::raisingTable));
            v.add(new Value("proxy", this::proxyTable));
            v.add(Value.of("function", L.load("return function(...) return ... end", "=fuzz").call()));
            LuaFunction yielder = (LuaFunction) L.load(
                "return function(...) coroutine.yield(...) return ... end", "=fuzz").call();
            v.add(new Value("coroutine", () -> new Coroutine(L, yielder)));
            v.add(new Value("userdata", () -> new LuaUserdata(new Object(), null)));
            if (dialect == Dialect.FULL) {
                v.add(new Value("file", () -> file));
            }
            return v;
        }

        /* The values of triples: the commonest kinds of each type. */
        private static List<Value> few(List<Value> all) {
            Set<String> keep = Set.of("nil", "0", "-1", "1", "2^31", "maxinteger", "mininteger", "0.5",
                "\"\"", "\"%\"", "\"a\\0b\"", "{}", "raising", "function");
            List<Value> r = new ArrayList<>();
            for (Value v : all) {
                if (keep.contains(v.label())) {
                    r.add(v);
                }
            }
            return r;
        }

        private static LuaTable list(Object... items) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < items.length; i++) {
                t.put(i + 1L, items[i]);
            }
            return t;
        }

        /* A table every metamethod of which raises an error. */
        private LuaTable raisingTable() {
            LuaTable mt = raisingMeta;
            if (mt == null) {
                LuaFunction raise = (LuaFunction) L.load("return function() error('raised by a metamethod') end",
                    "=fuzz").call();
                mt = new LuaTable();
                for (LuaString m : Meta.allNames()) {
                    if (!m.toString().equals("__gc") && !m.toString().equals("__mode")
                        && !m.toString().equals("__metatable") && !m.toString().equals("__name")) {
                        mt.put(m, raise);
                    }
                }
                raisingMeta = mt;
            }
            LuaTable t = new LuaTable();
            t.setMetatable(mt);
            return t;
        }

        private LuaTable raisingMeta;

        /* An empty table whose metamethods answer: every index is its key, the length 3. */
        private LuaTable proxyTable() {
            if (proxyMeta == null) {
                proxyMeta = (LuaTable) L.load("return {__index = function(t, k) return k end, "
                    + "__newindex = function() end, __len = function() return 3 end, "
                    + "__call = function(...) return ... end, __tostring = function() return 'proxy' end}",
                    "=fuzz").call();
            }
            LuaTable t = new LuaTable();
            t.setMetatable(proxyMeta);
            return t;
        }

        private LuaTable proxyMeta;

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == 0) {
                    b.append("\\0");
                } else if (c > 126) {
                    b.append(String.format("\\x%02x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }
}
