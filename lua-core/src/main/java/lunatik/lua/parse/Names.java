package lunatik.lua.parse;

import lunatik.lua.value.LuaString;

/**
 * How messages name the value an expression produced, as Lua's {@code varinfo} does:
 * " (local 'a')", " (global 'x')", " (field 'f')", " (upvalue 'u')", " (constant 'c')". Both
 * back-ends take their descriptions from here when they build their code.
 */
public final class Names {
    private Names() {
    }

    /** Lua's varinfo: " (local 'a')", " (global 'x')", " (field 'f')", " (upvalue 'u')", " (constant 'c')". */
    public static String describe(Ast.Expr e) {
        e = folded(e);
        String k = kind(e);
        String n = name(e);
        if (n != null && n.indexOf('\0') >= 0) {
            n = n.substring(0, n.indexOf('\0')); // Lua formats names as C strings
        }
        if (k == null || n == null) {
            return "";
        }
        return " (" + k + " '" + n + "')";
    }

    /**
     * What Lua's constant folding leaves of {@code e} for naming: {@code 1 and x} and
     * {@code nil or x} are just {@code x}, and so is {@code (1 and true) and x}, whose left
     * side folds to a constant too (so messages name 'x' as the reference does).
     */
    private static Ast.Expr folded(Ast.Expr e) {
        e = unparen(e);
        while (e instanceof Ast.BinOp b && (b.op == Ast.OP_AND || b.op == Ast.OP_OR)) {
            Boolean left = constTruth(b.a);
            if (left == null || left != (b.op == Ast.OP_AND)) {
                break;
            }
            e = unparen(b.b);
        }
        return e;
    }

    /* Whether e is a constant Lua folds, true or false as a condition; null when it is not one. */
    private static Boolean constTruth(Ast.Expr e) {
        e = unparen(e);
        if (e instanceof Ast.True || e instanceof Ast.Const c && c.value instanceof LuaString || foldNumber(e) != null) {
            return Boolean.TRUE;
        }
        if (e instanceof Ast.UnOp u && u.op == Ast.OP_NOT) {
            Boolean inner = constTruth(u.a);
            return inner == null ? null : !inner;
        }
        if (e instanceof Ast.Nil || e instanceof Ast.False) {
            return Boolean.FALSE;
        }
        if (e instanceof Ast.BinOp b && (b.op == Ast.OP_AND || b.op == Ast.OP_OR)) {
            Ast.Expr f = folded(b);
            return f == b ? null : constTruth(f);
        }
        return null;
    }

    /*
     * The number Lua's constant folding makes of e (lcode.c's constfolding), or null when it
     * makes none: numerals, and the unary minus, bitwise not and binary arithmetic or bitwise
     * operations of such, but not those that would raise (a division by zero, a float without an
     * integer value in a bitwise operation) nor those whose result is a float NaN or zero.
     */
    private static Number foldNumber(Ast.Expr e) {
        e = unparen(e);
        if (e instanceof Ast.Const c) {
            if (c.value instanceof Long l) {
                return l;
            }
            // a -0.0 here is our parser's folding of -0.0, which Lua leaves unfolded
            return c.value instanceof Double d && !(d == 0 && 1 / d < 0) ? d : null;
        }
        if (e instanceof Ast.UnOp u && (u.op == Ast.OP_UNM || u.op == Ast.OP_BNOT)) {
            Number a = foldNumber(u.a);
            if (a == null) {
                return null;
            }
            if (u.op == Ast.OP_BNOT) {
                Long i = exactInteger(a);
                return i == null ? null : ~i;
            }
            return a instanceof Long l ? (Number) (-l) : nonZero(-a.doubleValue());
        }
        if (e instanceof Ast.BinOp b && b.op <= Ast.OP_SHR) {
            Number x = foldNumber(b.a);
            Number y = x == null ? null : foldNumber(b.b);
            return y == null ? null : arith(b.op, x, y);
        }
        return null;
    }

