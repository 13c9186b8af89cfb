package lunatik.lua.lib;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The byte stream behind a Lua file: a read buffer with one byte of push-back (what the "n"
 * format needs, as C's {@code ungetc}), and the write, seek and buffering operations, which
 * each kind of handle implements. Failures are {@link IOException}s whose message is the
 * {@code strerror} text ({@link IoErrors}).
 */
abstract class IoHandle {
    /** Buffering modes of {@code setvbuf}, in the order of its option names. */
    static final int NO = 0;
    static final int FULL = 1;
    static final int LINE = 2;

    static final int BUFFER_SIZE = 8192;

    /** The read buffer (file handles also use it as their write buffer). */
    protected final byte[] buf = new byte[BUFFER_SIZE];
    /** Unread bytes are {@code buf[rpos, rlen)}. */
    protected int rpos;
    protected int rlen;
    private boolean released;

    /**
     * Refills {@code buf} from the start: returns the number of bytes read, or -1 at the end.
     * Called only when every buffered byte has been consumed.
     */
    protected abstract int fill() throws IOException;

    /** Writes bytes (raises EBADF on handles that cannot be written). */
    void write(byte[] b, int off, int len) throws IOException {
        throw IoErrors.exception(IoErrors.EBADF);
    }

    /** Pushes buffered output to the system. */
    void flush() throws IOException {
    }

    /**
     * Sets and returns the position: {@code whence} is 0 (from the start), 1 (from the current
     * position) or 2 (from the end). Raises ESPIPE on streams.
     */
    long seek(int whence, long offset) throws IOException {
        throw IoErrors.exception(IoErrors.ESPIPE);
    }

    /** Sets the buffering mode ({@link #NO}, {@link #FULL}, {@link #LINE}). */
    void setBuffering(int mode) throws IOException {
    }

    /** Releases the system resource; called once. */
    protected void release() throws IOException {
    }

    /** Flushes and releases the handle; later calls do nothing. */
    final void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        release();
    }

    /** {@link #close} that swallows failures (garbage collection, host shutdown). */
    final void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // nothing can report it: C's fclose from a finalizer is as silent
        }
    }

    // ---------------------------------------------------------------- reading

    private boolean refill() throws IOException {
        rpos = 0;
        rlen = 0;
        int n = fill();
        if (n <= 0) {
            return false;
        }
        rlen = n;
        return true;
    }

    /** The next byte (0..255), or -1 at the end of the file. */
    final int read() throws IOException {
        if (rpos >= rlen && !refill()) {
            return -1;
        }
        return buf[rpos++] & 0xff;
    }

    /** Pushes back the byte just returned by {@link #read()} (only valid right after it). */
    final void unread() {
        rpos--;
    }

    /** Reads up to {@code len} bytes into {@code out}; returns how many (fewer only at the end). */
    final long read(ByteArrayOutputStream out, long len) throws IOException {
        long done = 0;
        while (done < len) {
            if (rpos >= rlen && !refill()) {
                break;
            }
            int n = (int) Math.min(rlen - rpos, len - done);
            out.write(buf, rpos, n);
            rpos += n;
            done += n;
        }
        return done;
    }

    /**
     * Reads a line into {@code out} without its newline; returns whether a newline ended it
     * (false: the end of the file did).
     */
    final boolean readLine(ByteArrayOutputStream out) throws IOException {
        while (rpos < rlen || refill()) {
            int start = rpos;
            int end = rlen;
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    out.write(buf, start, i - start);
                    rpos = i + 1;
                    return true;
                }
            }
            out.write(buf, start, end - start);
            rpos = end;
        }
        return false;
    }

    /** Reads everything up to the end of the file into {@code out}. */
    final void readAll(ByteArrayOutputStream out) throws IOException {
        while (rpos < rlen || refill()) {
            out.write(buf, rpos, rlen - rpos);
            rpos = rlen;
        }
    }
}
