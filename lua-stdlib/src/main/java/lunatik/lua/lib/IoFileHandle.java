package lunatik.lua.lib;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file of the file system, as {@code fopen} gives it: buffered reads and writes on one
 * position, so that reads and writes may be mixed as glibc allows (a write after a read
 * happens where the reading stopped, not where the read-ahead did).
 *
 * <p>The buffer holds read-ahead or pending output, never both: writing first gives the
 * read-ahead back to the channel, reading first pushes the pending output.
 */
final class IoFileHandle extends IoHandle {
    private final FileChannel ch;
    private final boolean readable;
    private final boolean writable;
    /** Mode "a": every write goes to the end of the file. */
    private final boolean append;
    /** Pending output is {@code buf[0, wlen)}, to be written at the channel's position. */
    private int wlen;
    private int mode = FULL;

    IoFileHandle(FileChannel ch, boolean readable, boolean writable, boolean append) {
        this.ch = ch;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
    }

    @Override
    protected int fill() throws IOException {
        if (!readable) {
            throw IoErrors.exception(IoErrors.EBADF);
        }
        flushWrites();
        return ch.read(ByteBuffer.wrap(buf));
    }

    @Override
    void write(byte[] b, int off, int len) throws IOException {
        if (!writable) {
            throw IoErrors.exception(IoErrors.EBADF);
        }
        dropReadAhead();
        if (len > buf.length - wlen) {
            flushWrites();
        }
        if (len >= buf.length) {
            writeOut(b, off, len);
            return;
        }
        System.arraycopy(b, off, buf, wlen, len);
        wlen += len;
        if (mode == NO || (mode == LINE && hasNewline(b, off, len))) {
            flushWrites();
        }
    }

    private static boolean hasNewline(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** Moves the channel back to the reading position and forgets the read-ahead. */
    private void dropReadAhead() throws IOException {
        if (rlen > 0) {
            ch.position(ch.position() - (rlen - rpos));
            rpos = 0;
            rlen = 0;
        }
    }

    private void flushWrites() throws IOException {
        if (wlen == 0) {
            return;
        }
        try {
            writeOut(buf, 0, wlen);
        } finally {
            // as C's stdio, output that failed is dropped rather than retried forever
            wlen = 0;
        }
    }

    private void writeOut(byte[] b, int off, int len) throws IOException {
        if (append) {
            ch.position(ch.size());
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    @Override
    void flush() throws IOException {
        flushWrites();
    }

    @Override
    long seek(int whence, long offset) throws IOException {
        flushWrites();
        long current = ch.position() - (rlen - rpos);
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> current;
            default -> ch.size();
        };
        long target = base + offset;
        // overflow or a position before the start: fseek's EINVAL
        if (target < 0 || ((base ^ target) & (offset ^ target)) < 0) {
            throw IoErrors.exception(IoErrors.EINVAL);
        }
        ch.position(target);
        rpos = 0;
        rlen = 0;
        return target;
    }

    @Override
    void setBuffering(int mode) throws IOException {
        flushWrites();
        this.mode = mode;
    }

    @Override
    protected void release() throws IOException {
        try {
            flushWrites();
        } finally {
            ch.close();
        }
    }
}
