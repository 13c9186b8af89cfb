package lunatik.lua.lib;

import lunatik.lua.vm.Unwinding;

/**
 * Raised by {@code os.exit}: asks the host to end the program with {@link #status()}.
 *
 * <p>A library must never call {@link System#exit} (the state may live inside a larger host),
 * so {@code os.exit} throws this instead and the standalone interpreter's {@code main} catches
 * it, flushes the standard streams (see {@link IoLib#flushAll}) and exits. It is not a
 * {@link lunatik.lua.vm.LuaError} but an {@link Unwinding}, so {@code pcall}, library
 * functions and coroutine boundaries let it through.
 */
public final class LuaExit extends RuntimeException implements Unwinding {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean close;

    /**
     * @param status the process exit status
     * @param close the second argument of {@code os.exit} (close the state before exiting)
     */
    public LuaExit(int status, boolean close) {
        super("os.exit(" + status + ")", null, false, false);
        this.status = status;
        this.close = close;
    }

    /** The exit status ({@code os.exit(true)} gives 0, {@code os.exit(false)} 1). */
    public int status() {
        return status;
    }

    /** Whether the script asked for the state to be closed before exiting. */
    public boolean close() {
        return close;
    }
}
