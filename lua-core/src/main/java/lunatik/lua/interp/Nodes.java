package lunatik.lua.interp;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.FuncName;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import lunatik.lua.vm.TailCall;
import lunatik.lua.vm.Unwinding;

/**
 * The executable nodes of the tree interpreter. Expressions evaluate to a value
 * ({@link Expr#eval}) or, for calls and {@code ...}, to several ({@link Expr#evalMulti});
 * statements return a completion signal ({@link #NORMAL}, {@link #BREAK}, {@link #RETURN},
 * {@link #GOTO}) so that control flow needs no exceptions.
 *
 * <p>Each node has a fast path for the common types (integers, floats, plain tables) and leaves
 * everything else to {@link Ops}; before a slow path that may raise, a node records itself as
 * the frame's {@code pc} so the error carries its line.
 */
final class Nodes {
    private Nodes() {
    }

    static final int NORMAL = 0;
    static final int BREAK = 1;
    static final int RETURN = 2;
    static final int GOTO = 3;
    /** A repeat body with to-be-closed variables ended and its 'until' held (see Block.until). */
    static final int UNTIL_TRUE = 4;

    /** Any node: knows its source line. */
    abstract static class Node {
        int line;

        /**
         * What this node calls when it is the frame's position, named as getinfo names the
         * function called: a call's function, an operation's metamethod; null when none.
         */
        FuncName callee() {
            return null;
        }
    }

    static final FuncName INDEX = FuncName.metamethod("index");
    static final FuncName NEWINDEX = FuncName.metamethod("newindex");

    /** The metamethod of a binary operator ({@link Meta} code). */
    static FuncName binary(int op) {
        return FuncName.ofEvent(Meta.binaryEvent(op));
    }

    // ================================================================ expressions

    abstract static class Expr extends Node implements Ops.VarInfo {
        /** Operand descriptions for messages, e.g. " (local 'a')" (set by the tree compiler). */
        String[] desc;

        abstract Object eval(Frame f);

        /** Value or Varargs; only calls and '...' return several values. */
        Object evalMulti(Frame f) {
            return eval(f);
        }

        boolean isTrue(Frame f) {
            Object v = eval(f);
            return v != null && v != Boolean.FALSE;
        }

        boolean isMulti() {
            return false;
        }

        @Override
        public String describe(int i) {
            return desc != null && i < desc.length && desc[i] != null ? desc[i] : "";
        }
    }

    static final class ConstE extends Expr {
        final Object v;

        ConstE(Object v) {
            this.v = v;
        }

        @Override
        Object eval(Frame f) {
            return v;
        }
    }

    static final class TrueE extends Expr {
        @Override
        Object eval(Frame f) {
            return Boolean.TRUE;
        }

        @Override
        boolean isTrue(Frame f) {
            return true;
        }
    }

    static final class VarargE extends Expr {
        @Override
        Object eval(Frame f) {
            Object[] v = f.varargs;
            return v.length > 0 ? v[0] : null;
        }

        @Override
        Object evalMulti(Frame f) {
            Object[] v = f.varargs;
            return Varargs.of(v, v.length);
        }

        @Override
        boolean isMulti() {
            return true;
        }
    }

    static final class LocalE extends Expr {
        final int slot;

        LocalE(int slot) {
            this.slot = slot;
        }

        @Override
        Object eval(Frame f) {
            return f.slots[slot];
        }
    }

    static final class CellE extends Expr {
        final int slot;

        CellE(int slot) {
            this.slot = slot;
        }

        @Override
        Object eval(Frame f) {
            return ((Cell) f.slots[slot]).v;
        }
    }

    static final class UpvalE extends Expr {
        final int idx;

        UpvalE(int idx) {
            this.idx = idx;
        }

        @Override
        Object eval(Frame f) {
            return f.cl.upvals[idx].v;
        }
    }

    /** A global read: {@code _ENV.name} where _ENV is upvalue 0 of the function (the usual case). */
    static final class GlobalE extends Expr {
        @Override
        FuncName callee() {
            return INDEX;
        }

        final Expr env;
        final LuaString name;

        GlobalE(Expr env, LuaString name) {
            this.env = env;
            this.name = name;
        }

        @Override
        Object eval(Frame f) {
            Object e = env.eval(f);
            if (e instanceof LuaTable t) {
                Object v = t.get(name);
                if (v != null || t.getMetatable() == null) {
                    return v;
                }
            }
            f.pc = this;
            return Ops.index(f.L, e, name, this);
        }
    }

    static final class IndexE extends Expr {
        @Override
        FuncName callee() {
            return INDEX;
        }

        final Expr obj;
        final Expr key;

        IndexE(Expr obj, Expr key) {
            this.obj = obj;
            this.key = key;
        }

        @Override
        Object eval(Frame f) {
            Object o = obj.eval(f);
            Object k = key.eval(f);
            if (o instanceof LuaTable t) {
                Object v = t.get(k);
                if (v != null || t.getMetatable() == null) {
                    return v;
                }
            }
            f.pc = this;
            return Ops.index(f.L, o, k, this);
        }
    }

    /** {@code obj.name}: string key known at compile time. */
    static final class IndexStrE extends Expr {
        @Override
        FuncName callee() {
            return INDEX;
        }

        final Expr obj;
        final LuaString key;

        IndexStrE(Expr obj, LuaString key) {
            this.obj = obj;
            this.key = key;
        }

        @Override
        Object eval(Frame f) {
            Object o = obj.eval(f);
            Object v = Ops.fastIndexStr(o, key);
            if (v != Ops.SLOW) {
                return v;
            }
            f.pc = this;
            return Ops.index(f.L, o, key, this);
        }
    }

    static final class AndE extends Expr {
        final Expr a;
        final Expr b;

        AndE(Expr a, Expr b) {
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            return x == null || x == Boolean.FALSE ? x : b.eval(f);
        }

