package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks of the test material itself, independent of our engine: every corpus file has its
 * expected output, the expected files are what lua5.4 prints today, and the generated random
 * programs run cleanly and deterministically on lua5.4 (the parts that need lua5.4 are skipped
 * without it).
 */
class CorpusSelfTest {
    /** Text that would make outputs unstable: object addresses. */
    private static final Pattern ADDRESS = Pattern.compile("(table|function|thread|userdata|builtin): (0x)?[0-9a-f]{6,}");
    /** A float-looking number outside of quotes in a KERNEL program's reference output. */
    private static final Pattern FLOAT = Pattern.compile("(?<![\\w.\"])-?(\\d+\\.\\d+|\\d+e[+-]\\d+|inf|nan)(?![\\w\"])");

    @Test
    void everyCorpusFileHasItsExpectedOutput() {
        int count = 0;
        for (String area : List.of(Corpus.FULL, Corpus.BOTH, Corpus.KERNEL)) {
            for (Corpus.Entry e : Corpus.entries(area)) {
                assertThat(Files.isRegularFile(e.expectedFile())).as("%s has %s", e.label(), e.expectedFile().getFileName())
                    .isTrue();
                count++;
            }
        }
        assertThat(count).isGreaterThanOrEqualTo(30);
    }

    @Test
    void generatorIsDeterministic() {
        for (boolean kernel : new boolean[] {false, true}) {
            String a = new ProgramGenerator(42, kernel).program(100).source(false);
            String b = new ProgramGenerator(42, kernel).program(100).source(false);
            String c = new ProgramGenerator(43, kernel).program(100).source(false);
            assertThat(a).isEqualTo(b).isNotEqualTo(c);
        }
    }

    @Test
    void kernelProgramsUseNoFloatSyntax() {
        for (int s = 0; s < 10; s++) {
            ProgramGenerator.Program p = new ProgramGenerator(DifferentialTest.DEFAULT_SEED + DifferentialTest.KERNEL_SEED_OFFSET + s, true)
                .program(ProgramGenerator.CASES_PER_PROGRAM);
            for (int i = 1; i <= p.cases().size(); i++) {
                String src = unquoted(p.caseSource(i));
                assertThat(src).as("case %d of seed %d", i, p.seed()).doesNotContain("^").doesNotContain("math.huge")
                    .doesNotContain("math.pi").doesNotContain("math.type").doesNotContainPattern("(?<![\\w.])\\d+(\\.\\d|e[+-]?\\d)");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> expectedFilesMatchTheReference() {
        if (!ReferenceLua.available()) {
            return DifferentialTest.skippedWithoutReference();
        }
        List<Corpus.Entry> entries = new ArrayList<>(Corpus.entries(Corpus.FULL));
        entries.addAll(Corpus.entries(Corpus.BOTH));
        return entries.stream().map(e -> DynamicTest.dynamicTest("lua5.4 " + e.label(), e.file().toUri(), () -> {
            Run ref = ReferenceLua.runFile(e.dir(), e.name());
            assertThat(ref.failure()).as("lua5.4 on %s", e.label()).isNull();
            assertThat(ref.out()).withFailMessage(() -> e.expectedFile().getFileName()
                + " is stale (run lua-tests/regen-expected.sh)\n" + Corpus.firstDifference(e.expected(), ref.out()))
                .isEqualTo(e.expected());
        }));
    }

    @TestFactory
    Stream<DynamicTest> generatedProgramsRunCleanlyOnTheReference() {
        if (!ReferenceLua.available()) {
            return DifferentialTest.skippedWithoutReference();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long s = DifferentialTest.DEFAULT_SEED + i;
            tests.add(DynamicTest.dynamicTest("FULL seed " + s, () -> checkGenerated(s, false)));
        }
        for (int i = 0; i < 10; i++) {
            long s = DifferentialTest.DEFAULT_SEED + DifferentialTest.KERNEL_SEED_OFFSET + i;
            tests.add(DynamicTest.dynamicTest("KERNEL seed " + s, () -> checkGenerated(s, true)));
        }
        return tests.stream();
    }

    private static void checkGenerated(long seed, boolean kernel) {
        ProgramGenerator.Program p = new ProgramGenerator(seed, kernel).program(ProgramGenerator.CASES_PER_PROGRAM);
        Run ref = ReferenceLua.runStdin(p.bytes(true));
        assertThat(ref.failure()).as("lua5.4 on seed %d", seed).isNull();
        List<String> cases = CaseOutputs.split(ref.out(), p.cases().size());
        assertThat(cases.get(0)).as("output before the first case").isEmpty();
        for (int i = 1; i <= p.cases().size(); i++) {
            String out = cases.get(i);
            String where = "case " + i + " of seed " + seed + ":\n" + p.caseSource(i) + "--- output ---\n" + out;
            assertThat(out).as(where).doesNotContain("<not reached>");
            assertThat(ADDRESS.matcher(out).find()).as("address printed in %s", where).isFalse();
            if (kernel) {
                Matcher m = FLOAT.matcher(unquoted(out));
                assertThat(m.find()).as("float in KERNEL reference output of %s", where).isFalse();
            }
        }
        // a second run catches dependence on hash order or anything else unstable
        Run again = ReferenceLua.runStdin(p.bytes(true));
        assertThat(again.out()).as("second lua5.4 run of seed %d", seed).isEqualTo(ref.out());
    }

    /** The text with the contents of double-quoted strings (as printed by R) removed. */
    private static String unquoted(String s) {
        return s.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
