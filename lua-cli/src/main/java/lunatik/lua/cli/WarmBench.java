package lunatik.lua.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;

/**
 * Times a Lua program warmed up inside one JVM, the daemon's case: the chunk is loaded once and
 * its main function run {@code warmup} times, then {@code runs} timed times; prints the median
 * and best seconds and the program's last "checksum" line.
 *
 * <p>usage: {@code WarmBench [-k] [-v] [-w warmup] [-n runs] script.lua [args]} ({@code -v}: every run's
 * time on stderr, warm-up runs too, and the JVM's uptime as it ended)
 */
public final class WarmBench {
    private WarmBench() {
    }

    public static void main(String[] argv) throws Exception {
        Dialect d = Dialect.FULL;
        int warmup = 3;
        int runs = 5;
        boolean verbose = false;
        int i = 0;
        for (; i < argv.length && argv[i].startsWith("-"); i++) {
            switch (argv[i]) {
                case "-k" -> d = Dialect.KERNEL;
                case "-v" -> verbose = true;
                case "-w" -> warmup = Integer.parseInt(argv[++i]);
                case "-n" -> runs = Integer.parseInt(argv[++i]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        Path script = Path.of(argv[i]);
        Object[] args = new Object[argv.length - i - 1];
        for (int k = 0; k < args.length; k++) {
            args[k] = LuaString.of(argv[i + 1 + k]);
        }
        int w = warmup;
        int n = runs;
        Dialect dialect = d;
        boolean each = verbose;
        double[] times = new double[n];
        String[] checksum = new String[1];
        Thread t = new Thread(null, () -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                LuaState L = Stdlib.newState(dialect);
                L.setOut(new PrintStream(out, true));
                LuaTable arg = new LuaTable();
                arg.put(0L, LuaString.of(script.toString()));
                for (int k = 0; k < args.length; k++) {
                    arg.put((long) k + 1, args[k]);
                }
                L.globals.put(LuaString.of("arg"), arg);
                LuaFunction f = L.loadFile(Files.readAllBytes(script), "@" + script, null);
                for (int k = 0; k < w + n; k++) {
                    out.reset();
                    long t0 = System.nanoTime();
                    L.call(f, args);
                    long t1 = System.nanoTime();
                    if (each) {
                        // (with the JVM's uptime at its end, to match against -Xlog's timestamps)
                        System.err.printf("run %d: %.3f s (uptime %.3f s)%n", k + 1, (t1 - t0) / 1e9,
                            java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
                    }
                    if (k >= w) {
                        times[k - w] = (t1 - t0) / 1e9;
                    }
                }
                String text = out.toString(StandardCharsets.ISO_8859_1);
                for (String line : text.split("\n")) {
                    if (line.startsWith("checksum")) {
                        checksum[0] = line;
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench", 1L << 30);
        t.start();
        t.join();
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        System.out.printf("%s\tmedian_s=%.3f\tbest_s=%.3f\truns=%d\t%s%n", script.getFileName(), median, sorted[0], n,
            checksum[0]);
    }
}
