package lunatik.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.opentest4j.TestAbortedException;

/**
 * The one place where a test says what it needs from the machine. A test whose facility is
 * missing is skipped, with the reason printed, unless every facility is required: then it fails.
 * Every facility is required when the system property {@code lunatik.requireAll} is
 * {@code true} or the environment variable {@code LUNATIK_REQUIRE_ALL} is {@code 1} ({@code .ci/run}
 * sets it), so that CI cannot pass by skipping what it was meant to test.
 *
 * <p>Two other kinds of skip are not facilities CI can be asked for, and stay skips under the
 * flag (their reason printed): what our machines lack by nature ({@link #byNature}: a little-endian
 * CPU is assumed, there are no input devices or kprobes from userspace), and a conflict with
 * what the machine runs already ({@link #unlessConflict}: a real {@code /dev/passwd}).
 */
public final class Require {
    /** The property that makes a missing facility a failure. */
    public static final String PROPERTY = "lunatik.requireAll";
    /** The environment variable that does the same. */
    public static final String ENV = "LUNATIK_REQUIRE_ALL";

    private Require() {
    }

    /** Whether a missing facility fails the test rather than skipping it. */
    public static boolean all() {
        return Boolean.getBoolean(PROPERTY) || "1".equals(System.getenv(ENV)) || "true".equals(System.getenv(ENV));
    }

    /**
     * Requires a facility: returns when {@code present}; else skips the test (with
     * {@code what} printed) or, when every facility is required, fails it.
     */
    public static void facility(boolean present, String what) {
        check(all(), present, what);
    }

    /**
     * Like {@link #facility}, for a test that does something lesser without the facility
     * rather than skipping: true when present; false (printed) when missing and not required;
     * fails when missing and required.
     */
    public static boolean present(boolean present, String what) {
        if (present) {
            return true;
        }
        if (all()) {
            Assertions.fail(failMessage(what));
        }
        System.out.println("SKIPPED (in part) " + caller() + ": " + what);
        return false;
    }

    /** The decision itself, with the mode given (tested directly). */
    static void check(boolean requireAll, boolean present, String what) {
        if (present) {
            return;
        }
        if (requireAll) {
            Assertions.fail(failMessage(what));
        }
        System.out.println("SKIPPED " + caller() + ": " + what);
        throw new TestAbortedException(what);
    }

    private static String failMessage(String what) {
        return "missing facility: " + what + " (a failure because " + PROPERTY + "/" + ENV
            + " requires every facility; bin/test installs what it can)";
    }

    /** Root, which the tests of devices, hooks, namespaces and the daemon need. */
    public static void root() {
        facility(isRoot(), "needs root (CI runs as root)");
    }

    /** Whether this JVM runs as root. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** /dev/fuse, readable (by root), which devices are served over. */
    public static void fuse() {
        facility(Files.isReadable(Path.of("/dev/fuse")), "needs /dev/fuse (modprobe fuse; CI has it)");
    }

    /** An executable at {@code path}, from the Debian package {@code pkg}. */
    public static void tool(Path path, String pkg) {
        facility(Files.isExecutable(path), "needs " + path + " (apt-get install " + pkg + "; bin/test installs it)");
    }

    /** A command of the system's folders (/usr/sbin, /sbin, /usr/bin, /bin), from the Debian package {@code pkg}. */
    public static void command(String name, String pkg) {
        boolean found = false;
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            found |= Files.isExecutable(Path.of(dir, name));
        }
        facility(found, "needs the command " + name + " (apt-get install " + pkg + "; bin/test installs it)");
    }

    /** What netfilter hooks run: nft and iptables-nft, and ip for the tests' network namespaces. */
    public static void netfilterTools() {
        command("nft", "nftables");
        command("iptables-nft", "iptables");
        command("ip", "iproute2");
    }

    /**
     * What our machines lack by nature (no input devices, no kprobes from userspace, a
     * big-endian CPU): a skip, with the reason printed, even when every facility is required.
     */
    public static void byNature(boolean present, String what) {
        check(false, present, what);
    }

    /**
     * A condition of the machine that conflicts with the test (what it would make exists
     * already): a skip, with the reason printed, even when every facility is required.
     */
    public static void unlessConflict(boolean conflict, String what) {
        check(false, !conflict, what);
    }

    private static String caller() {
        // the first frame of the tests' own code: not this class, JUnit, AssertJ or the JDK
        return StackWalker.getInstance().walk(s -> s.map(f -> f.getClassName() + "." + f.getMethodName())
            .filter(n -> !n.startsWith(Require.class.getName() + ".") && !n.startsWith("org.junit.")
                && !n.startsWith("org.assertj.") && !n.startsWith("java.") && !n.startsWith("jdk."))
            .findFirst().orElse("?"));
    }
}
