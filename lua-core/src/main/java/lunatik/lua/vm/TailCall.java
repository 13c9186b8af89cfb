package lunatik.lua.vm;

import lunatik.lua.value.LuaFunction;

/**
 * A pending tail call ({@code return f(args)}), returned by an interpreted function instead of
 * making the call, so that the caller's loop in {@link Ops#resolve} runs it in constant stack.
 */
public final class TailCall {
    final LuaFunction function;
    final Object[] args;

    public TailCall(LuaFunction function, Object[] args) {
        this.function = function;
        this.args = args;
    }
}
