package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import lunatik.lua.vm.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A function that loops until a finalizer has run ends, on both back-ends and in the JIT's
 * split mode: no JVM local, temporary or frame-array entry keeps the dead object alive. (The
 * corpus program gc_dead_objects.lua bounds its loops; these do not, as a script would.)
 */
class DeadObjectsTest {
    private static final String PROGRAM = """
        local finalized = false
        local function mk() return setmetatable({}, {__gc = function() finalized = true end}) end
        local function waitgc() finalized = false; repeat local y = {}; collectgarbage() until finalized end
        local x = mk()
        x = nil
        waitgc()
        for i, v in ipairs({mk()}) do end
        waitgc()
        for i = 1, 2 do local w = mk() end
        waitgc()
        print(#tostring(mk()) > 0)
        waitgc()
        local function va(...) local t = {...}; t = nil; return select('#', ...) end
        print(va(mk()))
        waitgc()
        if ARGS then
          -- the callee drops its arguments (more than three: they came in an array) and waits
          local function many(a, b, c, d, e) a, b, c, d, e = nil, nil, nil, nil, nil; waitgc() end
          many(mk(), mk(), mk(), mk(), mk())
        end
        print("all finalized")
        """;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void loopsUntilFinalizedEnd() {
        for (int mode = 0; mode < 3; mode++) {
            // the interpreter's own Java frames still hold the arguments of a call in progress
            byte[] src = ((mode != 1 ? "ARGS = true\n" : "") + PROGRAM).getBytes(StandardCharsets.UTF_8);
            OurLua.Counted c = OurLua.runCounted(Dialect.FULL, mode != 1, mode == 2 ? 1 : 0, src, "=dead");
            assertThat(c.run().failure()).as("mode %d", mode).isNull();
            assertThat(c.run().out()).as("mode %d", mode).isEqualTo("true\n1\nall finalized\n");
        }
    }
}
