package lunatik.lua.lib;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * A write-only stream (the standard output or error). The stream is looked up at each write,
 * so a host that replaces {@code LuaState.setOut} after the library was opened is honoured,
 * and {@code io.write} and {@code print} interleave exactly (no buffer of our own).
 */
final class IoOutputHandle extends IoHandle {
    private final Supplier<PrintStream> out;

    IoOutputHandle(Supplier<PrintStream> out) {
        this.out = out;
    }

    @Override
    protected int fill() throws IOException {
        throw IoErrors.exception(IoErrors.EBADF);
    }

    @Override
    void write(byte[] b, int off, int len) {
        out.get().write(b, off, len);
    }

    @Override
    void flush() {
        out.get().flush();
    }
}
