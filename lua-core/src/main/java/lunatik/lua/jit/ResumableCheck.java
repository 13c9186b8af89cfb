package lunatik.lua.jit;

import java.util.List;
import lunatik.lua.parse.Ast;

/**
 * Which functions can run as a stackless coroutine body ({@link JitCompiler#resumable}): those
 * whose every statement can be started again from its beginning, at a point where its only
 * effect has not happened yet. So: a call only as the outermost expression of a statement (a
 * call statement, the one value of a {@code local} statement, the one value assigned to one
 * local), with no call in its function or arguments; no call anywhere else (conditions, returns,
 * loop headers, table fields); no function defined inside, no generic {@code for}, no
 * {@code goto}, no to-be-closed variable, no {@code ...}; and at least one call (else it cannot
 * yield). Such a body stops for a yield only at a call, where nothing of its statement remains
 * to be done but storing the results.
 */
final class ResumableCheck {
    private ResumableCheck() {
    }

    static boolean eligible(Ast.Function fn) {
        if (fn.isVararg) {
            return false;
        }
        int[] calls = new int[1];
        return block(fn.body, calls) && calls[0] > 0;
    }

    private static boolean block(Ast.Block b, int[] calls) {
        if (b.hasClose) {
            return false;
        }
        for (Ast.Stat s : b.stats) {
            if (!stat(s, calls)) {
                return false;
            }
        }
        return true;
    }

    private static boolean stat(Ast.Stat s, int[] calls) {
        if (s instanceof Ast.CallStat c) {
            calls[0]++;
            return simpleCall(c.call);
        } else if (s instanceof Ast.LocalStat l) {
            if (l.exprs.size() == 1 && l.exprs.get(0) instanceof Ast.Call c) {
                calls[0]++;
                return simpleCall(c);
            }
            return pure(l.exprs);
        } else if (s instanceof Ast.Assign a) {
            if (a.targets.size() == 1 && a.exprs.size() == 1 && a.exprs.get(0) instanceof Ast.Call c) {
                calls[0]++;
                return a.targets.get(0) instanceof Ast.Local && simpleCall(c);
            }
            for (Ast.Expr t : a.targets) {
                if (t instanceof Ast.Index ix && !(pure(ix.obj) && pure(ix.key))) {
                    return false;
                }
            }
            return pure(a.exprs);
        } else if (s instanceof Ast.Do d) {
            return block(d.block, calls);
        } else if (s instanceof Ast.While w) {
            return pure(w.cond) && block(w.block, calls);
        } else if (s instanceof Ast.Repeat r) {
            return pure(r.cond) && block(r.block, calls);
        } else if (s instanceof Ast.If i) {
            if (!pure(i.conds)) {
                return false;
            }
            for (Ast.Block b : i.blocks) {
                if (!block(b, calls)) {
                    return false;
                }
            }
            return i.orElse == null || block(i.orElse, calls);
        } else if (s instanceof Ast.NumFor n) {
            return pure(n.start) && pure(n.limit) && (n.step == null || pure(n.step)) && block(n.block, calls);
        } else if (s instanceof Ast.GenFor g) {
            // (its iterator's call starts again by itself: JitCompiler.genForLoop)
            calls[0]++;
            boolean header = g.exprs.size() == 1 && g.exprs.get(0) instanceof Ast.Call c ? simpleCall(c) : pure(g.exprs);
            return header && block(g.block, calls);
        } else if (s instanceof Ast.Return r) {
            return pure(r.exprs);
        } else {
            return s instanceof Ast.Break;
        }
    }

    /** A call whose function and arguments make no call. */
    private static boolean simpleCall(Ast.Call c) {
        return pure(c.fn) && pure(c.args);
    }

    private static boolean pure(List<Ast.Expr> es) {
        return !Ast.anyExpr(es, ResumableCheck::impure);
    }

    /** Whether evaluating {@code e} makes no call and defines no function (a metamethod aside). */
    private static boolean pure(Ast.Expr e) {
        return !Ast.anyExpr(e, ResumableCheck::impure);
    }

    private static boolean impure(Ast.Expr e) {
        return e instanceof Ast.Call || e instanceof Ast.FunctionExpr || e instanceof Ast.Vararg;
    }
}