        @Override
        boolean isTrue(Frame f) {
            return a.isTrue(f) && b.isTrue(f);
        }
    }

    static final class OrE extends Expr {
        final Expr a;
        final Expr b;

        OrE(Expr a, Expr b) {
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            return x == null || x == Boolean.FALSE ? b.eval(f) : x;
        }

        @Override
        boolean isTrue(Frame f) {
            return a.isTrue(f) || b.isTrue(f);
        }
    }

    static final class NotE extends Expr {
        final Expr a;

        NotE(Expr a) {
            this.a = a;
        }

        @Override
        Object eval(Frame f) {
            return a.isTrue(f) ? Boolean.FALSE : Boolean.TRUE;
        }

        @Override
        boolean isTrue(Frame f) {
            return !a.isTrue(f);
        }
    }

    /** Binary arithmetic and bitwise operators. */
    static final class ArithE extends Expr {
        @Override
        FuncName callee() {
            return binary(op);
        }

        final int op;
        final Expr a;
        final Expr b;

        ArithE(int op, Expr a, Expr b) {
            this.op = op;
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            Object y = b.eval(f);
            if (x instanceof Long i && y instanceof Long j) {
                long p = i;
                long q = j;
                switch (op) {
                    case Meta.ADD: return p + q;
                    case Meta.SUB: return p - q;
                    case Meta.MUL: return p * q;
                    case Meta.BAND: return p & q;
                    case Meta.BOR: return p | q;
                    case Meta.BXOR: return p ^ q;
                    case Meta.IDIV:
                        if (q > 0) {
                            return Math.floorDiv(p, q);
                        }
                        break;
                    case Meta.MOD:
                        if (q > 0) {
                            return Math.floorMod(p, q);
                        }
                        break;
                    default:
                        break;
                }
            } else if (x instanceof Double d && y instanceof Double e && op <= Meta.IDIV) {
                return Ops.arithFloat(op, d, e);
            }
            f.pc = this;
            return Ops.arith(f.L, op, x, y, this);
        }
    }

    static final class AddE extends Expr {
        @Override
        FuncName callee() {
            return binary(Meta.ADD);
        }

        final Expr a;
        final Expr b;

        AddE(Expr a, Expr b) {
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            Object y = b.eval(f);
            if (x instanceof Long i && y instanceof Long j) {
                return i + j;
            }
            if (x instanceof Double d && y instanceof Double e) {
                return d + e;
            }
            f.pc = this;
            return Ops.arith(f.L, Meta.ADD, x, y, this);
        }
    }

    static final class SubE extends Expr {
        @Override
        FuncName callee() {
            return binary(Meta.SUB);
        }

        final Expr a;
        final Expr b;

        SubE(Expr a, Expr b) {
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            Object y = b.eval(f);
            if (x instanceof Long i && y instanceof Long j) {
                return i - j;
            }
            if (x instanceof Double d && y instanceof Double e) {
                return d - e;
            }
            f.pc = this;
            return Ops.arith(f.L, Meta.SUB, x, y, this);
        }
    }

    /** {@code e + k} / {@code e - k} with an integer constant (loop counters, indices). */
    static final class AddKE extends Expr {
        @Override
        FuncName callee() {
            return binary(op);
        }

        final Expr a;
        final long k;
        final int op;

        AddKE(Expr a, long k, int op) {
            this.a = a;
            this.k = k;
            this.op = op;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            if (x instanceof Long i) {
                return op == Meta.ADD ? i + k : i - k;
            }
            f.pc = this;
            return Ops.arith(f.L, op, x, k, this);
        }
    }

    static final class UnmE extends Expr {
        @Override
        FuncName callee() {
            return FuncName.metamethod("unm");
        }

        final Expr a;

        UnmE(Expr a) {
            this.a = a;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            if (x instanceof Long i) {
                return -i;
            }
            if (x instanceof Double d) {
                return -d;
            }
            f.pc = this;
            return Ops.unm(f.L, x, this);
        }
    }

    static final class BnotE extends Expr {
        @Override
        FuncName callee() {
            return FuncName.metamethod("bnot");
        }

        final Expr a;

        BnotE(Expr a) {
            this.a = a;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            if (x instanceof Long i) {
                return ~i;
            }
            f.pc = this;
            return Ops.bnot(f.L, x, this);
        }
    }

    static final class LenE extends Expr {
        @Override
        FuncName callee() {
            return FuncName.metamethod("len");
        }

        final Expr a;

        LenE(Expr a) {
            this.a = a;
        }

        @Override
        Object eval(Frame f) {
            Object x = a.eval(f);
            if (x instanceof LuaTable t && t.getMetatable() == null) {
                return t.length();
            }
            if (x instanceof LuaString s) {
                return (long) s.length();
            }
            f.pc = this;
            return Ops.len(f.L, x, this);
        }
    }

    /** A chain {@code a .. b .. c}: evaluated left to right, joined in one allocation when it can be. */
    static final class ConcatE extends Expr {
        @Override
        FuncName callee() {
            return FuncName.metamethod("concat");
        }

        final Expr[] parts;

        ConcatE(Expr[] parts) {
            this.parts = parts;
        }

        @Override
        Object eval(Frame f) {
            Expr[] ps = parts;
            Object[] v = new Object[ps.length];
            for (int i = 0; i < ps.length; i++) {
                v[i] = ps[i].eval(f);
            }
            LuaString r = Ops.joinPlain(v);
            if (r != null) {
                return r;
            }
            f.pc = this;
            return Ops.concatPairwise(f.L, v, this);
        }
    }

    /** Comparison operators. */
    static final class CmpE extends Expr {
        @Override
        FuncName callee() {
            return FuncName.metamethod(op <= 14 ? "eq" : op == 15 || op == 17 ? "lt" : "le");
        }

        final int op; // Ast OP_EQ .. OP_GE
        final Expr a;
        final Expr b;