    private static Number arith(int op, Number x, Number y) {
        switch (op) {
            case Ast.OP_BAND, Ast.OP_BOR, Ast.OP_BXOR, Ast.OP_SHL, Ast.OP_SHR -> {
                Long i = exactInteger(x);
                Long j = exactInteger(y);
                if (i == null || j == null) {
                    return null;
                }
                return switch (op) {
                    case Ast.OP_BAND -> i & j;
                    case Ast.OP_BOR -> i | j;
                    case Ast.OP_BXOR -> i ^ j;
                    case Ast.OP_SHL -> shiftLeft(i, j);
                    default -> j == Long.MIN_VALUE ? 0L : shiftLeft(i, -j);
                };
            }
            case Ast.OP_DIV, Ast.OP_POW -> {
                double a = x.doubleValue();
                double c = y.doubleValue();
                if (op == Ast.OP_DIV && c == 0) {
                    return null;
                }
                return nonZero(op == Ast.OP_DIV ? a / c : Math.pow(a, c));
            }
            default -> {
                if ((op == Ast.OP_MOD || op == Ast.OP_IDIV) && y.doubleValue() == 0) {
                    return null;
                }
                if (x instanceof Long i && y instanceof Long j) {
                    return switch (op) {
                        case Ast.OP_ADD -> i + j;
                        case Ast.OP_SUB -> i - j;
                        case Ast.OP_MUL -> i * j;
                        case Ast.OP_MOD -> j == -1 ? 0L : Math.floorMod(i, j);
                        default -> j == -1 ? -i : Math.floorDiv(i, j);
                    };
                }
                double a = x.doubleValue();
                double c = y.doubleValue();
                return nonZero(switch (op) {
                    case Ast.OP_ADD -> a + c;
                    case Ast.OP_SUB -> a - c;
                    case Ast.OP_MUL -> a * c;
                    case Ast.OP_MOD -> floatMod(a, c);
                    default -> Math.floor(a / c);
                });
            }
        }
    }

    private static double floatMod(double a, double b) {
        double m = a % b;
        return m != 0 && (m > 0) != (b > 0) ? m + b : m;
    }

    private static long shiftLeft(long x, long n) {
        if (n <= -64 || n >= 64) {
            return 0;
        }
        return n >= 0 ? x << n : x >>> -n;
    }

    private static Long exactInteger(Number n) {
        if (n instanceof Long l) {
            return l;
        }
        double d = n.doubleValue();
        return d == Math.floor(d) && d >= -0x1p63 && d < 0x1p63 ? (Long) (long) d : null;
    }

    /* A folded float: Lua folds neither NaN nor zero (to keep -0 and NaN out of its constants). */
    private static Double nonZero(double d) {
        return Double.isNaN(d) || d == 0 ? null : d;
    }

    private static Ast.Expr unparen(Ast.Expr e) {
        while (e instanceof Ast.Paren p) {
            e = p.e;
        }
        return e;
    }

    public static String kind(Ast.Expr e) {
        if (e instanceof Ast.Paren p) {
            return p.e instanceof Ast.Const ? kind(p.e) : null;
        }
        if (e instanceof Ast.Local l) {
            return l.var.unnamed ? null : "local";
        }
        if (e instanceof Ast.Upval) {
            return "upvalue";
        }
        if (e instanceof Ast.Index ix && ix.key instanceof Ast.Const c && c.value instanceof LuaString) {
            return ix.global ? "global" : "field";
        }
        if (e instanceof Ast.Const c && c.value instanceof LuaString) {
            return "constant";
        }
        return null;
    }

    public static String name(Ast.Expr e) {
        if (e instanceof Ast.Paren p) {
            return name(p.e);
        }
        if (e instanceof Ast.Local l) {
            return l.var.name;
        }
        if (e instanceof Ast.Upval u) {
            return u.name == null ? "?" : u.name; // without debug information, Lua's upvalname says "?"
        }
        if (e instanceof Ast.Index ix && ix.key instanceof Ast.Const c && c.value instanceof LuaString s) {
            return s.toString();
        }
        if (e instanceof Ast.Const c && c.value instanceof LuaString s) {
            return s.toString();
        }
        return null;
    }
}
