package lunatik.lua.vm;

import lunatik.lua.interp.LuaClosure;
import lunatik.lua.value.LuaFunction;

/**
 * A pending tail call ({@code return f(args)}), returned by a Lua function instead of making
 * the call, so that the caller's loop in {@link Ops#resolve} runs it in constant stack.
 */
public final class TailCall {
    final LuaFunction function;
    final Object[] args;
    private final Coroutine co;

    public TailCall(LuaFunction function, Object[] args, Coroutine co) {
        this.function = function;
        this.args = args;
        this.co = co;
    }

    /**
     * Makes this call, and the calls it returns in turn, until a real result remains: the loop
     * that {@link Ops#resolve} hands a pending call to (why it is here and not there: see
     * resolve). The function that made a call is gone, so the frame under it marks the frame
     * above as called in tail position while it runs (getinfo's istailcall, "(...tail calls...)").
     */
    Object runAll() {
        TailCall tc = this;
        for (;;) {
            Object r;
            LuaFunction f = tc.function;
            if (!(f instanceof LuaClosure)) {
                r = f.invokeTail(tc.args);
            } else {
                Coroutine c = tc.co;
                CallFrame below = c.top;
                boolean was = c.markTailAbove(below, true);
                try {
                    r = f.invokeTail(tc.args);
                } finally {
                    c.markTailAbove(below, was);
                }
            }
            if (!(r instanceof TailCall next)) {
                return r;
            }
            tc = next;
        }
    }
}
