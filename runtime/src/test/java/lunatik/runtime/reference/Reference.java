package lunatik.runtime.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The module reference (docs/reference/), generated from the sources' own doc comments: the
 * Java modules' {@code /*lua ...} blocks in runtime/src/main/java/lunatik/runtime/lib and the
 * LDoc comments ({@code --- ...}) of the Lua libraries in lua/. One page per module.
 *
 * <p>Java: a block {@code /*lua @module NAME} describes a module (the blocks that follow in the
 * file belong to it); a block {@code /*lua SIGNATURE} one entry: {@code mod.f(args)} a function,
 * {@code class:m(args)} a method, {@code mod.NAME} a constant or table. Lua: a {@code ---} comment
 * with {@code @module NAME} describes the module; one before {@code function mod.f(...)} or
 * {@code function Class:m(...)} the function (or a comment naming its entry with
 * {@code @function SIGNATURE}). Tags in both: {@code @param name text}, {@code @return text},
 * {@code @raise text}, {@code @differs text} (how it differs from Lunatik 3.7), and in a module
 * block {@code @table} (the module is a data table: its entries are not each documented).
 */
public final class Reference {
    /** One documented entry. */
    public record Entry(String key, String signature, String kind, String text, List<String[]> params,
            List<String> returns, List<String> raises, List<String> differs) {
    }

    /** One module's page. */
    public static final class Page {
        public final String name;
        public final List<String> sources = new ArrayList<>();
        public String text = "";
        public final List<String> differs = new ArrayList<>();
        public boolean dataTable;
        public final Map<String, Entry> entries = new LinkedHashMap<>();
        /** Constant tables' members, filled from a live state (key: entry key). */
        public final Map<String, Map<String, String>> constants = new TreeMap<>();

        Page(String name) {
            this.name = name;
        }
    }

    private final Path checkout;
    public final Map<String, Page> pages = new TreeMap<>();

    public Reference(Path checkout) {
        this.checkout = checkout;
    }

    /** Reads every source. */
    public Reference parse() {
        try (Stream<Path> s = Files.list(checkout.resolve("runtime/src/main/java/lunatik/runtime/lib"))) {
            for (Path p : s.sorted().toList()) {
                parseJava(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> s = Files.walk(checkout.resolve("lua"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".lua")).sorted().toList()) {
                if (!p.getFileName().toString().equals("driver.lua")) {
                    parseLua(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Lua module names of the files under lua/ (driver.lua is the daemon's, not a module). */
    public List<String> luaModules() {
        List<String> r = new ArrayList<>();
        try (Stream<Path> s = Files.walk(checkout.resolve("lua"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".lua")).sorted().toList()) {
                String rel = checkout.resolve("lua").relativize(p).toString();
                if (!rel.equals("driver.lua")) {
                    r.add(rel.substring(0, rel.length() - 4).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    private static final Pattern JAVA_BLOCK = Pattern.compile("/\\*lua\\b(.*?)\\*/", Pattern.DOTALL);

    private void parseJava(Path file) throws IOException {
        String src = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = JAVA_BLOCK.matcher(src);
        Page page = null;
        String rel = checkout.relativize(file).toString();
        while (m.find()) {
            List<String> lines = new ArrayList<>();
            for (String line : m.group(1).split("\n", -1)) {
                String t = line.strip();
                if (t.startsWith("*")) {
                    t = t.substring(1);
                    if (t.startsWith(" ")) {
                        t = t.substring(1);
                    }
                }
                lines.add(t.stripTrailing());
            }
            String head = lines.remove(0).strip();
            if (head.startsWith("@module ")) {
                page = page(head.substring(8).strip(), rel);
                block(page, null, null, lines);
            } else {
                if (page == null) {
                    throw new IllegalStateException(rel + ": /*lua " + head + " before any /*lua @module");
                }
                block(page, head, null, lines);
            }
        }
    }

    private Page page(String name, String source) {
        Page p = pages.computeIfAbsent(name, Page::new);
        if (!p.sources.contains(source)) {
            p.sources.add(source);
        }
        return p;
    }

    private static final Pattern LUA_FUNCTION = Pattern.compile("^function\\s+([\\w.]+(?::\\w+)?)\\s*\\(([^)]*)\\)");

    private void parseLua(Path file) throws IOException {
        List<String> src = Files.readAllLines(file, StandardCharsets.UTF_8);
        String rel = checkout.relativize(file).toString();
        String modName = checkout.resolve("lua").relativize(file).toString().replaceAll("\\.lua$", "").replace('/', '.');
        Page page = null;
        // the table the file returns is the module: its functions are named after the module
        String returned = null;
        for (String line : src) {
            Matcher r = Pattern.compile("^return\\s+(\\w+)\\s*$").matcher(line);
            if (r.find()) {
                returned = r.group(1);
            }
        }
        for (int i = 0; i < src.size(); i++) {
            String t = src.get(i).strip();
            if (!t.startsWith("---")) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            lines.add(t.substring(3).strip());
            int j = i + 1;
            while (j < src.size() && src.get(j).strip().startsWith("--") && !src.get(j).strip().startsWith("---")) {
                String c = src.get(j).strip().substring(2);
                lines.add(c.startsWith(" ") ? c.substring(1).stripTrailing() : c.stripTrailing());
                j++;
            }
            i = j - 1;
            String module = tag(lines, "@module");
            if (module != null) {
                page = page(module, rel);
                block(page, null, null, lines);
                continue;
            }
            if (page == null) {
                page = page(modName, rel);
            }
            String explicit = tag(lines, "@function");
            if (explicit != null) {
                block(page, renamed(explicit, returned, page.name), null, lines);
                continue;
            }
            int k = j;
            while (k < src.size() && src.get(k).isBlank()) {
                k++;
            }
            Matcher fm = k < src.size() ? LUA_FUNCTION.matcher(src.get(k).strip()) : null;
            if (fm != null && fm.find()) {
                block(page, renamed(fm.group(1), returned, page.name) + "(" + fm.group(2).strip() + ")", null, lines);
            }
            // otherwise a comment on a local: not part of the reference
        }
    }

    /** {@code local.f} as {@code module.f} when {@code local} is the table the file returns. */
    private static String renamed(String name, String returned, String module) {
        if (returned != null && (name.startsWith(returned + ".") || name.startsWith(returned + ":"))) {
            return module + name.substring(returned.length());
        }
        return name;
    }

    /** Removes the line "tag value" from lines and returns the value (or null). */
    private static String tag(List<String> lines, String tag) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.equals(tag) || l.startsWith(tag + " ")) {
                lines.remove(i);
                return l.substring(tag.length()).strip();
            }
        }
        return null;
    }

    private static void block(Page page, String signature, String unused, List<String> lines) {
        StringBuilder text = new StringBuilder();
        List<String[]> params = new ArrayList<>();
        List<String> returns = new ArrayList<>();
        List<String> raises = new ArrayList<>();
        List<String> differs = new ArrayList<>();
        boolean table = false;
        List<String> current = null; // the tag being continued
        String[] currentParam = null;
        for (String l : lines) {
            String s = l.strip();
            if (s.startsWith("@param ")) {
                String rest = s.substring(7).strip();
                int sp = rest.indexOf(' ');
                currentParam = new String[] {sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1).strip()};
                params.add(currentParam);
                current = null;
            } else if (s.startsWith("@return") || s.startsWith("@raise") || s.startsWith("@differs")) {
                String t = s.startsWith("@return") ? "@return" : s.startsWith("@raise") ? "@raise" : "@differs";
                current = t.equals("@return") ? returns : t.equals("@raise") ? raises : differs;
                current.add(s.substring(t.length()).strip());
                currentParam = null;
            } else if (s.equals("@table")) {
                table = true;
            } else if (s.startsWith("@")) {
                throw new IllegalStateException(page.name + ": unknown tag in " + s);
            } else if (currentParam != null && !s.isEmpty()) {
                currentParam[1] = (currentParam[1] + " " + s).strip();
            } else if (current != null && !s.isEmpty()) {
                current.set(current.size() - 1, (current.get(current.size() - 1) + " " + s).strip());
            } else {
                current = null;
                currentParam = null;
                text.append(l).append('\n');
            }
        }
        String body = text.toString().strip();
        if (signature == null) {
            page.text = page.text.isEmpty() ? body : page.text + "\n\n" + body;
            page.differs.addAll(differs);
            page.dataTable |= table;
            return;
        }
        int paren = signature.indexOf('(');
        String key = (paren < 0 ? signature : signature.substring(0, paren)).strip();
        String kind = paren < 0 ? "field" : key.contains(":") ? "method" : "function";
        if (page.entries.containsKey(key)) {
            throw new IllegalStateException(page.name + ": " + key + " documented twice");
        }
        page.entries.put(key, new Entry(key, signature.strip(), kind, body, params, returns, raises, differs));
    }

    /** The page of one module, in Markdown. */
    public String render(Page p) {
        StringBuilder b = new StringBuilder();
        b.append("<!-- generated by bin/reference from ").append(String.join(", ", p.sources))
            .append(": edit the sources' doc comments, not this file -->\n\n");
        b.append("# `").append(p.name).append("`\n\n");
        b.append("`require(\"").append(p.name).append("\")`");
        b.append(" — source: ");
        List<String> links = new ArrayList<>();
        for (String s : p.sources) {
            links.add("[" + s.substring(s.lastIndexOf('/') + 1) + "](../../" + s + ")");
        }
        b.append(String.join(", ", links)).append("\n\n");
        if (!p.text.isEmpty()) {
            b.append(prose(p.text)).append("\n\n");
        }
        for (String d : p.differs) {
            b.append("> **Differs from Lunatik 3.7:** ").append(prose(d)).append("\n\n");
        }
        section(b, p, "function", "Functions");
        section(b, p, "field", "Constants and tables");
        section(b, p, "method", "Methods");
        return b.toString().replaceAll("\n{3,}", "\n\n").strip() + "\n";
    }

    private void section(StringBuilder b, Page p, String kind, String title) {
        List<Entry> es = p.entries.values().stream().filter(e -> e.kind().equals(kind)).toList();
        if (es.isEmpty()) {
            return;
        }
        b.append("## ").append(title).append("\n\n");
        for (Entry e : es) {
            b.append("### `").append(e.signature()).append("`\n\n");
            if (!e.text().isEmpty()) {
                b.append(prose(e.text())).append("\n\n");
            }
            if (!e.params().isEmpty()) {
                b.append("| argument | |\n|---|---|\n");
                for (String[] a : e.params()) {
                    b.append("| `").append(a[0]).append("` | ").append(prose(a[1]).replace("|", "\\|")).append(" |\n");
                }
                b.append('\n');
            }
            for (String r : e.returns()) {
                b.append("**Returns** ").append(prose(r)).append("\n\n");
            }
            for (String r : e.raises()) {
                b.append("**Raises** ").append(prose(r)).append("\n\n");
            }
            Map<String, String> values = p.constants.get(e.key());
            if (values != null && !values.isEmpty()) {
                b.append("| name | value |\n|---|---|\n");
                values.forEach((k, v) -> b.append("| `").append(k).append("` | `").append(v).append("` |\n"));
                b.append('\n');
            }
            for (String d : e.differs()) {
                b.append("> **Differs from Lunatik 3.7:** ").append(prose(d)).append("\n\n");
            }
        }
    }

    /** Markdown prose: {@code <} and {@code >} outside code spans as entities, so "<script>" shows. */
    static String prose(String text) {
        StringBuilder b = new StringBuilder();
        boolean code = false;
        for (char c : text.toCharArray()) {
            if (c == '`') {
                code = !code;
            }
            b.append(!code && c == '<' ? "&lt;" : !code && c == '>' ? "&gt;" : String.valueOf(c));
        }
        return b.toString();
    }

    /** The index page. */
    public String index() {
        StringBuilder b = new StringBuilder();
        b.append("<!-- generated by bin/reference: edit the sources' doc comments, not this file -->\n\n");
        b.append("# Module reference\n\n");
        b.append("The modules a script can `require` in a runtime, one page each, generated from the doc comments of\n")
            .append("their sources (`bin/reference`; `ReferenceTest` fails when a page differs from its sources or a\n")
            .append("function, method or constant a module registers has no documentation). Notes headed \"Differs\n")
            .append("from Lunatik 3.7\" say where a module behaves otherwise than Lunatik's.\n\n");
        b.append("| module | |\n|---|---|\n");
        for (Page p : pages.values()) {
            String first = p.text.isEmpty() ? "" : p.text.split("\n\n")[0].replace("\n", " ");
            int dot = first.indexOf(". ");
            int colon = first.indexOf(": ");
            if (colon > 0 && (dot < 0 || colon < dot)) {
                first = first.substring(0, colon) + ".";
            } else if (dot > 0) {
                first = first.substring(0, dot + 1);
            }
            b.append("| [`").append(p.name).append("`](").append(p.name).append(".md) | ").append(prose(first).replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** Every generated file, by its path relative to docs/reference. */
    public Map<String, String> files() {
        Map<String, String> r = new TreeMap<>();
        r.put("README.md", index());
        for (Page p : pages.values()) {
            r.put(p.name + ".md", render(p));
        }
        return r;
    }
}
