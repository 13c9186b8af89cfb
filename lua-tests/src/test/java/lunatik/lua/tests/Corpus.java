package lunatik.lua.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The conformance corpus: {@code corpus/full} (FULL dialect only), {@code corpus/both}
 * (integer-only programs with the same output in both dialects) and {@code corpus/kernel}
 * (KERNEL-only behaviour, hand-written expected output). Each {@code X.lua} has its expected
 * standard output in {@code X.expected} beside it.
 */
final class Corpus {
    static final String FULL = "full";
    static final String BOTH = "both";
    static final String KERNEL = "kernel";

    private Corpus() {
    }

    /** One corpus program. */
    record Entry(String area, Path file) {
        /** The file name, which is also its chunk name ("@" + name) in all runs. */
        String name() {
            return file.getFileName().toString();
        }

        String label() {
            return area + "/" + name();
        }

        Path dir() {
            return file.getParent();
        }

        Path expectedFile() {
            return file.resolveSibling(name().replaceFirst("\\.lua$", ".expected"));
        }

        byte[] source() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The expected output, decoded byte for byte like the outputs it is compared with. */
        String expected() {
            try {
                return new String(Files.readAllBytes(expectedFile()), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The corpus directory: from the test classpath, else from the module's sources. */
    static Path root() {
        URL url = Corpus.class.getClassLoader().getResource("corpus");
        if (url != null && url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return Path.of("src", "test", "resources", "corpus");
    }

    /** The programs of one area, sorted by name. */
    static List<Entry> entries(String area) {
        Path dir = root().resolve(area);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".lua"))
                .sorted()
                .map(p -> new Entry(area, p))
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A readable account of where two outputs first differ: line number, both lines, and the
     * lines around it.
     */
    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int n = Math.min(e.length, a.length);
        int i = 0;
        while (i < n && e[i].equals(a[i])) {
            i++;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("first difference at line ").append(i + 1).append('\n');
        sb.append("  expected: ").append(i < e.length ? show(e[i]) : "<end of output>").append('\n');
        sb.append("  actual:   ").append(i < a.length ? show(a[i]) : "<end of output>").append('\n');
        sb.append("  preceding lines:\n");
        for (int k = Math.max(0, i - 3); k < i; k++) {
            sb.append("    ").append(show(e[k])).append('\n');
        }
        return sb.toString();
    }

    /** A line with its control characters made visible. */
    static String show(String line) {
        StringBuilder sb = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c < 32 && c != '\t' || c == 127) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
