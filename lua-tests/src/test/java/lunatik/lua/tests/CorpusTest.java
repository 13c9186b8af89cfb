package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lunatik.lua.vm.Dialect;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every corpus program in-process on our engine and compares its output with the
 * {@code .expected} file beside it: {@code full/} in FULL, {@code both/} in FULL and in KERNEL
 * (same expected output), {@code kernel/} in KERNEL; each on both back-ends (functions compiled
 * to JVM bytecode, and the tree interpreter).
 *
 * <p>Convention: corpus programs never end with an uncaught error (they use pcall), so an
 * uncaught error fails the test, with the output printed so far.
 */
class CorpusTest {

    @TestFactory
    Stream<DynamicTest> corpus() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Corpus.Entry e : Corpus.entries(Corpus.FULL)) {
            tests.add(test(e, Dialect.FULL));
        }
        for (Corpus.Entry e : Corpus.entries(Corpus.BOTH)) {
            tests.add(test(e, Dialect.FULL));
            tests.add(test(e, Dialect.KERNEL));
        }
        for (Corpus.Entry e : Corpus.entries(Corpus.KERNEL)) {
            tests.add(test(e, Dialect.KERNEL));
        }
        return tests.stream();
    }

    private static DynamicTest test(Corpus.Entry e, Dialect dialect) {
        return DynamicTest.dynamicTest(dialect + " " + e.label(), e.file().toUri(), () -> {
            check(e, dialect, true, 0);
            check(e, dialect, false, 0);
            check(e, dialect, true, 1);
        });
    }

    /**
     * One back-end: compiled ({@code split} > 0: every function in the JIT's split mode, as if
     * too large for one JVM method, and every function simple enough given its stackless-body
     * code at once, see OurLua), or interpreted. Compiled, no function may be left to the
     * interpreter.
     */
    static void check(Corpus.Entry e, Dialect dialect, boolean compiled, int split) {
        String expected = e.expected();
        OurLua.Counted counted = OurLua.runCounted(dialect, compiled, split, e.source(), "@" + e.name());
        Run run = counted.run();
        String backend = !compiled ? " (interpreted)" : split > 0 ? " (compiled, split)" : " (compiled)";
        if (compiled) {
            assertThat(counted.stats().interpreted()).as("functions of %s left to the interpreter", e.label()).isZero();
        }
        if (!run.ok()) {
            fail("%s in %s stopped with an uncaught error:%n%s%n%s%n--- output so far ---%n%s",
                e.label(), dialect + backend, run.failure(), Corpus.firstDifference(expected, run.out()), run.out());
        }
        assertThat(run.out())
            .withFailMessage(() -> e.label() + " in " + dialect + backend + ": output differs from "
                + e.expectedFile().getFileName() + "\n" + Corpus.firstDifference(expected, run.out()))
            .isEqualTo(expected);
    }
}
