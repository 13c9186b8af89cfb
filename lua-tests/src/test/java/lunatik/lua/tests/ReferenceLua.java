package lunatik.lua.tests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference interpreter: Debian's lua5.4, run as a process. Its path is /usr/bin/lua5.4
 * unless the system property {@code lua.reference} names another.
 */
final class ReferenceLua {
    static final long TIMEOUT_SECONDS = 60;

    private ReferenceLua() {
    }

    static Path path() {
        return Path.of(System.getProperty("lua.reference", "/usr/bin/lua5.4"));
    }

    static boolean available() {
        return Files.isExecutable(path());
    }

    /** Why the tests that need lua5.4 are skipped. */
    static String skipReason() {
        return path() + " not found: differential tests against the reference Lua are skipped"
            + " (install it with 'apt-get install lua5.4'; CI does)";
    }

    /** Runs {@code dir/name} from inside {@code dir}, so that its chunk name is "@name". */
    static Run runFile(Path dir, String name) {
        return run(List.of(path().toString(), name), dir, null);
    }

    /** Runs {@code source} read from standard input: its chunk name is "=stdin". */
    static Run runStdin(byte[] source) {
        try {
            Path tmp = Files.createTempFile("lua-diff-", ".lua");
            try {
                Files.write(tmp, source);
                return run(List.of(path().toString(), "-"), null, tmp.toFile());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run run(List<String> command, Path dir, File stdin) {
        try {
            Path out = Files.createTempFile("lua-ref-out-", ".txt");
            Path err = Files.createTempFile("lua-ref-err-", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
                if (dir != null) {
                    pb.directory(dir.toFile());
                }
                if (stdin != null) {
                    pb.redirectInput(stdin);
                }
                Process p = pb.start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Run(read(out), "lua5.4 timed out after " + TIMEOUT_SECONDS + " s");
                }
                String errText = read(err);
                String failure = p.exitValue() == 0 && errText.isEmpty() ? null
                    : "lua5.4 exit status " + p.exitValue() + ": " + errText;
                return new Run(read(out), failure);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }
}
