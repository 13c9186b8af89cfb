package lunatik.runtime;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every function of every Lunatik module, and every method of the objects they make, called
 * with wrong types, NUL bytes, huge and negative sizes, in a sleepable and a non-sleepable
 * runtime: each call gives a result or a Lua error, never a Java exception (one that reaches the
 * runtime's edge reads "internal error" there, and the engine reports those it converts at its
 * own boundary: both fail this test, with the call named). Calls that block by design are cut
 * by the runtime's entry time limit, which is a Lua error too.
 *
 * <p>Left out, because they act on the machine rather than on their arguments: {@code
 * linux.kill} (signals real processes: pid 1 is among the integers tried) and {@code
 * linux.tracing} with an argument (switches the kernel's tracing on or off). The network
 * modules act in the private network namespace the tests run in.
 */
class ModuleFuzzTest {
    @TempDir
    Path root;
    @TempDir
    Path devdir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Runtime> runtimes = new ArrayList<>();

    private static final Set<String> LEFT_OUT = Set.of("linux.kill");
    private static final Set<String> NO_ARGUMENTS_ONLY = Set.of("linux.tracing");

    @AfterEach
    void stopAll() {
        runtimes.forEach(Runtime::shutdown);
    }

    /** Values tried in each position: wrong types, NUL bytes, edges of integers and sizes. */
    private static final String VALUES = """
        local huge = string.rep("x", 1 << 20)
        local raising = setmetatable({}, {__index = function() error("index") end,
          __newindex = function() error("newindex") end, __len = function() error("len") end,
          __tostring = function() error("tostring") end, __call = function() error("call") end})
        return {n = 22, nil, false, true, 0, -1, 1, 7, 1 << 31, -(1 << 31), math.maxinteger, math.mininteger,
          "", "\\0", "a\\0b", "\\xff\\xfe", "%", "eth0", huge, {}, raising, print, coroutine.create(print)}
        """;

    /** The values tried in combinations (two and three positions): fewer, to keep the run short. */
    private static final int[] PAIRED = {0, 1, 4, 5, 8, 10, 12, 13, 19, 20};

    private record Target(String name, Object fn, Object self) {
    }

    @Test
    void everyModuleFunctionAnswersBadArgumentsWithALuaError() throws Exception {
        Require.root();
        Files.writeString(root.resolve("fuzz.lua"), "return function() end");
        Host h = new Host(root, log::add);
        h.setDeviceDirectory(devdir);
        h.setInstructionBudget(20_000_000);
        h.setMemoryBudget(256L << 20);
        List<String> failures = new ArrayList<>();
        int calls = 0;
        int functions = 0;
        for (boolean sleepable : new boolean[] {true, false}) {
            Runtime rt = h.runtime("fuzz", sleepable);
            runtimes.add(rt);
            List<String> reported = new CopyOnWriteArrayList<>();
            List<Object> values = rt.run(L -> {
                internalErrors(L, reported);
                LuaTable t = (LuaTable) L.call1(L.load(VALUES, "=values"));
                List<Object> v = new ArrayList<>();
                for (int i = 1; i <= 22; i++) {
                    v.add(t.get((long) i));
                }
                return v;
            });
            List<Target> targets = targets(rt);
            rt.setEntryTimeLimit(Duration.ofMillis(20)); // a call that blocks by design is cut here
            for (Target target : targets) {
                if (LEFT_OUT.contains(target.name)) {
                    continue;
                }
                functions++;
                for (Object[] args : tuples(values, target)) {
                    calls++;
                    String failure = call(rt, target, args, reported);
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
            }
        }
        System.out.println("module fuzz: " + functions + " functions and methods, " + calls + " calls, "
            + failures.size() + " Java exceptions");
        assertThat(failures).as("calls that met a Java exception").isEmpty();
    }

    /** Installs the engine's report of the Java exceptions it turns into Lua errors at its boundary. */
    private static void internalErrors(LuaState L, List<String> reported) {
        L.setInternalErrorHandler((fn, t) -> reported.add(fn + ": " + t));
    }

    /** One call; a description of the failure, or null. */
    private static String call(Runtime rt, Target target, Object[] args, List<String> reported) {
        reported.clear();
        String what = target.name + describe(args);
        try {
            rt.run(L -> {
                Object[] full = args;
                if (target.self != null) {
                    full = new Object[args.length + 1];
                    full[0] = target.self;
                    System.arraycopy(args, 0, full, 1, args.length);
                }
                return L.call(target.fn, full);
            });
        } catch (LuaException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("internal error (")) {
                return what + ": " + e.getMessage();
            }
        } catch (RuntimeException | Error e) {
            return what + ": escaped: " + e;
        }
        return reported.isEmpty() ? null : what + ": converted: " + reported;
    }

    private static String describe(Object[] args) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            String s = a instanceof LuaString l ? (l.length() > 16 ? "<string of " + l.length() + ">" : "\"" + l + "\"")
                : a == null ? "nil" : a instanceof LuaTable ? "table" : a instanceof Long || a instanceof Boolean ? a.toString()
                : Ops.typeName(a);
            b.append(i == 0 ? "" : ", ").append(s);
        }
        return b.append(")").toString();
    }

    /** No arguments; each value alone; pairs and triples of a reduced set. */
    private static List<Object[]> tuples(List<Object> values, Target target) {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[0]);
        if (NO_ARGUMENTS_ONLY.contains(target.name)) {
            return out;
        }
        for (Object v : values) {
            out.add(new Object[] {v});
        }
        for (int i : PAIRED) {
            for (int j : PAIRED) {
                out.add(new Object[] {values.get(i), values.get(j)});
            }
        }
        int[] few = {1, 4, 8, 12, 19};
        for (int i : few) {
            for (int j : few) {
                for (int k : few) {
                    out.add(new Object[] {values.get(i), values.get(j), values.get(k)});
                }
            }
        }
        return out;
    }

    /** Objects of each class, made by the modules themselves, for their methods. */
    private static final String OBJECTS = """
        local objects = {}
        local function try(name, f) local ok, o = pcall(f) if ok and o then objects[name] = o end end
        try("data", function() return require("data").new(16) end)
        try("fifo", function() return require("fifo").new(16) end)
        try("completion", function() return require("completion").new() end)
        try("rcu", function() return require("rcu").table(8) end)
        try("socket", function() local s = require("socket") return s.new(s.af.INET, s.sock.DGRAM, 0) end)
        try("thread", function() return require("thread").current() end)
        try("crypto_shash", function() return require("crypto_shash").new("sha256") end)
        try("crypto_skcipher", function() return require("crypto_skcipher").new("cbc(aes)") end)
        try("crypto_aead", function() return require("crypto_aead").new("gcm(aes)") end)
        try("crypto_rng", function() return require("crypto_rng").new("stdrng") end)
        try("crypto_comp", function() return require("crypto_comp").new("lz4") end)
        return objects
        """;

    /** Every function of every module (loaded as the runtime can), and every method of a sample object. */
    private static List<Target> targets(Runtime rt) throws LuaException {
        return rt.run(L -> {
            List<Target> out = new ArrayList<>();
            Map<String, Object> modules = new LinkedHashMap<>();
            for (String name : Lunatik.moduleNames()) {
                modules.put(name, L.call(L.load("return pcall(require, ...)", "=req"), Ops.str(name)));
            }
            modules.put("lunatik", L.call(L.load("return pcall(require, 'lunatik')", "=req")));
            modules.forEach((name, r) -> {
                if (Varargs.get(r, 0) == Boolean.TRUE && Varargs.get(r, 1) instanceof LuaTable lib) {
                    functions(name, lib, null, out);
                }
            });
            LuaTable objects = (LuaTable) L.call1(L.load(OBJECTS, "=objects"));
            for (int s = objects.nextSlot(null); s >= 0; s = objects.nextSlot(objects.slotKey(s))) {
                Object o = objects.slotValue(s);
                LuaTable mt = L.getMetatable(o);
                if (mt != null && mt.get(Ops.str("__index")) instanceof LuaTable methods) {
                    functions(objects.slotKey(s) + ":", methods, o, out);
                }
                if (mt != null) {
                    functions(objects.slotKey(s) + " metamethod ", mt, o, out);
                }
            }
            return out;
        });
    }

    private static void functions(String prefix, LuaTable t, Object self, List<Target> out) {
        for (int s = t.nextSlot(null); s >= 0; s = t.nextSlot(t.slotKey(s))) {
            if (t.slotValue(s) instanceof LuaFunction f) {
                String sep = prefix.endsWith(":") || prefix.endsWith(" ") ? "" : ".";
                out.add(new Target(prefix + sep + t.slotKey(s), f, self));
            }
        }
    }
}