        CmpE(int op, Expr a, Expr b) {
            this.op = op;
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame f) {
            return isTrue(f) ? Boolean.TRUE : Boolean.FALSE;
        }

        @Override
        boolean isTrue(Frame f) {
            Object x = a.eval(f);
            Object y = b.eval(f);
            if (x instanceof Long i && y instanceof Long j) {
                long p = i;
                long q = j;
                switch (op) {
                    case 13: return p == q;
                    case 14: return p != q;
                    case 15: return p < q;
                    case 16: return p <= q;
                    case 17: return p > q;
                    default: return p >= q;
                }
            }
            switch (op) {
                case 13:
                    return eqSlow(f, x, y);
                case 14:
                    return !eqSlow(f, x, y);
                default:
                    break;
            }
            f.pc = this;
            LuaState L = f.L;
            switch (op) {
                case 15: return Ops.lessThan(L, x, y);
                case 16: return Ops.lessEqual(L, x, y);
                case 17: return Ops.lessThan(L, y, x);
                default: return Ops.lessEqual(L, y, x);
            }
        }

        private boolean eqSlow(Frame f, Object x, Object y) {
            if (x instanceof LuaTable || x instanceof lunatik.lua.value.LuaUserdata) {
                f.pc = this;
                return Ops.equals(f.L, x, y);
            }
            return Ops.rawEquals(x, y);
        }
    }

    static final class ParenE extends Expr {
        final Expr e;

        ParenE(Expr e) {
            this.e = e;
        }

        @Override
        Object eval(Frame f) {
            return e.eval(f);
        }
    }

    static final class FunctionE extends Expr {
        final Proto p;

        FunctionE(Proto p) {
            this.p = p;
        }

        @Override
        Object eval(Frame f) {
            Proto p = this.p;
            int n = p.upIndex.length;
            Cell[] ups = new Cell[n];
            for (int i = 0; i < n; i++) {
                ups[i] = p.upFromLocal[i] ? (Cell) f.slots[p.upIndex[i]] : f.cl.upvals[p.upIndex[i]];
            }
            return new Closure(f.L, p, ups);
        }
    }

    static final class TableE extends Expr {
        final Expr[] items;      // positional, last may be multi
        final Expr[] keys;
        final Expr[] vals;
        final int[] order;       // evaluation order: >=0 item index, <0 -(field)-1

        TableE(Expr[] items, Expr[] keys, Expr[] vals, int[] order) {
            this.items = items;
            this.keys = keys;
            this.vals = vals;
            this.order = order;
        }

        @Override
        Object eval(Frame f) {
            Expr[] it = items;
            // as Lua's constructor: a trailing multi-valued item is not counted in the size hint
            int narr = it.length > 0 && it[it.length - 1].isMulti() ? it.length - 1 : it.length;
            LuaTable t = new LuaTable(narr, keys.length);
            if (keys.length == 0) {
                int n = it.length;
                if (n > 0 && it[n - 1].isMulti()) {
                    for (int i = 0; i < n - 1; i++) {
                        t.put(i + 1, it[i].eval(f));
                    }
                    putMulti(t, n, it[n - 1].evalMulti(f));
                } else {
                    for (int i = 0; i < n; i++) {
                        t.put(i + 1, it[i].eval(f));
                    }
                }
                return t;
            }
            for (int o : order) {
                if (o >= 0) {
                    if (o == it.length - 1 && it[o].isMulti()) {
                        putMulti(t, o + 1, it[o].evalMulti(f));
                    } else {
                        t.put(o + 1, it[o].eval(f));
                    }
                } else {
                    int i = -o - 1;
                    Object k = keys[i].eval(f);
                    Object v = vals[i].eval(f);
                    if (k == null || (k instanceof Double d && d.isNaN())) {
                        f.pc = this;
                        Ops.rawSet(f.L, t, k, v);
                    }
                    t.put(k, v);
                }
            }
            return t;
        }

        private static void putMulti(LuaTable t, int start, Object r) {
            if (r instanceof Varargs v) {
                int n = v.count();
                t.ensureArray(start - 1 + n);
                for (int i = 0; i < n; i++) {
                    t.put(start + i, v.get(i));
                }
            } else {
                t.put(start, r);
            }
        }
    }

    // ---------------------------------------------------------------- calls

    /** Evaluates an argument list, expanding a last multi-valued expression. */
    static Object[] evalArgs(Frame f, Expr[] args, boolean lastMulti) {
        int n = args.length;
        if (!lastMulti) {
            if (n == 0) {
                return LuaFunction.NO_ARGS;
            }
            Object[] a = new Object[n];
            for (int i = 0; i < n; i++) {
                a[i] = args[i].eval(f);
            }
            return a;
        }
        Object[] head = new Object[n - 1];
        for (int i = 0; i < n - 1; i++) {
            head[i] = args[i].eval(f);
        }
        Object last = args[n - 1].evalMulti(f);
        if (last instanceof Varargs v) {
            int m = v.count();
            Object[] a = new Object[n - 1 + m];
            System.arraycopy(head, 0, a, 0, n - 1);
            for (int i = 0; i < m; i++) {
                a[n - 1 + i] = v.get(i);
            }
            return a;
        }
        Object[] a = java.util.Arrays.copyOf(head, n);
        a[n - 1] = last;
        return a;
    }

    /** A function call; also the frame's {@code pc} while the callee runs. */
    static final class CallNode extends Expr {
        @Override
        FuncName callee() {
            return callee;
        }

        final Expr fn;
        final Expr[] args;
        final boolean lastMulti;
        final LuaString method;  // obj:method(...) when not null
        FuncName callee;          // ("f", "global"), ("rep", "method"): argument errors, getinfo
        CallPosition selfPos;     // obj:m(): the lookup of m (an __index there is "metamethod 'index'")
        boolean tail;             // in 'return f(...)' position
        String[] localNames = {};  // locals active here (debug.getlocal)
        int[] localSlots = {};
        boolean[] localCells = {};

