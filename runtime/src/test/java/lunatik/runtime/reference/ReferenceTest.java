package lunatik.runtime.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Host;
import lunatik.runtime.Lunatik;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module reference: every function, method and constant a module registers in a runtime
 * is documented, and docs/reference holds exactly what the generator makes of the sources.
 * {@code bin/reference} runs this test with {@code -Dlunatik.reference.write=true}, which writes
 * the pages first.
 */
class ReferenceTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    static final Path DOCS = CHECKOUT.resolve("docs/reference");

    @TempDir
    Path root;

    /** What a runtime's modules register: module -> field -> "function" or a constant table's members. */
    record Inventory(Map<String, Map<String, Object>> modules, Map<String, TreeSet<String>> classes) {
    }

    Inventory inventory(List<String> names) throws Exception {
        Files.writeString(root.resolve("inventory.lua"), "return function() end");
        List<String> log = new CopyOnWriteArrayList<>();
        Host host = new Host(root, log::add);
        host.setLibraryPath(CHECKOUT.resolve("lua"));
        host.setDeviceDirectory(root);
        Runtime rt = host.runtime("inventory", true);
        try {
            return rt.run(L -> {
                Map<String, Map<String, Object>> modules = new TreeMap<>();
                Object require = L.globals.get(Ops.str("require"));
                for (String n : names) {
                    Object m = L.call1(require, Ops.str(n));
                    Map<String, Object> fields = new TreeMap<>();
                    if (m instanceof LuaTable t) {
                        for (Map.Entry<Object, Object> e : entries(t).entrySet()) {
                            if (!(e.getKey() instanceof LuaString k) || k.toString().startsWith("__")) {
                                continue;
                            }
                            Object v = e.getValue();
                            fields.put(k.toString(), v instanceof LuaFunction ? "function"
                                : v instanceof LuaTable ct ? constants(ct, "") : String.valueOf(Ops.tostring(L, v)));
                        }
                    }
                    modules.put(n, fields);
                }
                Map<String, TreeSet<String>> classes = new TreeMap<>();
                for (Map.Entry<Object, Object> e : entries(L.registry).entrySet()) {
                    if (e.getValue() instanceof LuaTable mt && mt.get(Ops.str("__name")) instanceof LuaString name
                            && mt.get(Ops.str("__index")) instanceof LuaTable methods && e.getKey() instanceof LuaString) {
                        TreeSet<String> ms = new TreeSet<>();
                        entries(methods).forEach((k, v) -> {
                            if (k instanceof LuaString s && v instanceof LuaFunction && !s.toString().startsWith("__")) {
                                ms.add(s.toString());
                            }
                        });
                        if (!ms.isEmpty()) {
                            classes.put(name.toString(), ms);
                        }
                    }
                }
                return new Inventory(modules, classes);
            });
        } finally {
            rt.stop();
        }
    }

    private static Map<Object, Object> entries(LuaTable t) {
        Map<Object, Object> r = new java.util.LinkedHashMap<>();
        for (int slot = t.nextSlot(null); slot >= 0; slot = t.nextSlot(t.slotKey(slot))) {
            r.put(t.slotKey(slot), t.slotValue(slot));
        }
        return r;
    }

    /** A constant table's members, "key" or "key.sub" -> value (functions and userdata left out). */
    private static Map<String, String> constants(LuaTable t, String prefix) {
        Map<String, String> r = new TreeMap<>();
        entries(t).forEach((k, v) -> {
            String key = prefix + (k instanceof LuaString s ? s.toString() : String.valueOf(k));
            if (v instanceof LuaTable sub) {
                if (prefix.isEmpty() && sub != t) { // one level of nesting (a table may hold itself)
                    r.putAll(constants(sub, key + "."));
                }
            } else if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
                r.put(key, String.valueOf(v));
            } else if (v instanceof LuaString s) {
                r.put(key, "\"" + s + "\"");
            }
        });
        return r;
    }

    private static List<String> moduleNames(Reference ref) {
        List<String> names = new ArrayList<>(Lunatik.moduleNames());
        names.add(0, "lunatik");
        names.addAll(ref.luaModules());
        return names;
    }

    private static Reference generate() throws Exception {
        return new Reference(CHECKOUT).parse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRegisteredFunctionMethodAndConstantIsDocumentedAndThePagesAreUpToDate() throws Exception {
        Reference ref = generate();
        Inventory inv = inventory(moduleNames(ref));
        List<String> missing = new ArrayList<>();
        Map<String, String> where = new TreeMap<>(); // documented key -> page
        ref.pages.forEach((n, p) -> p.entries.keySet().forEach(k -> where.put(k, n)));
        for (Map.Entry<String, Map<String, Object>> m : inv.modules().entrySet()) {
            Reference.Page page = ref.pages.get(m.getKey());
            if (page == null) {
                missing.add("module " + m.getKey() + " (no @module block)");
                continue;
            }
            for (Map.Entry<String, Object> f : m.getValue().entrySet()) {
                String key = m.getKey() + "." + f.getKey();
                boolean function = "function".equals(f.getValue());
                if (page.dataTable && !function) {
                    continue;
                }
                if (!where.containsKey(key) && !(function && where.containsKey(m.getKey() + ":" + f.getKey()))) {
                    missing.add((function ? "function " : "field ") + key);
                } else if (f.getValue() instanceof Map<?, ?> values) {
                    ref.pages.get(where.get(key)).constants.put(key, (Map<String, String>) values);
                }
            }
        }
        inv.classes().forEach((cls, methods) -> methods.forEach(mt -> {
            if (!where.containsKey(cls + ":" + mt)) {
                missing.add("method " + cls + ":" + mt);
            }
        }));
        Map<String, String> files = ref.files();
        if (Boolean.getBoolean("lunatik.reference.write")) {
            Files.createDirectories(DOCS);
            try (Stream<Path> old = Files.list(DOCS)) {
                for (Path p : old.toList()) {
                    if (!files.containsKey(p.getFileName().toString())) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(DOCS.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
        }
        assertThat(missing).as("registered but not documented (write a /*lua or --- doc comment)").isEmpty();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = DOCS.resolve(f.getKey());
            assertThat(Files.exists(p)).as(p + " is missing: run bin/reference").isTrue();
            assertThat(Files.readString(p, StandardCharsets.UTF_8)).as(p + " differs from its sources: run bin/reference")
                .isEqualTo(f.getValue());
        }
        try (Stream<Path> s = Files.list(DOCS)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !files.containsKey(n)).toList())
                .as("pages of no module in docs/reference").isEmpty();
        }
    }

    /** The check itself can fail: an undocumented entry is found, a documented one is rendered. */
    @Test
    void theGeneratorRendersWhatADocCommentSays(@TempDir Path co) throws Exception {
        Path lib = co.resolve("runtime/src/main/java/lunatik/runtime/lib");
        Files.createDirectories(lib);
        Files.createDirectories(co.resolve("lua"));
        Files.writeString(lib.resolve("X.java"), """
            /*lua @module x
             * The x module.
             * @differs Lunatik has no x.
             */
            /*lua x.f(a [, b])
             * Does f.
             * @param a integer: the first
             *   and only
             * @return the sum
             * @raise "bad" when a is 0
             */
            """);
        Files.writeString(co.resolve("lua/y.lua"), """
            --- The y module.
            -- @module y
            local y = {}
            --- Doubles.
            -- @param n a number
            function y.double(n) return 2 * n end
            return y
            """);
        Reference ref = new Reference(co).parse();
        assertThat(ref.pages.keySet()).containsExactly("x", "y");
        String x = ref.render(ref.pages.get("x"));
        assertThat(x).contains("# `x`", "The x module.", "> **Differs from Lunatik 3.7:** Lunatik has no x.",
            "### `x.f(a [, b])`", "| `a` | integer: the first and only |", "**Returns** the sum",
            "**Raises** \"bad\" when a is 0");
        assertThat(ref.render(ref.pages.get("y"))).contains("### `y.double(n)`", "Doubles.", "| `n` | a number |");
        assertThat(ref.pages.get("x").entries).containsOnlyKeys("x.f");
        assertThat(Reference.prose("raises \"<script> failed\" or `a<b`")).isEqualTo("raises \"&lt;script&gt; failed\" or `a<b`");
    }
}
