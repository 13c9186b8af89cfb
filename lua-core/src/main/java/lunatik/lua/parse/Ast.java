package lunatik.lua.parse;

import java.util.ArrayList;
import java.util.List;
import lunatik.lua.value.LuaString;

/**
 * The syntax tree the parser builds, with names already resolved: every variable reference is a
 * local (with its slot), an upvalue (with its index) or a field of {@code _ENV}. The interpreter
 * turns it into executable nodes; a later bytecode compiler reads the same tree.
 */
public final class Ast {
    private Ast() {
    }

    // ---------------------------------------------------------------- variables

    /** A local variable: its slot in the frame, and whether a closure captures it. */
    public static final class LocalVar {
        public final String name;
        public final int slot;
        public final int attrib; // ATTR_*
        public boolean captured;
        /** Set in a function rebuilt without debug information: messages do not name it. */
        public boolean unnamed;
        public Object constValue; // compile-time constant of a <const> local, or NO_CONST

        public static final int ATTR_NONE = 0;
        public static final int ATTR_CONST = 1;
        public static final int ATTR_CLOSE = 2;

        LocalVar(String name, int slot, int attrib) {
            this.name = name;
            this.slot = slot;
            this.attrib = attrib;
        }
    }

    /** How a function reaches one of its upvalues: a local of the enclosing function, or one of its upvalues. */
    public record UpvalDesc(String name, boolean fromParentLocal, int index, LocalVar local) {
    }

    // ---------------------------------------------------------------- functions and blocks

    /** A function body. */
    public static final class Function {
        public final List<LocalVar> params = new ArrayList<>();
        public final List<UpvalDesc> upvalues = new ArrayList<>();
        public boolean isVararg;
        public Block body;
        public int numSlots;
        public int line;
        public int lastLine;
        public String name = "?";   // for tracebacks, from the declaration
        public String source;        // short source of the chunk
        public String chunkName;     // the chunk's name as given to load (debug.getinfo's source)
        public byte[] chunkText;     // the whole chunk's source (string.dump keeps it)
        public int index;            // the function's number in its chunk, in parse order (main: 0)
        public boolean stripped;     // rebuilt from a string.dump without debug information
        public boolean isMethod;
        /**
         * Set on a main chunk that names debug.getlocal or debug.setlocal: its functions are
         * compiled so that the debug library sees and sets their locals.
         */
        public boolean localsVisible;
    }

    /** A block of statements; labels declared in it point back here. */
    public static final class Block {
        public final List<Stat> stats = new ArrayList<>();
        public boolean hasClose; // declares a <close> local
        /** The line of the block's last token (where lua5.4 closes its variables at a normal end). */
        public int endLine;
        /**
         * For a loop's block, where the loop ends: the line of its 'end', or of the last token of
         * a repeat's condition (where lua5.4 closes variables on a break).
         */
        public int closeLine;
    }

    // ---------------------------------------------------------------- expressions

    /** Any expression; {@code line} is where it starts. */
    public abstract static class Expr {
        public int line;
    }

    public static final class Nil extends Expr {
    }

    public static final class True extends Expr {
    }

    public static final class False extends Expr {
    }

    public static final class Vararg extends Expr {
    }

    /** A numeric or string constant. */
    public static final class Const extends Expr {
        public final Object value;

        public Const(Object value) {
            this.value = value;
        }
    }

    public static final class Local extends Expr {
        public final LocalVar var;

        public Local(LocalVar var) {
            this.var = var;
        }
    }

    public static final class Upval extends Expr {
        public final int index;
        public final String name;

        public Upval(int index, String name) {
            this.index = index;
            this.name = name;
        }
    }

    /** {@code obj[key]}; {@code global} marks the {@code _ENV.name} of a global variable. */
    public static final class Index extends Expr {
        public final Expr obj;
        public final Expr key;
        public final boolean global;

        public Index(Expr obj, Expr key, boolean global) {
            this.obj = obj;
            this.key = key;
            this.global = global;
        }
    }

    /** A call {@code f(args)} or {@code obj:name(args)} (then {@code method} is the name). */
    public static final class Call extends Expr {
        public final Expr fn;
        public final LuaString method;
        public final List<Expr> args;
        /** The locals active at this call, in declaration order (for debug.getlocal). */
        public List<LocalVar> active = List.of();

        public Call(Expr fn, LuaString method, List<Expr> args) {
            this.fn = fn;
            this.method = method;
            this.args = args;
        }
    }

    public static final class FunctionExpr extends Expr {
        public final Function fn;

