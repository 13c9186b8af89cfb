package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lunatik.testsupport.Require;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Honest CI, end to end through a real test: with lua5.4 missing, the differential tests are
 * skipped, and with every facility required (what .ci/run asks) they fail.
 */
class RequireAllTest {
    @Test
    void aMissingLua54FailsTheDifferentialTestsUnderTheFlag() {
        String reference = System.getProperty("lua.reference");
        String all = System.getProperty(Require.PROPERTY);
        try {
            System.setProperty("lua.reference", "/nonexistent/lua5.4");
            System.setProperty(Require.PROPERTY, "true");
            DynamicTest t = new DifferentialTest().corpusInFullAgainstReference().findFirst().orElseThrow();
            assertThatThrownBy(() -> t.getExecutable().execute())
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("missing facility").hasMessageContaining("/nonexistent/lua5.4");
            System.setProperty(Require.PROPERTY, "false");
            if (!Require.all()) { // unless LUNATIK_REQUIRE_ALL=1 is in the environment (CI)
                DynamicTest u = new DifferentialTest().randomProgramsInKernel().findFirst().orElseThrow();
                assertThatThrownBy(() -> u.getExecutable().execute()).isInstanceOf(TestAbortedException.class);
            }
        } finally {
            restore("lua.reference", reference);
            restore(Require.PROPERTY, all);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
