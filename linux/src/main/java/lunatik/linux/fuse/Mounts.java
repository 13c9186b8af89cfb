package lunatik.linux.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;

/** The mounts of this process's mount namespace (/proc/self/mountinfo), and what is at a path. */
final class Mounts {
    private Mounts() {
    }

    /** A mount as /proc/self/mountinfo shows it. */
    record Mount(long id, String mountPoint, String fstype, String source) {
    }

    /**
     * A directory entry: what lstat says (null if a mount there refused to say, as another
     * user's FUSE mount does), and the topmost mount on it (null when it is no mount point).
     */
    record Entry(LibC.Stat stat, Mount mount) {
    }

    /**
     * The entry at {@code target} (a real path), or null if there is none. Never follows a
     * symbolic link, and asks no FUSE server (one that is dead or stuck would fail or hang the look).
     */
    static Entry probe(Path target) throws IOException {
        String t = target.toString();
        LibC.Stat s;
        try {
            s = LibC.statx(LibC.AT_FDCWD, t, LibC.AT_SYMLINK_NOFOLLOW | LibC.AT_STATX_DONT_SYNC);
        } catch (ErrnoException e) {
            Mount m = e.errno() == Errno.ENOENT ? null : lastAt(t);
            if (m == null && e.errno() != Errno.ENOENT) {
                throw e;
            }
            return m == null ? null : new Entry(null, m);
        }
        Mount top = s.mountId() >= 0 ? byId(s.mountId()) : lastAt(t); // no mount id before Linux 5.8
        return new Entry(s, top != null && top.mountPoint().equals(t) ? top : null);
    }

    private static Mount byId(long id) throws IOException {
        return all().stream().filter(m -> m.id() == id).findFirst().orElse(null);
    }

    /** The mount on {@code path} listed last (mostly, the one on top), or null. */
    private static Mount lastAt(String path) throws IOException {
        Mount last = null;
        for (Mount m : all()) {
            if (m.mountPoint().equals(path)) {
                last = m;
            }
        }
        return last;
    }

    /** Every mount of this process's mount namespace. */
    static List<Mount> all() throws IOException {
        List<Mount> all = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash > 5 && dash + 2 < f.length) {
                all.add(new Mount(Long.parseLong(f[0]), unescape(f[4]), unescape(f[dash + 1]), unescape(f[dash + 2])));
            }
        }
        return all;
    }

    /** A mountinfo field with its octal escapes undone (only space, tab, newline and backslash are escaped). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
