package lunatik.lua.interp;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Unwinding;

/**
 * A Lua function value: a prototype plus its upvalue cells. Calling it pushes a {@link Frame}
 * on the running coroutine's call stack and executes the body's nodes. A tail call in the body
 * comes back as a pending call for the caller's loop to run, so tail recursion takes no stack.
 */
public final class Closure extends LuaFunction implements LuaClosure {
    final Proto p;
    final Cell[] upvals;
    final LuaState L;
    /**
     * The compiled function this closure runs instrumented for (while a hook is set), which
     * its frames show as their function; null for an ordinary closure.
     */
    LuaFunction self;

    Closure(LuaState L, Proto p, Cell[] upvals) {
        this.L = L;
        this.p = p;
        this.upvals = upvals;
    }

    @Override
    public Object invoke(Object[] args) {
        return lunatik.lua.vm.Ops.resolve(invokeTail(args));
    }

    @Override
    public Object invokeTail(Object[] args) {
        Proto p = this.p;
        Frame f = new Frame(this, new Object[p.numSlots]);
        Object[] slots = f.slots;
        int np = p.shape.numParams();
        int n = Math.min(np, args.length);
        boolean[] cap = p.paramCaptured;
        for (int i = 0; i < n; i++) {
            slots[i] = cap[i] ? new Cell(args[i]) : args[i];
        }
        for (int i = n; i < np; i++) {
            if (cap[i]) {
                slots[i] = new Cell(null);
            }
        }
        if (p.shape.isVararg()) {
            f.varargs = args.length > np ? java.util.Arrays.copyOfRange(args, np, args.length) : NO_ARGS;
        }
        return execute(f);
    }

    /** Runs the body in frame {@code f}: pushed on the running coroutine's stack while it runs. */
    private Object execute(Frame f) {
        LuaState L = this.L;
        L.tick();
        Coroutine co = L.current();
        co.push(f);
        try {
            if (L.hooksOn) {
                L.hookCall(f);
            }
            int sig = p.body.exec(f);
            Object r = sig == Nodes.RETURN ? f.ret : Varargs.NONE;
            if (L.hooksOn) {
                hookExit(f, sig, r);
            }
            return r;
        } catch (LuaError e) {
            throw Frame.handle(L, co, e);
        } catch (Throwable t) {
            if (t instanceof StackOverflowError) {
                throw L.onStackOverflow(co); // a Lua error here, where the stack is known
            }
            if (Unwinding.passes(t)) {
                throw t;
            }
            throw L.onInternalError(co, t, name());
        } finally {
            co.pop();
        }
    }

    /*
     * The hooks of a return: falling off the end is at the 'end' line (a line event there, as
     * lua5.4's final return instruction); a tail call is no return of this function.
     */
    private void hookExit(Frame f, int sig, Object r) {
        if (sig != Nodes.RETURN && !p.shape.isMainChunk() && p.shape.lastLine() > 0) {
            Nodes.lineAt(f, p.shape.lastLine());
        }
        if (!(r instanceof lunatik.lua.vm.TailCall)) {
            L.hookReturn();
        }
    }

    /** A closure running {@code fn}'s function instrumented: its frames show {@code fn}. */
    public static LuaFunction twin(ClosureFactory factory, LuaState L, Cell[] upvals, LuaFunction fn) {
        Closure c = (Closure) factory.create(L, upvals);
        c.self = fn;
        return c;
    }

    /**
     * Runs the body on a slot array the caller filled with the first {@code nargs} arguments
     * (at least {@code numSlots} long): saves copying the arguments into a second array.
     * Only for functions without varargs.
     */
    Object enter(Object[] slots, int nargs) {
        Proto p = this.p;
        boolean[] cap = p.paramCaptured;
        int np = p.shape.numParams();
        if (p.anyParamCaptured) {
            for (int i = 0; i < np; i++) {
                if (cap[i]) {
                    slots[i] = new Cell(i < nargs ? slots[i] : null);
                }
            }
        }
        for (int i = np; i < nargs; i++) {
            slots[i] = null; // extra arguments are dropped
        }
        return execute(new Frame(this, slots));
    }

    @Override
    public String name() {
        return p.shape.name();
    }

    @Override
    public FunctionShape shape() {
        return p.shape;
    }

    @Override
    public Cell[] upvalueCells() {
        return upvals;
    }
}
