package lunatik.linux.ffm;

import java.io.IOException;

/** A libc call failed: carries the call's name and its errno. */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    /** The positive errno the call failed with. */
    public int errno() {
        return errno;
    }
}
