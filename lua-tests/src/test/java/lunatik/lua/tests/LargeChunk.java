package lunatik.lua.tests;

import java.util.Random;

/**
 * Seeded generator of one large Lua chunk, the kind of generated code (data files, unrolled
 * tables, long dispatch chains) that does not fit one JVM method: thousands of statements, big
 * table constructors, deep nesting, about 190 locals alive at once, a long if/elseif chain,
 * functions nested inside, and {@code goto continue} loops. Integers only, no {@code /}, no
 * iteration over hash keys, so the output is the same in both dialects and on lua5.4.
 */
final class LargeChunk {
    private final Random rnd;
    private final StringBuilder out = new StringBuilder();
    private int lines;
    private int funcs;

    private LargeChunk(long seed) {
        this.rnd = new Random(seed);
    }

    /** A chunk of at least {@code minLines} lines. */
    static String generate(long seed, int minLines) {
        return new LargeChunk(seed).chunk(minLines);
    }

    /**
     * A function whose loop body alone is too large for one JVM method: its {@code goto
     * continue} and {@code break} jump out of the helper methods the body is cut into, past a
     * {@code <close>} variable of the body, and its returns come back through them.
     */
    static String bigLoopBody(int ifs) {
        StringBuilder sb = new StringBuilder();
        sb.append("local closed = 0\nlocal mt = {__close = function() closed = closed + 1 end}\n");
        sb.append("local function big(n)\n  local total = 0\n  for i = 1, n do\n");
        sb.append("    local c <close> = setmetatable({}, mt)\n");
        for (int k = 0; k < ifs; k++) {
            sb.append("    if i % ").append(k % 97 + 2).append(" == 0 then total = total + ").append(k)
                .append("; goto continue end\n");
            if (k % 300 == 299) {
                sb.append("    if total > 5000000 then break end\n");
                sb.append("    if i == ").append(k).append(" then return -total end\n");
            }
        }
        sb.append("    ::continue::\n  end\n  return total\nend\n");
        sb.append("print(big(300), closed)\nprint(big(1000), closed)\nprint(big(1200), closed)\n");
        return sb.toString();
    }

    private void line(String s) {
        out.append(s).append('\n');
        lines++;
    }

    private String chunk(int minLines) {
        line("local sum = 0");
        line("local function mix(a, b) return (a * 31 + b) % 1000003 end");
        int nv = 150;
        for (int i = 0; i < nv; i++) {
            line("local v" + i + " = " + rnd.nextInt(1000));
        }
        int part = 0;
        while (lines < minLines) {
            switch (part++ % 7) {
                case 0 -> statements(nv, 60);
                case 1 -> bigTable(part);
                case 2 -> nesting(nv, 12);
                case 3 -> elseifChain(nv, 120);
                case 4 -> function(nv);
                case 5 -> gotoLoops(nv);
                default -> line("print('checkpoint', " + part + ", sum)");
            }
        }
        StringBuilder all = new StringBuilder("print(sum");
        for (int i = 0; i < nv; i += 17) {
            all.append(", v").append(i);
        }
        line(all.append(")").toString());
        return out.toString();
    }

    private String v(int nv) {
        return "v" + rnd.nextInt(nv);
    }

    /** Plain assignments and calls over the locals. */
    private void statements(int nv, int n) {
        for (int i = 0; i < n; i++) {
            String a = v(nv);
            switch (rnd.nextInt(4)) {
                case 0 -> line(a + " = (" + v(nv) + " + " + rnd.nextInt(100) + ") % 1000");
                case 1 -> line(a + " = mix(" + v(nv) + ", " + v(nv) + ")");
                case 2 -> line("sum = mix(sum, " + a + " ~ " + v(nv) + ")");
                default -> line(a + ", " + v(nv) + " = " + v(nv) + " & 1023, " + v(nv) + " | " + rnd.nextInt(64));
            }
        }
    }

    /** A table constructor of thousands of entries, positional and keyed, some nested, then folded. */
    private void bigTable(int k) {
        String t = "T" + k;
        line("do");
        line("local " + t + " = {");
        int rows = 120;
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder("  ");
            for (int c = 0; c < 20; c++) {
                sb.append(rnd.nextInt(100000)).append(", ");
            }
            if (r % 10 == 0) {
                sb.append("{").append(r).append(", ").append(r * 2).append(", name = 'row").append(r).append("'}, ");
            }
            line(sb.toString());
        }
        line("  k1 = 11, k2 = 22, [1000000] = 33, ['x y'] = 44,");
        line("}");
        line("local acc = 0");
        line("for i = 1, #" + t + " do local e = " + t + "[i]; if type(e) == 'table' then acc = mix(acc, e[2]) else acc = mix(acc, e) end end");
        line("sum = mix(sum, acc + " + t + ".k1 + " + t + "[1000000] + " + t + "['x y'])");
        line("print('table', #" + t + ", acc)");
        line("end");
    }

    /** Blocks nested {@code depth} deep: do, if, while, numeric and generic for. */
    private void nesting(int nv, int depth) {
        for (int d = 0; d < depth; d++) {
            switch (d % 4) {
                case 0 -> line("do local n" + d + " = " + d);
                case 1 -> line("if " + v(nv) + " >= 0 then local n" + d + " = " + d);
                case 2 -> line("for n" + d + " = 1, 2 do");
                default -> line("for _, n" + d + " in ipairs({" + d + "}) do");
            }
            line("sum = mix(sum, n" + d + ")");
        }
        for (int d = 0; d < depth; d++) {
            line("end");
        }
    }

    /** A long if/elseif chain on one value. */
    private void elseifChain(int nv, int n) {
        String x = v(nv);
        line("do local x = " + x + " % " + n);
        for (int i = 0; i < n; i++) {
            line((i == 0 ? "if" : "elseif") + " x == " + i + " then sum = mix(sum, " + (i * 7 + 1) + ")");
        }
        line("else sum = mix(sum, 999) end");
        line("end");
    }

    /** A local function with a nested closure and a loop, called at once. */
    private void function(int nv) {
        String f = "f" + funcs++;
        line("do local " + f);
        line("  " + f + " = function(a, b)");
        line("    local acc = a");
        line("    local function step(i) acc = mix(acc, i + b) end");
        line("    for i = 1, 10 do step(i) end");
        line("    return acc");
        line("  end");
        line("  sum = mix(sum, " + f + "(" + v(nv) + ", " + v(nv) + "))");
        line("end");
    }

    /** goto continue in nested loops, a backward goto loop, and closures captured in it. */
    private void gotoLoops(int nv) {
        line("do");
        line("  local kept = {}");
        line("  for i = 1, 6 do");
        line("    for j = 1, 4 do");
        line("      if (i + j) % 3 == 0 then goto continue end");
        line("      sum = mix(sum, i * j + " + v(nv) + ")");
        line("      ::continue::");
        line("    end");
        line("  end");
        line("  local n = 0");
        line("  ::again::");
        line("  local c = n");
        line("  kept[#kept + 1] = function() return c end");
        line("  n = n + 1");
        line("  if n < 5 then goto again end");
        line("  for _, g in ipairs(kept) do sum = mix(sum, g()) end");
        line("end");
    }
}
