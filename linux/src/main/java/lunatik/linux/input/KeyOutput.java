package lunatik.linux.input;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.SharedDescriptor;

/**
 * Where the keys that the keyboard notifiers let through go on to "the rest of the system":
 * a uinput keyboard of ours (the console, a display server and every evdev reader see its
 * keys while the real keyboards are grabbed), or a file or FIFO that receives the same
 * input_event records (key event then SYN_REPORT), the stand-in a simulated keyboard has.
 */
public final class KeyOutput implements AutoCloseable {
    private static final int RECORD = 24;
    private static final int EV_SYN = 0;
    private static final int EV_KEY = 1;
    // linux/uinput.h
    private static final long UI_SET_EVBIT = 0x40045564L;
    private static final long UI_SET_KEYBIT = 0x40045565L;
    private static final long UI_DEV_SETUP = 0x405c5503L; // _IOW('U', 3, struct uinput_setup): 92 bytes
    private static final long UI_DEV_CREATE = 0x5501L;
    private static final long UI_DEV_DESTROY = 0x5502L;
    private static final int BUS_VIRTUAL = 0x06;
    public static final Path UINPUT = Path.of("/dev/uinput");

    private final SharedDescriptor sd;
    private final boolean uinput;
    private final String what;

    private KeyOutput(int fd, boolean uinput, String what) {
        this.sd = new SharedDescriptor(fd);
        this.uinput = uinput;
        this.what = what;
    }

    /** Whether the kernel offers uinput here. */
    public static boolean hasUinput() {
        return Files.exists(UINPUT);
    }

    /** A file (made if missing) or FIFO the key records are appended to. */
    public static KeyOutput file(Path path) throws ErrnoException {
        return new KeyOutput(LibC.open(path.toString(), LibC.O_WRONLY | LibC.O_CREAT | 02000 /* O_APPEND */
            | LibC.O_CLOEXEC, 0600), false, path.toString());
    }

    /** A keyboard of ours, named {@code name}, made through /dev/uinput with every key code below 256. */
    public static KeyOutput uinput(String name) throws ErrnoException {
        int fd = LibC.open(UINPUT.toString(), LibC.O_WRONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        try (Arena a = Arena.ofConfined()) {
            check(LibC.ioctl(fd, UI_SET_EVBIT, EV_KEY), "UI_SET_EVBIT");
            for (int k = 1; k < 256; k++) {
                check(LibC.ioctl(fd, UI_SET_KEYBIT, k), "UI_SET_KEYBIT");
            }
            MemorySegment setup = a.allocate(92, 4); // struct input_id, char name[80], u32 ff_effects_max
            setup.set(ValueLayout.JAVA_SHORT, 0, (short) BUS_VIRTUAL);
            setup.set(ValueLayout.JAVA_SHORT, 2, (short) 0x1d6b); // vendor, product, version
            setup.set(ValueLayout.JAVA_SHORT, 4, (short) 0x4c75);
            setup.set(ValueLayout.JAVA_SHORT, 6, (short) 1);
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(n, 0, setup, ValueLayout.JAVA_BYTE, 8, Math.min(n.length, 79));
            check(LibC.ioctl(fd, UI_DEV_SETUP, setup), "UI_DEV_SETUP");
            check(LibC.ioctl(fd, UI_DEV_CREATE, 0), "UI_DEV_CREATE");
        } catch (ErrnoException e) {
            try {
                LibC.close(fd);
            } catch (ErrnoException ignored) {
                // closing what failed: the first error is the one to report
            }
            throw e;
        }
        return new KeyOutput(fd, true, "uinput '" + name + "'");
    }

    private static void check(int r, String what) throws ErrnoException {
        if (r < 0) {
            throw new ErrnoException(what + " on " + UINPUT, -r);
        }
    }

    /** Whether this is a uinput keyboard (false: a file standing for the rest of the system). */
    public boolean isUinput() {
        return uinput;
    }

    /** Sends one key event ({@code value} 0 release, 1 press, 2 repeat) and a SYN_REPORT. */
    public void key(int code, int value) throws ErrnoException {
        if (!sd.enter()) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(2 * RECORD, 8);
            long now = System.currentTimeMillis();
            for (int i = 0; i < 2; i++) {
                long at = (long) i * RECORD;
                b.set(ValueLayout.JAVA_LONG, at, now / 1000);
                b.set(ValueLayout.JAVA_LONG, at + 8, now % 1000 * 1000);
                b.set(ValueLayout.JAVA_SHORT, at + 16, (short) (i == 0 ? EV_KEY : EV_SYN));
                b.set(ValueLayout.JAVA_SHORT, at + 18, (short) (i == 0 ? code : 0));
                b.set(ValueLayout.JAVA_INT, at + 20, i == 0 ? value : 0);
            }
            LibC.write(sd.fd(), b, b.byteSize());
        } finally {
            sd.exit();
        }
    }

    @Override
    public String toString() {
        return what;
    }

    @Override
    public void close() {
        if (uinput && sd.enter()) {
            try {
                LibC.ioctl(sd.fd(), UI_DEV_DESTROY, 0);
            } finally {
                sd.exit();
            }
        }
        sd.close();
    }
}
