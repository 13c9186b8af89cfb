package lunatik.lua.interp;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lunatik.lua.parse.Ast;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.FuncName;
import lunatik.lua.vm.Meta;

/**
 * Turns the parser's tree into interpreter nodes: picks specialised nodes (locals in slots or
 * cells, string-keyed indexing, integer-constant arithmetic, concatenation chains), marks tail
 * calls, binds gotos to label nodes, and precomputes the operand descriptions used in error
 * messages ("local 'a'", "global 'x'", "field 'foo'").
 */
final class TreeCompiler {
    private final Map<Ast.Label, Nodes.LabelS> labels = new IdentityHashMap<>();
    private final List<Object[]> gotos = new ArrayList<>(); // {GotoS, Ast.Label}
    private int closeDepth; // enclosing blocks with <close> variables in the current function
    /** The closing line of each enclosing loop of the current function, innermost first. */
    private java.util.ArrayDeque<Integer> loopEnds = new java.util.ArrayDeque<>();

    /** How many functions (the one compiled and those nested in it) this compiler built. */
    int functions;

    /** Builds {@code fn} and the functions nested in it. */
    Proto compileAll(Ast.Function fn) {
        Proto p = function(fn);
        bindGotos();
        return p;
    }

    private void bindGotos() {
        for (Object[] g : gotos) {
            ((Nodes.GotoS) g[0]).target = labels.get((Ast.Label) g[1]);
        }
    }

    private Proto function(Ast.Function fn) {
        functions++;
        int savedClose = closeDepth;
        closeDepth = 0;
        Proto p = new Proto();
        p.shape = FunctionShape.of(fn);
        int np = fn.params.size();
        p.paramCaptured = new boolean[np];
        for (int i = 0; i < np; i++) {
            p.paramCaptured[i] = fn.params.get(i).captured;
            p.anyParamCaptured |= p.paramCaptured[i];
        }
        p.numSlots = Math.max(fn.numSlots, np);
        int nu = fn.upvalues.size();
        p.upFromLocal = new boolean[nu];
        p.upIndex = new int[nu];
        for (int i = 0; i < nu; i++) {
            Ast.UpvalDesc d = fn.upvalues.get(i);
            p.upFromLocal[i] = d.fromParentLocal();
            p.upIndex[i] = d.index();
        }
        java.util.ArrayDeque<Integer> savedLoops = loopEnds;
        loopEnds = new java.util.ArrayDeque<>();
        p.body = block(fn.body, fn.lastLine > 0 ? fn.lastLine : fn.body.endLine);
        loopEnds = savedLoops;
        closeDepth = savedClose;
        return p;
    }

    private Nodes.Block block(Ast.Block b) {
        return block(b, b.endLine);
    }

    /** A loop's block: a break in it closes at the loop's end. */
    private Nodes.Block loopBlock(Ast.Block b, int exitLine) {
        loopEnds.push(b.closeLine);
        Nodes.Block nb = block(b, exitLine);
        loopEnds.pop();
        return nb;
    }

    /** {@code exitLine}: where lua5.4 closes the block's variables when it ends normally. */
    private Nodes.Block block(Ast.Block b, int exitLine) {
        if (b.hasClose) {
            closeDepth++;
        }
        List<Nodes.Stat> out = new ArrayList<>();
        Nodes.Block nb = new Nodes.Block(new Nodes.Stat[b.stats.size()], b.hasClose);
        int closes = 0; // <close> locals declared so far in the block
        for (int i = 0; i < b.stats.size(); i++) {
            Ast.Stat s = b.stats.get(i);
            Nodes.Stat ns = stat(s);
            ns.line = s.line;
            ns = clearing(s, ns);
            ns.evLines = lunatik.lua.parse.Lines.of(s);
            if (ns instanceof Nodes.LabelS l) {
                l.block = nb;
                l.index = i;
                l.closesBefore = closes;
            }
            if (ns instanceof Nodes.LocalMulti lm && lm.closeIndex >= 0) {
                closes++;
            }
            nb.stats[i] = ns;
            out.add(ns);
        }
        if (b.hasClose) {
            closeDepth--;
            nb.exitPos = new Nodes.CallPosition(exitLine, FuncName.CLOSE);
            nb.breakPos = loopEnds.isEmpty() ? null : new Nodes.CallPosition(loopEnds.peek(), FuncName.CLOSE);
        }
        return nb;
    }

