package lunatik.lua.jit;

import lunatik.lua.interp.Cell;
import lunatik.lua.interp.FunctionShape;
import lunatik.lua.interp.LuaClosure;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.vm.Coroutine;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * A Lua function compiled to a JVM class. The generated subclass implements {@link #run}; the
 * frame bookkeeping around it (tick, push, error handler, pop) is this class's, shared by all.
 */
public abstract class CompiledFunction extends LuaFunction implements LuaClosure, lunatik.lua.vm.Resumable {
    public final LuaState L;
    public final Cell[] upvals;
    public final FnInfo info;
    /** This closure run by the interpreter (sharing its upvalues), for hooks; made on first use. */
    LuaFunction twin;
    /** The frame this closure's calls use while it is a leaf that is not on the stack (Rt.enterLeaf). */
    CFrame leafFrame;

    protected CompiledFunction(LuaState L, Cell[] upvals, FnInfo info) {
        this.L = L;
        this.upvals = upvals;
        this.info = info;
    }

    /** A closure of this function with {@code upvals} (the generated class's constructor, called on its prototype). */
    protected abstract CompiledFunction make(LuaState L, Cell[] upvals, FnInfo info);

    @Override
    public final Object invoke(Object[] args) {
        return Ops.resolve(invokeTail(args));
    }

    /*
     * The generated subclass implements invokeTail (and tail0..tail3 for functions with up to
     * three parameters) with the frame bookkeeping inlined around the body: push a CFrame,
     * tick, run; pop on every exit; errors go through the state's message handler first.
     */

    /**
     * A stackless run of this function as coroutine {@code co}'s body, when the function is
     * simple enough for that ({@link JitCompiler#resumable}; its code for it is made on first use).
     */
    @Override
    public lunatik.lua.vm.StacklessBody stackless(Coroutine co) {
        Object r = info.resumable;
        if (r == null) {
            r = JitCompiler.resumable(this);
            info.resumable = r;
        }
        if (!(r instanceof ResumableCode code)) {
            return null;
        }
        CFrame f = new CFrame(this);
        f.co = co;
        CompiledFunction self = this;
        return new lunatik.lua.vm.StacklessBody() {
            @Override
            public Object run(Object[] args) {
                return code.resume(self, f, args);
            }

            @Override
            public lunatik.lua.vm.CallFrame frame() {
                return f;
            }
        };
    }

    @Override
    public String name() {
        return info.shape.name();
    }

    @Override
    public FunctionShape shape() {
        return info.shape;
    }

    @Override
    public Cell[] upvalueCells() {
        return upvals;
    }
}
