package lunatik.linux.input;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import lunatik.linux.ffm.SharedDescriptor;

/**
 * Key events of one keyboard, read from its evdev device ({@code struct input_event} records:
 * time, type, code, value). A keyboard can be grabbed (EVIOCGRAB): its keys then reach no one
 * else, the console included. Keyboards are the /dev/input/event* devices that have letter
 * keys; any file or FIFO that delivers the same records can stand for one (a simulated
 * keyboard, for machines without one).
 */
public final class Keyboard implements AutoCloseable {
    /** One key event: its code (KEY_*) and value (0 release, 1 press, 2 repeat). */
    public record Key(int code, int value) {
    }

    private static final int EV_KEY = 1;
    private static final int RECORD = 24; // struct input_event on 64-bit: timeval, u16, u16, s32
    private static final long EVIOCGRAB = 0x40044590L;
    private static final int KEY_A = 30;

    private final Path path;
    private final SharedDescriptor sd;

    private Keyboard(Path path, int fd) {
        this.path = path;
        this.sd = new SharedDescriptor(fd);
    }

    public Path path() {
        return path;
    }

    /**
     * Opens a keyboard device, or a file or FIFO of input_event records. Reading starts now: a
     * file gives the records written after it was opened, not those already in it (a device and
     * a FIFO give only new events anyway).
     */
    public static Keyboard open(Path path) throws ErrnoException {
        int fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        LibC.lseek(fd, 0, LibC.SEEK_END); // ESPIPE for what cannot seek: nothing to skip there
        return new Keyboard(path, fd);
    }

    /** Whether this is an evdev device (a character device), not a file or FIFO standing for one. */
    public boolean isDevice() {
        try {
            return (LibC.statx(LibC.AT_FDCWD, path.toString(), 0).mode() & LibC.S_IFMT) == LibC.S_IFCHR;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** The evdev devices that are keyboards (they have the letter keys). */
    public static List<Path> keyboards() {
        List<Path> out = new ArrayList<>();
        try (var devs = Files.list(Path.of("/dev/input"))) {
            for (Path d : devs.sorted().toList()) {
                String name = d.getFileName().toString();
                Path caps = Path.of("/sys/class/input", name, "device/capabilities/key");
                if (name.startsWith("event") && Files.isReadable(caps) && hasKey(Files.readString(caps), KEY_A)) {
                    out.add(d);
                }
            }
        } catch (IOException e) {
            return out; // no /dev/input: no keyboards
        }
        return out;
    }

    /** Whether a capability bitmap (hex words, most significant first) has bit {@code key}. */
    static boolean hasKey(String bitmap, int key) {
        String[] words = bitmap.strip().split("\\s+");
        StringBuilder hex = new StringBuilder();
        for (String w : words) {
            hex.append("0".repeat(Math.max(0, 16 - w.length()))).append(w);
        }
        return hex.length() > 0 && new BigInteger(hex.toString(), 16).testBit(key);
    }

    /**
     * The next key events (one read's worth); empty once closed. Waits in slices of 200 ms so
     * that {@link #close} ends the wait. A writer that goes away (a FIFO) is waited for again.
     */
    public List<Key> next() throws ErrnoException {
        if (!sd.enter()) {
            return List.of();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(RECORD * 64L, 8);
            while (!sd.isClosed()) {
                int ready = LibC.pollOne(sd.fd(), LibC.POLLIN, 200);
                if (ready <= 0) {
                    continue;
                }
                long n = LibC.readOrErrno(sd.fd(), buf, buf.byteSize());
                if (n == -11 || n == -4) { // EAGAIN, EINTR
                    continue;
                }
                if (n < 0) {
                    throw new ErrnoException("read " + path, (int) -n);
                }
                if (n == 0) { // a FIFO whose writer closed: wait for the next one
                    sleep();
                    continue;
                }
                List<Key> keys = new ArrayList<>();
                for (long at = 0; at + RECORD <= n; at += RECORD) {
                    int type = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 16));
                    if (type == EV_KEY) {
                        keys.add(new Key(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 18)),
                            buf.get(ValueLayout.JAVA_INT_UNALIGNED, at + 20)));
                    }
                }
                if (!keys.isEmpty()) {
                    return keys;
                }
            }
            return List.of();
        } finally {
            sd.exit();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Grabs the keyboard (its keys reach no one else) or lets it go; false when the file cannot
     * be grabbed (not an evdev device: a simulated keyboard).
     */
    public boolean grab(boolean on) {
        if (!sd.enter()) {
            return false;
        }
        try {
            return LibC.ioctl(sd.fd(), EVIOCGRAB, on ? 1 : 0) == 0;
        } finally {
            sd.exit();
        }
    }

    @Override
    public void close() {
        sd.close();
    }
}
