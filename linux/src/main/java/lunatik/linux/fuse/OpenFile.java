package lunatik.linux.fuse;

/**
 * One open(2) of the device file, from OPEN to RELEASE. The server keeps the file position:
 * a read or write advances it by the bytes transferred, unless the handler moved it with
 * {@link #seek}.
 */
public final class OpenFile {
    private final long id;
    private final int flags;
    private long position;
    private boolean moved;

    OpenFile(long id, int flags) {
        this.id = id;
        this.flags = flags;
    }

    /** The file handle the kernel passes back on each request of this open. */
    public long id() {
        return id;
    }

    /** The open(2) flags (O_ACCMODE and the rest the kernel passes on). */
    public int flags() {
        return flags;
    }

    public synchronized long position() {
        return position;
    }

    /** Sets the position the next read or write of this open gets. */
    public synchronized void seek(long newPosition) {
        position = newPosition;
        moved = true;
    }

    synchronized long begin() {
        moved = false;
        return position;
    }

    synchronized void advance(long from, long count) {
        if (!moved) {
            position = from + count;
        }
    }
}
