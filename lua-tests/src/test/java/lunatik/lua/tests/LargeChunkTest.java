package lunatik.lua.tests;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import lunatik.lua.vm.Dialect;
import org.junit.jupiter.api.Test;

/**
 * A chunk far too large for one JVM method ({@link LargeChunk}: 5,000 lines) runs with every
 * function compiled (the JIT's split mode), and prints what lua5.4 and the interpreter print.
 */
class LargeChunkTest {
    private static final byte[] SOURCE = LargeChunk.generate(42, 5000).getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void largeChunkIsCompiledWhole() {
        assertThat(new String(SOURCE, StandardCharsets.ISO_8859_1).lines().count()).isGreaterThanOrEqualTo(5000);
        for (Dialect d : Dialect.values()) {
            OurLua.Counted compiled = OurLua.runCounted(d, true, 0, SOURCE, "=stdin");
            assertThat(compiled.run().failure()).as("compiled in %s", d).isNull();
            assertThat(compiled.stats().interpreted()).as("functions left to the interpreter in %s", d).isZero();
            assertThat(compiled.stats().compiled()).as("functions compiled in %s", d).isGreaterThan(30);
            System.out.println("large chunk in " + d + ": " + compiled.stats());
            Run interpreted = OurLua.run(d, false, SOURCE, "=stdin");
            assertThat(compiled.run().out()).as("compiled vs interpreted in %s", d).isEqualTo(interpreted.out());
        }
    }

    @Test
    void bigLoopBodyJumpsOutOfHelpers() {
        byte[] src = LargeChunk.bigLoopBody(3000).getBytes(StandardCharsets.ISO_8859_1);
        OurLua.Counted compiled = OurLua.runCounted(Dialect.FULL, true, 0, src, "=stdin");
        assertThat(compiled.run().failure()).isNull();
        assertThat(compiled.stats().interpreted()).isZero();
        String expected = Require.present(ReferenceLua.available(), ReferenceLua.skipReason()) ? ReferenceLua.runStdin(src).out()
            : OurLua.run(Dialect.FULL, false, src, "=stdin").out();
        assertThat(compiled.run().out()).isEqualTo(expected);
        assertThat(OurLua.run(Dialect.FULL, false, src, "=stdin").out()).isEqualTo(expected);
    }

    @Test
    void largeChunkMatchesReference() {
        Require.tool(ReferenceLua.path(), "lua5.4");
        Run ref = ReferenceLua.runStdin(SOURCE);
        assertThat(ref.failure()).as("lua5.4").isNull();
        Run ours = OurLua.run(Dialect.FULL, SOURCE, "=stdin");
        assertThat(ours.failure()).isNull();
        assertThat(ours.out()).isEqualTo(ref.out());
    }
}
