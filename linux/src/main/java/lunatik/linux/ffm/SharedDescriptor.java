package lunatik.linux.ffm;

/**
 * A descriptor that threads use while another may close it: {@link #close} marks it closed and
 * the descriptor itself is closed when the last call using it ends, so no call ever works on a
 * number the kernel has given to another file meanwhile. Netlink sockets need this: they cannot
 * be shut down, so a reader waits in slices and looks at {@link #isClosed} between them.
 */
public final class SharedDescriptor {
    private final int fd;
    private volatile boolean closed;
    private int users;
    private boolean released;

    public SharedDescriptor(int fd) {
        this.fd = fd;
    }

    /** Starts a call: true with the descriptor usable until {@link #exit}, false once closed. */
    public synchronized boolean enter() {
        if (closed) {
            return false;
        }
        users++;
        return true;
    }

    /** Ends a call started by a successful {@link #enter}. */
    public synchronized void exit() {
        if (--users == 0 && closed) {
            release();
        }
    }

    /** The descriptor, for a call between {@link #enter} and {@link #exit}. */
    public int fd() {
        return fd;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Marks it closed; the descriptor is closed now, or when the calls using it end. */
    public synchronized void close() {
        closed = true;
        if (users == 0) {
            release();
        }
    }

    private void release() {
        if (!released) {
            released = true;
            try {
                LibC.close(fd);
            } catch (ErrnoException e) {
                // gone either way
            }
        }
    }
}
