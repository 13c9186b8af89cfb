package lunatik.runtime;

import lunatik.lua.vm.LuaError;

/**
 * A script failed, at the embedding boundary: checked, so hosts handle it. Carries the Lua error
 * message and, for errors that have one, the errno Lunatik's C API would return (ENXIO for a
 * stopped runtime, ENOEXEC for a script that failed to load or run).
 */
public class LuaException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int ENXIO = 6;
    public static final int ENOEXEC = 8;

    private final int errno;

    public LuaException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public LuaException(LuaError e, int errno) {
        super(e.getMessage(), e);
        this.errno = errno;
    }

    /** The errno of the C API's return code for this failure (0 when none). */
    public int errno() {
        return errno;
    }
}