        CallNode(Expr fn, LuaString method, Expr[] args) {
            this.fn = fn;
            this.method = method;
            this.args = args;
            this.lastMulti = args.length > 0 && args[args.length - 1].isMulti();
        }

        @Override
        boolean isMulti() {
            return true;
        }

        @Override
        Object eval(Frame f) {
            Object r = evalMulti(f);
            return r instanceof Varargs v ? v.get(0) : r;
        }

        @Override
        Object evalMulti(Frame f) {
            if (!tail && !lastMulti && method == null) {
                Object fv = fn.eval(f);
                if (fv instanceof Closure c && !c.p.shape.isVararg()) {
                    return callClosure(f, c);
                }
                return callGeneral(f, fv, evalArgs(f, args, false));
            }
            return evalMultiGeneral(f);
        }

        /** A call to a Lua function: arguments evaluated straight into its new frame's slots. */
        private Object callClosure(Frame f, Closure c) {
            Expr[] ar = args;
            int n = ar.length;
            Object[] slots = new Object[Math.max(c.p.numSlots, n)];
            for (int i = 0; i < n; i++) {
                slots[i] = ar[i].eval(f);
            }
            f.pc = this;
            Object r = c.enter(slots, n);
            if (r instanceof TailCall) {
                r = Ops.resolve(r);
            }
            return r;
        }

        private Object callGeneral(Frame f, Object fv, Object[] a) {
            f.pc = this;
            LuaFunction lf;
            if (fv instanceof LuaFunction g) {
                lf = g;
            } else {
                Ops.Callee c = Ops.toCallable(f.L, fv, a, describe(0));
                lf = c.fn();
                a = c.args();
            }
            Object r = lf.invokeTail(a);
            if (r instanceof TailCall) {
                r = Ops.resolve(r);
            }
            return r;
        }

        private Object evalMultiGeneral(Frame f) {
            Object fv;
            Object[] a;
            if (method != null) {
                Object self = fn.eval(f);
                fv = methodLookup(f, self);
                Expr[] ar = args;
                int n = ar.length;
                if (!lastMulti) {
                    a = new Object[n + 1];
                    a[0] = self;
                    for (int i = 0; i < n; i++) {
                        a[i + 1] = ar[i].eval(f);
                    }
                } else {
                    a = Ops.prepend(self, evalArgs(f, ar, true));
                }
            } else {
                fv = fn.eval(f);
                a = evalArgs(f, args, lastMulti);
            }
            f.pc = this;
            LuaFunction lf;
            if (fv instanceof LuaFunction g) {
                lf = g;
            } else {
                Ops.Callee c = Ops.toCallable(f.L, fv, a, describe(0));
                lf = c.fn();
                a = c.args();
            }
            if (tail && !(lf instanceof lunatik.lua.vm.LibFunction)) {
                return new TailCall(lf, a, f.L.current()); // Java functions run in place, as Lua 5.4 does
            }
            Object r = lf.invokeTail(a);
            if (r instanceof TailCall) {
                r = Ops.resolve(r);
            }
            f.pc = this;
            return r;
        }

        private Object methodLookup(Frame f, Object self) {
            Object v = Ops.fastIndexStr(self, method);
            if (v != Ops.SLOW) {
                return v;
            }
            f.pc = selfPos;
            return Ops.index(f.L, self, method, this::describeSelf);
        }

        private String describeSelf(int i) {
            return describe(1);
        }
    }

    /**
     * A position that is not a node's own: the current line for messages while a statement
     * calls something at another line, and the name the called function gets ("for iterator").
     */
    static final class CallPosition extends Node {
        @Override
        FuncName callee() {
            return callee;
        }

        final FuncName callee;

        CallPosition(int line, FuncName callee) {
            this.line = line;
            this.callee = callee;
        }
    }

    // ================================================================ statements

    abstract static class Stat extends Node {
        /** The lines of the statement's own code, as lua5.4's line hook sees them ({@link lunatik.lua.parse.Lines}). */
        int[] evLines;

        abstract int exec(Frame f);
    }

    /** A block; handles gotos to its own labels and closes its to-be-closed variables. */
    static final class Block extends Stat {
        final Stat[] stats;
        final boolean hasClose;
        /** Where lua5.4 closes the variables when the block ends normally, or on a break out of it. */
        CallPosition exitPos;
        CallPosition breakPos;
        /**
         * The condition of the repeat this block is the body of, when the block has to-be-closed
         * variables: evaluated inside their scope, before they are closed (UNTIL_TRUE when it holds).
         */
        Expr until;

        Block(Stat[] stats, boolean hasClose) {
            this.stats = stats;
            this.hasClose = hasClose;
        }

        @Override
        int exec(Frame f) {
            if (hasClose) {
                return execClosing(f);
            }
            return run(f, 0, -1);
        }

        /**
         * Runs the statements from {@code from}; a goto to one of this block's labels continues
         * there. {@code mark}: the to-be-closed values open at the block's start (-1 when it
         * has none), so that a backward goto closes those declared after its label.
         */
        int run(Frame f, int from, int mark) {
            Stat[] s = stats;
            for (int i = from; i < s.length; i++) {
                if (f.L.hooksOn) {
                    lineAt(f, s[i]);
                }
                int sig = s[i].exec(f);
                if (sig != NORMAL) {
                    if (sig == GOTO && f.gotoTarget.block == this) {
                        LabelS l = f.gotoTarget;
                        i = l.index - 1;
                        f.gotoTarget = null;
                        if (mark >= 0) {
                            closeAll(f, mark + l.closesBefore, null);
                        }
                        f.L.tick();
                        continue;
                    }
                    return sig;
                }
            }
            return NORMAL;
        }