    /**
     * A loop or do block whose locals are cleared when it ends: their slots would otherwise keep
     * the last values alive (and their __gc from running) while the function goes on, where
     * Lua reuses the registers.
     */
    private static Nodes.Stat clearing(Ast.Stat s, Nodes.Stat ns) {
        if (!(s instanceof Ast.Do || s instanceof Ast.While || s instanceof Ast.Repeat || s instanceof Ast.NumFor
                || s instanceof Ast.GenFor)) {
            return ns;
        }
        int[] range = {Integer.MAX_VALUE, -1};
        slots(s, range);
        if (range[1] < 0) {
            return ns;
        }
        Nodes.Stat c = new Nodes.ClearingS(ns, range[0], range[1] + 1);
        c.line = s.line;
        return c;
    }

    /** Widens {@code range} (lowest, highest) to the slots of the locals a statement declares, at any depth. */
    private static void slots(Ast.Stat s, int[] range) {
        for (Ast.LocalVar v : Ast.declaredBy(s)) {
            range[0] = Math.min(range[0], v.slot);
            range[1] = Math.max(range[1], v.slot);
        }
        for (Ast.Block b : Ast.blocksOf(s)) {
            for (Ast.Stat x : b.stats) {
                slots(x, range);
            }
        }
    }

    // ---------------------------------------------------------------- statements

    private Nodes.Stat stat(Ast.Stat s) {
        if (s instanceof Ast.LocalStat l) {
            return localStat(l);
        }
        if (s instanceof Ast.Assign a) {
            return assign(a);
        }
        if (s instanceof Ast.CallStat c) {
            return new Nodes.ExprStat(expr(c.call));
        }
        if (s instanceof Ast.Do d) {
            return new Nodes.DoS(block(d.block));
        }
        if (s instanceof Ast.While w) {
            return new Nodes.WhileS(expr(w.cond), loopBlock(w.block, w.block.endLine));
        }
        if (s instanceof Ast.Repeat r) {
            if (r.block.hasClose) {
                closeDepth++;
            }
            Nodes.Block b = loopBlock(r.block, r.block.closeLine);
            Nodes.Expr c = expr(r.cond);
            if (r.block.hasClose) {
                closeDepth--;
                b.until = c; // evaluated before the body's variables are closed
            }
            return new Nodes.RepeatS(b, c);
        }
        if (s instanceof Ast.If i) {
            Nodes.Expr[] conds = new Nodes.Expr[i.conds.size()];
            Nodes.Block[] blocks = new Nodes.Block[conds.length];
            for (int k = 0; k < conds.length; k++) {
                conds[k] = expr(i.conds.get(k));
                blocks[k] = block(i.blocks.get(k));
            }
            return new Nodes.IfS(conds, blocks, i.orElse == null ? null : block(i.orElse));
        }
        if (s instanceof Ast.NumFor n) {
            return new Nodes.NumForS(n.var.slot, n.var.captured, expr(n.start), expr(n.limit),
                n.step == null ? null : expr(n.step), loopBlock(n.block, n.block.endLine));
        }
        if (s instanceof Ast.GenFor g) {
            int[] slots = new int[g.vars.size()];
            boolean[] cap = new boolean[slots.length];
            for (int k = 0; k < slots.length; k++) {
                slots[k] = g.vars.get(k).slot;
                cap[k] = g.vars.get(k).captured;
            }
            closeDepth++; // the closing value makes 'return f()' inside not a tail call
            Nodes.Block body = loopBlock(g.block, g.block.endLine);
            closeDepth--;
            Nodes.GenForS gs = new Nodes.GenForS(slots, cap, exprs(g.exprs), body, g.exprs.get(0).line);
            gs.end = new Nodes.CallPosition(g.block.closeLine, FuncName.CLOSE);
            return gs;
        }
        if (s instanceof Ast.LocalFunction lf) {
            Proto p = function(lf.fn);
            Nodes.FunctionE fe = new Nodes.FunctionE(p);
            fe.line = lf.line;
            if (lf.var.captured) {
                // the cell must exist before the closure captures it (recursion)
                return new LocalFunctionCell(lf.var.slot, fe);
            }
            return new Nodes.LocalAssign(lf.var.slot, fe);
        }
        if (s instanceof Ast.Return r) {
            return returnStat(r);
        }
        if (s instanceof Ast.Break) {
            return new Nodes.BreakS();
        }
        if (s instanceof Ast.Goto g) {
            Nodes.GotoS gs = new Nodes.GotoS();
            gotos.add(new Object[] {gs, g.target});
            if (closeDepth > 0) {
                // lua5.4 closes at the label going forward, at the goto going back
                gs.closePos = new Nodes.CallPosition(labels.containsKey(g.target) ? g.line : g.target.line, FuncName.CLOSE);
            }
            return gs;
        }
        if (s instanceof Ast.Label l) {
            Nodes.LabelS ls = new Nodes.LabelS();
            labels.put(l, ls);
            return ls;
        }
        throw new IllegalStateException("statement " + s);
    }

