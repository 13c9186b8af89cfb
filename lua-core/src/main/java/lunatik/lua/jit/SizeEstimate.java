package lunatik.lua.jit;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lunatik.lua.parse.Ast;

/**
 * A rough upper estimate of the JVM bytecode a statement or expression compiles to, in bytes,
 * as the split mode of {@link JitCompiler} generates it (locals in the frame array). It decides
 * where a body too large for one JVM method is cut into helper methods; it need not be exact,
 * because a method that still comes out too large is generated again with a smaller budget.
 * Nested function bodies are not counted: each is its own class.
 */
final class SizeEstimate {
    /** Bytes a call of a helper method and the dispatch on its result take in the caller. */
    static final int CALL = 40;

    private final Map<Object, Integer> memo = new IdentityHashMap<>();
    /** Whether calls copy their active locals into the frame (debug.getlocal): costs per local. */
    private final boolean localsVisible;

    SizeEstimate(boolean localsVisible) {
        this.localsVisible = localsVisible;
    }

    int block(Ast.Block b) {
        return stats(b.stats, 0, b.stats.size());
    }

    int stats(List<Ast.Stat> stats, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += stat(stats.get(i));
        }
        return n;
    }

    int stat(Ast.Stat s) {
        Integer m = memo.get(s);
        if (m == null) {
            m = stat0(s);
            memo.put(s, m);
        }
        return m;
    }

    private int stat0(Ast.Stat s) {
        if (s instanceof Ast.LocalStat l) {
            return 10 + exprs(l.exprs) + 14 * l.vars.size() + (l.vars.isEmpty() ? 0 : 40);
        }
        if (s instanceof Ast.Assign a) {
            int n = 10 + exprs(a.exprs);
            for (Ast.Expr t : a.targets) {
                n += 24 + (t instanceof Ast.Index ix ? expr(ix.obj) + expr(ix.key) : 0);
            }
            return n;
        }
        if (s instanceof Ast.CallStat c) {
            return 2 + expr(c.call);
        }
        if (s instanceof Ast.Do d) {
            return block(d.block);
        }
        if (s instanceof Ast.While w) {
            return 20 + expr(w.cond) + block(w.block);
        }
        if (s instanceof Ast.Repeat r) {
            return 30 + block(r.block) + expr(r.cond);
        }
        if (s instanceof Ast.If i) {
            int n = i.orElse == null ? 0 : block(i.orElse);
            for (int k = 0; k < i.conds.size(); k++) {
                n += 16 + expr(i.conds.get(k)) + block(i.blocks.get(k));
            }
            return n;
        }
        if (s instanceof Ast.NumFor f) {
            return 130 + expr(f.start) + expr(f.limit) + (f.step == null ? 0 : expr(f.step)) + block(f.block);
        }
        if (s instanceof Ast.GenFor g) {
            return 260 + exprs(g.exprs) + 20 * g.vars.size() + block(g.block);
        }
        if (s instanceof Ast.LocalFunction lf) {
            return 40 + function(lf.fn);
        }
        if (s instanceof Ast.Return r) {
            return 30 + exprs(r.exprs);
        }
        if (s instanceof Ast.Label) {
            return 0;
        }
        return 40; // break, goto: may close values
    }

    int exprs(List<Ast.Expr> es) {
        int n = 0;
        for (Ast.Expr e : es) {
            n += 8 + expr(e);
        }
        return n;
    }

    int expr(Ast.Expr e) {
        Integer m = memo.get(e);
        if (m == null) {
            m = expr0(e);
            memo.put(e, m);
        }
        return m;
    }

    private int expr0(Ast.Expr e) {
        if (e instanceof Ast.Local l) {
            return l.var.captured ? 12 : 8;
        }
        if (e instanceof Ast.Upval) {
            return 10;
        }
        if (e instanceof Ast.Index ix) {
            return 16 + expr(ix.obj) + expr(ix.key);
        }
        if (e instanceof Ast.Call c) {
            int n = 90 + expr(c.fn) + exprs(c.args);
            return localsVisible ? n + 24 * c.active.size() : n;
        }
        if (e instanceof Ast.FunctionExpr f) {
            return function(f.fn);
        }
        if (e instanceof Ast.Paren p) {
            return expr(p.e);
        }
        if (e instanceof Ast.TableCons t) {
            return 16 + 4 * t.order.size() + exprs(t.items) + 16 * t.fields.size() + fields(t.fields);
        }
        if (e instanceof Ast.UnOp u) {
            return 16 + expr(u.a);
        }
        if (e instanceof Ast.BinOp b) {
            return 24 + expr(b.a) + expr(b.b);
        }
        return 8; // constants, nil, booleans, '...'
    }

    private int fields(List<Ast.Expr[]> fields) {
        int n = 0;
        for (Ast.Expr[] kv : fields) {
            n += expr(kv[0]) + expr(kv[1]);
        }
        return n;
    }

    /** Making a closure: the factory, the state, and each upvalue's cell. */
    private static int function(Ast.Function f) {
        return 24 + 14 * f.upvalues.size();
    }
}
