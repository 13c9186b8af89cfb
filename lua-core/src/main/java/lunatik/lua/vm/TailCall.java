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

    /*
     * Makes the call. The function that made it is gone, so the frame under it marks the frame
     * above as called in tail position while it runs (getinfo's istailcall, "(...tail calls...)").
     */
    Object run() {
        if (!(function instanceof LuaClosure)) {
            return function.invokeTail(args);
        }
        CallFrame below = co.top;
        boolean was = co.markTailAbove(below, true);
        try {
            return function.invokeTail(args);
        } finally {
            co.markTailAbove(below, was);
        }
    }
}
