package lunatik.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lunatik.cli.LunatikCliAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon and the lunatik command for real: a daemon process serving its control device in
 * a test folder (FUSE), scripts run, listed and stopped through it.
 */
class DaemonTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dev;
    @TempDir
    Path run;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LunatikCliAccess cli;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name")),
            "needs root and /dev/fuse (CI has both)");
        cli = new LunatikCliAccess(dev, run, new PrintStream(out, true), CHECKOUT, CHECKOUT.resolve("lua"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (cli != null) {
            cli.command("unload");
        }
    }

    @Test
    void loadRunReadListStopUnload() throws Exception {
        assertThat(cli.command("load")).isZero();
        assertThat(Files.exists(dev.resolve("lunatik"))).isTrue();
        assertThat(cli.command("run", "examples/passwd")).isZero();
        byte[] b = new byte[16];
        try (var in = Files.newInputStream(dev.resolve("passwd"))) {
            int n = 0;
            while (n < 16) {
                n += in.read(b, n, 16 - n);
            }
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertThat(s).hasSize(16).matches("[\\x20-\\x7e]{16}");
        out.reset();
        cli.command("list");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("examples/passwd");
        assertThat(cli.command("stop", "examples/passwd")).isZero();
        assertThat(Files.exists(dev.resolve("passwd"))).isFalse();
        assertThat(cli.command("unload")).isZero();
        assertThat(Files.exists(dev.resolve("lunatik"))).isFalse();
    }
}
