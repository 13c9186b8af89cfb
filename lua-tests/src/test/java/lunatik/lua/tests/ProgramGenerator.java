package lunatik.lua.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of random Lua programs for the differential tests: integer, float and string
 * expressions over all operators, table operations, and calls to the string, table, utf8 and
 * math libraries with random (also wrong-typed) arguments.
 *
 * <p>A program is a batch of independent cases. Each case runs inside {@code pcall}, prints its
 * results through a small printer defined in the program's prelude (so that no table address or
 * other unstable text is ever printed) and, when it fails, the error message. A line
 * {@code "@@ case N"} precedes the output of case N, so that outputs can be compared case by case.
 *
 * <p>The same seed always gives the same program ({@link Random}'s algorithm is fixed by its
 * specification). With {@code kernel} set, only integer-only constructs are generated and the
 * programs are meant for the KERNEL dialect: there {@code /} is floor division, so the program
 * text for the reference interpreter has {@code //} at those places ({@link Program#source}).
 *
 * <p>Run {@link #main} to dump programs for debugging.
 */
public final class ProgramGenerator {
    /** Stands for KERNEL's {@code /} in generated text until a program is rendered. */
    static final String KERNEL_DIV = "\u0001";

    /** Line printed before the output of each case; followed by the case number. */
    public static final String CASE_MARK = "@@ case ";
    /** Line printed after the last case. */
    public static final String END_MARK = "@@ end";
    /** Cases per program (one lua5.4 process runs a whole program). */
    public static final int CASES_PER_PROGRAM = 200;

    private static final String PRELUDE = """
            local R, P, SEQ
            do
              local function esc(c) return "\\\\" .. string.byte(c) end
              R = function(v)
                local t = type(v)
                if t == "string" then
                  -- the sign of a NaN printed by tostring or %f depends on the platform
                  v = string.gsub(v, "%-nan", "nan")
                  return '"' .. string.gsub(v, '[%c"\\\\\\128-\\255]', esc) .. '"'
                end
                if t == "number" then
                  if v ~= v then return "nan" end
                  return tostring(v)
                end
                if t == "nil" or t == "boolean" then return tostring(v) end
                return t
              end
              P = function(...)
                local n = select("#", ...)
                local parts = {}
                for i = 1, n do parts[i] = R((select(i, ...))) end
                print(n .. ": " .. table.concat(parts, ", "))
              end
              SEQ = function(t)
                local parts = {}
                for i = 1, #t do parts[i] = R(t[i]) end
                return "[" .. table.concat(parts, ", ") .. "]"
              end
            end
            """;

    // ------------------------------------------------------------------ value pools

    private static final String[] INTS = {
        "0", "1", "-1", "2", "3", "-2", "5", "7", "-7", "10", "16", "31", "32", "63", "64", "65",
        "-63", "-64", "100", "255", "256", "-256", "1000", "12345", "-99999", "math.maxinteger",
        "math.mininteger", "0x7fffffffffffffff", "0xffffffffffffffff", "0x8000000000000000", "0xff",
        "9007199254740993", "4294967296", "-4294967296",
    };
    private static final String[] SMALL_INTS = {"-3", "-2", "-1", "0", "1", "2", "3", "4", "5", "6", "8", "10"};
    private static final String[] FLOATS = {
        "0.5", "-0.5", "1.5", "2.0", "-0.0", "0.0", "1e308", "1e-308", "3.14159", "(2^53)", "(2^63)",
        "(-2^63)", "(1/0)", "(-1/0)", "0.1", "100.0", "1e15", "2.5e-3", "math.huge",
        "(-math.huge)", "math.pi", "-7.5", "1e100", "0x1p-2",
    };
    private static final String[] INT_STRINGS = {
        "\"\"", "\"10\"", "\" 10 \"", "\"0x10\"", "\"-3\"", "\"abc\"", "\"7\"", "\"1 2\"", "\"0\"",
        "\"9223372036854775807\"", "\"hello world\"", "\"a\\0b\"", "\"\u00e4\"", "\"\\xff\"", "\"A\"",
        "\"-0x7fffffffffffffff\"", "\"  -12  \"",
    };
    private static final String[] FLOAT_STRINGS = {
        "\"1.5\"", "\"1e2\"", "\"0x1p4\"", "\" -2.5 \"", "\"inf\"", "\"9223372036854775808\"", "\".5\"",
    };
    private static final String[] TEXTS = {
        "\"\"", "\"a\"", "\"hello world\"", "\"Hello, World!\"", "\"abc123\"", "\"  trim  \"",
        "\"a,b,,c\"", "\"x=1, y=22\"", "\"\\0a\\0\"", "\"\u00e7\u00e9\u20ac\"", "\"\\xff\\xfe\"", "\"aaa\"",
        "\"one two  three\"", "\"(nested (parens))\"", "\"2024-01-15\"", "\"key = value\"",
        "\"%d+\"", "\"THE END\"", "\"\\u{1F600}x\"", "\"\\xe4\\xbd\"",
    };
    private static final String[] PATTERNS = {
        "\"%a+\"", "\"%d+\"", "\"(%w+)=(%w+)\"", "\"^h\"", "\"d$\"", "\".-\"", "\"[aeiou]\"",
        "\"[^%s]+\"", "\"%s*\"", "\"()\"", "\"(a*(.)%w(%s*))\"", "\"%b()\"", "\"%f[%w]%w+\"",
        "\"[%d%-]+\"", "\".\"", "\"a-\"", "\"l+\"", "\"o\"", "\"%%\"", "\"(h)(e)\"", "\"[%a_][%w_]*\"",
        "\"%u\"", "\"%p\"", "\"%x%x\"", "\"(.)%1\"", "\"[a-c]+\"", "\"[]]\"", "\"^(%s*)(.-)(%s*)$\"",
        "\"%S+\"", "\",\"", "\"\"", "\"e.\"", "\"[\\128-\\255]+\"",
        // malformed ones
        "\"[a\"", "\"%\"", "\"(()\"", "\"%1\"", "\"(%w+\"", "\"a)\"", "\"%b\"", "\"%f\"", "\"[%\"",
    };
    private static final String[] REPLACEMENTS = {
        "\"%1\"", "\"%0\"", "\"<%0>\"", "\"x\"", "\"\"", "\"%%\"", "\"%2\"", "\"%z\"", "\"[%1|%0]\"",
        "{hello = \"HI\", a = 1, e = false, l = \"L\"}", "{o = true}", "{}",
        "function(s) return s:upper() end", "function() return nil end",
        "function(...) return select('#', ...) end", "function(s) return {} end",
        "function(a, b) return (b or \"?\") .. a end",
    };
    private static final String[] SEPARATORS = {"\"\"", "\",\"", "\", \"", "\"-\"", "nil", "1"};
    private static final String[] OTHERS = {"nil", "true", "false", "{}", "{1, 2, 3}", "print"};

    private final Random rnd;
    private final boolean kernel;
    private final long seed;

    /** A generator of FULL programs ({@code kernel} false) or of KERNEL ones. */
    public ProgramGenerator(long seed, boolean kernel) {
        this.seed = seed;
        this.kernel = kernel;
        this.rnd = new Random(seed);
    }

    /**
     * A generated program: its cases' Lua source, rendered on demand for our engine or for the
     * reference interpreter.
     */
    public record Program(long seed, boolean kernel, List<String> cases) {
        /**
         * The program text. For KERNEL programs, {@code forReference} renders the dialect's
         * {@code /} as {@code //}, which is what lua5.4 needs to compute the same thing.
         */
        public String source(boolean forReference) {
            StringBuilder sb = new StringBuilder(PRELUDE);
            for (int i = 0; i < cases.size(); i++) {
                sb.append("print(\"").append(CASE_MARK).append(i + 1).append("\")\n");
                sb.append("do\n  local ok, e = pcall(function()\n");
                sb.append(cases.get(i));
                sb.append("  end)\n  if not ok then print(\"ERR \" .. R(e)) end\nend\n");
            }
            sb.append("print(\"").append(END_MARK).append("\")\n");
            return sb.toString().replace(KERNEL_DIV, forReference ? "//" : "/");
        }

        /** The source of case {@code n} (1-based) as our engine sees it. */
        public String caseSource(int n) {
            return cases.get(n - 1).replace(KERNEL_DIV, "/");
        }

        public byte[] bytes(boolean forReference) {
            return source(forReference).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A program of {@code caseCount} random cases. */
    public Program program(int caseCount) {
        List<String> cases = new ArrayList<>(caseCount);
        for (int i = 0; i < caseCount; i++) {
            cases.add(nextCase());
        }
        return new Program(seed, kernel, List.copyOf(cases));
    }

    /** One case: a block of statements that prints through P. */
    String nextCase() {
        int kind = rnd.nextInt(100);
        if (kind < 30) {
            return expressionCase();
        }
        if (kind < 50) {
            return stringCase();
        }
        if (kind < 62) {
            return formatCase();
        }
        if (kind < 77) {
            return tableCase();
        }
        if (kind < 82) {
            return packCase();
        }
        if (kind < 90) {
            return scopeCase();
        }
        if (kind < 95) {
            return libraryCallCase();
        }
        return dumpCase();
    }

    // ------------------------------------------------------------------ helpers

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private boolean chance(int percent) {
        return rnd.nextInt(100) < percent;
    }

    /** An integer literal: from the pool, small, or any 64-bit value in decimal or hex. */
    private String intLiteral() {
        int k = rnd.nextInt(10);
        if (k < 5) {
            return pick(INTS);
        }
        if (k < 8) {
            return Integer.toString(rnd.nextInt(201) - 100);
        }
        long v = rnd.nextLong();
        if (k == 8) {
            return "0x" + Long.toHexString(v);
        }
        // Long.MIN_VALUE has no decimal literal (9223372036854775808 would be a float)
        return v == Long.MIN_VALUE ? "math.mininteger" : Long.toString(v);
    }

    private String floatLiteral() {
        if (chance(50)) {
            return pick(FLOATS);
        }
        double d = (rnd.nextInt(2001) - 1000) / 8.0; // exact binary fractions print stably
        return d < 0 ? "(" + d + ")" : Double.toString(d);
    }

    /** A number of either subtype (floats only in FULL). */
    private String number() {
        return !kernel && chance(30) ? floatLiteral() : intLiteral();
    }

    /** A string literal that may or may not convert to a number. */
    private String numericString() {
        return !kernel && chance(25) ? pick(FLOAT_STRINGS) : pick(INT_STRINGS);
    }

    /** Any value: numbers, strings, and the odd nil, boolean or table. */
    private String anyValue() {
        int k = rnd.nextInt(100);
        if (k < 50) {
            return number();
        }
        if (k < 70) {
            return numericString();
        }
        if (k < 85) {
            return pick(TEXTS);
        }
        return pick(OTHERS);
    }

    /** Usually a value of the wanted kind, sometimes anything (wrong-typed arguments). */
    private String orWrong(String good) {
        return chance(10) ? anyValue() : good;
    }

    private String text() {
        return orWrong(pick(TEXTS));
    }

    private String smallInt() {
        return orWrong(chance(85) ? pick(SMALL_INTS) : pick(INTS));
    }

    // ------------------------------------------------------------------ expressions

    private static final String[] BINARY_INT = {
        "+", "-", "*", "//", "%", "&", "|", "~", "<<", ">>", "..", "==", "~=", "<", "<=", ">", ">=",
        "and", "or",
    };
    private static final String[] UNARY = {"-", "~", "#", "not"};

    /**
     * Locals a, b, c and a table t are set up, then one to three random expressions are printed,
     * directly or through a closure (so that operands are locals, upvalues, fields or globals).
     */
    private String expressionCase() {
        StringBuilder sb = new StringBuilder();
        sb.append("    local a, b, c = ").append(operandValue()).append(", ")
            .append(operandValue()).append(", ").append(operandValue()).append('\n');
        sb.append("    local t = {n = ").append(number()).append(", s = ").append(numericString()).append("}\n");
        if (chance(30)) {
            sb.append("    G = ").append(operandValue()).append('\n');
        }
        int n = 1 + rnd.nextInt(3);
        boolean closure = chance(35);
        for (int i = 0; i < n; i++) {
            String e = expr(1 + rnd.nextInt(4));
            if (closure) {
                sb.append("    local function f() return ").append(e).append(" end\n    P(f())\n");
            } else {
                sb.append("    P(").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /**
     * Expressions in a function passed through {@code string.dump} and {@code load}, stripped
     * or not: the rebuilt function computes the same, and its errors read as lua5.4's
     * (positions, or "?:-1:" and no variable names when stripped).
     */
    private String dumpCase() {
        StringBuilder sb = new StringBuilder();
        sb.append("    local t = {n = ").append(number()).append(", s = ").append(numericString()).append("}\n");
        // f has no upvalue but _ENV: the rebuilt function's first upvalue is the globals
        sb.append("    local function f(a, b, c, t)\n      return ").append(expr(1 + rnd.nextInt(4)));
        for (int i = rnd.nextInt(3); i > 0; i--) {
            sb.append(", ").append(expr(1 + rnd.nextInt(3)));
        }
        sb.append("\n    end\n");
        sb.append("    local g = load(string.dump(f").append(chance(50) ? ", true" : "").append("), \"dumped\", \"b\")\n");
        sb.append("    P(pcall(g, ").append(operandValue()).append(", ").append(operandValue()).append(", ")
            .append(operandValue()).append(", t))\n");
        return sb.toString();
    }

    // ------------------------------------------------------------------ scopes

    private static final String[] SCOPE_NAMES = {"x", "y", "i", "k", "v"};

    /**
     * Blocks, loops and closures that declare, shadow and reuse a few names, printing them at
     * every step: after a block or a loop a name must mean the outer local again, or the global
     * (nil: these names are never assigned as globals).
     */
    private String scopeCase() {
        java.util.Deque<java.util.Set<String>> scopes = new java.util.ArrayDeque<>();
        scopes.push(new java.util.HashSet<>());
        StringBuilder sb = new StringBuilder();
        scopeBlock(sb, scopes, 2, "    ");
        sb.append("    P(x, y, i, k, v)\n");
        return sb.toString();
    }

    private boolean declared(java.util.Deque<java.util.Set<String>> scopes, String n) {
        for (java.util.Set<String> s : scopes) {
            if (s.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /** A small integer expression over the names in scope (undeclared ones read as nil, so not used). */
    private String scopeExpr(java.util.Deque<java.util.Set<String>> scopes) {
        String n = pick(SCOPE_NAMES);
        if (declared(scopes, n) && chance(60)) {
            return "(" + n + " or 0) + " + rnd.nextInt(10);
        }
        return Integer.toString(rnd.nextInt(10));
    }

    private void scopeBlock(StringBuilder sb, java.util.Deque<java.util.Set<String>> scopes, int depth, String ind) {
        int n = 1 + rnd.nextInt(4);
        for (int s = 0; s < n; s++) {
            String a = pick(SCOPE_NAMES);
            String b = pick(SCOPE_NAMES);
            int k = rnd.nextInt(depth > 0 ? 11 : 4);
            switch (k) {
                case 9 -> continueLoop(sb, scopes, depth, ind, a);
                case 10 -> gotoLoop(sb, scopes, depth, ind, a);
                case 0 -> {
                    sb.append(ind).append("local ").append(a).append(" = ").append(scopeExpr(scopes)).append('\n');
                    scopes.peek().add(a);
                }
                case 1 -> {
                    if (declared(scopes, a)) {
                        sb.append(ind).append(a).append(" = ").append(scopeExpr(scopes)).append('\n');
                    }
                }
                case 2, 3 -> sb.append(ind).append("P(").append(a).append(", ").append(b).append(")\n");
                case 4 -> {
                    sb.append(ind).append("for ").append(a).append(" = 1, ").append(1 + rnd.nextInt(3)).append(" do\n");
                    nested(sb, scopes, depth, ind, a);
                    sb.append(ind).append("end\n");
                }
                case 5 -> {
                    if (a.equals(b)) {
                        b = "v".equals(a) ? "k" : "v";
                    }
                    sb.append(ind).append("for ").append(a).append(", ").append(b).append(" in ipairs({")
                        .append(rnd.nextInt(9)).append(", ").append(rnd.nextInt(9)).append("}) do\n");
                    nested(sb, scopes, depth, ind, a, b);
                    sb.append(ind).append("end\n");
                }
                case 6 -> {
                    sb.append(ind).append("do\n");
                    nested(sb, scopes, depth, ind);
                    sb.append(ind).append("end\n");
                }
                case 7 -> {
                    sb.append(ind).append("local function f() return ").append(a).append(", ").append(b).append(" end\n");
                    sb.append(ind).append("P(f())\n");
                }
                default -> {
                    sb.append(ind).append("repeat\n");
                    sb.append(ind).append("  local ").append(a).append(" = ").append(scopeExpr(scopes)).append('\n');
                    scopes.push(new java.util.HashSet<>(java.util.Set.of(a)));
                    scopeBlock(sb, scopes, depth - 1, ind + "  ");
                    scopes.pop();
                    sb.append(ind).append("until ").append(a).append(" ~= nil\n");
                }
            }
        }
    }

    /** Labels are numbered: a label may not repeat one visible in an enclosing block. */
    private int labels;

    /** A loop whose body skips its rest with {@code goto continue} (the label ends the body). */
    private void continueLoop(StringBuilder sb, java.util.Deque<java.util.Set<String>> scopes, int depth, String ind,
                              String a) {
        String label = "continue" + labels++;
        boolean isFor = chance(50);
        if (isFor) {
            sb.append(ind).append("for ").append(a).append(" = 1, ").append(2 + rnd.nextInt(3)).append(" do\n");
        } else {
            sb.append(ind).append("local w = 0\n").append(ind).append("while w < ").append(2 + rnd.nextInt(3))
                .append(" do\n").append(ind).append("  w = w + 1\n");
        }
        scopes.push(new java.util.HashSet<>(isFor ? java.util.List.of(a) : java.util.List.of()));
        scopeBlock(sb, scopes, depth - 1, ind + "  ");
        String counter = isFor ? a : "w";
        sb.append(ind).append("  if ").append(counter).append(" % ").append(2 + rnd.nextInt(2))
            .append(" == 0 then goto ").append(label).append(" end\n");
        scopeBlock(sb, scopes, depth - 1, ind + "  ");
        scopes.pop();
        sb.append(ind).append("  ::").append(label).append("::\n");
        sb.append(ind).append("end\n");
    }

    /**
     * A backward goto as a loop, with a local declared after the label captured by closures:
     * each time round is a new variable, which the closures keep.
     */
    private void gotoLoop(StringBuilder sb, java.util.Deque<java.util.Set<String>> scopes, int depth, String ind,
                          String a) {
        String label = "again" + labels++;
        int rounds = 2 + rnd.nextInt(3);
        sb.append(ind).append("do\n");
        sb.append(ind).append("  local n, fs = 0, {}\n");
        sb.append(ind).append("  ::").append(label).append("::\n");
        sb.append(ind).append("  local ").append(a).append(" = n * 3 + ").append(scopeExpr(scopes)).append('\n');
        scopes.push(new java.util.HashSet<>(java.util.List.of(a)));
        sb.append(ind).append("  fs[#fs + 1] = function() ").append(a).append(" = ").append(a).append(" + 1; return ")
            .append(a).append(" end\n");
        scopeBlock(sb, scopes, depth - 1, ind + "  ");
        scopes.pop();
        sb.append(ind).append("  n = n + 1\n");
        sb.append(ind).append("  if n < ").append(rounds).append(" then goto ").append(label).append(" end\n");
        sb.append(ind).append("  local r = {}\n");
        sb.append(ind).append("  for j = 1, #fs do r[j] = fs[j]() + fs[j]() end\n");
        sb.append(ind).append("  P(#fs, table.concat(r, \",\"))\n");
        sb.append(ind).append("end\n");
    }

    /** A nested block where {@code names} are declared (a loop's control variables). */
    private void nested(StringBuilder sb, java.util.Deque<java.util.Set<String>> scopes, int depth, String ind,
                        String... names) {
        scopes.push(new java.util.HashSet<>(java.util.List.of(names)));
        scopeBlock(sb, scopes, depth - 1, ind + "  ");
        scopes.pop();
    }

    /** A value for a local that expressions operate on. */
    private String operandValue() {
        int k = rnd.nextInt(100);
        if (k < 60) {
            return number();
        }
        if (k < 85) {
            return numericString();
        }
        return chance(50) ? "nil" : pick(new String[] {"true", "{}", "\"x\""});
    }

    private String expr(int depth) {
        if (depth <= 0 || chance(20)) {
            return terminal();
        }
        if (chance(15)) {
            String op = pick(UNARY);
            String operand = expr(depth - 1);
            return op.equals("not") ? "not " + operand : op + " " + operand;
        }
        String op = binaryOperator();
        String l = expr(depth - 1);
        String r = expr(depth - 1);
        String e = l + " " + op + " " + r;
        return chance(80) ? "(" + e + ")" : e;
    }

    /**
     * KERNEL programs leave out '..' inside expressions: a concatenation of numbers can make a
     * numeral too long for an integer, which lua5.4 (the reference) would read as a float.
     */
    private static final String[] BINARY_KERNEL = java.util.Arrays.stream(BINARY_INT)
        .filter(o -> !o.equals("..")).toArray(String[]::new);

    private String binaryOperator() {
        if (kernel) {
            return chance(8) ? KERNEL_DIV : pick(BINARY_KERNEL);
        }
        int k = rnd.nextInt(100);
        if (k < 8) {
            return "/";
        }
        if (k < 12) {
            return "^";
        }
        return pick(BINARY_INT);
    }

    private String terminal() {
        int k = rnd.nextInt(100);
        if (k < 35) {
            return pick(new String[] {"a", "b", "c"});
        }
        if (k < 60) {
            return number();
        }
        if (k < 70) {
            return numericString();
        }
        if (k < 78) {
            return pick(new String[] {"t.n", "t.s", "t.x"});
        }
        if (k < 83) {
            return pick(new String[] {"G", "g_undefined"});
        }
        if (k < 90) {
            return pick(new String[] {"#t", "#\"abc\"", "#t.s", "(#a)"});
        }
        return pick(new String[] {"nil", "true", "false", "{}", "t"});
    }

    // ------------------------------------------------------------------ string library

    /** One to three calls to string functions on one subject string. */
    private String stringCase() {
        StringBuilder sb = new StringBuilder("    local s = ").append(pick(TEXTS)).append('\n');
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(stringCall());
        }
        return sb.toString();
    }

    private String stringCall() {
        String subject = chance(80) ? "s" : text();
        switch (rnd.nextInt(14)) {
            case 0:
                return call("string.sub", subject, position(), chance(70) ? position() : null);
            case 1:
                return call("string.rep", subject, repCount(), chance(40) ? pick(SEPARATORS) : null);
            case 2:
                return call("string.byte", subject, chance(70) ? position() : null, chance(50) ? position() : null);
            case 3:
                return charCall();
            case 4:
                return call(pick(new String[] {"string.upper", "string.lower", "string.len", "string.reverse"}), subject);
            case 5:
                return call("string.find", subject, orWrong(pick(PATTERNS)), chance(40) ? position() : null,
                    chance(30) ? pick(new String[] {"true", "false", "nil"}) : null);
            case 6:
                return call("string.match", subject, orWrong(pick(PATTERNS)), chance(30) ? position() : null);
            case 7:
            case 8:
                return call("string.gsub", subject, orWrong(pick(PATTERNS)), orWrong(pick(REPLACEMENTS)),
                    chance(30) ? smallInt() : null);
            case 9:
                return gmatchLoop(subject);
            case 10:
                return methodCall();
            case 11:
                return concatAndCompare(subject);
            case 12:
                // tostring of a table or function would print its address
                return call("tostring", subject.startsWith("{") || subject.equals("print") ? "s" : subject)
                    + call("tonumber", orWrong(numericString()),
                    chance(40) ? pick(new String[] {"2", "8", "10", "16", "36", "1", "37"}) : null);
            default:
                return call("string.format", "\"%q\"", subject);
        }
    }

    /**
     * A count for string.rep: small, or wrong in a harmless way. Never large: a huge count is
     * either an allocation failure or, for an empty string, a near-endless loop in lua5.4.
     */
    private String repCount() {
        int k = rnd.nextInt(100);
        if (k < 88) {
            return pick(SMALL_INTS);
        }
        if (k < 95) {
            return pick(new String[] {"nil", "{}", "\"x\"", "\"3\"", "true"});
        }
        return kernel ? "-5" : pick(new String[] {"1.5", "2.0", "-5"});
    }

    /** A string position: small, negative, zero or extreme. */
    private String position() {
        if (chance(10)) {
            return pick(new String[] {"math.maxinteger", "math.mininteger", "100", "-100"});
        }
        return orWrong(Integer.toString(rnd.nextInt(25) - 12));
    }

    private String charCall() {
        List<String> args = new ArrayList<>();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            args.add(orWrong(chance(85) ? Integer.toString(32 + rnd.nextInt(95))
                : pick(new String[] {"0", "255", "256", "-1", "\"65\"", "10"})));
        }
        return call("string.char", args.toArray(String[]::new));
    }

    private String gmatchLoop(String subject) {
        return "    do local r = {}\n"
            + "      for x, y in string.gmatch(" + subject + ", " + orWrong(pick(PATTERNS))
            + (chance(20) ? ", " + position() : "") + ") do\n"
            + "        r[#r + 1] = R(x) .. \"/\" .. R(y)\n"
            + "        if #r >= 30 then break end\n"
            + "      end\n"
            + "      P(#r, table.concat(r, \";\"))\n    end\n";
    }

    /** Method-call syntax, whose argument numbers in messages differ ("calling 'x' on bad self"). */
    private String methodCall() {
        String recv = chance(80) ? "s" : "(" + anyValue() + ")";
        return switch (rnd.nextInt(5)) {
            case 0 -> "    P(" + recv + ":sub(" + position() + ", " + position() + "))\n";
            case 1 -> "    P(" + recv + ":rep(" + repCount() + "))\n";
            case 2 -> "    P(" + recv + ":upper(), " + recv + ":len())\n";
            case 3 -> "    P(" + recv + ":find(" + orWrong(pick(PATTERNS)) + "))\n";
            default -> "    P(" + recv + ":byte(" + position() + "))\n";
        };
    }

    private String concatAndCompare(String subject) {
        String other = chance(50) ? pick(TEXTS) : anyValue();
        return "    P(" + subject + " .. " + other + ")\n"
            + "    P(" + subject + " < " + other + ", " + subject + " == " + other + ", #" + subject + ")\n";
    }

    /**
     * A call printed through P: directly (errors carry a position and the short name) or,
     * now and then, through pcall (errors carry no position and the qualified name).
     */
    private String call(String fn, String... args) {
        StringBuilder list = new StringBuilder();
        for (String a : args) {
            if (a == null) {
                break; // trailing optional arguments left out
            }
            list.append(list.isEmpty() ? "" : ", ").append(a);
        }
        if (chance(25)) {
            return "    P(pcall(" + fn + (list.isEmpty() ? "" : ", " + list) + "))\n";
        }
        return "    P(" + fn + "(" + list + "))\n";
    }

    // ------------------------------------------------------------------ string.format

    private static final String[] INT_CONVERSIONS = {"d", "i", "x", "X", "o", "c", "s", "q"};
    private static final String[] FLOAT_CONVERSIONS = {"f", "e", "E", "g", "G", "a", "A"};

    /** string.format with one to three random conversion specifications. */
    private String formatCase() {
        StringBuilder fmt = new StringBuilder();
        List<String> args = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (chance(50)) {
                fmt.append(pick(new String[] {"<", "|", " ", "x=", "%%"}));
            }
            String conv = !kernel && chance(30) ? pick(FLOAT_CONVERSIONS) : pick(INT_CONVERSIONS);
            fmt.append(spec(conv));
            args.add(formatArgument(conv));
        }
        if (chance(5)) {
            args.remove(args.size() - 1); // missing argument
        }
        args.add(0, "\"" + fmt + "\"");
        return call("string.format", args.toArray(String[]::new));
    }

    /** A conversion specification with random flags, width and precision (valid or not). */
    private String spec(String conv) {
        StringBuilder sb = new StringBuilder("%");
        if (chance(35)) {
            sb.append(pick(new String[] {"-", "0", "+", " ", "#", "-0", "#0"}));
        }
        if (chance(40)) {
            sb.append(pick(new String[] {"1", "5", "10", "20", "99", "100"}));
        }
        if (chance(35)) {
            sb.append(pick(new String[] {".0", ".1", ".2", ".5", ".20", ".99"}));
        }
        return sb.append(conv).toString();
    }

    private String formatArgument(String conv) {
        if (chance(10)) {
            // wrong-typed or odd arguments, except tables for %s (that would print an address)
            String v = anyValue();
            boolean unprintable = v.startsWith("{") || v.equals("print");
            return conv.equals("s") && unprintable ? "nil" : v;
        }
        return switch (conv) {
            case "s", "q" -> chance(60) ? pick(TEXTS) : number();
            case "c" -> Integer.toString(chance(90) ? 32 + rnd.nextInt(95) : rnd.nextInt(256));
            case "d", "i", "x", "X", "o" -> chance(15) ? numericString() : number();
            default -> number();
        };
    }

    // ------------------------------------------------------------------ tables

    /** A table built by a constructor, then changed and inspected by a few operations. */
    private String tableCase() {
        StringBuilder sb = new StringBuilder();
        // no nils: a constructor with holes has an unspecified length
        sb.append("    local function f() return ").append(valueList(rnd.nextInt(4), false)).append(" end\n");
        sb.append("    local t = {").append(constructorItems()).append("}\n");
        sb.append("    P(#t, SEQ(t))\n");
        int ops = 1 + rnd.nextInt(5);
        for (int i = 0; i < ops; i++) {
            sb.append(tableOperation());
        }
        sb.append("    P(#t, SEQ(t), next(t) == nil)\n");
        return sb.toString();
    }

    private String valueList(int n, boolean allowNil) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(allowNil && chance(10) ? "nil" : element());
        }
        return sb.toString();
    }

    /** Table elements: integers and strings (what concat and sort accept). */
    private String element() {
        return chance(60) ? Integer.toString(rnd.nextInt(41) - 20) : pick(TEXTS);
    }

    private String constructorItems() {
        List<String> items = new ArrayList<>();
        int n = rnd.nextInt(7);
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(10);
            if (k < 6) {
                items.add(element());
            } else if (k < 8) {
                items.add(pick(new String[] {"x", "y", "name"}) + " = " + element());
            } else {
                items.add("[" + pick(new String[] {"\"k\"", "-1", "0", "100", "true"}) + "] = " + element());
            }
        }
        if (chance(40)) {
            items.add(chance(50) ? "f()" : "(f())");
        }
        return String.join(", ", items);
    }

    private String tableOperation() {
        return switch (rnd.nextInt(13)) {
            case 0 -> "    table.insert(t, " + element() + ")\n";
            case 1 -> "    P(pcall(table.insert, t, " + insertPosition() + ", " + element() + "))\n";
            case 2 -> "    P(table.remove(t))\n";
            case 3 -> "    P(table.remove(t, " + removePosition() + "))\n";
            case 4 -> "    t[#t + 1] = " + element() + "\n";
            case 5 -> "    t[#t] = nil\n";
            case 6 -> concatCall();
            case 7 -> sortCall();
            case 8 -> unpackCall();
            case 9 -> "    P(rawlen(t), select(\"#\", table.unpack(t)), t[0], t[#t], t[#t + 1])\n";
            case 10 -> moveCall();
            case 11 -> "    local p = table.pack(table.unpack(t)); P(p.n, #p, SEQ(p))\n";
            default -> "    for k, v in ipairs(t) do if k > 3 then break end P(k, v) end\n";
        };
    }

    /** Positions for table.insert: valid ones and, rarely, the out-of-bounds neighbours. */
    private String insertPosition() {
        return pick(new String[] {"1", "#t", "#t + 1", "#t + 1", "1", "#t + 2", "0", "-1"});
    }

    /** Positions for table.remove: only valid ones (the message for others varies by version). */
    private String removePosition() {
        return pick(new String[] {"1", "#t", "#t + 1", "(#t > 1 and 2 or #t)"});
    }

    private String concatCall() {
        String sep = chance(60) ? ", " + pick(SEPARATORS) : "";
        String range = !sep.isEmpty() && chance(40) ? ", " + pick(new String[] {"1", "2", "#t"})
            + ", " + pick(new String[] {"#t", "1", "#t - 1", "#t + 1"}) : "";
        return "    P(pcall(table.concat, t" + sep + range + "))\n";
    }

    /** Sorts only homogeneous tables (with mixed types, which pair fails first is unspecified). */
    private String sortCall() {
        String cmp = switch (rnd.nextInt(3)) {
            case 0 -> "";
            case 1 -> ", function(x, y) return x > y end";
            default -> ", function(x, y) return #tostring(x) < #tostring(y) or "
                + "(#tostring(x) == #tostring(y) and tostring(x) < tostring(y)) end";
        };
        return "    do local homo = true\n"
            + "      for i = 2, #t do if type(t[i]) ~= type(t[1]) then homo = false end end\n"
            + "      if homo then table.sort(t" + cmp + ") end\n"
            + "    end\n";
    }

    private String unpackCall() {
        if (chance(40)) {
            return "    P(table.unpack(t))\n";
        }
        String i = pick(new String[] {"1", "2", "0", "-1", "#t", "3"});
        String j = pick(new String[] {"#t", "3", "1", "0", "#t + 2", "5"});
        return "    P(table.unpack(t, " + i + ", " + j + "))\n";
    }

    /** Moves that never leave holes (the length of a table with holes is unspecified). */
    private String moveCall() {
        String f = pick(new String[] {"1", "2", "#t"});
        String e = pick(new String[] {"#t", "2", "1", "0"});
        if (chance(50)) {
            String to = pick(new String[] {"1", "2", "3", "#t + 1"});
            return "    P(SEQ(table.move(t, " + f + ", " + e + ", " + to + ")))\n";
        }
        String to = pick(new String[] {"1", "2", "3"});
        return "    P(SEQ(table.move(t, " + f + ", " + e + ", " + to + ", {\"d1\", \"d2\"})))\n";
    }

    // ------------------------------------------------------------------ string.pack

    /** Pack then unpack one or two values with a random format. */
    private String packCase() {
        String[][] intFormats = {
            {"\"i4\"", "I"}, {"\"<i2\"", "I"}, {"\">I3\"", "I"}, {"\"b\"", "I"}, {"\"B\"", "I"},
            {"\"<h\"", "I"}, {"\">j\"", "I"}, {"\"<J\"", "I"}, {"\"i8\"", "I"}, {"\"<i16\"", "I"},
            {"\">I5\"", "I"}, {"\"s1\"", "S"}, {"\"<s2\"", "S"}, {"\"z\"", "S"}, {"\"c3\"", "S"},
            {"\"<i2 i2\"", "II"}, {"\"!4 b i4\"", "II"}, {"\">b x h\"", "II"}, {"\"z s1\"", "SS"},
            {"\"i0\"", "I"}, {"\"i17\"", "I"}, {"\"y\"", "I"}, {"\"!3 i4\"", "I"}, {"\"<I4 Xi8 b\"", "II"},
        };
        String[][] floatFormats = {{"\"<d\"", "F"}, {"\">f\"", "F"}, {"\"n\"", "F"}, {"\"<d i2\"", "FI"}};
        String[] fmt = !kernel && chance(25) ? floatFormats[rnd.nextInt(floatFormats.length)]
            : intFormats[rnd.nextInt(intFormats.length)];
        StringBuilder args = new StringBuilder();
        for (char k : fmt[1].toCharArray()) {
            String v = switch (k) {
                case 'I' -> chance(70) ? Integer.toString(rnd.nextInt(2001) - 1000) : intLiteral();
                case 'S' -> pick(TEXTS);
                default -> number();
            };
            args.append(", ").append(orWrong(v));
        }
        return "    local fmt = " + fmt[0] + "\n"
            + "    local ok, p = pcall(string.pack, fmt" + args + ")\n"
            + "    P(ok, p)\n"
            + "    if ok then P(#p, string.unpack(fmt, p)) P(pcall(string.packsize, fmt)) end\n";
    }

    // ------------------------------------------------------------------ other library calls

    /** A call to a math, utf8, table or base function with random, often wrong, arguments. */
    private String libraryCallCase() {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(switch (rnd.nextInt(4)) {
                case 0 -> mathCall();
                case 1 -> utf8Call();
                case 2 -> tableLibCall();
                default -> baseCall();
            });
        }
        return sb.toString();
    }

    private String mathCall() {
        if (kernel) {
            return switch (rnd.nextInt(4)) {
                // lua5.4 converts a string argument of abs to a float: no strings here
                case 0 -> call("math.abs", orWrongNumber(intLiteral()));
                case 1 -> call(chance(50) ? "math.max" : "math.min", numbers(1 + rnd.nextInt(3)));
                case 2 -> call("math.tointeger", orWrongNumber(intLiteral()));
                default -> call("math.ult", orWrong(intLiteral()), orWrong(intLiteral()));
            };
        }
        return switch (rnd.nextInt(9)) {
            case 0 -> call("math.abs", orWrong(number()));
            case 1 -> call(chance(50) ? "math.max" : "math.min", numbers(1 + rnd.nextInt(3)));
            case 2 -> call("math.tointeger", orWrongNumber(number()));
            case 3 -> call("math.ult", orWrong(intLiteral()), orWrong(number()));
            case 4 -> call(chance(50) ? "math.floor" : "math.ceil", orWrong(number()));
            case 5 -> call("math.fmod", orWrong(number()), orWrong(number()));
            case 6 -> call("math.modf", orWrong(number()));
            case 7 -> call("math.type", orWrong(number()));
            default -> call("math.sqrt", orWrong(chance(50) ? "4" : number()));
        };
    }

    /** Numbers only: math.max/min compare without checking types in some 5.4 releases. */
    private String[] numbers(int n) {
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = number();
        }
        return a;
    }

    /** math.tointeger of a string differs between 5.4 releases: wrong types without strings. */
    private String orWrongNumber(String good) {
        return chance(10) ? pick(OTHERS) : good;
    }

    private static final String[] UTF8_TEXTS = {
        "\"\"", "\"abc\"", "\"h\u00e4ll\u20ac\"", "\"\\u{10FFFF}\"", "\"\\u{7FFFFFFF}\"", "\"\\xff\"",
        "\"a\\x80b\"", "\"\\xC0\\x80\"", "\"\\xED\\xA0\\x80\"", "\"\\xF4\\x90\\x80\\x80\"", "\"\u00e9t\u00e9\"",
        "\"\\u{1F600}\\u{1F601}\"", "\"abc\\xe4\"",
    };

    private String utf8Call() {
        String s = orWrong(pick(UTF8_TEXTS));
        return switch (rnd.nextInt(6)) {
            case 0 -> {
                List<String> cps = new ArrayList<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    cps.add(orWrong(pick(new String[] {"65", "228", "8364", "128512", "0", "0x10FFFF",
                        "0x7FFFFFFF", "0x80000000", "-1", "0xD800", "127", "128", "2047", "2048"})));
                }
                yield call("utf8.char", cps.toArray(String[]::new));
            }
            case 1 -> call("utf8.len", s, chance(50) ? position() : null, chance(40) ? position() : null,
                chance(30) ? "true" : null);
            case 2 -> call("utf8.codepoint", s, chance(60) ? position() : null, chance(50) ? position() : null,
                chance(30) ? "true" : null);
            case 3 -> call("utf8.offset", s, orWrong(Integer.toString(rnd.nextInt(9) - 4)),
                chance(50) ? position() : null);
            case 4 -> "    do local r = {}\n"
                + "      for p, c in utf8.codes(" + s + (chance(30) ? ", true" : "") + ") do r[#r + 1] = p .. \":\" .. c end\n"
                + "      P(table.concat(r, \" \"))\n    end\n";
            default -> "    P(utf8.charpattern, select(2, string.gsub(" + s + ", utf8.charpattern, \"\")))\n";
        };
    }

    private String tableLibCall() {
        String tbl = chance(85) ? "{" + valueList(rnd.nextInt(5), false) + "}" : anyValue();
        return switch (rnd.nextInt(5)) {
            case 0 -> call("table.concat", tbl, chance(50) ? pick(SEPARATORS) : null,
                chance(40) ? pick(SMALL_INTS) : null, chance(40) ? pick(SMALL_INTS) : null);
            case 1 -> call("table.unpack", tbl, chance(60) ? pick(SMALL_INTS) : null,
                chance(60) ? pick(SMALL_INTS) : null);
            case 2 -> "    do local t = " + tbl + "; P(pcall(table.insert, t, " + orWrong(pick(SMALL_INTS))
                + (chance(50) ? ", " + element() : "") + ")) if type(t) == \"table\" then P(SEQ(t)) end end\n";
            case 3 -> "    P(select(\"#\", table.unpack(" + tbl + ")), table.pack(" + valueList(rnd.nextInt(4), true) + ").n)\n";
            default -> "    do local t = " + tbl + "; P(pcall(table.sort, t)) if type(t) == \"table\" then P(SEQ(t)) end end\n";
        };
    }

    private String baseCall() {
        return switch (rnd.nextInt(7)) {
            case 0 -> call("select", orWrong(pick(new String[] {"1", "2", "-1", "-2", "\"#\"", "0", "5", "-9"})),
                element(), element(), element());
            case 1 -> call("tonumber", orWrong(chance(50) ? numericString() : pick(TEXTS)),
                chance(50) ? orWrong(pick(new String[] {"2", "10", "16", "36", "7"})) : null);
            case 2 -> {
                String v = anyValue();
                // tostring of a table or function would print its address
                yield call("tostring", v.startsWith("{") || v.equals("print") ? number() : v);
            }
            case 3 -> call("rawequal", anyValue(), anyValue());
            case 4 -> call("rawlen", orWrong(chance(50) ? "{1, 2, nil, 4}" : pick(TEXTS)));
            case 5 -> call("type", anyValue());
            default -> "    P(pcall(error, " + anyValue() + (chance(50) ? ", " + pick(SMALL_INTS) : "") + "))\n";
        };
    }

    // ------------------------------------------------------------------ main

    /**
     * Dumps programs for debugging: {@code ProgramGenerator [--kernel] [--reference] seed [count
     * [dir]]} writes {@code count} programs of 200 cases from consecutive seeds into {@code dir}
     * (default: the current directory) as {@code gen-<seed>.lua}, or prints one program to
     * standard output when no count is given. {@code --reference} renders KERNEL programs for
     * lua5.4 ({@code /} as {@code //}).
     */
    public static void main(String[] args) throws IOException {
        boolean kernel = false;
        boolean reference = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "--kernel" -> kernel = true;
                case "--reference" -> reference = true;
                default -> rest.add(a);
            }
        }
        if (rest.isEmpty()) {
            System.err.println("usage: ProgramGenerator [--kernel] [--reference] seed [count [dir]]");
            System.exit(2);
        }
        long seed = Long.parseLong(rest.get(0));
        if (rest.size() == 1) {
            System.out.print(new ProgramGenerator(seed, kernel).program(CASES_PER_PROGRAM)
                .source(reference));
            return;
        }
        int count = Integer.parseInt(rest.get(1));
        Path dir = Path.of(rest.size() > 2 ? rest.get(2) : ".");
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Program p = new ProgramGenerator(seed + i, kernel).program(CASES_PER_PROGRAM);
            Files.writeString(dir.resolve("gen-" + (seed + i) + ".lua"), p.source(reference));
        }
    }
}
