package lunatik.linux.fuse;

/** A handler's way to fail a file operation with an errno (positive, e.g. 6 for ENXIO). */
public class FuseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public FuseException(int errno) {
        this(errno, "errno " + errno);
    }

    public FuseException(int errno, String message) {
        super(message);
        this.errno = Math.abs(errno);
    }

    /** The positive errno the operation fails with. */
    public int errno() {
        return errno;
    }
}