        private int execClosing(Frame f) {
            int mark = f.ntbc;
            int sig;
            try {
                sig = run(f, 0, mark);
                if (sig == NORMAL && until != null && until.isTrue(f)) {
                    sig = UNTIL_TRUE;
                }
            } catch (LuaError e) {
                throw closeOnError(f, mark, e);
            } catch (Coroutine.CloseUnwind u) {
                closeAll(f, mark, null);
                throw u;
            } catch (Throwable t) {
                if (Unwinding.passes(t)) {
                    throw t;
                }
                // a Java throwable: the Lua error it becomes is what the variables are closed with
                throw closeOnError(f, mark, f.L.onInternalError(f.L.current(), t, f.cl.name()));
            }
            Object ret = f.ret;
            if (sig == RETURN && ret instanceof TailCall tc) {
                ret = Ops.resolve(tc); // not a tail call when variables must be closed after it
            }
            if (sig == NORMAL || sig == UNTIL_TRUE) {
                f.pc = exitPos;
            } else if (sig == BREAK && breakPos != null) {
                f.pc = breakPos;
            } // a return or goto set the position itself
            closeAll(f, mark, null);
            f.ret = ret;
            return sig;
        }
    }

    /** The line events of statement {@code n} if the line hook is on and the frame's line changes. */
    static void lineAt(Frame f, Stat n) {
        if (f.cl.p.shape.stripped()) {
            strippedLine(f);
            return;
        }
        int[] lines = n.evLines;
        if (lines == null) {
            lineAt(f, n.line);
            return;
        }
        for (int l : lines) {
            if (l > 0 && l != f.hookLine && f.L.lineHooked()) {
                f.hookLine = l;
                f.pc = l == n.line ? n : new CallPosition(l, null);
                f.L.hookLine((long) l);
            }
        }
    }

    /** A line event for {@code line} (a loop's own instruction, a function's 'end') if it changes. */
    static void lineAt(Frame f, int line) {
        if (f.cl.p.shape.stripped()) {
            strippedLine(f);
            return;
        }
        if (line > 0 && line != f.hookLine && f.L.lineHooked()) {
            f.hookLine = line;
            f.pc = new CallPosition(line, null);
            f.L.hookLine((long) line);
        }
    }

    /*
     * A function without line information (string.dump(f, true)) has a line event, with no
     * line, only where it starts and after a backward jump, as in lua5.4.
     */
    private static void strippedLine(Frame f) {
        if ((f.hookLine == 0 || f.hookLine == -1) && f.L.lineHooked()) {
            f.hookLine = Integer.MIN_VALUE;
            f.L.hookLine(null);
        }
    }

    /** A backward jump: the next statement has a line event even on the same line. */
    static void jumpBack(Frame f) {
        f.hookLine = -1;
    }

    /**
     * Closes to-be-closed values above {@code mark}, newest first, with the error value (or nil).
     * When one raises, the rest are still closed, with that error (as Lua unwinds), and the
     * last error raised propagates.
     */
    static void closeAll(Frame f, int mark, Object err) {
        while (f.ntbc > mark) {
            Object v = f.tbc[--f.ntbc];
            f.tbc[f.ntbc] = null;
            if (v != null && v != Boolean.FALSE) {
                try {
                    Ops.callClose(f.L, v);
                } catch (LuaError e) {
                    throw closeOnError(f, mark, e);
                }
            }
        }
    }

    private static LuaError closeOnError(Frame f, int mark, LuaError e) {
        LuaError cur = e;
        while (f.ntbc > mark) {
            Object v = f.tbc[--f.ntbc];
            f.tbc[f.ntbc] = null;
            if (v != null && v != Boolean.FALSE) {
                try {
                    Object mm = f.L.metamethod(v, Meta.CLOSE);
                    f.L.call(mm, v, cur.value());
                } catch (LuaError e2) {
                    cur = e2;
                }
            }
        }
        return cur;
    }

    static final class ExprStat extends Stat {
        final Expr e;

        ExprStat(Expr e) {
            this.e = e;
        }

        @Override
        int exec(Frame f) {
            e.evalMulti(f);
            return NORMAL;
        }
    }

    static final class LocalAssign extends Stat {
        final int slot;
        final Expr e;

        LocalAssign(int slot, Expr e) {
            this.slot = slot;
            this.e = e;
        }

        @Override
        int exec(Frame f) {
            f.slots[slot] = e.eval(f);
            return NORMAL;
        }
    }

    static final class CellAssign extends Stat {
        final int slot;
        final Expr e;

        CellAssign(int slot, Expr e) {
            this.slot = slot;
            this.e = e;
        }

        @Override
        int exec(Frame f) {
            ((Cell) f.slots[slot]).v = e.eval(f);
            return NORMAL;
        }
    }

    /** {@code local a, b, c = explist}: adjusts values, creates cells for captured locals. */
    static final class LocalMulti extends Stat {
        final int[] slots;
        final boolean[] captured;
        final Expr[] exprs;
        final boolean lastMulti;
        final int closeIndex; // index of the <close> variable or -1
        final String closeName;

        LocalMulti(int[] slots, boolean[] captured, Expr[] exprs, int closeIndex, String closeName) {
            this.slots = slots;
            this.captured = captured;
            this.exprs = exprs;
            this.lastMulti = exprs.length > 0 && exprs[exprs.length - 1].isMulti();
            this.closeIndex = closeIndex;
            this.closeName = closeName;
        }

        @Override
        int exec(Frame f) {
            Object[] vals = values(f, exprs, lastMulti, slots.length);
            for (int i = 0; i < slots.length; i++) {
                f.slots[slots[i]] = captured[i] ? new Cell(vals[i]) : vals[i];
            }
            if (closeIndex >= 0) {
                Object v = vals[closeIndex];
                if (v != null && v != Boolean.FALSE && f.L.metamethod(v, Meta.CLOSE) == null) {
                    f.pc = this;
                    throw new LuaError(Ops.str(f.L.where(0) + "variable '" + closeName + "' got a non-closable value"));
                }
                f.pushTbc(v);
            }
            return NORMAL;
        }
    }

