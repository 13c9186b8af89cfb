package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import lunatik.lua.vm.Dialect;
import org.junit.jupiter.api.Test;

/**
 * The compiled back-end keeps as JVM longs the locals that only ever hold integers by the form
 * of what is assigned to them, and no others; the outputs are the interpreter's. (Their
 * behaviour against lua5.4 is the corpus' int_locals programs; this checks which locals the
 * analysis takes, so that the speed-up cannot quietly go.)
 */
class IntegerLocalsTest {
    private static final String COUNTERS = """
        local function f(n)
          local count, i = 0, 1            -- integers for sure: two longs
          while i <= n do count = count + i; i = i + 1 end
          local s = "x"                    -- a string
          local h = 0; h = h + n           -- given a parameter's sum: maybe not an integer
          local c = 0; c = select(2, 1, 2) -- given a call's result
          local u = 0; local g = function() return u end -- captured
          local q = 1; q = (q + 4) // 2 * 3 % 5 << 1 -- integers for sure: one long
          return count, s, h, c, g(), q
        end
        print(f(10))
        for k = 1, 3 do end                -- a loop variable never assigned: one long
        """;

    private static OurLua.Counted run(Dialect d, boolean compiled, String source) {
        return OurLua.runCounted(d, compiled, 0, source.getBytes(StandardCharsets.ISO_8859_1), "=stdin");
    }

    @Test
    void onlyLocalsThatHoldIntegersForSureAreLongs() {
        for (Dialect d : Dialect.values()) {
            OurLua.Counted compiled = run(d, true, COUNTERS);
            assertThat(compiled.run().failure()).as("in %s", d).isNull();
            assertThat(compiled.run().out()).as("in %s", d).isEqualTo("55\tx\t10\t2\t0\t2\n")
                .isEqualTo(run(d, false, COUNTERS).run().out());
            assertThat(compiled.stats().longLocals()).as("longs in %s", d).isEqualTo(4);
        }
    }

    @Test
    void aChunkThatCanSetLocalsKeepsOnlyUnassignedLoopVariablesAsLongs() {
        // debug.setlocal may store any value in a local: only a loop variable never assigned
        // stays a long (setlocal refuses a non-integer for it, as before)
        String source = "local setlocal = debug.setlocal\n" + COUNTERS;
        OurLua.Counted compiled = run(Dialect.FULL, true, source);
        assertThat(compiled.run().failure()).isNull();
        assertThat(compiled.stats().longLocals()).isEqualTo(1);
    }
}
