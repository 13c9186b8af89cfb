package lunatik.lua.lib;

import java.io.IOException;
import java.io.InputStream;

/** A read-only stream (the standard input): cannot be written or positioned. */
final class IoInputHandle extends IoHandle {
    private final InputStream in;
    private final Runnable beforeBlocking;

    /**
     * @param beforeBlocking run before each read from {@code in} (flushes the standard output,
     *     so that a prompt shows before the program waits for input)
     */
    IoInputHandle(InputStream in, Runnable beforeBlocking) {
        this.in = in;
        this.beforeBlocking = beforeBlocking;
    }

    @Override
    protected int fill() throws IOException {
        beforeBlocking.run();
        return in.read(buf);
    }
}