    /** {@code local function f}: a fresh cell first, then the closure stored into it. */
    static final class LocalFunctionCell extends Nodes.Stat {
        final int slot;
        final Nodes.FunctionE fe;

        LocalFunctionCell(int slot, Nodes.FunctionE fe) {
            this.slot = slot;
            this.fe = fe;
        }

        @Override
        int exec(Frame f) {
            Cell c = new Cell(null);
            f.slots[slot] = c;
            c.v = fe.eval(f);
            return Nodes.NORMAL;
        }
    }

    private Nodes.Stat returnStat(Ast.Return r) {
        Nodes.Expr[] e = exprs(r.exprs);
        if (e.length == 1 && e[0] instanceof Nodes.CallNode c && closeDepth == 0
                && !(r.exprs.get(0) instanceof Ast.Paren)) {
            c.tail = true;
        }
        Nodes.ReturnS rs = new Nodes.ReturnS(e);
        if (closeDepth > 0) {
            rs.closePos = new Nodes.CallPosition(r.lastLine, FuncName.CLOSE);
        }
        return rs;
    }

    private Nodes.Stat localStat(Ast.LocalStat l) {
        int n = l.vars.size();
        Nodes.Expr[] e = exprs(l.exprs);
        int closeIndex = -1;
        for (int i = 0; i < n; i++) {
            if (l.vars.get(i).attrib == Ast.LocalVar.ATTR_CLOSE) {
                closeIndex = i;
            }
        }
        if (n == 1 && e.length == 1 && !e[0].isMulti() && closeIndex < 0) {
            Ast.LocalVar v = l.vars.get(0);
            if (v.captured) {
                return new NewCell(v.slot, e[0]);
            }
            return new Nodes.LocalAssign(v.slot, e[0]);
        }
        int[] slots = new int[n];
        boolean[] cap = new boolean[n];
        for (int i = 0; i < n; i++) {
            slots[i] = l.vars.get(i).slot;
            cap[i] = l.vars.get(i).captured;
        }
        return new Nodes.LocalMulti(slots, cap, e, closeIndex, closeIndex >= 0 ? l.vars.get(closeIndex).name : null);
    }

    /** {@code local x = e} for a captured x: a new cell per execution (fresh per loop iteration). */
    static final class NewCell extends Nodes.Stat {
        final int slot;
        final Nodes.Expr e;

        NewCell(int slot, Nodes.Expr e) {
            this.slot = slot;
            this.e = e;
        }

        @Override
        int exec(Frame f) {
            f.slots[slot] = new Cell(e.eval(f));
            return Nodes.NORMAL;
        }
    }

