package lunatik.linux.trace;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.Ffm;
import lunatik.linux.ffm.LibC;

/**
 * How many times a kernel tracepoint has fired on the whole machine: one counting perf event
 * (perf_event_open, no sampling, no ring) per online CPU, read and summed on demand. What a
 * kprobe on a system call's entry point gives Lunatik's scripts, a kernel without kprobes gives
 * through the {@code syscalls:sys_enter_*} tracepoints (linux-recipes.md §4). Tracepoint ids
 * come from tracefs, mounted at /sys/kernel/tracing when it is not. Where the kernel has kprobes,
 * {@link #openKprobe} counts the hits of a kprobe or kretprobe on any symbol the same way, through
 * the kprobe PMU.
 */
public final class TracepointCounter implements AutoCloseable {
    private static final MethodHandle SYSCALL = handle("syscall",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), 1);
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86-64
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final int PERF_TYPE_TRACEPOINT = 2;
    private static final long IOC_ENABLE = 0x2400;
    private static final long IOC_DISABLE = 0x2401;
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private final int[] fds;

    private static MethodHandle handle(String name, FunctionDescriptor fd, int firstVariadic) {
        return Ffm.downcall(name, fd, Ffm.ERRNO_OPTION, Linker.Option.firstVariadicArg(firstVariadic));
    }

    private TracepointCounter(int[] fds) {
        this.fds = fds;
    }

    private static boolean mountedHere;

    /** tracefs, mounted first if it is not (and then unmounted when this process ends). */
    public static synchronized Path tracefs() throws IOException {
        if (!Files.isDirectory(TRACEFS.resolve("events"))) {
            LibC.mount("nodev", TRACEFS.toString(), "tracefs", 0, null);
            lunatik.linux.Ledger.record("tracefs " + TRACEFS);
            if (!mountedHere) {
                mountedHere = true;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        LibC.umount2(TRACEFS.toString(), LibC.MNT_DETACH);
                        lunatik.linux.Ledger.forget("tracefs " + TRACEFS);
                    } catch (ErrnoException e) {
                        // left mounted: harmless
                    }
                }, "tracefs-unmount"));
            }
        }
        return TRACEFS;
    }

    /**
     * Unmounts tracefs at {@code path} if it is mounted there (a daemon killed with SIGKILL left
     * the mount it made); whether it was.
     */
    public static boolean unmountStale(Path path) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = java.util.Arrays.asList(f).indexOf("-");
                if (dash > 4 && f[4].equals(path.toString()) && dash + 1 < f.length && f[dash + 1].equals("tracefs")) {
                    LibC.umount2(path.toString(), LibC.MNT_DETACH);
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The id of tracepoint {@code system:event}, or -1 when the kernel has none such. */
    public static int id(String system, String event) throws IOException {
        Path p = tracefs().resolve("events").resolve(system).resolve(event).resolve("id");
        if (!Files.isReadable(p)) {
            return -1;
        }
        return Integer.parseInt(Files.readString(p).strip());
    }

    /** The online CPUs ("0-3,6" in /sys/devices/system/cpu/online). */
    static List<Integer> cpus() throws IOException {
        List<Integer> out = new ArrayList<>();
        for (String range : Files.readString(Path.of("/sys/devices/system/cpu/online")).strip().split(",")) {
            String[] ab = range.split("-");
            int a = Integer.parseInt(ab[0]);
            int b = ab.length > 1 ? Integer.parseInt(ab[1]) : a;
            for (int c = a; c <= b; c++) {
                out.add(c);
            }
        }
        return out;
    }

    /** Counts tracepoint {@code id} on every CPU from now on. */
    public static TracepointCounter open(int id) throws IOException {
        return open(PERF_TYPE_TRACEPOINT, id, null);
    }

    /** Where the kernel describes its perf event sources. */
    private static volatile Path eventSources = Path.of("/sys/bus/event_source/devices");

    /** Makes {@link #kprobeType} look in another folder (tests of the selection); null: the kernel's. */
    public static void setEventSources(Path folder) {
        eventSources = folder == null ? Path.of("/sys/bus/event_source/devices") : folder;
    }

    /**
     * The perf event type of the kprobe PMU (dynamic kprobes through perf_event_open, no tracefs
     * involved), or -1 when the kernel has none (no CONFIG_KPROBES, or older than 4.17).
     */
    public static int kprobeType() {
        try {
            return Integer.parseInt(Files.readString(eventSources.resolve("kprobe/type")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The config bit that makes a kprobe PMU event a kretprobe ("config:0" in its format). */
    static int retprobeBit() {
        try {
            String f = Files.readString(eventSources.resolve("kprobe/format/retprobe")).strip();
            return Integer.parseInt(f.substring(f.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Counts the hits of a kprobe on {@code symbol} (a kretprobe with {@code ret}: its returns) on
     * every CPU from now on, through the kprobe PMU; fails (ENOENT, EINVAL...) as the kernel does
     * for a symbol it cannot probe, and with ENODEV where there is no kprobe PMU.
     */
    public static TracepointCounter openKprobe(String symbol, boolean ret) throws IOException {
        int type = kprobeType();
        if (type < 0) {
            throw new ErrnoException("perf_event_open (kprobe)", 19); // ENODEV
        }
        return open(type, ret ? 1L << retprobeBit() : 0, symbol);
    }

    /** Counts events of {@code type}/{@code config} (and a kprobe's {@code function}) on every CPU. */
    private static TracepointCounter open(int type, long config, String function) throws IOException {
        List<Integer> cpus = cpus();
        int[] fds = new int[cpus.size()];
        java.util.Arrays.fill(fds, -1);
        TracepointCounter c = new TracepointCounter(fds);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(136, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, 136);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            if (function != null) {
                // kprobe_func (config1) points at the name, probe_offset (config2) is 0
                attr.set(ValueLayout.ADDRESS, 56, a.allocateFrom(function));
            }
            MemorySegment st = Ffm.state();
            for (int i = 0; i < fds.length; i++) {
                long fd = (long) SYSCALL.invokeExact(st, SYS_PERF_EVENT_OPEN, attr, -1, (int) cpus.get(i), -1, PERF_FLAG_FD_CLOEXEC);
                if (fd < 0) {
                    throw new ErrnoException("perf_event_open", Ffm.errno(st));
                }
                fds[i] = (int) fd;
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        } catch (Throwable t) {
            c.close();
            throw new IllegalStateException(t);
        }
        return c;
    }

    /** Hits since {@link #open} (while enabled), on all CPUs. */
    public long total() {
        long sum = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8, 8);
            for (int fd : fds) {
                if (fd >= 0 && LibC.readOrErrno(fd, v, 8) == 8) {
                    sum += v.get(ValueLayout.JAVA_LONG, 0);
                }
            }
        }
        return sum;
    }

    /** Starts or stops counting. */
    public void enable(boolean on) {
        for (int fd : fds) {
            if (fd >= 0) {
                int r = LibC.ioctl(fd, on ? IOC_ENABLE : IOC_DISABLE, 0L);
                if (r < 0) {
                    throw new IllegalStateException("perf ioctl: errno " + -r);
                }
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                try {
                    LibC.close(fds[i]);
                } catch (ErrnoException e) {
                    // gone either way
                }
                fds[i] = -1;
            }
        }
    }
}