    /** Evaluates an expression list adjusted to {@code n} values. */
    static Object[] values(Frame f, Expr[] exprs, boolean lastMulti, int n) {
        Object[] r = new Object[Math.max(n, exprs.length)];
        int m = exprs.length;
        for (int i = 0; i < m; i++) {
            if (i == m - 1 && lastMulti) {
                Object last = exprs[i].evalMulti(f);
                if (last instanceof Varargs v) {
                    for (int j = 0; i + j < n; j++) {
                        r[i + j] = v.get(j);
                    }
                } else {
                    r[i] = last;
                }
            } else {
                r[i] = exprs[i].eval(f);
            }
        }
        return r;
    }

    /** Assignment to a global or table field {@code t[k] = v}. */
    static final class IndexAssign extends Stat {
        @Override
        FuncName callee() {
            return NEWINDEX;
        }

        final Expr obj;
        final Expr key;
        final Expr value;
        final Ops.VarInfo info;

        IndexAssign(Expr obj, Expr key, Expr value, Ops.VarInfo info) {
            this.obj = obj;
            this.key = key;
            this.value = value;
            this.info = info;
        }

        @Override
        int exec(Frame f) {
            Object o = obj.eval(f);
            Object k = key.eval(f);
            Object v = value.eval(f);
            store(f, this, o, k, v, info);
            return NORMAL;
        }
    }

    static void store(Frame f, Node at, Object o, Object k, Object v, Ops.VarInfo info) {
        if (o instanceof LuaTable t && t.getMetatable() == null && k != null) {
            if (k instanceof LuaString s) {
                t.put(s, v);
                return;
            }
            if (k instanceof Long l) {
                t.put(l.longValue(), v);
                return;
            }
            if (!(k instanceof Double d && d.isNaN())) {
                t.put(k, v);
                return;
            }
        }
        f.pc = at;
        Ops.setIndex(f.L, o, k, v, info);
    }

    /** General multiple assignment: targets' objects and keys, then values, then stores right to left. */
    static final class MultiAssign extends Stat {
        @Override
        FuncName callee() {
            return NEWINDEX;
        }

        final Expr[] objs;   // per target: null for locals/upvalues
        final Expr[] keys;
        final int[] kind;    // 0 local slot, 1 cell slot, 2 upvalue, 3 index
        final int[] where;
        final Expr[] exprs;
        final boolean lastMulti;
        final Ops.VarInfo[] infos;

        MultiAssign(Expr[] objs, Expr[] keys, int[] kind, int[] where, Expr[] exprs, Ops.VarInfo[] infos) {
            this.objs = objs;
            this.keys = keys;
            this.kind = kind;
            this.where = where;
            this.exprs = exprs;
            this.lastMulti = exprs.length > 0 && exprs[exprs.length - 1].isMulti();
            this.infos = infos;
        }

        @Override
        int exec(Frame f) {
            int n = kind.length;
            Object[] o = new Object[n];
            Object[] k = new Object[n];
            for (int i = 0; i < n; i++) {
                if (kind[i] == 3) {
                    o[i] = objs[i].eval(f);
                    k[i] = keys[i].eval(f);
                }
            }
            Object[] v = values(f, exprs, lastMulti, n);
            for (int i = n - 1; i >= 0; i--) {
                switch (kind[i]) {
                    case 0 -> f.slots[where[i]] = v[i];
                    case 1 -> ((Cell) f.slots[where[i]]).v = v[i];
                    case 2 -> f.cl.upvals[where[i]].v = v[i];
                    default -> store(f, this, o[i], k[i], v[i], infos[i]);
                }
            }
            return NORMAL;
        }
    }

    static final class UpvalAssign extends Stat {
        final int idx;
        final Expr e;

        UpvalAssign(int idx, Expr e) {
            this.idx = idx;
            this.e = e;
        }

        @Override
        int exec(Frame f) {
            f.cl.upvals[idx].v = e.eval(f);
            return NORMAL;
        }
    }

    /** A statement whose locals' slots are cleared after it (see TreeCompiler.clearing). */
    static final class ClearingS extends Stat {
        final Stat s;
        final int from;
        final int to;

        ClearingS(Stat s, int from, int to) {
            this.s = s;
            this.from = from;
            this.to = to;
        }

        @Override
        int exec(Frame f) {
            int sig = s.exec(f);
            java.util.Arrays.fill(f.slots, from, to, null);
            return sig;
        }
    }

    static final class DoS extends Stat {
        final Block b;

        DoS(Block b) {
            this.b = b;
        }

        @Override
        int exec(Frame f) {
            return b.exec(f);
        }
    }

    static final class IfS extends Stat {
        final Expr[] conds;
        final Block[] blocks;
        final Block orElse;

        IfS(Expr[] conds, Block[] blocks, Block orElse) {
            this.conds = conds;
            this.blocks = blocks;
            this.orElse = orElse;
        }

        @Override
        int exec(Frame f) {
            Expr[] c = conds;
            for (int i = 0; i < c.length; i++) {
                if (i > 0 && f.L.hooksOn) {
                    lineAt(f, c[i].line); // an elseif's test
                }
                if (c[i].isTrue(f)) {
                    return blocks[i].exec(f);
                }
            }
            return orElse == null ? NORMAL : orElse.exec(f);
        }
    }

    static final class WhileS extends Stat {
        final Expr cond;
        final Block b;

        WhileS(Expr cond, Block b) {
            this.cond = cond;
            this.b = b;
        }

