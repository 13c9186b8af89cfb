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
     * {@code nil or x} are just {@code x} (so messages name 'x' as the reference does).
     */
    private static Ast.Expr folded(Ast.Expr e) {
        while (e instanceof Ast.Paren p) {
            e = p.e;
        }
        while (e instanceof Ast.BinOp b && (b.op == Ast.OP_AND || b.op == Ast.OP_OR)) {
            Ast.Expr left = b.a;
            while (left instanceof Ast.Paren p) {
                left = p.e;
            }
            boolean constTrue = left instanceof Ast.True || left instanceof Ast.Const;
            boolean constFalse = left instanceof Ast.Nil || left instanceof Ast.False;
            if (b.op == Ast.OP_AND ? constTrue : constFalse) {
                e = b.b;
                while (e instanceof Ast.Paren p) {
                    e = p.e;
                }
            } else {
                break;
            }
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
        if (e instanceof Ast.Upval u) {
            return u.name == null ? null : "upvalue";
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
            return u.name;
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
