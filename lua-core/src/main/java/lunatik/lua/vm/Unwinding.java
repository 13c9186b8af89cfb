package lunatik.lua.vm;

/**
 * Marks a throwable that unwinds Lua code on purpose and must cross every boundary between Lua
 * and Java unchanged: not caught by {@code pcall}, not turned into a Lua error by a library
 * function, not stopped by a coroutine. {@link Coroutine.CloseUnwind} (closing a suspended
 * coroutine) and the standard library's {@code LuaExit} ({@code os.exit}) are such throwables.
 *
 * <p>Every other Java throwable that reaches a boundary is a bug or an exhausted resource, and
 * becomes a Lua error there ({@link LuaState#internalError}).
 */
public interface Unwinding {
    /**
     * Whether {@code t} passes a boundary as it is: a Lua error, a deliberate unwinding, or a
     * {@link StackOverflowError} (which the callers of Lua code turn into "stack overflow").
     */
    static boolean passes(Throwable t) {
        return t instanceof LuaError || t instanceof Unwinding || t instanceof StackOverflowError;
    }
}
