package lunatik.lua.jit;

import lunatik.lua.interp.Cell;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.CallFrame;
import lunatik.lua.vm.Coroutine;

/**
 * The call-stack frame of a compiled function: which site it is at (for lines and names), and
 * the values of its active locals at its current call, so that the debug library and the
 * collector's accounting see them.
 *
 * <p>Compiled code keeps Lua locals in JVM locals, which nothing outside the method can read.
 * Before each call it therefore copies ("spills") the active locals into {@link #locals}
 * (captured ones as their cell, integer loop variables boxed), and after the call, when
 * {@code debug.setlocal} changed one ({@link #dirty}), it loads them back.
 */
public final class CFrame extends CallFrame {
    final CompiledFunction fn;
    /** The coroutine whose stack this frame is on (set as it is pushed). */
    Coroutine co;
    /** Index of the current site in the function's {@link FnInfo#sites}, -1 at entry. */
    public int pc = -1;
    /** The active locals spilled at the current call (null when the function has none). */
    public final Object[] locals;
    /** How many entries of {@link #locals} the last spill wrote. */
    public int spilled;
    /** Whether debug.setlocal changed a spilled local (compiled code reloads them). */
    public boolean dirty;
    /** The extra arguments of a vararg function. */
    public Object[] varargs;

    // a stackless coroutine body (lunatik.lua.vm.StacklessBody): where its code goes on, and its
    // JVM locals while it is stopped (the reference ones, and the long and int ones), by slot
    /** Where the body's code goes on (0: its start; see JitCompiler's resumable code). */
    public int resumeAt;
    public Object[] savedRefs;
    public long[] savedPrims;

    /**
     * A leaf function's frame while it is not on the stack (see {@link Rt#enterLeaf}): pushed by
     * the first slow path that may let anything see the stack.
     */
    public boolean off;

    public CFrame(CompiledFunction fn) {
        this.fn = fn;
        int n = fn.info.maxActive;
        this.locals = n == 0 ? null : new Object[n];
    }

    /** A frame with the spill array given: null for a function that spills nothing. */
    CFrame(CompiledFunction fn, Object[] locals) {
        this.fn = fn;
        this.locals = locals;
    }

    @Override
    public LuaFunction function() {
        return fn;
    }

    @Override
    public int currentLine() {
        int p = pc;
        return p < 0 ? fn.info.shape.line() : fn.info.sites[p].line;
    }

    @Override
    public String shortSource() {
        return fn.info.shape.source();
    }

    @Override
    public boolean isLua() {
        return true;
    }

    @Override
    public lunatik.lua.vm.FuncName callee() {
        int p = pc;
        return p < 0 ? null : fn.info.sites[p].callee;
    }

    /** The site of the call this frame is in, when it records its locals; else null. */
    private Site callSite() {
        int p = pc;
        Site s = p < 0 ? null : fn.info.sites[p];
        return s == null || s.localNames == null ? null : s;
    }

    @Override
    public String localName(int n) {
        if (n < 0) {
            Object[] va = varargs;
            return va != null && -(long) n <= va.length ? "(vararg)" : null;
        }
        Site s = callSite();
        return s != null && n >= 1 && n <= s.localNames.length ? s.localNames[n - 1] : null;
    }

    @Override
    public Object getLocal(int n) {
        if (n < 0) {
            return varargs[-n - 1];
        }
        Object v = locals[n - 1];
        return callSite().localKinds[n - 1] == Site.CELL ? ((Cell) v).v : v;
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
        switch (callSite().localKinds[n - 1]) {
            case Site.CELL -> ((Cell) locals[n - 1]).v = v;
            case Site.LONG -> {
                if (!(v instanceof Long)) {
                    return false; // an integer loop variable compiled to a JVM long
                }
                locals[n - 1] = v;
                dirty = true;
            }
            case Site.NONE -> {
                return false;
            }
            default -> {
                locals[n - 1] = v;
                dirty = true;
            }
        }
        return true;
    }

    @Override
    public void forEachValue(java.util.function.Consumer<Object> refs) {
        Object[] l = locals;
        for (int i = 0, n = spilled; i < n; i++) {
            if (l[i] != null) {
                refs.accept(l[i]);
            }
        }
        if (varargs != null) {
            refs.accept(varargs);
        }
        if (savedRefs != null) {
            for (Object v : savedRefs) {
                if (v != null) {
                    refs.accept(v);
                }
            }
        }
    }

    Site site(int i) {
        return fn.info.sites[i];
    }
}
