package lunatik.linux.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * What every binding of ours to libc shares: downcall handles from the default lookup, errno
 * captured per call into a per-thread segment, and the one way to rethrow what a downcall
 * throws.
 */
public final class Ffm {
    private Ffm() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** The option that makes a downcall save errno (its handle then takes the state segment first). */
    public static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    /** One capture segment per thread: errno is per thread, so is where we read it. */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /** A downcall handle of the libc function {@code name}. */
    @SuppressWarnings("restricted")
    public static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment addr = LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(addr, fd, options);
    }

    /** The calling thread's capture segment, to pass to handles made with {@link #ERRNO_OPTION}. */
    public static MemorySegment state() {
        return STATE.get();
    }

    /** The errno a call saved in {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** What to throw for a Throwable out of {@code invokeExact}: errors as they are, the rest unchecked. */
    public static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
