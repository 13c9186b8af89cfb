package lunatik.lua.interp;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.CallFrame;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;

/**
 * The activation of an interpreted function: its local slots (a captured local's slot holds
 * its {@link Cell}), its extra arguments, its pending to-be-closed values, and the node being
 * executed ({@link #pc}), which gives the current line for messages and tracebacks. Nodes set
 * {@code pc} before calls and before slow paths that may raise, never on fast paths.
 */
final class Frame extends CallFrame {
    final Closure cl;
    final Object[] slots;
    final LuaState L;
    Object[] varargs;
    Object ret;                 // value or Varargs or TailCall when a Return node ran
    Nodes.Node pc;              // node being executed, for positions
    Nodes.LabelS gotoTarget;    // pending goto
    Object[] tbc;               // to-be-closed values
    int ntbc;
    /** The line of the last line event of this frame (0: none yet; -1: the next statement has one whatever its line). */
    int hookLine;

    Frame(Closure cl, Object[] slots) {
        this.cl = cl;
        this.slots = slots;
        this.L = cl.L;
    }

    @Override
    public LuaFunction function() {
        LuaFunction self = cl.self;
        return self != null ? self : cl;
    }

    @Override
    public int currentLine() {
        Nodes.Node n = pc;
        return n == null ? cl.p.shape.line() : n.line;
    }

    @Override
    public String shortSource() {
        return cl.p.shape.source();
    }

    @Override
    public boolean isLua() {
        return true;
    }

    @Override
    public lunatik.lua.vm.FuncName callee() {
        Nodes.Node n = pc;
        return n == null ? null : n.callee();
    }

    @Override
    public String localName(int n) {
        if (n < 0) {
            Object[] va = varargs;
            return va != null && -(long) n <= va.length ? "(vararg)" : null;
        }
        if (pc instanceof Nodes.CallNode c && n >= 1 && n <= c.localNames.length) {
            return c.localNames[n - 1];
        }
        return null;
    }

    @Override
    public Object getLocal(int n) {
        if (n < 0) {
            return varargs[-n - 1];
        }
        Nodes.CallNode c = (Nodes.CallNode) pc;
        Object v = slots[c.localSlots[n - 1]];
        return c.localCells[n - 1] ? ((Cell) v).v : v;
    }

    @Override
    public boolean setLocal(int n, Object v) {
        if (localName(n) == null) {
            return false;
        }
        if (n < 0) {
            varargs[-n - 1] = v;
            return true;
        }
        Nodes.CallNode c = (Nodes.CallNode) pc;
        int slot = c.localSlots[n - 1];
        if (c.localCells[n - 1]) {
            ((Cell) slots[slot]).v = v;
        } else {
            slots[slot] = v;
        }
        return true;
    }

    @Override
    public void forEachValue(java.util.function.Consumer<Object> refs) {
        refs.accept(slots);
        if (varargs != null) {
            refs.accept(varargs);
        }
        for (int i = 0; i < ntbc; i++) {
            refs.accept(tbc[i]);
        }
    }

    public Object[] slots() {
        return slots;
    }

    public Object[] varargs() {
        return varargs;
    }

    void pushTbc(Object v) {
        if (tbc == null) {
            tbc = new Object[4];
        } else if (ntbc == tbc.length) {
            tbc = java.util.Arrays.copyOf(tbc, ntbc * 2);
        }
        tbc[ntbc++] = v;
    }

    /**
     * An error leaves the innermost Lua frame: if an xpcall handler is active in this coroutine
     * and has not seen the error, it runs now, with the erroring frames still on the stack (so
     * debug.traceback shows them), and its result becomes the error value.
     */
    static LuaError handle(LuaState L, Coroutine co, LuaError e) {
        return L.onError(co, e);
    }

}
