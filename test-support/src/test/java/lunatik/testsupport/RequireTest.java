package lunatik.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequireTest {
    @Test
    void aMissingFacilityIsASkipWithoutTheFlagAndAFailureWithIt() {
        assertThatThrownBy(() -> Require.check(false, false, "needs X"))
            .isInstanceOf(TestAbortedException.class).hasMessage("needs X");
        assertThatThrownBy(() -> Require.check(true, false, "needs X"))
            .isInstanceOf(AssertionFailedError.class).hasMessageContaining("missing facility: needs X");
        assertThatCode(() -> Require.check(true, true, "needs X")).doesNotThrowAnyException();
    }

    /** Through the public entry, with the property as .ci/run would give it. */
    @Test
    void thePropertyTurnsAMissingToolIntoAFailure() {
        String before = System.getProperty(Require.PROPERTY);
        try {
            System.setProperty(Require.PROPERTY, "true");
            assertThatThrownBy(() -> Require.tool(Path.of("/nonexistent/lua5.4"), "lua5.4"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("apt-get install lua5.4");
            assertThatThrownBy(() -> Require.present(false, "needs Y")).isInstanceOf(AssertionFailedError.class);
            // what our machines lack by nature stays a skip
            assertThatThrownBy(() -> Require.byNature(false, "no kprobes"))
                .isInstanceOf(TestAbortedException.class);
            System.setProperty(Require.PROPERTY, "false");
            if (!Require.all()) { // unless the environment variable requires everything
                assertThatThrownBy(() -> Require.tool(Path.of("/nonexistent/lua5.4"), "lua5.4"))
                    .isInstanceOf(TestAbortedException.class);
            }
        } finally {
            if (before == null) {
                System.clearProperty(Require.PROPERTY);
            } else {
                System.setProperty(Require.PROPERTY, before);
            }
        }
    }
}
