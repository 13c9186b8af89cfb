package lunatik.daemon;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import lunatik.cli.LunatikCliAccess;
import lunatik.testsupport.Require;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of a real daemon share: a device folder and a run folder of the test's own, the
 * lunatik command driven in-process on them (its output in {@link #out}), root and /dev/fuse
 * required, and the daemon unloaded after each test.
 */
abstract class DaemonFixture {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dev;
    @TempDir
    Path run;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    LunatikCliAccess cli;

    @BeforeEach
    void fixture() {
        Require.root();
        Require.fuse();
        cli = new LunatikCliAccess(dev, run, new PrintStream(out, true), CHECKOUT, CHECKOUT.resolve("lua"));
    }

    @AfterEach
    void unload() {
        if (cli != null) {
            cli.command("unload");
        }
    }
}
