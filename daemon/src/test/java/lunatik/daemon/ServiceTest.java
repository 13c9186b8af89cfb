package lunatik.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lunatik.cli.LunatikCliAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a service an operator runs for weeks: its control device serves many clients at
 * once, each with its own result; chunks of any size up to a cap.
 */
class ServiceTest {
    @TempDir
    Path dev;
    @TempDir
    Path run;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    LunatikCliAccess cli;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name")),
            "needs root and /dev/fuse (CI has both)");
        cli = new LunatikCliAccess(dev, run, new PrintStream(out, true), DaemonTest.CHECKOUT,
            DaemonTest.CHECKOUT.resolve("lua"));
        assertThat(cli.command("load")).isZero();
    }

    @AfterEach
    void tearDown() {
        if (cli != null) {
            cli.command("unload");
        }
    }

    /** A chunk written as Lunatik's command does (one open to write, then one to read); its result. */
    private String chunk(String lua) throws IOException {
        return chunk(lua.getBytes(StandardCharsets.UTF_8));
    }

    private String chunk(byte[] lua) throws IOException {
        Path d = dev.resolve("lunatik");
        try (OutputStream o = Files.newOutputStream(d)) {
            o.write(lua);
        }
        try (InputStream in = Files.newInputStream(d)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sixteenClientsAtOnceEachGetTheirOwnResults() throws Exception {
        int clients = 16;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                all.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        String expected = "client " + client + " round " + i;
                        String lua = i % 3 == 0 ? "error('" + expected + "', 0)" : "return '" + expected + "'";
                        String got = chunk(lua);
                        if (!got.equals(expected)) {
                            wrong.add(expected + " read \"" + got + "\"");
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : all) {
                wrong.addAll(f.get());
            }
            assertThat(wrong).as("results read by the wrong client, or lost").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failingCommandsInParallelEachFail() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String script = i % 2 == 0 ? "examples/missing" + i : "examples/passwd";
                codes.add(pool.submit(() -> {
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    LunatikCliAccess c = new LunatikCliAccess(dev, run, new PrintStream(o, true), DaemonTest.CHECKOUT,
                        DaemonTest.CHECKOUT.resolve("lua"));
                    int rc = c.command("run", script);
                    if (script.contains("missing")) {
                        assertThat(o.toString(StandardCharsets.UTF_8)).contains("cannot open").contains(script);
                    }
                    return rc;
                }));
            }
            int failed = 0;
            int succeeded = 0;
            for (int i = 0; i < codes.size(); i++) {
                int rc = codes.get(i).get();
                if (i % 2 == 0) {
                    assertThat(rc).as("run of a missing script").isEqualTo(1);
                    failed++;
                } else if (rc == 0) {
                    succeeded++; // the first run of passwd; the others say it is already running
                }
            }
            assertThat(failed).isEqualTo(16);
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChunkOfAMegabyteRunsAndOneOverTheCapIsRefused() throws Exception {
        StringBuilder b = new StringBuilder("local t = {}\n");
        int n = 0;
        while (b.length() < 1 << 20) {
            b.append("t[#t + 1] = ").append(n++).append(" -- padding padding padding\n");
        }
        b.append("return #t");
        assertThat(b.length()).isGreaterThan(1 << 20);
        assertThat(chunk(b.toString())).isEqualTo(String.valueOf(n));
        byte[] huge = new byte[(16 << 20) + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThat(chunk(huge)).isEqualTo("chunk too large (more than 16777216 bytes)");
        assertThat(chunk("return 'still answering'")).isEqualTo("still answering");
    }

    @Test
    void aResultLongerThanOneReadIsReadWhole() throws Exception {
        String r = chunk("return string.rep('abcdefgh', 100000)");
        assertThat(r).hasSize(800_000).startsWith("abcdefgh").endsWith("abcdefgh");
    }
}