        public FunctionExpr(Function fn) {
            this.fn = fn;
        }
    }

    /** Binary operator: one of the {@code OP_*} codes. */
    public static final class BinOp extends Expr {
        public final int op;
        public final Expr a;
        public final Expr b;

        public BinOp(int op, Expr a, Expr b) {
            this.op = op;
            this.a = a;
            this.b = b;
        }
    }

    /** Unary operator: {@code -}, {@code not}, {@code #}, {@code ~}. */
    public static final class UnOp extends Expr {
        public final int op;
        public final Expr a;

        public UnOp(int op, Expr a) {
            this.op = op;
            this.a = a;
        }
    }

    /** {@code (e)}: truncates a multi-valued expression to one value. */
    public static final class Paren extends Expr {
        public final Expr e;

        public Paren(Expr e) {
            this.e = e;
        }
    }

    /** Table constructor. */
    public static final class TableCons extends Expr {
        public final List<Expr> items = new ArrayList<>();   // positional
        public final List<Expr[]> fields = new ArrayList<>(); // {key, value} in source order
        public final List<Integer> order = new ArrayList<>(); // >=0: positional index; <0: -(field index)-1
    }

    // binary operator codes: arithmetic ones equal vm.Meta codes
    public static final int OP_ADD = 0;
    public static final int OP_SUB = 1;
    public static final int OP_MUL = 2;
    public static final int OP_MOD = 3;
    public static final int OP_POW = 4;
    public static final int OP_DIV = 5;
    public static final int OP_IDIV = 6;
    public static final int OP_BAND = 7;
    public static final int OP_BOR = 8;
    public static final int OP_BXOR = 9;
    public static final int OP_SHL = 10;
    public static final int OP_SHR = 11;
    public static final int OP_CONCAT = 12;
    public static final int OP_EQ = 13;
    public static final int OP_NE = 14;
    public static final int OP_LT = 15;
    public static final int OP_LE = 16;
    public static final int OP_GT = 17;
    public static final int OP_GE = 18;
    public static final int OP_AND = 19;
    public static final int OP_OR = 20;
    // unary
    public static final int OP_UNM = 30;
    public static final int OP_NOT = 31;
    public static final int OP_LEN = 32;
    public static final int OP_BNOT = 33;

    // ---------------------------------------------------------------- statements

    /** Any statement; {@code line} is where it starts. */
    public abstract static class Stat {
        public int line;
    }

