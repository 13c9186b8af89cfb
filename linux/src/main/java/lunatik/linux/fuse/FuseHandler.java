package lunatik.linux.fuse;

/**
 * What a {@link FuseDevice} does on the file operations of its file. Calls come from the
 * server's reader threads, possibly several at once. A method fails the operation by throwing a
 * {@link FuseException} with the errno; any other exception fails it with EIO, and is reported
 * as a bug (see {@link FuseDevice#mount(java.nio.file.Path, int, FuseHandler, int, boolean,
 * java.util.function.BiConsumer)}).
 */
public interface FuseHandler {
    /** open(2) of the file. */
    default void open(OpenFile file) throws FuseException {
    }

    /**
     * read(2) of at most {@code length} bytes at {@code offset} (the open's position); returns
     * the bytes (longer arrays are cut to {@code length}); empty or null means end of file.
     */
    byte[] read(OpenFile file, int length, long offset) throws FuseException;

    /** write(2) of {@code data} at {@code offset}; returns how many bytes were taken. */
    int write(OpenFile file, byte[] data, long offset) throws FuseException;

    /**
     * close(2) of a descriptor of an open (every close, not only the last, as FUSE_FLUSH is
     * sent): the caller waits for it, and a FuseException fails its close with the errno.
     * {@link FuseDevice#callerPid} names the closing thread.
     */
    default void flush(OpenFile file) throws FuseException {
    }

    /** Last close of an open; failures are not reported to anyone (close(2) has returned). */
    default void release(OpenFile file) throws FuseException {
    }

    /**
     * The request that {@code worker} serves was interrupted (its caller got a signal, or the
     * device is closing): make the handler running on {@code worker} give up soon, by throwing
     * (a {@link FuseException} with EINTR, say), so that the caller can go; until the handler
     * returns, even a caller killed with SIGKILL waits. Called from another reader thread, or
     * from the thread closing the device; it must not block. By default it interrupts the
     * thread, which ends interruptible waits with an InterruptedException. The worker's
     * interrupt status is cleared when its request ends.
     */
    default void interrupt(Thread worker) {
        worker.interrupt();
    }
}