        @Override
        int exec(Frame f) {
            LuaState L = f.L;
            while (cond.isTrue(f)) {
                int sig = b.exec(f);
                if (sig != NORMAL) {
                    return sig == BREAK ? NORMAL : sig;
                }
                L.tick();
                if (L.hooksOn) {
                    jumpBack(f);
                    lineAt(f, this);
                }
            }
            return NORMAL;
        }
    }

    static final class RepeatS extends Stat {
        final Block b;
        final Expr cond;

        RepeatS(Block b, Expr cond) {
            this.b = b;
            this.cond = cond;
        }

        @Override
        int exec(Frame f) {
            LuaState L = f.L;
            for (;;) {
                int sig = b.exec(f);
                if (sig != NORMAL) {
                    return sig == BREAK || sig == UNTIL_TRUE ? NORMAL : sig;
                }
                if (L.hooksOn) {
                    lineAt(f, cond.line);
                }
                if (b.until == null && cond.isTrue(f)) {
                    return NORMAL;
                }
                L.tick();
                if (L.hooksOn) {
                    jumpBack(f);
                }
            }
        }
    }

    /** Numeric for, with Lua 5.4's integer loop (iteration count precomputed, no overflow). */
    static final class NumForS extends Stat {
        final int slot;
        final boolean captured;
        final Expr start;
        final Expr limit;
        final Expr step;
        final Block b;

        NumForS(int slot, boolean captured, Expr start, Expr limit, Expr step, Block b) {
            this.slot = slot;
            this.captured = captured;
            this.start = start;
            this.limit = limit;
            this.step = step;
            this.b = b;
        }

        @Override
        int exec(Frame f) {
            Object s0 = start.eval(f);
            Object l0 = limit.eval(f);
            Object st0 = step == null ? (Object) 1L : step.eval(f);
            f.pc = this;
            LuaState L = f.L;
            boolean floatLoop = Ops.forIsFloat(L, s0, st0);
            s0 = forNumber(L, s0, "initial");
            l0 = forNumber(L, l0, "limit");
            st0 = forNumber(L, st0, "step");
            if (floatLoop) {
                s0 = ((Number) s0).doubleValue();
            }
            if (s0 instanceof Long is && st0 instanceof Long ist) {
                long init = is;
                long stp = ist;
                if (stp == 0) {
                    throw new LuaError(Ops.str(L.where(0) + "'for' step is zero"));
                }
                long lim;
                if (l0 instanceof Long ll) {
                    lim = ll;
                } else {
                    double d = (Double) l0;
                    if (Double.isNaN(d)) {
                        return NORMAL;
                    }
                    if (stp > 0) {
                        d = Math.floor(d);
                        if (d >= 0x1p63) {
                            lim = Long.MAX_VALUE;
                        } else if (d < -0x1p63) {
                            return NORMAL;
                        } else {
                            lim = (long) d;
                        }
                    } else {
                        d = Math.ceil(d);
                        if (d < -0x1p63) {
                            lim = Long.MIN_VALUE;
                        } else if (d >= 0x1p63) {
                            return NORMAL;
                        } else {
                            lim = (long) d;
                        }
                    }
                }
                if (stp > 0 ? init > lim : init < lim) {
                    return NORMAL;
                }
                // iterations after the first, as unsigned: no overflow whatever the bounds
                long count = stp > 0 ? Long.divideUnsigned(lim - init, stp) : Long.divideUnsigned(init - lim, -stp);
                long i = init;
                Object[] slots = f.slots;
                for (;;) {
                    slots[slot] = captured ? new Cell(i) : (Object) i;
                    int sig = b.exec(f);
                    if (sig != NORMAL) {
                        return sig == BREAK ? NORMAL : sig;
                    }
                    if (L.hooksOn) {
                        lineAt(f, line);
                    }
                    if (count-- == 0) {
                        return NORMAL;
                    }
                    i += stp;
                    L.tick();
                    if (L.hooksOn) {
                        jumpBack(f);
                    }
                }
            }
            double init = ((Number) s0).doubleValue();
            double lim = ((Number) l0).doubleValue();
            double stp = ((Number) st0).doubleValue();
            if (stp == 0) {
                throw new LuaError(Ops.str(L.where(0) + "'for' step is zero"));
            }
            for (double i = init; stp > 0 ? i <= lim : i >= lim; i += stp) {
                f.slots[slot] = captured ? new Cell(i) : (Object) i;
                int sig = b.exec(f);
                if (sig != NORMAL) {
                    return sig == BREAK ? NORMAL : sig;
                }
                L.tick();
                if (L.hooksOn) {
                    lineAt(f, line);
                    jumpBack(f);
                }
            }
            return NORMAL;
        }

        private static Object forNumber(LuaState L, Object v, String what) {
            if (v instanceof Long || v instanceof Double) {
                return v;
            }
            if (v instanceof LuaString s) {
                Object n = Ops.stringToNumber(s, L.dialect);
                if (n != null) {
                    return n;
                }
            }
            String w = what.equals("initial") ? "initial value" : what;
            throw new LuaError(Ops.str(L.where(0) + "bad 'for' " + w + " (number expected, got "
                + Ops.objTypeName(L, v) + ")"));
        }
    }

    /** Generic for: {@code for vars in f, s, ctl, closing do}. */
    static final class GenForS extends Stat {
        final int[] slots;
        final boolean[] captured;
        final Expr[] exprs;
        final boolean lastMulti;
        final Block b;

        /** Where the iterator is called: the line of the expressions after 'in' (as lua5.4 says). */
        final CallPosition iter;
        /** The loop's 'end'. */
        CallPosition end;

        GenForS(int[] slots, boolean[] captured, Expr[] exprs, Block b, int iterLine) {
            this.iter = new CallPosition(iterLine, FuncName.FOR_ITERATOR);
            this.slots = slots;
            this.captured = captured;
            this.exprs = exprs;
            this.lastMulti = exprs.length > 0 && exprs[exprs.length - 1].isMulti();
            this.b = b;
        }