    /**
     * Whether {@code e} or an expression inside it (not inside a function it defines) is one
     * that {@code p} accepts.
     */
    public static boolean anyExpr(Expr e, java.util.function.Predicate<Expr> p) {
        if (e == null) {
            return false;
        }
        if (p.test(e)) {
            return true;
        }
        if (e instanceof Index ix) {
            return anyExpr(ix.obj, p) || anyExpr(ix.key, p);
        } else if (e instanceof Call c) {
            return anyExpr(c.fn, p) || anyExpr(c.args, p);
        } else if (e instanceof BinOp b) {
            return anyExpr(b.a, p) || anyExpr(b.b, p);
        } else if (e instanceof UnOp u) {
            return anyExpr(u.a, p);
        } else if (e instanceof Paren pe) {
            return anyExpr(pe.e, p);
        } else if (e instanceof TableCons t) {
            if (anyExpr(t.items, p)) {
                return true;
            }
            for (Expr[] f : t.fields) {
                if (anyExpr(f[0], p) || anyExpr(f[1], p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link #anyExpr(Expr, java.util.function.Predicate)} over a list. */
    public static boolean anyExpr(List<Expr> es, java.util.function.Predicate<Expr> p) {
        for (Expr e : es) {
            if (anyExpr(e, p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The expressions a statement holds directly (not those in its blocks, nor in a function it
     * defines): a local statement's or an assignment's, a call, a loop's condition or bounds or
     * explist, an if's conditions, a return's.
     */
    public static List<Expr> exprsOf(Stat s) {
        List<Expr> r = new ArrayList<>();
        if (s instanceof LocalStat l) {
            r.addAll(l.exprs);
        } else if (s instanceof Assign a) {
            r.addAll(a.targets);
            r.addAll(a.exprs);
        } else if (s instanceof CallStat c) {
            r.add(c.call);
        } else if (s instanceof While w) {
            r.add(w.cond);
        } else if (s instanceof Repeat rp) {
            r.add(rp.cond);
        } else if (s instanceof If i) {
            r.addAll(i.conds);
        } else if (s instanceof NumFor n) {
            r.add(n.start);
            r.add(n.limit);
            if (n.step != null) {
                r.add(n.step);
            }
        } else if (s instanceof GenFor g) {
            r.addAll(g.exprs);
        } else if (s instanceof Return ret) {
            r.addAll(ret.exprs);
        }
        return r;
    }

    /** The locals a statement declares itself (not those of its blocks; a generic for's hidden state not included). */
    public static List<LocalVar> declaredBy(Stat s) {
        List<LocalVar> r = new ArrayList<>();
        if (s instanceof LocalStat l) {
            r.addAll(l.vars);
        } else if (s instanceof LocalFunction lf) {
            r.add(lf.var);
        } else if (s instanceof NumFor n) {
            r.add(n.var);
        } else if (s instanceof GenFor g) {
            r.addAll(g.vars);
        }
        return r;
    }

    /** The blocks a statement holds directly (a loop's body, an if's branches), in order. */
    public static List<Block> blocksOf(Stat s) {
        List<Block> r = new ArrayList<>();
        if (s instanceof Do d) {
            r.add(d.block);
        } else if (s instanceof While w) {
            r.add(w.block);
        } else if (s instanceof Repeat rp) {
            r.add(rp.block);
        } else if (s instanceof If i) {
            r.addAll(i.blocks);
            if (i.orElse != null) {
                r.add(i.orElse);
            }
        } else if (s instanceof NumFor n) {
            r.add(n.block);
        } else if (s instanceof GenFor g) {
            r.add(g.block);
        }
        return r;
    }

    public static final class LocalStat extends Stat {
        public final List<LocalVar> vars;
        public final List<Expr> exprs;

        public LocalStat(List<LocalVar> vars, List<Expr> exprs) {
            this.vars = vars;
            this.exprs = exprs;
        }
    }

    public static final class Assign extends Stat {
        public final List<Expr> targets;
        public final List<Expr> exprs;

        public Assign(List<Expr> targets, List<Expr> exprs) {
            this.targets = targets;
            this.exprs = exprs;
        }
    }

    public static final class CallStat extends Stat {
        public final Call call;

        public CallStat(Call call) {
            this.call = call;
        }
    }

    public static final class Do extends Stat {
        public final Block block;

        public Do(Block block) {
            this.block = block;
        }
    }

    public static final class While extends Stat {
        public final Expr cond;
        public final Block block;

        public While(Expr cond, Block block) {
            this.cond = cond;
            this.block = block;
        }
    }

    public static final class Repeat extends Stat {
        public final Block block;
        public final Expr cond;

        public Repeat(Block block, Expr cond) {
            this.block = block;
            this.cond = cond;
        }
    }

    public static final class If extends Stat {
        public final List<Expr> conds = new ArrayList<>();
        public final List<Block> blocks = new ArrayList<>();
        public Block orElse;
    }

    public static final class NumFor extends Stat {
        public final LocalVar var;
        public final Expr start;
        public final Expr limit;
        public final Expr step;
        public final Block block;

        public NumFor(LocalVar var, Expr start, Expr limit, Expr step, Block block) {
            this.var = var;
            this.start = start;
            this.limit = limit;
            this.step = step;
            this.block = block;
        }
    }

    public static final class GenFor extends Stat {
        public final List<LocalVar> vars;
        public final List<Expr> exprs;
        public final Block block;
        public final LocalVar[] hidden; // state slots: f, s, control, closing value

        public GenFor(List<LocalVar> vars, List<Expr> exprs, Block block, LocalVar[] hidden) {
            this.vars = vars;
            this.exprs = exprs;
            this.block = block;
            this.hidden = hidden;
        }
    }

    public static final class LocalFunction extends Stat {
        public final LocalVar var;
        public final Function fn;

        public LocalFunction(LocalVar var, Function fn) {
            this.var = var;
            this.fn = fn;
        }
    }

    public static final class Return extends Stat {
        public final List<Expr> exprs;
        /** The line of the statement's last token (where lua5.4 closes variables when it returns). */
        public int lastLine;

        public Return(List<Expr> exprs) {
            this.exprs = exprs;
        }
    }

    public static final class Break extends Stat {
    }

    public static final class Goto extends Stat {
        public final String label;
        public Label target;

        public Goto(String label) {
            this.label = label;
        }
    }

    public static final class Label extends Stat {
        public final String name;
        public Block block;
        public int index; // position in block.stats

        public Label(String name) {
            this.name = name;
        }
    }
}