    private Nodes.Stat assign(Ast.Assign a) {
        if (a.targets.size() == 1 && a.exprs.size() == 1) {
            Ast.Expr t = a.targets.get(0);
            Nodes.Expr v = expr(a.exprs.get(0));
            if (t instanceof Ast.Local l) {
                return l.var.captured ? new Nodes.CellAssign(l.var.slot, v) : new Nodes.LocalAssign(l.var.slot, v);
            }
            if (t instanceof Ast.Upval u) {
                return new Nodes.UpvalAssign(u.index, v);
            }
            Ast.Index ix = (Ast.Index) t;
            Nodes.Expr obj = expr(ix.obj);
            Nodes.Expr key = expr(ix.key);
            Nodes.Expr holder = new Nodes.ConstE(null);
            holder.desc = new String[] {describe(ix.obj)};
            return new Nodes.IndexAssign(obj, key, v, holder);
        }
        int n = a.targets.size();
        Nodes.Expr[] objs = new Nodes.Expr[n];
        Nodes.Expr[] keys = new Nodes.Expr[n];
        int[] kind = new int[n];
        int[] where = new int[n];
        lunatik.lua.vm.Ops.VarInfo[] infos = new lunatik.lua.vm.Ops.VarInfo[n];
        for (int i = 0; i < n; i++) {
            Ast.Expr t = a.targets.get(i);
            if (t instanceof Ast.Local l) {
                kind[i] = l.var.captured ? 1 : 0;
                where[i] = l.var.slot;
            } else if (t instanceof Ast.Upval u) {
                kind[i] = 2;
                where[i] = u.index;
            } else {
                Ast.Index ix = (Ast.Index) t;
                kind[i] = 3;
                objs[i] = expr(ix.obj);
                keys[i] = expr(ix.key);
                Nodes.Expr holder = new Nodes.ConstE(null);
                holder.desc = new String[] {describe(ix.obj)};
                infos[i] = holder;
            }
        }
        return new Nodes.MultiAssign(objs, keys, kind, where, exprs(a.exprs), infos);
    }

    // ---------------------------------------------------------------- expressions

    private Nodes.Expr[] exprs(List<Ast.Expr> l) {
        Nodes.Expr[] r = new Nodes.Expr[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = expr(l.get(i));
        }
        return r;
    }

    private Nodes.Expr expr(Ast.Expr e) {
        Nodes.Expr n = expr0(e);
        n.line = e.line;
        return n;
    }

    private Nodes.Expr expr0(Ast.Expr e) {
        if (e instanceof Ast.Const c) {
            return new Nodes.ConstE(c.value);
        }
        if (e instanceof Ast.Nil) {
            return new Nodes.ConstE(null);
        }
        if (e instanceof Ast.True) {
            return new Nodes.TrueE();
        }
        if (e instanceof Ast.False) {
            return new Nodes.ConstE(Boolean.FALSE);
        }
        if (e instanceof Ast.Vararg) {
            return new Nodes.VarargE();
        }
        if (e instanceof Ast.Local l) {
            return l.var.captured ? new Nodes.CellE(l.var.slot) : new Nodes.LocalE(l.var.slot);
        }
        if (e instanceof Ast.Upval u) {
            return new Nodes.UpvalE(u.index);
        }
        if (e instanceof Ast.Index ix) {
            return index(ix);
        }
        if (e instanceof Ast.Call c) {
            return call(c);
        }
        if (e instanceof Ast.FunctionExpr fe) {
            return new Nodes.FunctionE(function(fe.fn));
        }
        if (e instanceof Ast.Paren p) {
            Nodes.Expr inner = expr(p.e);
            return inner.isMulti() ? new Nodes.ParenE(inner) : inner;
        }
        if (e instanceof Ast.TableCons t) {
            return table(t);
        }
        if (e instanceof Ast.UnOp u) {
            return unary(u);
        }
        if (e instanceof Ast.BinOp b) {
            return binary(b);
        }
        throw new IllegalStateException("expression " + e);
    }

    private Nodes.Expr index(Ast.Index ix) {
        Nodes.Expr obj = expr(ix.obj);
        Nodes.Expr r;
        if (ix.global && ix.key instanceof Ast.Const c) {
            r = new Nodes.GlobalE(obj, (LuaString) c.value);
        } else if (ix.key instanceof Ast.Const c && c.value instanceof LuaString s) {
            r = new Nodes.IndexStrE(obj, s);
        } else {
            r = new Nodes.IndexE(obj, expr(ix.key));
        }
        r.desc = new String[] {describe(ix.obj), describe(ix.key)};
        return r;
    }

