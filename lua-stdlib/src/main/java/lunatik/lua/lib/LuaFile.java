package lunatik.lua.lib;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.Set;

/**
 * A Lua file: the payload of the {@code FILE*} userdata of the io library.
 *
 * <p>A file that a script forgets to close is closed (and its output flushed) when it becomes
 * unreachable, as Lua's {@code __gc} does: the cleaning action holds only the handle, never
 * this object or the userdata. The standard files are never closed.
 */
public final class LuaFile {
    /**
     * Runs the cleaning actions of forgotten files. Shared by all states: it holds no Lua data,
     * only actions that close handles nobody can reach any more. Made with the first file a
     * script opens (its thread is a millisecond of a start-up that opens none).
     */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private final IoHandle handle;
    private final boolean standard;
    private final Set<IoHandle> openHandles;
    private final Cleaner.Cleanable cleanable;
    private boolean closed;

    /**
     * @param openHandles the state's set of open handles (what {@link IoLib#flushAll} flushes);
     *     null for a standard file
     */
    LuaFile(IoHandle handle, boolean standard, Set<IoHandle> openHandles) {
        this.handle = handle;
        this.standard = standard;
        this.openHandles = openHandles;
        if (standard) {
            this.cleanable = null;
        } else {
            openHandles.add(handle);
            this.cleanable = Cleaning.CLEANER.register(this, new Release(handle, openHandles));
        }
    }

    /** The cleaning action: must not refer to the LuaFile. */
    private record Release(IoHandle handle, Set<IoHandle> openHandles) implements Runnable {
        @Override
        public void run() {
            openHandles.remove(handle);
            handle.closeQuietly();
        }
    }

    IoHandle handle() {
        return handle;
    }

    /** Whether the file was closed by the script. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether this is io.stdin, io.stdout or io.stderr. */
    public boolean isStandard() {
        return standard;
    }

    /** Closes the file (not a standard one); reports a failure of the final flush. */
    void close() throws IOException {
        closed = true;
        try {
            handle.close();
        } finally {
            openHandles.remove(handle);
            cleanable.clean();
        }
    }
}
