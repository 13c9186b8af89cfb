package lunatik.linux;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What this process has made on the machine that outlives it if it is killed (a FUSE mount, a
 * netfilter chain or table, a tracefs mount), written down in a run directory, so that the next
 * daemon of that directory removes exactly what a dead one left, and never what another running
 * daemon owns. A daemon holds a lock on {@code lunatikd.lock} in its run directory for its whole
 * life (its pid is written in it): the lock tells a live daemon from a dead one's leftovers,
 * whatever has become of the pid since, and {@code lunatikd.owned} lists the entries, one a line
 * ({@code mount <path>}, {@code chain <netns|-> <family> <table> <chain>}, {@code table <netns|->
 * <family> <table>}, {@code tracefs <path>}); it is rewritten whole, atomically, on each change.
 *
 * <p>Outside a daemon (tests, embedders) there is no ledger and recording does nothing.
 */
public final class Ledger {
    /** The lock file of a run directory; it holds the pid of the daemon that holds the lock. */
    public static final String LOCK = "lunatikd.lock";
    /** The list of what the daemon of a run directory has made. */
    public static final String OWNED = "lunatikd.owned";

    private static volatile Ledger current;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Set<String> entries = new LinkedHashSet<>();

    private Ledger(Path dir, FileChannel ch, FileLock lock) {
        this.dir = dir;
        this.lockChannel = ch;
        this.lock = lock;
    }

    /**
     * Takes the run directory {@code dir} for this process: locks it (null if another live
     * process holds it), and makes this ledger the process's. Call {@link #leftovers} first, to
     * undo what a dead predecessor left.
     */
    public static Ledger open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            return null;
        }
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
        Ledger ledger = new Ledger(dir, ch, l);
        ledger.save();
        current = ledger;
        return ledger;
    }

    /**
     * The pid of the live daemon that holds {@code dir}, or -1 when none does (no lock file, or
     * its lock is free: the daemon that wrote it is gone).
     */
    public static long holder(Path dir) {
        Path f = dir.resolve(LOCK);
        if (!Files.exists(f)) {
            return -1;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // this very process holds it
            }
            if (l != null) {
                l.release();
                return -1;
            }
            String pid = Files.readString(f, StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? -1 : Long.parseLong(pid);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What a dead daemon of {@code dir} left (its list, when no live daemon holds the
     * directory); empty otherwise. The caller undoes each entry, then opens its own ledger.
     */
    public static List<String> leftovers(Path dir) {
        Path f = dir.resolve(OWNED);
        if (!Files.exists(f) || holder(dir) >= 0) {
            return List.of();
        }
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Writes {@code entry} down in the process's ledger, if it has one. */
    public static void record(String entry) {
        Ledger l = current;
        if (l != null) {
            l.change(entry, true);
        }
    }

    /** Crosses {@code entry} out of the process's ledger (it was undone). */
    public static void forget(String entry) {
        Ledger l = current;
        if (l != null) {
            l.change(entry, false);
        }
    }

    /** What is written down now. */
    public synchronized List<String> entries() {
        return new ArrayList<>(entries);
    }

    private synchronized void change(String entry, boolean add) {
        if (add ? entries.add(entry) : entries.remove(entry)) {
            try {
                save();
            } catch (IOException e) {
                System.getLogger("lunatik").log(System.Logger.Level.WARNING, "cannot write " + dir.resolve(OWNED), e);
            }
        }
    }

    /** Rewrites the list whole: a temporary file renamed over it (a reader sees the old list or the new). */
    private void save() throws IOException {
        Path tmp = dir.resolve(OWNED + ".tmp");
        Files.write(tmp, entries, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, dir.resolve(OWNED), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The process leaves cleanly: the list goes (it should be empty), then the lock. */
    public synchronized void close() {
        if (current == this) {
            current = null;
        }
        try {
            if (entries.isEmpty()) {
                Files.deleteIfExists(dir.resolve(OWNED));
            } else {
                save();
            }
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(dir.resolve(LOCK));
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
