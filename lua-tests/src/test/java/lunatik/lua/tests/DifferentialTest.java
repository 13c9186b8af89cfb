package lunatik.lua.tests;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import lunatik.lua.vm.Dialect;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential tests: the same programs on the reference lua5.4 and on our engine, outputs
 * compared exactly. Skipped, with the reason printed, when lua5.4 is not installed.
 *
 * <ul>
 *   <li>the corpus {@code full/} and {@code both/} files in FULL (catches stale expected files);
 *   <li>the corpus {@code both/} files in KERNEL (they are written with {@code //} only);
 *   <li>random programs from {@link ProgramGenerator}: FULL ones, and integer-only KERNEL ones
 *       whose {@code /} is given to lua5.4 as {@code //}; the same programs on every run (from
 *       the fixed seed {@value #DEFAULT_SEED}) and new ones on each run, from a seed drawn at
 *       random and printed ("DifferentialTest: this run's seed is N").
 * </ul>
 *
 * <p>System properties: {@code lua.diff.seed} (the seed of the new programs, to replay a run:
 * {@code -Dlua.diff.seed=N}), {@code lua.diff.fullPrograms} and {@code lua.diff.kernelPrograms}
 * (fixed-seed programs; defaults 20 and 10), {@code lua.diff.newFullPrograms} and
 * {@code lua.diff.newKernelPrograms} (new programs; defaults 10 and 5). Each program has
 * {@value ProgramGenerator#CASES_PER_PROGRAM} cases: 9000 cases by default. A failing random
 * program is written to {@code target/differential-failures/}.
 */
class DifferentialTest {
    static final long DEFAULT_SEED = 20_250_601L;
    /** KERNEL programs use seeds from here on, so that they differ from the FULL ones. */
    static final long KERNEL_SEED_OFFSET = 1_000_000L;

    /** The seed of this run's new programs: drawn at random, unless lua.diff.seed replays one. */
    private static final long RUN_SEED = Long.getLong("lua.diff.seed",
        Math.floorMod(new java.util.Random().nextLong(), 1_000_000_000_000L));

    /**
     * Without lua5.4, a factory yields this single test instead, which prints the reason and is
     * reported as skipped.
     */
    static Stream<DynamicTest> skippedWithoutReference() {
        return Stream.of(DynamicTest.dynamicTest("skipped: lua5.4 not installed", () -> {
            Require.tool(ReferenceLua.path(), "lua5.4");
        }));
    }

    // ------------------------------------------------------------------ corpus

    @TestFactory
    Stream<DynamicTest> corpusInFullAgainstReference() {
        if (!ReferenceLua.available()) {
            return skippedWithoutReference();
        }
        List<Corpus.Entry> entries = new ArrayList<>(Corpus.entries(Corpus.FULL));
        entries.addAll(Corpus.entries(Corpus.BOTH));
        return entries.stream().map(e -> DynamicTest.dynamicTest("FULL " + e.label(), e.file().toUri(),
            () -> compareFile(e, Dialect.FULL)));
    }

    @TestFactory
    Stream<DynamicTest> corpusBothInKernelAgainstReference() {
        if (!ReferenceLua.available()) {
            return skippedWithoutReference();
        }
        return Corpus.entries(Corpus.BOTH).stream().map(e -> DynamicTest.dynamicTest("KERNEL " + e.label(),
            e.file().toUri(), () -> compareFile(e, Dialect.KERNEL)));
    }

    private static void compareFile(Corpus.Entry e, Dialect dialect) {
        Run ref = ReferenceLua.runFile(e.dir(), e.name());
        assertThat(ref.failure()).as("lua5.4 on %s (corpus programs must not fail)", e.label()).isNull();
        Run ours = OurLua.run(dialect, e.source(), "@" + e.name());
        if (!ours.ok()) {
            fail("%s in %s stopped with an uncaught error:%n%s%n%s", e.label(), dialect, ours.failure(),
                Corpus.firstDifference(ref.out(), ours.out()));
        }
        assertThat(ours.out())
            .withFailMessage(() -> e.label() + " in " + dialect + " differs from lua5.4\n"
                + Corpus.firstDifference(ref.out(), ours.out()))
            .isEqualTo(ref.out());
    }

    // ------------------------------------------------------------------ random programs

    @TestFactory
    Stream<DynamicTest> randomProgramsInFull() {
        if (!ReferenceLua.available()) {
            return skippedWithoutReference();
        }
        return Stream.concat(
            programs("FULL random program, fixed seed ", DEFAULT_SEED, Integer.getInteger("lua.diff.fullPrograms", 20), false),
            programs("FULL random program, this run's seed ", runSeed(), Integer.getInteger("lua.diff.newFullPrograms", 10), false));
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsInKernel() {
        if (!ReferenceLua.available()) {
            return skippedWithoutReference();
        }
        return Stream.concat(
            programs("KERNEL random program, fixed seed ", DEFAULT_SEED + KERNEL_SEED_OFFSET,
                Integer.getInteger("lua.diff.kernelPrograms", 10), true),
            programs("KERNEL random program, this run's seed ", runSeed() + KERNEL_SEED_OFFSET,
                Integer.getInteger("lua.diff.newKernelPrograms", 5), true));
    }

    private static Stream<DynamicTest> programs(String label, long first, int n, boolean kernel) {
        return IntStream.range(0, n).mapToObj(i -> first + i).map(s -> DynamicTest.dynamicTest(
            label + s, () -> compareRandom(s, kernel)));
    }

    /* This run's seed, printed so that a failure can be replayed. */
    private static long runSeed() {
        System.out.println("DifferentialTest: this run's seed is " + RUN_SEED + " (replay with -Dlua.diff.seed="
            + RUN_SEED + ")");
        return RUN_SEED;
    }

    /**
     * Lua 5.4.4 reports integer division and modulo by zero at the line of the last instruction
     * that saved its position, not of the operation (the arithmetic instructions do not save it;
     * later releases fix this). We report the operation's line, so these lines are not compared.
     */
    private static final java.util.regex.Pattern ZERO_DIVISION =
        java.util.regex.Pattern.compile(":\\d+: (attempt to divide by zero|attempt to perform 'n%0')");

    static String normalize(String caseOutput) {
        return caseOutput == null ? null : ZERO_DIVISION.matcher(caseOutput).replaceAll(":?: $1");
    }

    private static void compareRandom(long seed, boolean kernel) {
        ProgramGenerator.Program program = new ProgramGenerator(seed, kernel).program(ProgramGenerator.CASES_PER_PROGRAM);
        Dialect dialect = kernel ? Dialect.KERNEL : Dialect.FULL;
        Run ref = ReferenceLua.runStdin(program.bytes(true));
        if (!ref.ok()) {
            Path saved = save(program, dialect);
            fail("lua5.4 failed on the generated program (a generator bug), seed %d, saved as %s:%n%s",
                seed, saved, ref.failure());
        }
        // even seeds run compiled to JVM bytecode, odd seeds on the tree interpreter
        boolean compiled = seed % 2 == 0;
        Run ours = OurLua.run(dialect, compiled, program.bytes(false), "=stdin");
        List<String> expected = CaseOutputs.split(ref.out(), program.cases().size());
        List<String> actual = CaseOutputs.split(ours.out(), program.cases().size());
        List<Integer> bad = new ArrayList<>();
        for (int i = 1; i <= program.cases().size(); i++) {
            if (!normalize(expected.get(i)).equals(normalize(actual.get(i)))) {
                bad.add(i);
            }
        }
        if (bad.isEmpty() && ours.ok() && expected.get(0).equals(actual.get(0))) {
            return;
        }
        Path saved = save(program, dialect);
        StringBuilder msg = new StringBuilder();
        msg.append(dialect).append(compiled ? " (compiled)" : " (interpreted)")
            .append(" random program, seed ").append(seed).append(": ");
        if (!ours.ok()) {
            msg.append("our engine stopped: ").append(ours.failure()).append('\n');
        }
        msg.append(bad.size()).append(" of ").append(program.cases().size()).append(" cases differ");
        if (!bad.isEmpty()) {
            msg.append(" (").append(bad.subList(0, Math.min(20, bad.size()))).append(bad.size() > 20 ? " ..." : "")
                .append(")\n");
            int first = bad.get(0);
            msg.append("--- case ").append(first).append(" ---\n").append(program.caseSource(first));
            msg.append("--- lua5.4 ---\n").append(orNone(expected.get(first)));
            msg.append("--- ours ---\n").append(orNone(actual.get(first)));
        }
        msg.append("\n(this run's seed: ").append(RUN_SEED).append("; -Dlua.diff.seed=").append(RUN_SEED)
            .append(" replays its programs)");
        msg.append("\nprogram saved as ").append(saved).append("; regenerate it with: $(bin/jdk25)/bin/java -cp lua-tests/target/test-classes ")
            .append(ProgramGenerator.class.getName()).append(kernel ? " --kernel " : " ").append(seed).append('\n');
        fail(msg.toString());
    }

    private static String orNone(String output) {
        return output.isEmpty() ? "<no output>\n" : output;
    }

    /** Writes both renderings of a failing program under target/differential-failures/. */
    private static Path save(ProgramGenerator.Program program, Dialect dialect) {
        Path dir = Path.of("target", "differential-failures");
        String base = dialect.name().toLowerCase() + "-" + program.seed();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(base + ".lua"), program.source(false), StandardCharsets.UTF_8);
            if (program.kernel()) {
                Files.writeString(dir.resolve(base + "-reference.lua"), program.source(true), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(base + ".lua").toAbsolutePath();
    }
}
