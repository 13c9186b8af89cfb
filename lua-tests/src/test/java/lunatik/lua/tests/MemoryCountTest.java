package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import lunatik.lua.lib.Stdlib;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.StateHeap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code collectgarbage("count")} is the state's own accounting: what its values take, wherever
 * they are held (globals, locals of compiled or interpreted functions, upvalues, suspended
 * coroutines), and not what other states in the same JVM hold.
 */
class MemoryCountTest {
    private static LuaState state(boolean jit) {
        LuaState L = Stdlib.newState(Dialect.KERNEL);
        L.setJitEnabled(jit);
        return L;
    }

    /** Runs a chunk that returns integers. */
    private static long[] run(LuaState L, String src) {
        Object r = L.call(L.load(src, "=count"));
        Object[] a = lunatik.lua.value.Varargs.toArray(r);
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (Long) a[i];
        }
        return out;
    }

    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void aTableHeldByALocalCountsUntilReleased(boolean jit) {
        assertThat(StateHeap.readsJvmStacks()).as("tests run with java.lang opened").isTrue();
        long[] r = run(state(jit), """
            local base = collectgarbage("count")
            local t = {}
            for i = 1, 100000 do t[i] = i * 1000 end
            local with = collectgarbage("count")
            assert(#t == 100000) -- still in use after the count
            t = nil
            local after = collectgarbage("count")
            return base, with, after
            """);
        long grown = r[1] - r[0];
        // 100,000 references and 100,000 boxed integers: at least 1.6 MB, well under 4 MB
        assertThat(grown).isBetween(1_600_000L, 4_000_000L);
        assertThat(r[2]).isLessThan(r[0] + 100_000);
    }

    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void stringsUpvaluesAndSuspendedCoroutinesCount(boolean jit) {
        long[] r = run(state(jit), """
            local function count() return collectgarbage("count") end
            local base = count()
            local s = string.rep("x", 1000000)
            local withString = count()
            assert(#s == 1000000)
            s = nil
            local holder
            do
              local keep = {}
              for i = 1, 20000 do keep[i] = {} end
              holder = function() return keep end
            end
            local withUpvalue = count()
            assert(#holder() == 20000)
            holder = nil
            local co = coroutine.wrap(function()
              local big = {}
              for i = 1, 20000 do big[i] = {} end
              coroutine.yield()
              return #big
            end)
            co()
            local withCoroutine = count()
            assert(co() == 20000)
            return base, withString, withUpvalue, withCoroutine
            """);
        assertThat(r[1] - r[0]).as("string").isBetween(1_000_000L, 1_100_000L);
        assertThat(r[2] - r[0]).as("tables kept by an upvalue").isGreaterThan(20_000L * 40);
        assertThat(r[3] - r[0]).as("tables kept by a suspended coroutine").isGreaterThan(20_000L * 40);
    }

    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void anotherStatesValuesAreNotCounted(boolean jit) {
        LuaState a = state(jit);
        LuaState b = state(jit);
        long before = run(a, "return collectgarbage('count')")[0];
        run(b, "big = {} for i = 1, 200000 do big[i] = {} end return 0");
        long after = run(a, "return collectgarbage('count')")[0];
        long inB = run(b, "return collectgarbage('count')")[0];
        assertThat(after - before).isLessThan(50_000L);
        assertThat(inB - before).isGreaterThan(200_000L * 40);
    }

    @ParameterizedTest(name = "jit {0}")
    @ValueSource(booleans = {false, true})
    void fullDialectAnswersInKilobytes(boolean jit) {
        LuaState L = Stdlib.newState(Dialect.FULL);
        L.setJitEnabled(jit);
        Object r = L.call1(L.load("local t = {} for i = 1, 1024 do t[i] = {} end "
            + "return collectgarbage('count') - (function() t = nil return collectgarbage('count') end)()", "=kb"));
        assertThat(r).isInstanceOf(Double.class);
        assertThat((Double) r).isBetween(40.0, 200.0);
    }
}