        @Override
        int exec(Frame f) {
            Object[] init = values(f, exprs, lastMulti, 4);
            Object fn = init[0];
            Object state = init[1];
            Object ctl = init[2];
            Object closing = init[3];
            LuaState L = f.L;
            int mark = f.ntbc;
            if (closing != null && closing != Boolean.FALSE) {
                if (L.metamethod(closing, Meta.CLOSE) == null) {
                    f.pc = this;
                    throw new LuaError(Ops.str(L.where(0) + "variable '(for state)' got a non-closable value"));
                }
                f.pushTbc(closing);
            }
            try {
                int sig = loop(f, L, fn, state, ctl);
                if (sig == NORMAL && L.hooksOn) {
                    lineAt(f, end.line); // lua5.4 closes the loop's state at its 'end'
                }
                if (f.ntbc > mark) {
                    Object ret = f.ret;
                    if (sig == RETURN && ret instanceof TailCall tc) {
                        ret = Ops.resolve(tc);
                    }
                    if (sig == NORMAL) {
                        f.pc = end; // lua5.4 closes the loop's closing value at its 'end'
                    }
                    closeAll(f, mark, null);
                    f.ret = ret;
                }
                return sig;
            } catch (LuaError e) {
                if (f.ntbc > mark) {
                    throw closeOnError(f, mark, e);
                }
                throw e;
            } catch (Coroutine.CloseUnwind u) {
                // coroutine.close of a coroutine suspended in the loop closes its closing value
                if (f.ntbc > mark) {
                    closeAll(f, mark, null);
                }
                throw u;
            }
        }

        private int loop(Frame f, LuaState L, Object fn, Object state, Object ctl) {
            Object[] sl = f.slots;
            int nv = slots.length;
            if (fn instanceof LuaFunction g && nv <= 2 && isNext(g) && state instanceof LuaTable t) {
                return loopNext(f, L, t, ctl);
            }
            for (;;) {
                f.pc = iter;
                Object r = Ops.callIterator(L, fn, state, ctl);
                Object first = r instanceof Varargs v ? v.get(0) : r;
                if (first == null) {
                    return NORMAL;
                }
                ctl = first;
                for (int i = 0; i < nv; i++) {
                    Object x = i == 0 ? first : Varargs.get(r, i);
                    sl[slots[i]] = captured[i] ? new Cell(x) : x;
                }
                if (L.hooksOn) {
                    jumpBack(f);
                }
                int sig = b.exec(f);
                if (sig != NORMAL) {
                    return sig == BREAK ? NORMAL : sig;
                }
                L.tick();
                if (L.hooksOn) {
                    lineAt(f, line);
                }
            }
        }

        private static boolean isNext(LuaFunction g) {
            return g instanceof lunatik.lua.vm.LibFunction lf && lf.name().equals("next");
        }

        /** pairs() over a plain table: walks the slots directly instead of calling next. */
        private int loopNext(Frame f, LuaState L, LuaTable t, Object key) {
            Object[] sl = f.slots;
            int slot = t.nextSlot(key);
            if (slot == -2) {
                f.pc = iter;
                throw new LuaError(Ops.str("invalid key to 'next'")); // raised in next: no position
            }
            int nv = slots.length;
            while (slot >= 0) {
                Object k = t.slotKey(slot);
                Object v = t.slotValue(slot);
                sl[slots[0]] = captured[0] ? new Cell(k) : k;
                if (nv > 1) {
                    sl[slots[1]] = captured[1] ? new Cell(v) : v;
                }
                if (L.hooksOn) {
                    jumpBack(f);
                }
                int sig = b.exec(f);
                if (sig != NORMAL) {
                    return sig == BREAK ? NORMAL : sig;
                }
                L.tick();
                if (L.hooksOn) {
                    lineAt(f, line);
                }
                slot = t.nextSlot(k);
                if (slot == -2) {
                    f.pc = iter;
                    throw new LuaError(Ops.str("invalid key to 'next'")); // raised in next: no position
                }
            }
            return NORMAL;
        }
    }

    static final class ReturnS extends Stat {
        final Expr[] exprs;
        final boolean lastMulti;
        /** Inside to-be-closed variables: where lua5.4 closes them (the statement's last line). */
        CallPosition closePos;

        ReturnS(Expr[] exprs) {
            this.exprs = exprs;
            this.lastMulti = exprs.length > 0 && exprs[exprs.length - 1].isMulti();
        }

        @Override
        int exec(Frame f) {
            Expr[] e = exprs;
            int n = e.length;
            if (n == 1) {
                f.ret = lastMulti ? e[0].evalMulti(f) : e[0].eval(f);
            } else if (n == 0) {
                f.ret = Varargs.NONE;
            } else if (!lastMulti) {
                Object[] r = new Object[n];
                for (int i = 0; i < n; i++) {
                    r[i] = e[i].eval(f);
                }
                f.ret = Varargs.of(r);
            } else {
                Object[] r = evalArgs(f, e, true);
                f.ret = Varargs.of(r, r.length);
            }
            if (closePos != null) {
                f.pc = closePos;
            }
            return RETURN;
        }
    }

    static final class BreakS extends Stat {
        @Override
        int exec(Frame f) {
            return BREAK;
        }
    }

    static final class GotoS extends Stat {
        LabelS target;
        /** Inside to-be-closed variables: where lua5.4 closes them (the label, or the goto going back). */
        CallPosition closePos;

        @Override
        int exec(Frame f) {
            if (closePos != null) {
                f.pc = closePos;
            }
            f.gotoTarget = target;
            return GOTO;
        }
    }

    static final class LabelS extends Stat {
        Block block;
        int index;
        /** How many {@code <close>} locals the block declares before the label. */
        int closesBefore;

        @Override
        int exec(Frame f) {
            return NORMAL;
        }
    }
}
