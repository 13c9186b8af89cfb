package lunatik.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The daemon's log: every line with a timestamp and a level, in a file readable by root and the
 * {@code adm} group only (0640, as the system's logs; 0600 where there is no such group), or on
 * standard output when there is no file (under systemd, the journal takes it). Script output and
 * errors also go to the kernel log, as Lunatik's do.
 *
 * <p>Like the kernel's printk ratelimit, it keeps one script from flooding it: the same line at
 * most {@value #BURST} times per {@value #WINDOW_S} seconds, and at most {@value #PER_SECOND}
 * lines a second in all; what is held back is counted and said once the window ends ("N lines
 * suppressed"). The file is capped: past {@value #MAX_BYTES} bytes it becomes
 * {@code lunatikd.log.1} (the older one goes) and a new one begins.
 */
final class DaemonLog {
    static final int BURST = 10;
    static final int WINDOW_S = 5;
    static final int PER_SECOND = 200;
    static final long MAX_BYTES = 16L << 20;

    enum Level { DEBUG, INFO, WARN, ERROR }

    private final Path file;
    private final PrintStream kmsg;
    private OutputStream out;
    private long size;
    // rate limiting (guarded by this)
    private final Map<String, Integer> seen = new HashMap<>();
    private long windowStart = System.nanoTime();
    private long secondStart = windowStart;
    private int thisSecond;
    private long suppressed;

    /** A log in {@code file} (null: standard output), copying script lines to {@code kmsg} (null: none). */
    DaemonLog(Path file, PrintStream kmsg) throws IOException {
        this.file = file;
        this.kmsg = kmsg;
        this.out = file == null ? new java.io.FileOutputStream(java.io.FileDescriptor.out) : open(file);
        this.size = file == null ? 0 : Files.size(file);
        // what was held back is said when its window ends, even if nothing else is logged then
        Thread.ofPlatform().daemon().name("lunatikd-log").start(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    endWindow(System.nanoTime());
                }
            }
        });
    }

    /** Ends the rate-limit window if it is over, saying how many lines it held back. */
    private void endWindow(long now) {
        if (now - windowStart > WINDOW_S * 1_000_000_000L) {
            if (suppressed > 0) {
                write(Level.WARN, suppressed + " lines suppressed (more than " + BURST + " of one in " + WINDOW_S
                    + " s, or " + PER_SECOND + " a second)");
            }
            suppressed = 0;
            seen.clear();
            windowStart = now;
        }
    }

    /** Opens the file for appending, with its mode and group made right (also for a file an older daemon made). */
    private static OutputStream open(Path f) throws IOException {
        Files.createDirectories(f.getParent());
        OutputStream o = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        protect(f);
        return o;
    }

    /** 0640 root:adm, or 0600 when the system has no adm group. */
    static void protect(Path f) throws IOException {
        boolean adm = false;
        try {
            GroupPrincipal g = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("adm");
            Files.getFileAttributeView(f, PosixFileAttributeView.class).setGroup(g);
            adm = true;
        } catch (IOException | UnsupportedOperationException e) {
            // no adm group here: root only
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(adm ? "rw-r-----" : "rw-------"));
    }

    /** A line of a script (print, a callback's error): the log and the kernel log, rate-limited. */
    void script(String line) {
        if (admit(line)) {
            write(Level.INFO, line);
            if (kmsg != null) {
                kmsg.println("lunatik: " + line);
            }
        }
    }

    /** A line of the daemon's own. */
    void log(Level level, String line) {
        if (level == Level.DEBUG || admit(line)) {
            write(level, line);
        }
    }

    /**
     * Whether {@code line} may be written now: at most {@value #BURST} of the same line per
     * window and {@value #PER_SECOND} lines a second in all. When a window ends, what was held
     * back is said first.
     */
    private synchronized boolean admit(String line) {
        long now = System.nanoTime();
        endWindow(now);
        if (now - secondStart > 1_000_000_000L) {
            secondStart = now;
            thisSecond = 0;
        }
        int n = seen.merge(line.length() > 200 ? line.substring(0, 200) : line, 1, Integer::sum);
        if (n > BURST || ++thisSecond > PER_SECOND) {
            suppressed++;
            return false;
        }
        return true;
    }

    /** Writes one line: timestamp, level, text; past the cap, the file is rotated first. */
    synchronized void write(Level level, String line) {
        byte[] b = (Instant.now() + " " + String.format("%-5s", level) + " " + line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (file != null && size + b.length > MAX_BYTES) {
                rotate();
            }
            out.write(b);
            out.flush();
            size += b.length;
        } catch (IOException e) {
            // nowhere else to say it
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        out = open(file);
        size = 0;
    }

    /** A stream whose lines go to the log at {@code level} (the daemon's own System.out and System.err). */
    PrintStream stream(Level level) {
        return new PrintStream(new OutputStream() {
            private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int c) {
                if (c == '\n') {
                    log(level, buf.toString(StandardCharsets.UTF_8));
                    buf.reset();
                } else {
                    buf.write(c);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }
}
