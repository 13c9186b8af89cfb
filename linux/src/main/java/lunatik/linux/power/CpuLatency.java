package lunatik.linux.power;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;

/**
 * A request to the kernel's PM QoS for a CPU wake-up latency of zero, through
 * {@code /dev/cpu_dma_latency} (Documentation/power/pm_qos_interface.rst): while a process holds
 * the file open with 0 written to it, idle CPUs wait in their polling state instead of halting,
 * so waking a task on another CPU costs no halt exit. On a VM whose idle CPUs halt, that exit is
 * most of a FUSE round trip (measured: 1-byte reads from a FUSE device 65k/s without, 110k/s
 * with). The kernel drops the request when the file is closed, or when the process dies.
 *
 * <p>Held by count: the first {@link #acquire} opens the request, the last {@link #release}
 * closes it. Where the file is missing or cannot be opened, holding does nothing.
 */
public final class CpuLatency {
    private static final String PATH = "/dev/cpu_dma_latency";
    private static int holders;
    private static int fd = -1;

    private CpuLatency() {
    }

    /** Adds a holder; the first one makes the request. Returns whether a request is in force. */
    public static synchronized boolean acquire() {
        if (holders++ == 0) {
            try {
                fd = LibC.open(PATH, LibC.O_WRONLY | LibC.O_CLOEXEC);
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment zero = a.allocate(ValueLayout.JAVA_INT);
                    zero.set(ValueLayout.JAVA_INT, 0, 0);
                    LibC.write(fd, zero, 4);
                }
            } catch (ErrnoException e) {
                closeQuietly();
            }
        }
        return fd >= 0;
    }

    /** Drops a holder; the last one ends the request. */
    public static synchronized void release() {
        if (holders > 0 && --holders == 0) {
            closeQuietly();
        }
    }

    /** Whether a request is in force now. */
    public static synchronized boolean held() {
        return fd >= 0;
    }

    private static void closeQuietly() {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (ErrnoException e) {
                // the request ends with the descriptor either way
            }
            fd = -1;
        }
    }
}