    private Nodes.Expr call(Ast.Call c) {
        Nodes.CallNode n = new Nodes.CallNode(expr(c.fn), c.method, exprs(c.args));
        n.line = c.line;
        int na = c.active.size();
        n.localNames = new String[na];
        n.localSlots = new int[na];
        n.localCells = new boolean[na];
        for (int i = 0; i < na; i++) {
            n.localNames[i] = c.active.get(i).name;
            n.localSlots[i] = c.active.get(i).slot;
            n.localCells[i] = c.active.get(i).captured;
        }
        if (c.method != null) {
            n.callee = new FuncName(c.method.toString(), "method");
            n.desc = new String[] {" (method '" + c.method.toString() + "')", describe(c.fn)};
            n.selfPos = new Nodes.CallPosition(c.line, Nodes.INDEX);
        } else {
            n.callee = FuncName.called(name(c.fn), kind(c.fn));
            n.desc = new String[] {describe(c.fn)};
        }
        return n;
    }

    private Nodes.Expr table(Ast.TableCons t) {
        Nodes.Expr[] items = exprs(t.items);
        Nodes.Expr[] keys = new Nodes.Expr[t.fields.size()];
        Nodes.Expr[] vals = new Nodes.Expr[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = expr(t.fields.get(i)[0]);
            vals[i] = expr(t.fields.get(i)[1]);
        }
        int[] order = new int[t.order.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = t.order.get(i);
        }
        return new Nodes.TableE(items, keys, vals, order);
    }

    private Nodes.Expr unary(Ast.UnOp u) {
        Nodes.Expr a = expr(u.a);
        Nodes.Expr r = switch (u.op) {
            case Ast.OP_NOT -> new Nodes.NotE(a);
            case Ast.OP_UNM -> new Nodes.UnmE(a);
            case Ast.OP_LEN -> new Nodes.LenE(a);
            default -> new Nodes.BnotE(a);
        };
        r.desc = new String[] {describe(u.a)};
        return r;
    }

    private Nodes.Expr binary(Ast.BinOp b) {
        if (b.op == Ast.OP_CONCAT) {
            List<Ast.Expr> parts = new ArrayList<>();
            flattenConcat(b, parts);
            Nodes.Expr[] ps = new Nodes.Expr[parts.size()];
            String[] desc = new String[ps.length];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = expr(parts.get(i));
                desc[i] = describe(parts.get(i));
            }
            Nodes.Expr r = new Nodes.ConcatE(ps);
            r.desc = desc;
            return r;
        }
        Nodes.Expr x = expr(b.a);
        Nodes.Expr y = expr(b.b);
        Nodes.Expr r;
        switch (b.op) {
            case Ast.OP_AND -> r = new Nodes.AndE(x, y);
            case Ast.OP_OR -> r = new Nodes.OrE(x, y);
            case Ast.OP_EQ, Ast.OP_NE, Ast.OP_LT, Ast.OP_LE, Ast.OP_GT, Ast.OP_GE -> r = new Nodes.CmpE(b.op, x, y);
            case Ast.OP_ADD, Ast.OP_SUB -> {
                if (b.b instanceof Ast.Const c && c.value instanceof Long k) {
                    r = new Nodes.AddKE(x, k, b.op == Ast.OP_ADD ? Meta.ADD : Meta.SUB);
                } else {
                    r = b.op == Ast.OP_ADD ? new Nodes.AddE(x, y) : new Nodes.SubE(x, y);
                }
            }
            default -> r = new Nodes.ArithE(b.op, x, y);
        }
        r.desc = new String[] {describe(b.a), describe(b.b)};
        return r;
    }

    private static void flattenConcat(Ast.Expr e, List<Ast.Expr> out) {
        if (e instanceof Ast.BinOp b && b.op == Ast.OP_CONCAT) {
            flattenConcat(b.a, out);
            flattenConcat(b.b, out);
        } else {
            out.add(e);
        }
    }

    // ---------------------------------------------------------------- names for messages

    static String describe(Ast.Expr e) {
        return lunatik.lua.parse.Names.describe(e);
    }

    private static String name(Ast.Expr e) {
        return lunatik.lua.parse.Names.name(e);
    }

    private static String kind(Ast.Expr e) {
        return lunatik.lua.parse.Names.kind(e);
    }
}
