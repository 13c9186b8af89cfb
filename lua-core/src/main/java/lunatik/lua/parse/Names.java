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
     * {@code nil or x} are just {@code x} (so messages name 'x' as the reference does), also when
     * the left operand is a constant expression ({@code (1 | 2) and x}, {@code not 1 or x}).
     */
    private static Ast.Expr folded(Ast.Expr e) {
        e = unparen(e);
        while (e instanceof Ast.BinOp b && (b.op == Ast.OP_AND || b.op == Ast.OP_OR)) {
            Boolean left = constTruth(b.a);
            if (left != null && left == (b.op == Ast.OP_AND)) {
                e = unparen(b.b);
            } else {
                break;
            }
        }
        return e;
    }

    private static Ast.Expr unparen(Ast.Expr e) {
        while (e instanceof Ast.Paren p) {
            e = p.e;
        }
        return e;
    }

    /*
     * Whether Lua's parser makes e a constant, and then its truth; null when it is not one. An
     * and/or is one only when it folds to its right side (its left side a constant of the truth
     * that lets the right through: "1 and x", "nil or x"), and then it is what that side is;
     * otherwise ("false and x", "1 or x") Lua emits a jump and the result is no constant.
     */
    private static Boolean constTruth(Ast.Expr e) {
        e = unparen(e);
        if (e instanceof Ast.True || e instanceof Ast.Const c && c.value instanceof lunatik.lua.value.LuaString) {
            return true;
        }
        if (e instanceof Ast.Nil || e instanceof Ast.False) {
            return false;
        }
        if (e instanceof Ast.UnOp u && u.op == Ast.OP_NOT) {
            Boolean t = constTruth(u.a);
            return t == null ? null : !t;
        }
        if (e instanceof Ast.BinOp b && (b.op == Ast.OP_AND || b.op == Ast.OP_OR)) {
            Ast.Expr f = folded(b);
            return f == b ? null : constTruth(f);
        }
        return foldNumber(e) != null ? Boolean.TRUE : null;
    }

    /**
     * The number Lua's parser folds an arithmetic or bitwise expression on numerals to, or
     * null: it does not fold a division by zero, an operand with no integer representation in
     * a bitwise operation, or a float result that is NaN or zero.
     */
    private static Number foldNumber(Ast.Expr e) {
        e = unparen(e);
        if (e instanceof Ast.Const c) {
            // a -0.0 here is our parser's folding of -0.0, which Lua leaves unfolded
            return c.value instanceof Long || c.value instanceof Double d && !(d == 0 && 1 / d < 0) ? (Number) c.value : null;
        }
        if (e instanceof Ast.UnOp u && (u.op == Ast.OP_UNM || u.op == Ast.OP_BNOT)) {
            Number a = foldNumber(u.a);
            if (a == null) {
                return null;
            }
            if (u.op == Ast.OP_BNOT) {
                Long x = integral(a);
                return x == null ? null : ~x;
            }
            return a instanceof Long x ? (Number) (-x) : floatResult(-a.doubleValue());
        }
        if (e instanceof Ast.BinOp b && b.op <= Ast.OP_SHR) {
            Number x = foldNumber(b.a);
            Number y = foldNumber(b.b);
            return x == null || y == null ? null : fold(b.op, x, y);
        }
        return null;
    }

    private static Number fold(int op, Number x, Number y) {
        if (op >= Ast.OP_BAND) {
            Long p = integral(x);
            Long q = integral(y);
            if (p == null || q == null) {
                return null;
            }
            return switch (op) {
                case Ast.OP_BAND -> p & q;
                case Ast.OP_BOR -> p | q;
                case Ast.OP_BXOR -> p ^ q;
                case Ast.OP_SHL -> lunatik.lua.vm.Ops.shl(p, q);
                default -> lunatik.lua.vm.Ops.shr(p, q);
            };
        }
        if ((op == Ast.OP_DIV || op == Ast.OP_IDIV || op == Ast.OP_MOD) && y.doubleValue() == 0) {
            return null;
        }
        if (x instanceof Long p && y instanceof Long q && op != Ast.OP_DIV && op != Ast.OP_POW) {
            return switch (op) {
                case Ast.OP_ADD -> p + q;
                case Ast.OP_SUB -> p - q;
                case Ast.OP_MUL -> p * q;
                case Ast.OP_IDIV -> Math.floorDiv((long) p, (long) q);
                default -> Math.floorMod((long) p, (long) q);
            };
        }
        return floatResult(lunatik.lua.vm.Ops.arithFloat(op, x.doubleValue(), y.doubleValue()));
    }

    private static Number floatResult(double d) {
        return Double.isNaN(d) || d == 0 ? null : d;
    }

    private static Long integral(Number n) {
        if (n instanceof Long l) {
            return l;
        }
        double d = n.doubleValue();
        return d == Math.floor(d) && d >= -0x1p63 && d < 0x1p63 ? (long) d : null;
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

    /**
     * The metamethod an operation calls, named as getinfo names the function it calls (name
     * "add", namewhat "metamethod"), or null for an expression that calls none.
     */
    public static lunatik.lua.vm.FuncName metamethodOf(Ast.Expr e) {
        String ev = null;
        if (e instanceof Ast.Index) {
            ev = "index";
        } else if (e instanceof Ast.BinOp b) {
            ev = binaryEvent(b.op);
        } else if (e instanceof Ast.UnOp u) {
            ev = switch (u.op) {
                case Ast.OP_UNM -> "unm";
                case Ast.OP_BNOT -> "bnot";
                case Ast.OP_LEN -> "len";
                default -> null;
            };
        }
        return ev == null ? null : lunatik.lua.vm.FuncName.metamethod(ev);
    }

    private static String binaryEvent(int op) {
        if (op <= Ast.OP_SHR) {
            return lunatik.lua.vm.Meta.binaryEvent(op).toString().substring(2);
        }
        return switch (op) {
            case Ast.OP_CONCAT -> "concat";
            case Ast.OP_EQ, Ast.OP_NE -> "eq";
            case Ast.OP_LT, Ast.OP_GT -> "lt";
            case Ast.OP_LE, Ast.OP_GE -> "le";
            default -> null;
        };
    }
}
