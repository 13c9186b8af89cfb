package lunatik.lua.parse;

import java.util.List;
import java.util.TreeSet;

/**
 * Where lua5.4 puts the code of a statement, as its line hook and {@code activelines} see it
 * (derived from the grammar, not from our code): a statement whose value is a function is at
 * the function's 'end' (the closure is made there), a {@code function t.f()} statement then at
 * its first line too; {@code do}, {@code repeat} and labels have no code of their own; a
 * generic for closes its state at its 'end'; a function returns at its 'end' line; a
 * {@code while} whose test is a constant has no test.
 */
public final class Lines {
    private static final int[] NONE = {};

    private Lines() {
    }

    /** The lines of a statement's own code, in the order they run (its body's not included). */
    public static int[] of(Ast.Stat s) {
        if (s instanceof Ast.Do || s instanceof Ast.Repeat || s instanceof Ast.Label) {
            return NONE;
        }
        if (s instanceof Ast.While w && (w.cond instanceof Ast.True || w.cond instanceof Ast.Const)) {
            return NONE; // an always true test has no code
        }
        if (s instanceof Ast.LocalFunction lf) {
            return new int[] {lf.fn.lastLine};
        }
        List<Ast.Expr> values = s instanceof Ast.LocalStat ls ? ls.exprs : s instanceof Ast.Assign a ? a.exprs
            : s instanceof Ast.Return r ? r.exprs : null;
        if (values != null && !values.isEmpty() && values.get(values.size() - 1) instanceof Ast.FunctionExpr fe
                && fe.fn.lastLine > s.line) {
            return s instanceof Ast.Assign ? new int[] {fe.fn.lastLine, s.line} : new int[] {fe.fn.lastLine};
        }
        return new int[] {s.line};
    }

    /** The lines of {@code fn} that have code, in order (debug.getinfo's activelines). */
    public static int[] active(Ast.Function fn, boolean main) {
        TreeSet<Integer> lines = new TreeSet<>();
        block(fn.body, lines);
        if (main) {
            // the final return is at the chunk's last token
            lines.add(Math.max(fn.lastLine, lines.isEmpty() ? fn.body.endLine : lines.last()));
        } else if (fn.lastLine > 0) {
            lines.add(fn.lastLine);
        }
        lines.remove(0);
        int[] r = new int[lines.size()];
        int i = 0;
        for (int l : lines) {
            r[i++] = l;
        }
        return r;
    }

    private static void block(Ast.Block b, TreeSet<Integer> out) {
        if (b == null) {
            return;
        }
        for (Ast.Stat s : b.stats) {
            for (int l : of(s)) {
                out.add(l);
            }
            if (s instanceof Ast.Do d) {
                block(d.block, out);
            } else if (s instanceof Ast.While w) {
                block(w.block, out);
            } else if (s instanceof Ast.Repeat r) {
                block(r.block, out);
                out.add(r.cond.line);
            } else if (s instanceof Ast.If i) {
                for (int k = 1; k < i.conds.size(); k++) {
                    out.add(i.conds.get(k).line);
                }
                for (Ast.Block x : i.blocks) {
                    block(x, out);
                }
                block(i.orElse, out);
            } else if (s instanceof Ast.NumFor n) {
                block(n.block, out);
            } else if (s instanceof Ast.GenFor g) {
                block(g.block, out);
                out.add(g.block.closeLine);
            }
        }
    }
}
