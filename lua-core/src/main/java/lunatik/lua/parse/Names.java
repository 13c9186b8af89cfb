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
        if (e instanceof Ast.True || e instanceof Ast.Const) {
            return Boolean.TRUE;
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
